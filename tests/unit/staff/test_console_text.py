"""The console's words: both languages carry the same keys and placeholders (as the guest
replies' catalogues must), and every key a template names literally exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import hotel_agent.web.console as console
from hotel_agent.web.console.text import Text, console_catalogue


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    spanish, english = console_catalogue("es"), console_catalogue("en")
    assert set(spanish) == set(english)
    different = [k for k in spanish if placeholders(spanish[k]) != placeholders(english[k])]
    assert different == []


def test_every_key_a_template_names_exists() -> None:
    templates = Path(console.__file__).parent / "templates"
    used = {
        key
        for page in templates.glob("*.html")
        for key in re.findall(r"""\bt\(\s*["']([a-z_]+)["']\s*[,)]""", page.read_text())
    }
    assert len(used) > 40
    assert used - set(console_catalogue("es")) == set()


def test_a_phrase_is_filled_in_and_an_unknown_reason_shown_as_its_code() -> None:
    assert Text("en")("unread", count=3) == "3 unread"
    assert Text("es")("unread", count=3) == "3 sin leer"
    assert Text("en").reason("requested") == "asked for a person"
    assert Text("en").reason("made_up") == "made_up"
