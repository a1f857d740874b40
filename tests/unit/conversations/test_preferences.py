"""The guest's answers about proactive messages, and when those messages are due."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotel_agent.channels.port import InboundMessage
from hotel_agent.conversations.preferences import (
    OFFER_NO,
    OFFER_YES,
    Preference,
    due_time,
    preference_of,
)
from hotel_agent.db.models import BookingRecord, ScheduledKind
from hotel_agent.settings import ProactiveSettings


def message(text: str, choice_id: str | None = None) -> InboundMessage:
    return InboundMessage(
        channel="whatsapp",
        provider_message_id="wamid.1",
        sender_id="34611111111",
        type="interactive" if choice_id else "text",
        text=text,
        choice_id=choice_id,
        timestamp=datetime(2027, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "text",
    [
        "stop", "STOP", "Baja", "baja.", " BAJA! ", "darme de baja", "No more messages",
        "no more messages, please", "No quiero más mensajes", "no quiero mas mensajes gracias",
        "por favor, no me mandéis más mensajes",
    ],
)  # fmt: skip
def test_stop_or_baja_alone_opts_out(text: str) -> None:
    assert preference_of(message(text)) == Preference.STOP


@pytest.mark.parametrize(
    "text",
    ["no pares de escribirme", "¿la piscina está de baja?", "stop at the bus station", "hola"],
)
def test_the_words_inside_a_sentence_do_not(text: str) -> None:
    assert preference_of(message(text)) is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [("sí", Preference.YES), ("Yes please", Preference.YES), ("vale!", Preference.YES),
     ("no", Preference.NO), ("No, gracias", Preference.NO), ("no thanks", Preference.NO)],
)  # fmt: skip
def test_a_typed_yes_or_no_answers_an_open_offer_only(text: str, answer: Preference) -> None:
    assert preference_of(message(text), offer_open=True) == answer
    assert preference_of(message(text)) is None


@pytest.mark.parametrize("text", ["sí, pero ¿hay parking?", "no tengo coche", "yes 2 adults"])
def test_more_than_a_yes_or_no_is_not_an_answer_to_the_offer(text: str) -> None:
    assert preference_of(message(text), offer_open=True) is None


def test_the_offer_buttons_are_read_by_their_ids() -> None:
    assert preference_of(message("Sí, avisadme", OFFER_YES)) == Preference.YES
    assert preference_of(message("No, gracias", OFFER_NO)) == Preference.NO
    assert preference_of(message("Sí", "room:2")) is None


def test_pre_arrival_and_post_stay_are_due_at_the_hotels_local_hours() -> None:
    settings = ProactiveSettings(
        **{"_env_file": None}, pre_arrival_days=2, pre_arrival_hour=10, post_stay_hour=18
    )
    booking = BookingRecord(check_in=date(2027, 7, 10), check_out=date(2027, 7, 12))
    # Madrid is UTC+2 in July.
    assert due_time(ScheduledKind.PRE_ARRIVAL, booking, "Europe/Madrid", settings) == datetime(
        2027, 7, 8, 8, tzinfo=UTC
    )
    assert due_time(ScheduledKind.POST_STAY, booking, "Europe/Madrid", settings) == datetime(
        2027, 7, 12, 16, tzinfo=UTC
    )
