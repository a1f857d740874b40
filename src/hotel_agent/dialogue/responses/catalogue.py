"""The message catalogue: one YAML file per language (`es.yaml`, `en.yaml`) beside this module.

A key maps to a text with `{placeholders}`; nested keys are joined with dots
("booking.summary"). Both files must carry the same keys and placeholders (a unit test checks
it), so no reply is ever missing in a language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date, format_time
from babel.numbers import format_currency

LANGUAGES = ("es", "en")
_HERE = Path(__file__).parent
# The locale used for numbers and dates: Spain for Spanish, British English for English.
_LOCALES = {"es": "es_ES", "en": "en_GB"}
_DATE_PATTERNS = {"es": "EEEE d 'de' MMMM", "en": "EEEE d MMMM"}
_DATE_PATTERNS_WITH_YEAR = {"es": "EEEE d 'de' MMMM 'de' y", "en": "EEEE d MMMM y"}


@cache
def _catalogue(language: str) -> Mapping[str, str]:
    return read_catalogue(_HERE / f"{language}.yaml")


def read_catalogue(path: Path) -> dict[str, str]:
    """A catalogue file's texts by key (nested keys joined with dots): the guest replies'
    catalogues here, and the staff console's."""
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")))


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def catalogue_keys(language: str) -> dict[str, str]:
    """Every key of a language's catalogue with its text (for tests and tooling)."""
    return dict(_catalogue(language))


class Say:
    """Texts and formats of one language."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "en"
        self._texts = _catalogue(self.language)
        self._locale = _LOCALES[self.language]

    def __call__(self, key: str, /, **params: object) -> str:
        text = self._texts[key]
        return text.format(**params) if params else text

    def day(self, day: date, *, today: date | None = None) -> str:
        """ "martes 15 de diciembre" / "Tuesday 15 December" (with the year when not this one)."""
        patterns = (
            _DATE_PATTERNS if today is None or day.year == today.year else _DATE_PATTERNS_WITH_YEAR
        )
        return format_date(day, patterns[self.language], locale=self._locale)

    def full_day(self, day: date) -> str:
        """ "jueves 14 de enero de 2027": always with the year (e-mails are kept and reread)."""
        return format_date(day, _DATE_PATTERNS_WITH_YEAR[self.language], locale=self._locale)

    def clock(self, moment: time) -> str:
        return format_time(moment, "HH:mm", locale=self._locale)

    def money(self, amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency, locale=self._locale)

    def count(self, key: str, n: int) -> str:
        """ "1 noche" / "3 noches": `key.one` or `key.other` with {n}."""
        return self(f"{key}.{'one' if n == 1 else 'other'}", n=n)

    def nights(self, n: int) -> str:
        return self.count("units.nights", n)

    def stay(self, check_in: date, check_out: date, *, today: date | None = None) -> str:
        return self(
            "units.stay",
            start=self.day(check_in, today=today),
            end=self.day(check_out, today=today),
            nights=self.nights((check_out - check_in).days),
        )

    def options(self, items: Sequence[str]) -> str:
        """ "A, B or C" / "A, B o C"."""
        return self._joined(items, "units.or")

    def together(self, items: Sequence[str]) -> str:
        """ "A, B and C" / "A, B y C"."""
        return self._joined(items, "units.and")

    def _joined(self, items: Sequence[str], key: str) -> str:
        if len(items) <= 1:
            return "".join(items)
        return self(key, first=", ".join(items[:-1]), second=items[-1])

    def party(self, adults: int, children: int = 0, rooms: int = 1) -> str:
        text = self.count("units.adults", adults)
        if children:
            text = self("units.and", first=text, second=self.count("units.children", children))
        if rooms > 1:
            text = self("units.in_rooms", party=text, rooms=self.count("units.rooms", rooms))
        return text


def say_for(language: str) -> Say:
    return Say(language)
