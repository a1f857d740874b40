"""Language detection: Spanish or English, with short texts decided by what we already know."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotel_agent.nlu.language import SUPPORTED, detect_language


@pytest.mark.parametrize("text", ["", "   ", "👍", "2", "🙏🏼🙏🏼", "?!", "15/12", "👍 2"])
@pytest.mark.parametrize("previous", ["es", "en"])
def test_no_letters_keep_the_conversation_language(text: str, previous: str) -> None:
    assert detect_language(text, previous=previous, default="es") == previous


@pytest.mark.parametrize("text", ["", "🙂", "3"])
@pytest.mark.parametrize("default", ["es", "en"])
def test_nothing_known_gives_the_hotel_default(text: str, default: str) -> None:
    assert detect_language(text, previous=None, default=default) == default


@pytest.mark.parametrize("text", ["ok", "OK!", "okey", "wifi?", "parking", "spa", "check-in?"])
@pytest.mark.parametrize("previous", ["es", "en"])
def test_words_both_languages_use_keep_the_conversation_language(text: str, previous: str) -> None:
    assert detect_language(text, previous=previous, default="es") == previous


@pytest.mark.parametrize(
    ("text", "previous", "expected"),
    [
        ("gracias!", "en", "es"),
        ("Hola", "en", "es"),
        ("vale", "en", "es"),
        ("sí", "en", "es"),
        ("thanks!!", "es", "en"),
        ("hello", "es", "en"),
        ("yes please", "es", "en"),
        ("thank you", "es", "en"),
    ],
)
def test_a_short_message_clearly_in_the_other_language_switches(
    text: str, previous: str, expected: str
) -> None:
    assert detect_language(text, previous=previous, default="es") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Buenas tardes, nos gustaría saber si el desayuno está incluido en el precio", "es"),
        ("el parking del hotel es gratuito para los clientes?", "es"),
        ("Vamos a llegar bastante tarde, sobre las once de la noche", "es"),
        ("We would like to know whether breakfast is included in the price", "en"),
        ("our train gets in late, probably around eleven at night", "en"),
        ("is the room service open after midnight?", "en"),
    ],
)
@pytest.mark.parametrize("previous", [None, "es", "en"])
def test_sentences_are_read_whatever_came_before(
    text: str, expected: str, previous: str | None
) -> None:
    assert detect_language(text, previous=previous, default="es") == expected


@pytest.mark.parametrize(
    "text",
    ["Can I pay con tarjeta?", "I want to book, para el 3 de mayo", "quiero cancel my booking"],
)
def test_a_mixed_message_keeps_the_language_we_knew(text: str) -> None:
    assert detect_language(text, previous="en", default="es") == "en"
    assert detect_language(text, previous="es", default="en") == "es"
    assert detect_language(text, previous=None, default="es") == "es"
    assert detect_language(text, previous=None, default="en") == "en"


def test_a_mostly_english_message_with_a_spanish_greeting_is_english() -> None:
    text = "hola! we are two adults looking for a room for tonight"
    assert detect_language(text, previous="es", default="es") == "en"


@pytest.mark.parametrize(
    "text", ["Al Green al@example.com", "Lola Del Río, lola@example.com", "hola@example.com"]
)
@pytest.mark.parametrize("previous", ["es", "en"])
def test_a_name_and_an_address_keep_the_conversation_language(text: str, previous: str) -> None:
    # "al", "del", "hola" in a name or an address are no Spanish.
    assert detect_language(text, previous=previous, default="es") == previous


def test_words_beside_an_address_still_tell_the_language() -> None:
    assert detect_language("mi correo es ana@example.com", previous="en", default="en") == "es"
    assert detect_language("my e-mail is lola@example.es", previous="es", default="es") == "en"


def test_an_unsupported_previous_language_counts_as_unknown() -> None:
    assert detect_language("ok", previous="fr", default="en") == "en"


def test_an_unsupported_default_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="default language"):
        detect_language("hola", previous=None, default="fr")


def test_a_very_long_message_is_detected() -> None:
    paragraph = "Hemos tenido un problema con la habitación y queremos que nos ayuden. "
    assert detect_language(paragraph * 80, previous="en", default="en") == "es"


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=60), previous=st.sampled_from([None, "es", "en"]))
def test_any_text_gives_a_supported_language(text: str, previous: str | None) -> None:
    assert detect_language(text, previous=previous, default="es") in SUPPORTED
