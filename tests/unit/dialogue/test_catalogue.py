"""The reply catalogue: both languages complete, texts fit WhatsApp, formats per language."""

from __future__ import annotations

import string
from datetime import date, time
from decimal import Decimal

from hotel_agent.dialogue.responses import Say, catalogue_keys

MAX_BUTTON_TITLE = 20  # WhatsApp reply buttons
MAX_LIST_BUTTON = 20


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    spanish, english = catalogue_keys("es"), catalogue_keys("en")
    assert set(spanish) == set(english)
    different = [k for k in spanish if placeholders(spanish[k]) != placeholders(english[k])]
    assert different == []


def test_button_titles_fit_whatsapp() -> None:
    for language in ("es", "en"):
        buttons = {k: v for k, v in catalogue_keys(language).items() if k.startswith("buttons.")}
        too_long = {k: v for k, v in buttons.items() if len(v) > MAX_BUTTON_TITLE}
        assert too_long == {}, language


def test_every_key_the_code_uses_exists() -> None:
    """Keys written literally in the dialogue code are all in the catalogue."""
    import re
    from pathlib import Path

    import hotel_agent.dialogue as package

    root = Path(package.__file__).parent
    used: set[str] = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r"""say\(\s*"([a-z_]+\.[a-z_.]+)\"""", path.read_text()))
        used |= set(re.findall(r"""button\(\w+, "([a-z_]+\.[a-z_]+)"\)""", path.read_text()))
    assert used, "the pattern finds the keys"
    assert used - set(catalogue_keys("es")) == set()


def test_dates_prices_and_parties_read_naturally() -> None:
    es, en = Say("es"), Say("en")
    day = date(2026, 12, 15)
    assert es.day(day, today=date(2026, 11, 28)) == "martes 15 de diciembre"
    assert en.day(day, today=date(2026, 11, 28)) == "Tuesday 15 December"
    assert es.day(date(2027, 1, 2), today=date(2026, 11, 28)) == "sábado 2 de enero de 2027"
    assert es.money(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"
    assert en.money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert es.clock(time(15, 0)) == "15:00"
    assert es.party(2, 1) == "2 adultos y 1 niño"
    assert en.party(1, 2, rooms=2) == "1 adult and 2 children in 2 rooms"
    assert es.stay(date(2026, 12, 15), date(2026, 12, 18), today=date(2026, 11, 28)) == (
        "del martes 15 de diciembre al viernes 18 de diciembre (3 noches)"
    )
    assert en.nights(1) == "1 night"


def test_an_unknown_language_is_answered_in_english() -> None:
    assert Say("fr").language == "en"
