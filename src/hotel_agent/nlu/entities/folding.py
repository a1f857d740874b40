"""Case and accent folding that keeps every character at its offset.

The rules of this package match on folded text ("manana" for "Mañana") and then slice the
original text with the same offsets, so folding must never change the length.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lower = char.lower()
    if len(lower) != 1:  # "İ".lower() is two characters; keep the offsets instead
        lower = char
    base = unicodedata.normalize("NFD", lower)[0]
    return base if not unicodedata.combining(base) else lower


def fold(text: str) -> str:
    """Lower-case `text` without accents ("Mañana" -> "manana"), same length as `text`."""
    return "".join(map(_fold_char, text))
