"""Loading a hotel's knowledge file: which file, what it holds, and what an operator reads
when it is wrong."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from hotel_agent.errors import HotelAgentError
from hotel_agent.knowledge import (
    DEMO_KNOWLEDGE_FILE,
    FaqEntry,
    HotelKnowledge,
    KnowledgeError,
    knowledge_for,
    load_knowledge,
)
from hotel_agent.knowledge.entries import CancellationTerms
from hotel_agent.pms.port import RoomType
from hotel_agent.settings import HotelSettings, Settings

SMALL_HOTEL = """\
    hotel: Hostal La Plaza
    faq:
      - id: wifi
        topic: wifi
        answers:
          es: El wifi es gratis; la clave está en recepción.
          en: Wi-Fi is free; ask reception for the password.
      - id: wifi_in_rooms
        topic: wifi
        answers:
          es: En las habitaciones la señal es buena.
      - id: bikes
        topic: other
        answers:
          en: We rent bikes for 10 € a day.
        keywords:
          en: [bike, bicycle, cycling]
    room_types:
      1:
        es: [doble]
      DBL:
        en: [double]
"""


def write(tmp_path: Path, text: str, name: str = "hotel.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_packaged_demo_file_is_used_by_default() -> None:
    settings = Settings(hotel=HotelSettings(knowledge_file=None))
    knowledge = knowledge_for(settings)
    assert knowledge.hotel_name == "Hotel Mirador del Puerto"
    assert DEMO_KNOWLEDGE_FILE.is_file()
    assert knowledge.answer("parking", "es") == load_knowledge(DEMO_KNOWLEDGE_FILE).answer(
        "parking", "es"
    )


def test_the_configured_file_is_read_once_per_path(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL_HOTEL)
    settings = Settings(hotel=HotelSettings(knowledge_file=path))
    first = knowledge_for(settings)
    assert first.hotel_name == "Hostal La Plaza"
    path.unlink()  # read every turn, but from memory: the file is not opened again
    assert knowledge_for(settings) is first


def test_a_small_hotel_s_file(tmp_path: Path) -> None:
    knowledge = load_knowledge(write(tmp_path, SMALL_HOTEL))
    # The first entry of a topic is its answer; a hotel without a topic has no answer for it.
    assert knowledge.answer("wifi", "en") == "Wi-Fi is free; ask reception for the password."
    assert knowledge.answer("parking", "es") is None
    assert knowledge.entry("spa") is None
    # A language the entry lacks falls back to the one it is written in.
    (bikes,) = [entry for entry in knowledge.entries if entry.id == "bikes"]
    assert bikes.answer("es") == "We rent bikes for 10 € a day."
    found = knowledge.search("can I rent a bike?", "en")
    assert found is not None
    assert found.id == "bikes"


def test_numeric_room_type_codes_are_codes(tmp_path: Path) -> None:
    # QloApps room type ids are numbers, and an operator writes them unquoted.
    knowledge = load_knowledge(write(tmp_path, SMALL_HOTEL))
    (named,) = knowledge.room_type_names(
        [RoomType(id="1", names={"es": "Doble"}, max_adults=2, max_children=0, max_guests=2)]
    )
    assert named.names == {"es": ("Doble",)}  # "doble" is the same name, listed once


def test_a_knowledge_error_is_a_domain_error() -> None:
    assert issubclass(KnowledgeError, HotelAgentError)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("faq: [\n  - id: wifi\n", "not valid YAML"),
        ("faq:\n  - id: wifi\n    topic: wifi\n    answers: {es: hola\n", "line 5"),
        ("", "the file is empty"),
        ("- wifi\n- parking\n", "expected a mapping with `faq` and `room_types`"),
        (
            "faq:\n  - id: wifi\n    topic: wiffi\n    answers: {es: gratis}\n",
            "faq entry 1 (wifi), topic: unknown topic 'wiffi'",
        ),
        (
            "faq:\n  - id: wifi\n    topic: wifi\n    answers: {es: gratis}\n"
            "  - id: pool\n    topic: pool\n    answers: {es: '  '}\n",
            "faq entry 2 (pool), answers: no answer in any language",
        ),
        (
            "faq:\n  - id: pool\n    topic: pool\n",
            "faq entry 1 (pool), answers: missing",
        ),
        (
            "faq:\n  - id: wifi\n    topic: wifi\n    answers: {es: gratis}\n"
            "  - id: pool\n    topic: pool\n    answers: {es: sí}\n"
            "  - id: wifi\n    topic: other\n    answers: {en: free}\n    keywords: {en: [net]}\n",
            "duplicate id 'wifi' (entries 1 and 3)",
        ),
        (
            "faq:\n  - id: wifi\n    topic: wifi\n"
            "    answers:\n      es: gratis\n      es: libre\n",
            "the key 'es' appears twice (line 6",
        ),
        (
            "faq:\n  - id: bikes\n    topic: other\n    answers: {en: We rent bikes.}\n",
            "faq entry 1 (bikes): topic other needs keywords",
        ),
        (
            "faq:\n  - id: bikes\n    topic: other\n    answers: {en: Bikes.}\n"
            "    keywords: {en: [the, bike]}\n",
            "keyword 'the' has only common words and would never match",
        ),
        (
            "faq:\n  - id: late\n    topic: other\n    answers: {en: Until 2 pm.}\n"
            "    keywords: {en: [yes]}\n",
            "keywords en item 1: expected text, got True (put it in quotes)",
        ),
        (
            "faq:\n  - id: Wi Fi\n    topic: wifi\n    answers: {ES: gratis}\n",
            "'ES' is not a language code",
        ),
        ("faqs: []\n", "faqs: unknown field"),
        (
            "privacy_policy_url: www.hotel.example/privacy\n",
            "privacy_policy_url: 'www.hotel.example/privacy' is not a web address: write it in "
            "full, starting with https://",
        ),
        ("privacy_policy_url: javascript:alert(1)\n", "'javascript:alert(1)' is not a web address"),
        ("privacy_policy_url: https://hotel example/p\n", "is not a web address"),
        ("privacy_notice: {es: '  ', en: ''}\n", "privacy_notice has no text"),
        ("privacy_notice: {ES: Usamos tus datos.}\n", "'ES' is not a language code"),
        ("privacy_notice: Usamos tus datos.\n", "privacy_notice: expected one text per language"),
        ("review_url: tripadvisor\n", "review_url: 'tripadvisor' is not a web address"),
        (
            "cancellation: {free_until_hours_before_check_in: -1, late_charge: {en: x}}\n",
            "cancellation free_until_hours_before_check_in: Input should be greater than or equal",
        ),
        (
            "cancellation: {free_until_hours_before_check_in: 48, late_charge: {}}\n",
            "cancellation late_charge: Dictionary should have at least 1 item",
        ),
        (
            "cancellation: {free_until_hours_before_check_in: 48, late_charge: {en: ' '}}\n",
            "late_charge has an empty text",
        ),
        ("cancellation: {late_charge: {en: one night}}\n", "free_until_hours_before_check_in"),
        (
            "cancellation: {free_until_hours_before_check_in: 48, late_charge: {en: x},"
            " late_charge_nights: 0}\n",
            "late_charge_nights: Input should be greater than or equal to 1",
        ),
        (
            "whatsapp_templates:\n  - {name: r, language: es, purpose: staff_reply,"
            " parameters: [hotel], body: 'De {{1}}'}\n",
            "a staff_reply template needs reply",
        ),
        (
            "whatsapp_templates:\n  - {name: r, language: es, purpose: post_stay,"
            " parameters: [review_url, room], body: '{{1}} {{2}}'}\n",
            "unknown parameter 'room' for purpose post_stay",
        ),
        (
            "whatsapp_templates:\n  - {name: r, language: es, purpose: staff_reply,"
            " parameters: [reply], body: '{{1}} {{2}}'}\n",
            "the body has variables [1, 2] but 1 parameters are listed",
        ),
        (
            "whatsapp_templates:\n  - {name: a, language: es, purpose: staff_reply,"
            " parameters: [reply], body: '{{1}}'}\n"
            "  - {name: b, language: es, purpose: staff_reply,"
            " parameters: [reply], body: '{{1}}'}\n",
            "two staff_reply templates in language es",
        ),
        (
            "whatsapp_templates:\n  - {name: Staff Reply, language: es, purpose: staff_reply,"
            " parameters: [reply], body: '{{1}}'}\n",
            "whatsapp_templates item 1 name",
        ),
        (
            "whatsapp_templates:\n  - {name: r, language: es, purpose: reminder,"
            " parameters: [reply], body: '{{1}}'}\n",
            "whatsapp_templates item 1 purpose",
        ),
    ],
)
def test_a_bad_file_says_which_file_and_what_is_wrong(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(path)
    assert str(path) in raised.value.detail
    assert problem in raised.value.detail


def test_every_problem_of_a_file_is_listed_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "faq:\n  - id: a\n    topic: wiffi\n    answers: {es: x}\n"
        "  - id: b\n    topic: spaa\n    answers: {es: y}\n",
    )
    with pytest.raises(KnowledgeError, match=r"topic 'wiffi'.*topic 'spaa'"):
        load_knowledge(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "hotel.yaml"
    with pytest.raises(KnowledgeError, match=f"knowledge file {missing}: no such file"):
        load_knowledge(missing)


def test_a_missing_configured_file_fails_each_time_until_it_exists(tmp_path: Path) -> None:
    path = tmp_path / "later.yaml"
    settings = Settings(hotel=HotelSettings(knowledge_file=path))
    with pytest.raises(KnowledgeError, match="no such file"):
        knowledge_for(settings)
    write(tmp_path, SMALL_HOTEL, name="later.yaml")
    assert knowledge_for(settings).hotel_name == "Hostal La Plaza"


def test_entries_built_in_code_work_like_loaded_ones() -> None:
    knowledge = HotelKnowledge(
        [FaqEntry(id="pets", topic="pets", answers={"es": "No admitimos mascotas."})]
    )
    assert knowledge.answer("pets", "en") == "No admitimos mascotas."
    assert knowledge.facts("es") == "pets: No admitimos mascotas."


def test_a_privacy_notice_and_policy_link(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        privacy_notice:
          es: "  Tratamos tus datos para gestionar tu reserva.  "
          en: ""
        privacy_policy_url: https://www.laplaza.example/privacidad?lang=es
        """,
    )
    knowledge = load_knowledge(path)
    assert knowledge.privacy_notice("es") == "Tratamos tus datos para gestionar tu reserva."
    # A language left blank is not written: the one that is stands in.
    assert knowledge.privacy_notice("en") == knowledge.privacy_notice("es")
    assert knowledge.privacy_policy_url == "https://www.laplaza.example/privacidad?lang=es"


def test_without_the_keys_the_agent_uses_its_default_notice(tmp_path: Path) -> None:
    knowledge = load_knowledge(write(tmp_path, SMALL_HOTEL))
    assert knowledge.privacy_notice("es") is None and knowledge.privacy_policy_url is None


def test_cancellation_terms_in_the_guest_s_language_or_another(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        cancellation:
          free_until_hours_before_check_in: 72
          late_charge: {es: se cobra la estancia completa}
        """,
    )
    terms = load_knowledge(path).cancellation
    assert terms is not None and terms.free_until_hours_before_check_in == 72
    assert terms.charge("en") == terms.charge("es") == "se cobra la estancia completa"
    assert load_knowledge(write(tmp_path, SMALL_HOTEL)).cancellation is None


def test_a_late_charge_in_nights_is_a_sum_of_the_booking_s_average_night(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        cancellation:
          free_until_hours_before_check_in: 48
          late_charge: {en: the first night is charged}
          late_charge_nights: 1
        """,
    )
    terms = load_knowledge(path).cancellation
    assert terms is not None
    assert terms.charge_amount(Decimal("191.68"), 2) == Decimal("95.84")
    assert terms.charge_amount(Decimal("100.00"), 3) == Decimal("33.33")
    # More nights charged than the stay has: the whole stay, never more.
    assert replace_nights(terms, 5).charge_amount(Decimal("300.00"), 2) == Decimal("300.00")
    # Not counted in nights ("a 50 % fee"): no sum is made up.
    assert replace_nights(terms, None).charge_amount(Decimal("300.00"), 2) is None


def replace_nights(terms: CancellationTerms, nights: int | None) -> CancellationTerms:
    return terms.model_copy(update={"late_charge_nights": nights})
