"""Which of the hotel's room types the guest names, by fuzzy match (rapidfuzz) on its names.

Guards against ordinary sentences:
- A one-word name ("suite", "doble", "single") counts only in a room context: a reply of three
  words at most ("la suite"), next to a room word ("habitación doble"), or after an article or
  number ("a single", "dos dobles"), and never before a word it merely qualifies ("a single
  night"). Elsewhere "double check" or "un asunto familiar" would name rooms. Typos
  ("individul") are accepted only next to a room word.
- Names of several words ("vista al mar", "family room") match anywhere, word by word in order
  (a word may have a typo, ratio >= 85, or be missing from a name of five words or more), so that
  a shared "habitación" alone never matches.
- When names of several types are found, the type covering most words wins ("doble con vista
  al mar" is the sea-view double), then the type sharing most words with the message ("a double
  room with sea view": "double" is in the sea-view double's name too); a tie ("una doble y una
  individual") gives None, so that the dialogue asks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from hotel_agent.nlu.entities.folding import fold


@dataclass(frozen=True)
class RoomTypeName:
    """How guests may name one room type: its id and names or synonyms per language."""

    id: str
    names: Mapping[str, Sequence[str]] = field(default_factory=dict)


_WORD = re.compile(r"[a-z0-9]+")
_ROOM_WORDS = frozenset({"habitacion", "cuarto", "hab", "room", "suite"})
_COUNT_WORDS = frozenset({
    "a", "an", "one", "the", "un", "una", "uno", "la", "el", "dos", "two", "tres", "three",
    "cuatro", "four", "1", "2", "3", "4", "5", "otra", "another", "this", "that", "esta", "este",
    "esa", "ese", "alguna", "algun", "some", "any", "your", "vuestra", "su",
})  # fmt: skip
_QUALIFIED = frozenset({
    "night", "noche", "bed", "cama", "check", "occupancy", "ocupacion", "day", "dia", "supplement",
    "suplemento",
})  # fmt: skip
_SHORT_MESSAGE = 3  # words: a reply such as "la suite" or "una doble, gracias"
_TYPO_RATIO = 85.0
_TYPO_MIN_LENGTH = 4  # after stemming: "dobel" for "dobl" (doble)
_MULTI_WORD_SHARE = 0.8


def _stem(word: str) -> str:
    """One key for singular and plural, applied alike to names and messages.

    "dobles", "doble" -> "dobl"; "doubles" -> "doubl"; "individuales" -> "individual".
    """
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e") and word[-2] in "lrn":
        word = word[:-1]
    return word


def _words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(fold(text))]


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    """A room type name's words: the same few names are matched against every message."""
    return tuple(_words(name))


@dataclass(frozen=True)
class _Match:
    type_id: str
    first: int  # word index in the message
    size: int


def _room_context(words: list[str], index: int) -> bool:
    near = words[max(0, index - 2) : index] + words[index + 1 : index + 3]
    return any(word in _ROOM_WORDS for word in near)


def _single_word_ok(words: list[str], index: int, exact: bool) -> bool:
    if _room_context(words, index):
        return True
    after = words[index + 1] if index + 1 < len(words) else ""
    if not exact or after in _QUALIFIED:
        return False
    return len(words) <= _SHORT_MESSAGE or (index > 0 and words[index - 1] in _COUNT_WORDS)


@lru_cache(maxsize=16384)
def _same_word(said: str, name: str) -> bool:
    if said == name:
        return True
    short = min(len(said), len(name)) < _TYPO_MIN_LENGTH
    return not short and fuzz.ratio(said, name) >= _TYPO_RATIO


def _aligned(hits: list[frozenset[int]], size: int) -> int:
    """How many words of a name appear in order in a window, given each window word's hits
    (the positions of the name words it matches): a longest common subsequence."""
    row = [0] * (size + 1)
    for matched in hits:
        diagonal = 0
        for j in range(1, size + 1):
            above = row[j]
            row[j] = diagonal + 1 if j - 1 in matched else max(row[j], row[j - 1])
            diagonal = above
    return row[-1]


def _matches(words: list[str], type_id: str, name: list[str]) -> list[_Match]:
    found = []
    size = len(name)
    if size == 1:
        for index, word in enumerate(words):
            exact = word == name[0]
            if (exact or _same_word(word, name[0])) and _single_word_ok(words, index, exact):
                found.append(_Match(type_id, index, 1))
        return found
    hits = [frozenset(j for j, part in enumerate(name) if _same_word(word, part)) for word in words]
    needed = max(2, math.ceil(size * _MULTI_WORD_SHARE))
    for window in range(max(2, size - 1), size + 2):
        for index in range(len(words) - window + 1):
            span = hits[index : index + window]
            if sum(1 for matched in span if matched) >= needed and _aligned(span, size) >= needed:
                found.append(_Match(type_id, index, window))
    return found


def match_room_type(text: str, room_types: Sequence[RoomTypeName]) -> str | None:
    """The id of the room type `text` names, or None when none (or several equally) is named."""
    if not room_types:
        return None
    words = _words(text)
    found: list[_Match] = []
    vocabulary: dict[str, set[str]] = {}
    for room_type in room_types:
        for names in room_type.names.values():
            for name in names:
                name_words = list(_name_words(name))
                vocabulary.setdefault(room_type.id, set()).update(name_words)
                if name_words:
                    found += _matches(words, room_type.id, name_words)
    # Longer matches first; a match inside a longer one of any type is not a mention of its own.
    found.sort(key=lambda m: (-m.size, m.first))
    taken: set[int] = set()
    coverage: dict[str, int] = {}
    for match in found:
        span = set(range(match.first, match.first + match.size))
        if span & taken:
            continue
        taken |= span
        coverage[match.type_id] = coverage.get(match.type_id, 0) + match.size
    if not coverage:
        return None
    said = set(words)
    scores = {
        type_id: (size, len(said & vocabulary[type_id])) for type_id, size in coverage.items()
    }
    ranked = sorted(scores, key=lambda type_id: scores[type_id], reverse=True)
    if len(ranked) > 1 and scores[ranked[0]] == scores[ranked[1]]:
        return None
    return ranked[0]
