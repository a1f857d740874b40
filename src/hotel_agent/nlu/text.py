"""Text helpers shared by language detection and the intent models."""

from __future__ import annotations

import re
import unicodedata

# The models read at most this much of a message: a guest's request is in its first lines, and
# the cost of n-gram features and of Duckling grows with length (a 5,000-character paste would
# otherwise cost tens of milliseconds). The Understanding keeps the whole text.
MODEL_CHARS = 1000

_REPEATS = re.compile(r"(.)\1{2,}")  # "holaaaa", "siii", "!!!"
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]+")  # letters only: "2" and "👍" are not words


def for_models(text: str) -> str:
    """The part of a message the models read."""
    return text[:MODEL_CHARS]


def normalize(text: str) -> str:
    """Lower case, accents dropped, runs of 3+ equal characters cut to one, spaces collapsed.

    Guests type "habitacion" and "habitación", "siiii" and "sí": one spelling for the models.
    Runs of two are kept because Spanish spells with them ("llegada", "perro", "leer").
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", _REPEATS.sub(r"\1", plain)).strip()


def words(text: str) -> list[str]:
    """The words of a normalized text (letters only)."""
    return _WORDS.findall(text)
