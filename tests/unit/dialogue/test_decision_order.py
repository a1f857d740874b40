"""The engine's decision order (dialogue/decisions.py) as a table: where the conversation is,
what the guest says → which step answers, what the guest hears, where the conversation goes.

In memory (MemoryPms, MemoryLedger), with the real NLU; `read_as` fixes a message's intent and
confidence to place it on either side of a threshold of dialogue/thresholds.py (interrupt 0.6,
act 0.5, the language model below 0.55).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from hotel_agent.channels.port import Media
from hotel_agent.dialogue.context import BOOK, HANDOFF, MY_BOOKING
from hotel_agent.dialogue.decisions import DECISION_ORDER
from hotel_agent.nlu.types import Intent
from tests.unit.dialogue.chat import Chat, ScriptedModel, said, text_of

Say = tuple[str, dict[str, Any]]

# Where the conversation is before the message: what the guest said so far.
NEW: tuple[Say, ...] = ()
COLLECT: tuple[Say, ...] = (("quiero reservar una habitación", {}),)
CHOOSE: tuple[Say, ...] = (("quiero reservar del 10 al 12 de abril para 2 adultos", {}),)
DETAILS = (*CHOOSE, ("la primera", {}))
CONFIRM = (*DETAILS, ("Ana López, ana@example.com", {}))
FIND: tuple[Say, ...] = (("quiero cancelar mi reserva", {}),)
UNCLEAR_ONCE: tuple[Say, ...] = (("bla bla", {"read_as": (Intent.UNKNOWN, 0.1)}),)

SURE = 0.65  # at or above `interrupt`
LIKELY = 0.55  # between `act` and `interrupt`, at the language model's line (not asked)
UNSURE = 0.45  # below `act`


@dataclass(frozen=True)
class Row:
    id: str
    before: tuple[Say, ...]
    text: str
    decided_by: str
    says: tuple[str, ...] = ()  # catalogue keys the replies contain
    flow: str | None = None  # the flow after the turn (None: no task)
    step: str | None = None
    handoff: str | None = None
    send: dict[str, Any] = field(default_factory=dict)  # choice, read_as, kind
    model: tuple[str, str | None] | None = None  # the language model's label, when configured
    pms_down: bool = False


ROWS = [
    # --- Not text, nothing to act on -------------------------------------------------------
    Row("a photo", NEW, "", "not_text", ("small_talk.text_only",), send={"kind": "image"}),
    Row(
        "a voice note, no speech-to-text",
        NEW,
        "",
        "not_text",
        ("small_talk.voice_not_configured",),
        send={"kind": "audio", "media": Media(id="1", transcript_status="not_configured")},
    ),
    Row(
        "a voice note speech-to-text could not hear",
        NEW,
        "",
        "not_text",
        ("small_talk.voice_not_heard",),
        send={"kind": "audio", "media": Media(id="1", transcript_status="transcription_failed")},
    ),
    Row(
        "a voice note's transcript is understood like typed text",
        NEW,
        "hola",
        "greeting",
        ("small_talk.greeting", "small_talk.how_can_i_help"),
        send={"kind": "audio", "media": Media(id="1", transcript_status="transcribed")},
    ),
    Row("emoji, no task", NEW, "👍", "nothing_to_act_on", ("small_talk.empty",)),
    Row(
        "question mark while booking",
        COLLECT,
        "?",
        "nothing_to_act_on",
        ("booking.stay_again",),
        flow="booking",
        step="collect",
    ),
    # --- The answer to the pending question comes first ------------------------------------
    Row(
        "dates and party asked for",
        COLLECT,
        "2 adultos del 10 al 12 de abril",
        "pending_answer",
        ("booking.offers",),
        flow="booking",
        step="choose",
    ),
    Row(
        "an offer by ordinal",
        CHOOSE,
        "la primera",
        "pending_answer",
        ("booking.ask_name_and_email",),
        flow="booking",
        step="details",
    ),
    Row(
        "name and e-mail asked for",
        DETAILS,
        "Ana López, ana@example.com",
        "pending_answer",
        ("booking.summary",),
        flow="booking",
        step="confirm",
    ),
    Row(
        "a party read as a person asked for, at the dates question",
        COLLECT,
        "2 personas",
        "pending_answer",
        flow="booking",
        step="collect",
        send={"read_as": (Intent.HANDOFF, SURE)},
    ),
    # --- Greeting ---------------------------------------------------------------------------
    Row("hello", NEW, "hola", "greeting", ("small_talk.greeting", "small_talk.how_can_i_help")),
    Row(
        "hello while booking resumes the booking",
        COLLECT,
        "hola",
        "greeting",
        ("small_talk.greeting", "resume.booking", "booking.ask_dates_and_guests"),
        flow="booking",
        step="collect",
    ),
    Row(
        "a first message opening with hello, then a question",
        NEW,
        "Hola, ¿tenéis parking?",
        "question",
        ("small_talk.greeting",),
    ),
    Row(
        "a first message opening with hello, then a booking",
        NEW,
        "Hola, quiero reservar una habitación",
        "start_task",
        ("small_talk.greeting", "booking.ask_dates_and_guests"),
        flow="booking",
        step="collect",
    ),
    # --- A person asked for, a complaint ---------------------------------------------------
    Row(
        "a person asked for",
        NEW,
        "quiero hablar con una persona",
        "handoff",
        ("handoff.requested",),
        handoff="requested",
    ),
    Row(
        "a complaint",
        NEW,
        "esto es una vergüenza, el servicio es pésimo",
        "handoff",
        ("handoff.complaint",),
        handoff="complaint",
    ),
    Row(
        "the staff button, whatever the words",
        CONFIRM,
        "Hablar con recepción",
        "handoff",
        ("handoff.requested",),
        handoff="requested",
        send={"choice": HANDOFF},
    ),
    Row(
        "a sure request for a person interrupts a correction at the summary",
        CONFIRM,
        "mejor 3 adultos",
        "handoff",
        ("handoff.requested",),
        handoff="requested",
        send={"read_as": (Intent.HANDOFF, SURE)},
    ),
    Row(
        "a likely one does not: the task takes the correction",
        CONFIRM,
        "mejor 3 adultos",
        "task_in_progress",
        ("booking.choice_too_small", "booking.offers"),
        flow="booking",
        step="choose",
        send={"read_as": (Intent.HANDOFF, LIKELY)},
    ),
    Row(
        "a likely one the task cannot use hands over",
        COLLECT,
        "bla bla bla",
        "handoff",
        ("handoff.requested",),
        handoff="requested",
        send={"read_as": (Intent.HANDOFF, LIKELY)},
    ),
    Row(
        "an unsure one is not acted on",
        NEW,
        "bla bla bla",
        "unclear",
        ("small_talk.not_understood",),
        send={"read_as": (Intent.HANDOFF, UNSURE)},
    ),
    Row(
        "a sure request for a person beats a day that does not exist",
        NEW,
        "quiero hablar con alguien el 30 de febrero",
        "handoff",
        ("handoff.requested",),
        handoff="requested",
        send={"read_as": (Intent.HANDOFF, SURE)},
    ),
    # --- A name is a name, however sure the classifier is of "llamar" (issue 8) -----------
    Row(
        "a name, no task",
        NEW,
        "me llamo Ana López",
        "introduction",
        ("small_talk.nice_to_meet", "small_talk.how_can_i_help"),
        send={"read_as": (Intent.HANDOFF, 0.84)},
    ),
    Row(
        "a name at the option step",
        CHOOSE,
        "me llamo Ana López",
        "pending_answer",
        ("booking.kept_name", "booking.choose_by_name"),
        flow="booking",
        step="choose",
        send={"read_as": (Intent.HANDOFF, 0.84)},
    ),
    Row(
        "a name beside a request for a person",
        CHOOSE,
        "me llamo Ana López, quiero hablar con recepción",
        "handoff",
        ("handoff.requested",),
        handoff="requested",
        send={"read_as": (Intent.HANDOFF, SURE)},
    ),
    # --- A question beside the choice of room is answered (issue 8) ------------------------
    Row(
        "a pick and a question",
        CHOOSE,
        "la familiar, ¿hay cama supletoria?",
        "question_beside_choice",
        ("booking.ask_name_and_email",),
        flow="booking",
        step="details",
    ),
    Row(
        "a price and a question, no pick",
        CHOOSE,
        "¿cuánto cuesta la suite? ¿tenéis parking?",
        "question_beside_choice",
        ("booking.offer_total", "resume.booking", "booking.offers"),
        flow="booking",
        step="choose",
    ),
    Row(
        "an option asked as a question is only the answer",
        CHOOSE,
        "¿la primera?",
        "pending_answer",
        ("booking.ask_name_and_email",),
        flow="booking",
        step="details",
    ),
    Row(
        "new dates at the option step are a new search, not the best room",
        CHOOSE,
        "mejor del 21 al 24 de abril",
        "task_in_progress",
        ("booking.offers",),
        flow="booking",
        step="choose",
    ),
    Row(
        "a day earlier, no task: a change of their booking",
        NEW,
        "¿podemos llegar un día antes?",
        "move_booking",
        ("manage.ask_reference",),
        flow="modify",
        step="find",
    ),
    Row(
        "a booking reference beside an unsure question: the booking looked up, the question too",
        NEW,
        "reserva HS-7K2Q9D, ¿el desayuno está incluido?",
        "booking_named",
        ("manage.not_found",),
        flow="status",
        step="find",
        send={"read_as": (Intent.FAQ, UNSURE)},
    ),
    Row(
        "a bare party read as a change, no booking here: a new booking",
        NEW,
        "3 adultos + 1 niño",
        "party_is_a_stay",
        ("booking.ask_dates",),
        flow="booking",
        step="collect",
        send={"read_as": (Intent.MODIFY_BOOKING, SURE)},
    ),
    Row(
        "a party with a change said, no booking here: still a change",
        NEW,
        "ahora somos 3 adultos",
        "start_task",
        ("manage.ask_reference",),
        flow="modify",
        step="find",
        send={"read_as": (Intent.MODIFY_BOOKING, SURE)},
    ),
    # --- Offers turned down; a plain yes inside a task -------------------------------------
    Row(
        "the offers turned down",
        CHOOSE,
        "esta caro, mejor no",
        "pending_answer",
        ("booking.declined_offers",),
    ),
    Row(
        "other dates after the offers were turned down: the same party searched",
        (*CHOOSE, ("esta caro, mejor no", {})),
        "y del 17 al 19?",
        "other_dates_after_decline",
        flow="booking",
        step="choose",
        send={"read_as": (Intent.UNKNOWN, 0.1)},
    ),
    Row(
        "confirmo while the party is asked: the party asked again, no booking looked up",
        (("quiero reservar del 10 al 12 de abril", {}),),
        "confirmo",
        "unclear",
        ("booking.guests_again",),
        flow="booking",
        step="collect",
        send={"read_as": (Intent.BOOKING_STATUS, SURE)},
    ),
    # --- A day that does not exist, start over, thanks then a question ---------------------
    Row(
        "the 30th of February",
        NEW,
        "quiero reservar el 30 de febrero",
        "no_such_day",
        ("invalid.no_such_day",),
    ),
    Row(
        "start over while booking",
        CHOOSE,
        "empezar de nuevo",
        "start_over",
        ("small_talk.start_over",),
    ),
    Row(
        "thanks, then a question",
        NEW,
        "gracias! ¿a qué hora es el desayuno?",
        "thanks_then_question",
        ("small_talk.thanks_then_answer",),
    ),
    Row(
        "thanks, then a question, while booking",
        COLLECT,
        "gracias! ¿a qué hora es el desayuno?",
        "thanks_then_question",
        ("small_talk.thanks_then_answer", "resume.booking"),
        flow="booking",
        step="collect",
    ),
    # --- Questions about the hotel ---------------------------------------------------------
    Row("a question", NEW, "¿tenéis parking?", "question"),
    Row(
        "a question while booking, then the booking resumes",
        COLLECT,
        "¿tenéis parking?",
        "question",
        ("resume.booking", "booking.ask_dates_and_guests"),
        flow="booking",
        step="collect",
    ),
    Row(
        "a sure question interrupts the summary's no",
        CONFIRM,
        "no",
        "question",
        ("resume.booking",),
        flow="booking",
        step="confirm",
        send={"read_as": (Intent.FAQ, SURE)},
    ),
    Row(
        "a likely one does not: the summary's no is taken",
        CONFIRM,
        "no",
        "task_in_progress",
        ("booking.what_to_change",),
        flow="booking",
        step="collect",
        send={"read_as": (Intent.FAQ, LIKELY)},
    ),
    # --- The task in progress ---------------------------------------------------------------
    Row(
        "yes to the summary books",
        CONFIRM,
        "sí",
        "task_in_progress",
        ("booking.confirmed",),
    ),
    Row(
        "a correction at the summary searches again",
        CONFIRM,
        "mejor del 21 al 24 de abril",
        "task_in_progress",
        ("booking.summary",),
        flow="booking",
        step="confirm",
    ),
    Row(
        "an unknown reference at the find step",
        FIND,
        "HS-ABC234",
        "pending_answer",
        ("manage.not_found",),
        flow="cancel",
        step="find",
    ),
    # --- The intent settled: menu buttons and the language model ---------------------------
    Row(
        "the book button",
        NEW,
        "Reservar",
        "start_task",
        ("booking.ask_dates_and_guests",),
        flow="booking",
        step="collect",
        send={"choice": BOOK},
    ),
    Row(
        "the my-booking button",
        NEW,
        "Mi reserva",
        "start_task",
        ("manage.ask_reference",),
        flow="status",
        step="find",
        send={"choice": MY_BOOKING},
    ),
    Row(
        "an unsure message labelled a question by the model",
        NEW,
        "mmm pues lo de las toallas, ya sabes",
        "question",
        send={"read_as": (Intent.UNKNOWN, 0.2)},
        model=("faq", "housekeeping"),
    ),
    Row(
        "an unsure message labelled a request for a person by the model",
        NEW,
        "mmm pues eso",
        "handoff",
        ("handoff.requested",),
        handoff="requested",
        send={"read_as": (Intent.UNKNOWN, 0.2)},
        model=("handoff", None),
    ),
    # --- Tasks started by intent ------------------------------------------------------------
    Row(
        "a booking asked for",
        NEW,
        "quiero reservar una habitación",
        "start_task",
        ("booking.ask_dates_and_guests",),
        flow="booking",
        step="collect",
    ),
    Row(
        "a booking asked for with dates and party",
        NEW,
        "quiero reservar del 10 al 12 de abril para 2 adultos",
        "start_task",
        ("booking.offers",),
        flow="booking",
        step="choose",
    ),
    Row(
        "a cancellation asked for",
        NEW,
        "quiero cancelar mi reserva",
        "start_task",
        ("manage.ask_reference",),
        flow="cancel",
        step="find",
    ),
    Row(
        "a booking's status asked for",
        NEW,
        "¿cómo va mi reserva?",
        "start_task",
        ("manage.ask_reference",),
        flow="status",
        step="find",
    ),
    Row(
        "cancel while booking forgets the booking",
        COLLECT,
        "cancelar",
        "abandon_booking",
        ("booking.abandoned",),
    ),
    # --- Small talk, yes/no without a task, unclear -----------------------------------------
    Row("thanks", NEW, "gracias", "small_talk", ("small_talk.thanks",)),
    Row(
        "thanks while booking resumes it",
        COLLECT,
        "gracias",
        "small_talk",
        ("small_talk.thanks", "resume.booking"),
        flow="booking",
        step="collect",
    ),
    Row("goodbye", NEW, "adiós", "small_talk", ("small_talk.goodbye",)),
    Row("a yes with no task", NEW, "sí", "yes_or_no_without_task", ("small_talk.anything_else",)),
    Row(
        "unclear while booking: the question again",
        COLLECT,
        "bla bla",
        "unclear",
        ("booking.stay_again",),
        flow="booking",
        step="collect",
        send={"read_as": (Intent.UNKNOWN, 0.1)},
    ),
    Row(
        "unclear twice in a row hands over",
        UNCLEAR_ONCE,
        "bla bla",
        "unclear",
        ("handoff.misunderstood",),
        handoff="misunderstood",
        send={"read_as": (Intent.UNKNOWN, 0.1)},
    ),
    # --- The PMS down ----------------------------------------------------------------------
    Row(
        "dates while the PMS is down",
        COLLECT,
        "2 adultos del 10 al 12 de abril",
        "pms_unavailable",
        ("handoff.pms_unavailable",),
        handoff="pms_unavailable",
        pms_down=True,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
async def test_decision_order(row: Row) -> None:
    chat = Chat(llm=ScriptedModel(*row.model) if row.model else None)
    for text, options in row.before:
        await chat.send(text, **options)
    chat.pms.unavailable = row.pms_down

    out = await chat.send(row.text, **row.send)

    assert out.decided_by == row.decided_by, text_of(out)
    for key in row.says:
        assert said(out, key), f"{key} not in:\n{text_of(out)}"
    assert (out.state.get("flow"), out.state.get("step")) == (row.flow, row.step)
    assert out.handoff_reason == row.handoff


def test_every_step_of_the_order_has_a_row() -> None:
    tested = {row.decided_by for row in ROWS}
    # Steps that never answer on their own: they open the reply or settle the intent.
    passing = {"opening_greeting", "settle_intent"}
    assert {step.name for step in DECISION_ORDER} - passing <= tested


async def test_a_tapped_staff_button_never_asks_the_model() -> None:
    model = ScriptedModel("faq")
    chat = Chat(llm=model)

    out = await chat.send("Hablar", choice=HANDOFF, read_as=(Intent.UNKNOWN, 0.1))

    assert out.decided_by == "handoff" and model.asked == []


async def test_a_message_the_task_takes_never_asks_the_model() -> None:
    model = ScriptedModel("faq")
    chat = Chat(llm=model)
    for text, options in CONFIRM:
        await chat.send(text, **options)

    out = await chat.send("mejor 3 adultos", read_as=(Intent.UNKNOWN, 0.1))

    assert out.decided_by == "task_in_progress" and model.asked == []


async def test_the_greeting_is_said_once_when_the_model_reads_a_greeting() -> None:
    chat = Chat(llm=ScriptedModel("greet"))

    out = await chat.send("Hola, mmm pues eso", read_as=(Intent.UNKNOWN, 0.2))

    assert out.decided_by == "greeting"
    assert text_of(out).count("Soy el asistente virtual") == 1
