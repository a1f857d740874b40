"""Small cardinal numbers as guests write them: digits or words, Spanish and English."""

from __future__ import annotations

import re

# Folded forms (see folding.py): "dieciséis" is matched as "dieciseis".
_WORDS: dict[str, int] = {
    "cero": 0, "zero": 0,
    "un": 1, "uno": 1, "una": 1, "a": 1, "an": 1, "one": 1,
    "dos": 2, "two": 2, "un par de": 2, "un par": 2, "a couple of": 2, "a pair of": 2,
    "tres": 3, "three": 3, "cuatro": 4, "four": 4, "cinco": 5, "five": 5,
    "seis": 6, "six": 6, "siete": 7, "seven": 7, "ocho": 8, "eight": 8,
    "nueve": 9, "nine": 9, "diez": 10, "ten": 10, "once": 11, "eleven": 11,
    "doce": 12, "twelve": 12, "trece": 13, "thirteen": 13, "catorce": 14, "fourteen": 14,
    "quince": 15, "fifteen": 15, "dieciseis": 16, "sixteen": 16, "diecisiete": 17,
    "seventeen": 17, "dieciocho": 18, "eighteen": 18, "diecinueve": 19, "nineteen": 19,
    "veinte": 20, "twenty": 20,
}  # fmt: skip

# Longest first so that "un par de" wins over "un".
NUMBER = (
    r"(?:\d{1,3}|"
    + "|".join(
        re.escape(word).replace(r"\ ", r"\s+") for word in sorted(_WORDS, key=len, reverse=True)
    )
    + r")"
)


def to_int(token: str) -> int | None:
    """The value of a NUMBER match ("dos" -> 2, "12" -> 12), None when it is not one."""
    token = " ".join(token.split())
    if token.isdigit():
        return int(token)
    return _WORDS.get(token)
