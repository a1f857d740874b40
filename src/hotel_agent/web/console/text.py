"""The console's words in Spanish and English, and which language a request gets.

The words live in `text_catalogue/es.yaml` and `en.yaml`, read like the guest replies'
catalogues (dialogue/responses): the same keys and placeholders in both (a unit test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from fastapi import Request

from hotel_agent.dialogue.responses.catalogue import read_catalogue

LANGUAGES = ("es", "en")
LANG_COOKIE = "staff_lang"
_HERE = Path(__file__).parent / "text_catalogue"


@cache
def console_catalogue(language: str) -> Mapping[str, str]:
    """Every key of the console's words in a language, with its text."""
    return read_catalogue(_HERE / f"{language}.yaml")


def choose_language(request: Request, default: str) -> str:
    """?lang= (remembered in a cookie), else the cookie, else the browser's first of es/en."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "en"


class Text:
    """`t("key", name=value)` in the templates: the phrase in the page's language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._texts = console_catalogue(language)

    def __call__(self, key: str, **values: object) -> str:
        phrase = self._texts[key]
        return phrase.format(**values) if values else phrase

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self._texts)

    def reason(self, code: str) -> str:
        """A handoff reason in words; a reason without words yet is shown as its code."""
        return self(f"reason_{code}") if f"reason_{code}" in self._texts else code
