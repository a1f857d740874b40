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

from rapidfuzz import fuzz, process

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


def _name_words(name: str) -> tuple[str, ...]:
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


@dataclass(frozen=True)
class _Index:
    """The hotel's room type names, read once: each name's words, and every word of every
    name (what a message word may match)."""

    names: tuple[tuple[str, tuple[str, ...]], ...]  # (type id, a name's words), in order
    vocabulary: Mapping[str, frozenset[str]]  # type id -> the words of all its names
    name_words: frozenset[str]  # every word of any name
    long_words: tuple[str, ...]  # those long enough for a typo to stand for them


# The same few room types come with every message: the index is built once per catalogue.
@lru_cache(maxsize=64)
def _index(key: tuple[tuple[str, tuple[str, ...]], ...]) -> _Index:
    names = []
    vocabulary: dict[str, set[str]] = {}
    for type_id, type_names in key:
        for name in type_names:
            words = _name_words(name)
            vocabulary.setdefault(type_id, set()).update(words)
            if words:
                names.append((type_id, words))
    distinct = tuple(dict.fromkeys(word for _, words in names for word in words))
    return _Index(
        names=tuple(names),
        vocabulary={type_id: frozenset(words) for type_id, words in vocabulary.items()},
        name_words=frozenset(distinct),
        long_words=tuple(word for word in distinct if len(word) >= _TYPO_MIN_LENGTH),
    )


def _catalogue_key(room_types: Sequence[RoomTypeName]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each type's id and names, in order (every language's): hashable, for `_index`."""
    return tuple(
        (room_type.id, tuple(name for names in room_type.names.values() for name in names))
        for room_type in room_types
    )


def _words_matched(word: str, index: _Index) -> frozenset[str]:
    """The name words `word` stands for: itself, or, when both are long enough, a name word
    it spells with a typo (ratio >= 85). One rapidfuzz pass over the whole vocabulary, once
    per message word, rather than one comparison per word of every name."""
    exact = {word} if word in index.name_words else set()
    if len(word) < _TYPO_MIN_LENGTH:
        return frozenset(exact)
    close = process.extract(
        word, index.long_words, scorer=fuzz.ratio, score_cutoff=_TYPO_RATIO, limit=None
    )
    return frozenset(exact | {name for name, _, _ in close})


def _matches(
    words: list[str], matched: list[frozenset[str]], type_id: str, name: tuple[str, ...]
) -> list[_Match]:
    """Where the name is said; `matched[i]`: the name words `words[i]` stands for."""
    found = []
    size = len(name)
    if size == 1:
        for index, word in enumerate(words):
            exact = word == name[0]
            if (exact or name[0] in matched[index]) and _single_word_ok(words, index, exact):
                found.append(_Match(type_id, index, 1))
        return found
    needed = max(2, math.ceil(size * _MULTI_WORD_SHARE))
    if sum(1 for said in matched if not said.isdisjoint(name)) < needed:
        return found  # no window of the message can hold enough of the name's words
    hits = [frozenset(j for j, part in enumerate(name) if part in said) for said in matched]
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
    index = _index(_catalogue_key(room_types))
    words = _words(text)
    by_word = {word: _words_matched(word, index) for word in set(words)}
    matched = [by_word[word] for word in words]
    said = frozenset().union(*matched)
    found: list[_Match] = []
    for type_id, name_words in index.names:
        if not said.isdisjoint(name_words):  # a name none of whose words is said is not
            found += _matches(words, matched, type_id, name_words)
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
    message_words = set(words)
    scores = {
        type_id: (size, len(message_words & index.vocabulary[type_id]))
        for type_id, size in coverage.items()
    }
    ranked = sorted(scores, key=lambda type_id: scores[type_id], reverse=True)
    if len(ranked) > 1 and scores[ranked[0]] == scores[ranked[1]]:
        return None
    return ranked[0]
