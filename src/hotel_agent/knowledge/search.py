"""Which FAQ entry a free question is about, by the entries' keywords.

Messages and keywords are read alike: case and accents folded, split into words, function
words dropped and plurals reduced, so "¿Puedo dejar mis maletas?" reads `dejar maleta` and
matches the keyword "dejar las maletas". A keyword matches where all its words appear
one after the other (a word of five letters or more may carry a typo: "equipage").

An entry scores the words of every keyword of it that matches, so "can I leave my luggage
after check-out?" belongs to the luggage entry ("luggage", "leave luggage", "after check out")
rather than to check-out ("check out"). A tie between entries means the question is about
both or neither; the caller gets nothing rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from hotel_agent.nlu.entities.folding import fold

_WORD = re.compile(r"[a-z0-9]+")

# Words that carry no topic: dropping them lets "leave my luggage" match "leave luggage" and
# "¿dónde está el hotel?" match "dónde hotel". Question words ("where", "dónde", "cómo") and
# "in"/"out" stay: keywords such as "dónde estáis" and "check in" need them.
FUNCTION_WORDS = frozenset({
    # Spanish (folded)
    "el", "la", "lo", "los", "las", "un", "una", "unos", "unas", "de", "del", "al", "a", "y",
    "o", "u", "e", "en", "con", "por", "para", "que", "se", "me", "te", "le", "les", "nos",
    "os", "mi", "mis", "tu", "tus", "su", "sus", "nuestro", "nuestra", "vuestro", "vuestra",
    "es", "son", "esta", "estan", "hay", "ser", "estar", "puedo", "puede", "podemos",
    "podria", "podriamos", "pueden", "yo", "favor", "porfa", "hola", "gracias", "muy",
    # English
    "the", "an", "of", "to", "for", "on", "at", "by", "with", "and", "or", "my", "our",
    "your", "his", "her", "its", "their", "is", "are", "am", "was", "were", "be", "been",
    "do", "does", "did", "can", "could", "would", "will", "shall", "should", "may", "might",
    "must", "s", "d", "ll", "re", "ve", "m", "t", "i", "we", "us", "it", "this", "that",
    "there", "any", "some", "please", "hi", "hello", "thanks", "what",
})  # fmt: skip

_TYPO_RATIO = 85.0
# Shorter words must match exactly: "cita" is not "cinta", "bus" is not "bar".
_TYPO_MIN_LENGTH = 5
# One whole keyword word, or a close typo of one: below this an entry is not "found".
MIN_SCORE = 0.85


def _stem(word: str) -> str:
    """One form for singular and plural: "maletas" and "maleta", "habitaciones" and
    "habitacion", "towels" and "towel"."""
    if len(word) > 5 and word.endswith("es") and word[-3] in "lnrd":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def search_words(text: str) -> tuple[str, ...]:
    """The words of `text` that can point to a topic, in order, folded and stemmed."""
    return tuple(_stem(w) for w in _WORD.findall(fold(text)) if w not in FUNCTION_WORDS)


@lru_cache(maxsize=65536)
def _similarity(said: str, keyword: str) -> float:
    if said == keyword:
        return 1.0
    if min(len(said), len(keyword)) < _TYPO_MIN_LENGTH:
        return 0.0
    ratio = fuzz.ratio(said, keyword)
    return ratio / 100.0 if ratio >= _TYPO_RATIO else 0.0


def _keyword_score(said: Sequence[str], keyword: Sequence[str]) -> float:
    """The best match of all of `keyword`'s words, consecutive in `said`; 0 when none."""
    best = 0.0
    size = len(keyword)
    for start in range(len(said) - size + 1):
        total = 0.0
        for offset, part in enumerate(keyword):
            similarity = _similarity(said[start + offset], part)
            if not similarity:
                break
            total += similarity
        else:
            best = max(best, total)
    return best


@dataclass(frozen=True)
class _Indexed:
    position: int  # of the entry in the hotel's list
    keywords: dict[str, tuple[tuple[str, ...], ...]]  # by language, each as search words


class KeywordIndex:
    """The keywords of a list of entries, read once, searched per message."""

    def __init__(self, keywords: Iterable[Mapping[str, Sequence[str]]]) -> None:
        self._entries = tuple(
            _Indexed(position, {lang: _unique_words(kws) for lang, kws in by_language.items()})
            for position, by_language in enumerate(keywords)
        )
        self._languages = tuple(
            dict.fromkeys(lang for entry in self._entries for lang in entry.keywords)
        )

    def best(self, text: str, language: str) -> int | None:
        """The position of the entry `text` is about, or None when none matches confidently.

        The keywords of `language` are tried first; the others only when those find nothing,
        since guests mix languages ("Can I pay con tarjeta?")."""
        said = search_words(text)
        if not said:
            return None
        others = tuple(lang for lang in self._languages if lang != language)
        for languages in ((language,), others):
            ranked = self._rank(said, languages)
            if ranked:
                if len(ranked) > 1 and ranked[0][:2] == ranked[1][:2]:
                    return None  # two entries equally named: a guess could mislead the guest
                return ranked[0][2]
        return None

    def _rank(
        self, said: tuple[str, ...], languages: tuple[str, ...]
    ) -> list[tuple[float, int, int]]:
        ranked = []
        for entry in self._entries:
            keywords = {kw for lang in languages for kw in entry.keywords.get(lang, ())}
            score, longest = 0.0, 0
            for keyword in keywords:
                matched = _keyword_score(said, keyword)
                if matched:
                    score += matched
                    longest = max(longest, len(keyword))
            if score >= MIN_SCORE:
                # Rounded so that float noise never breaks a tie that is one.
                ranked.append((round(score, 6), longest, entry.position))
        ranked.sort(key=lambda item: (-item[0], -item[1]))
        return ranked


def _unique_words(keywords: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each keyword once as search words ("maleta" and "maletas" are one keyword)."""
    return tuple(dict.fromkeys(w for w in map(search_words, keywords) if w))
