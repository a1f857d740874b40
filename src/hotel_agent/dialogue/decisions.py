"""The engine's decision order, written once: an ordered table of steps.

Each step has a name, a predicate on the turn (its state and what the message was understood
to say, with the thresholds of `thresholds.py`) and an action. The first step whose predicate
holds acts; an action returning False passes the message on down the table (the task found
nothing in it, the greeting only opened the reply). Its name is the turn's `decided_by`.

In words: a message with nothing to act on is asked about; a hotel question asked beside the
choice of room is answered (and the room picked in the rest of the message taken); the answer
to the task's pending question is taken first; a sure request for a person, a complaint, a
non-existent day, "start over", thanks followed by a question, and a sure hotel question come
before the task in progress reads the message; then the intent is settled (a tapped menu
button, or the language model's reading of an unsure message) and acted on at `act`: a name
("me llamo Ana") is kept, never a request for a person; hand over, "a day earlier" with no task
(a change of their booking), answer, start a task (a plain "confirmo" inside a task is no
"find my booking"), search other dates said after the offers were turned down, greet, small
talk; anything else is asked again once, and handed over at the second in a row. Hotel
questions asked beside a task step are answered before the task's own question.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

import structlog

from hotel_agent.channels.port import Button
from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import BOOK, HANDOFF, MY_BOOKING, Turn
from hotel_agent.dialogue.flows import faq
from hotel_agent.dialogue.flows import offers as offer_step
from hotel_agent.dialogue.flows.port import TaskFlow
from hotel_agent.dialogue.flows.registry import STARTED_BY, TASKS, task_in_progress
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import Flow, Step
from hotel_agent.dialogue.thresholds import Thresholds
from hotel_agent.nlu.entities.dates import says_stay_change
from hotel_agent.nlu.types import Entities, Intent, Topic, Understanding

log = structlog.get_logger(__name__)

_WORD = re.compile(r"[^\W_]", re.UNICODE)
_GREETING = re.compile(
    r"^\W*(hola|buen[oa]s( d[ií]as| tardes| noches)?|hi|hello|hey|good (morning|afternoon|"
    r"evening))\b",
    re.IGNORECASE,
)
# "Thanks!" / "muchas gracias," opening a message that goes on to ask something.
_THANKS = re.compile(
    r"^\W*(?:(?:ok|okay|vale)\W+)?(?:(?:muchas|mil|much[ií]simas)\s+)?"
    r"(?:gracias|thanks|thank you|thx|cheers)(?:\s+(?:so much|a lot|very much))?\b",
    re.IGNORECASE,
)
_SMALL_TALK = {
    Intent.THANKS: "small_talk.thanks",
    Intent.GOODBYE: "small_talk.goodbye",
}
_MENU_CHOICES = (HANDOFF, BOOK, MY_BOOKING)
_NAMES_A_BOOKING = re.compile(r"\b(?:reserva|booking|reservation)", re.IGNORECASE)
# Words that make a party a change of a booking: "now we are 3", "add a child", "en vez de 2".
_NAMES_A_CHANGE = re.compile(
    r"\b(?:cambi\w*|change\w*|modif\w*|instead|en\s+vez|en\s+lugar|ahora|now|add\w*|a[nñ]ad\w*"
    r"|m[aá]s|more|extra|otr[oa]s?|another|reserv\w*|booking|booked|update|actualiz\w*)\b",
    re.IGNORECASE,
)

Predicate = Callable[[Turn, Thresholds], bool]
# True: the turn is answered; False: the message goes on down the table.
Action = Callable[[Turn, DialogueServices], Awaitable[bool]]


@dataclass(frozen=True)
class Decision:
    name: str
    applies: Predicate
    act: Action


class Consumed(Enum):
    NOTHING = "nothing"
    USED = "used"  # the message filled or changed something: go on
    ANSWERED = "answered"  # the flow replied and is done with this message


async def decide(t: Turn, services: DialogueServices) -> str:
    """Run the table on the turn; the name of the step that answered."""
    # Counted again only if this message is not understood either (see `_unclear`).
    t.unclear_before = t.state.misunderstood
    t.state.misunderstood = 0
    for step in DECISION_ORDER:
        if step.applies(t, t.thresholds) and await step.act(t, services):
            log.debug("dialogue.decided", step=step.name)
            if step.name in _TASK_STEPS:
                await _answer_questions_beside_task(t, services)
            return step.name
    raise AssertionError("the last step of DECISION_ORDER always answers")


# Steps where the task read the message: a hotel question asked in it too ("…somos 2 adultos
# y un peque de 3, ¿tienen cuna?") is answered as well, never dropped.
_TASK_STEPS = frozenset(
    {
        "start_task",
        "task_in_progress",
        "pending_answer",
        "booking_named",
        "party_is_a_stay",
        "other_dates_after_decline",
    }
)
_ASKED_AFTER_AND = re.compile(
    r"\b(?:y|and)\s+(?=(?:quisiera|quer[ií]a|querr[ií]a|me\s+gustar[ií]a|i'?d\s+like|i\s+would"
    r"\s+like|i\s+wanted?|can\s+i|could\s+i|can\s+we|could\s+we|puedo|podemos|se\s+puede)\b)",
    re.IGNORECASE,
)

_WANTS_TO_KNOW = re.compile(
    r"\b(?:saber|know|wondering|wonder|preguntar(?:te|os|les)?|ask(?:ing)?)\s+(?:si|if|whether)\b",
    re.IGNORECASE,
)
_AND_IF = re.compile(r"\b(?:y|and)\s+(?:si|if|whether)\b", re.IGNORECASE)


async def _answer_questions_beside_task(t: Turn, services: DialogueServices) -> None:
    """The hotel questions among the message's clauses, answered before the task's question
    (its last reply), so that the guest's next message answers that question."""
    if not t.replies or offer_step.asks_about_chosen(t):
        return  # "¿qué incluye?" after choosing: the room was described, nothing else asked
    asked: list[str] = []
    for clause in offer_step.clauses(t.text):
        candidates = []
        if "?" in clause:
            # "…, 2 adultos y 1 peque de 3 años, tienen cuna?": without "¿" the question is
            # often only the clause's last part.
            candidates = [clause, clause.rsplit(",", 1)[-1].strip()]
        # "tengo una reserva … y quisiera saber si puedo llevar a mi perro": asked without "?".
        candidates += _ASKED_AFTER_AND.split(clause)[1:]
        asked_if = _WANTS_TO_KNOW.search(clause)
        if asked_if:
            # "quería saber si aceptan perros y si hay habitaciones para nochevieja": each "if",
            # without its lead-in ("hola quería saber si" reads as a greeting).
            parts = _AND_IF.split(clause[asked_if.end() :])
            candidates += [part.strip() for part in parts if part.strip()]
        for question in dict.fromkeys(c for c in candidates if c):
            said = services.understander.understand(question, now=t.now, language_hint=t.language)
            if said.intent is Intent.FAQ and said.confidence >= t.thresholds.act:
                asked.append(question)
                break
    if not asked:
        return
    pending = t.replies.pop()
    for question in asked:
        await faq.answer(t, services, question)
    t.replies.append(pending)


# --- Predicates --------------------------------------------------------------------------


def _nothing_to_act_on(t: Turn, th: Thresholds) -> bool:
    # "👍" or "?": nothing to act on (and never a yes to a summary).
    return not _WORD.search(t.text) and t.choice is None


def _answers_pending_question(t: Turn, th: Thresholds) -> bool:
    task = task_in_progress(t.state)
    return task is not None and t.choice not in _MENU_CHOICES and task.can_take(t)


def _asks_beside_choice(t: Turn, th: Thresholds) -> bool:
    # "la familiar, ¿hay cama supletoria?" while the offers are the question pending.
    return (
        t.state.flow is Flow.BOOKING
        and t.state.step is Step.CHOOSE
        and t.choice is None
        and ("?" in t.text or "¿" in t.text or offer_step.asks_about_rooms(t.text))
        and _THANKS.match(t.text) is None  # "thanks! is there parking?": welcome, then answer
    )


def _opens_with_greeting(t: Turn, th: Thresholds) -> bool:
    # "Hola! ¿Tienen habitación…?" opening a conversation: greet, then answer.
    u = t.understanding
    return (
        u.intent is not Intent.GREET and t.input.language is None and bool(_GREETING.match(t.text))
    )


def _wants_person_now(t: Turn, th: Thresholds) -> bool:
    """The staff button, or a request for a person or a complaint sure enough to interrupt."""
    u = t.understanding
    return t.choice == HANDOFF or (
        u.intent in (Intent.HANDOFF, Intent.COMPLAINT)
        and u.confidence >= th.interrupt
        and not t.introduces_self()
    )


def _sure_question(t: Turn, th: Thresholds) -> bool:
    u = t.understanding
    return (
        u.intent is Intent.FAQ
        and u.confidence >= th.interrupt
        and t.choice is None
        and not says_stay(u.entities)
    )


def _impossible_date(t: Turn, th: Thresholds) -> bool:
    # Not a misunderstanding: the guest named a day that does not exist.
    return (
        t.understanding.entities.impossible_date
        and t.choice is None
        and not _wants_person_now(t, th)
    )


def _start_over(t: Turn, th: Thresholds) -> bool:
    return choices.wants_start_over(t.text) and not _wants_person_now(t, th)


def _thanks_first(t: Turn, th: Thresholds) -> bool:
    return t.choice is None and _THANKS.match(t.text) is not None and not _wants_person_now(t, th)


def _task_reads_it(t: Turn, th: Thresholds) -> bool:
    return t.state.flow is not None and not _wants_person_now(t, th) and not _sure_question(t, th)


def _intent_to_settle(t: Turn, th: Thresholds) -> bool:
    u = t.understanding
    if t.choice in (BOOK, MY_BOOKING):
        return True
    unsure = u.intent is Intent.UNKNOWN or u.confidence < th.ask_model_below
    return unsure and t.choice != HANDOFF


def _intent(*intents: Intent) -> Predicate:
    def applies(t: Turn, th: Thresholds) -> bool:
        u = t.understanding
        return u.intent in intents and u.confidence >= th.act

    return applies


def _hands_over(t: Turn, th: Thresholds) -> bool:
    return t.choice == HANDOFF or (
        _intent(Intent.HANDOFF, Intent.COMPLAINT)(t, th) and not t.introduces_self()
    )


def _only_introduces_self(t: Turn, th: Thresholds) -> bool:
    # With no task to take it, and nothing else asked or started ("me llamo Ana, ¿tenéis
    # parking?" is a question).
    return t.introduces_self() and not _intent(Intent.FAQ, *STARTED_BY)(t, th)


def _abandons_booking(t: Turn, th: Thresholds) -> bool:
    # "cancel" while booking means: forget this booking, not cancel another one.
    return (
        _intent(Intent.CANCEL_BOOKING)(t, th)
        and t.state.flow is Flow.BOOKING
        and not t.understanding.entities.booking_ref
    )


def _moves_a_booking(t: Turn, th: Thresholds) -> bool:
    # "can we arrive a day earlier?", "¿una noche más?" with no task: a change of their
    # booking, not a question about check-in times.
    if t.state.flow is not None or t.choice is not None:
        return False
    if says_stay_change(t.text):
        return True
    # "salimos el lunes" from a guest who booked here: a departure with no arrival is their
    # booking's, unless they ask about it ("¿a qué hora salimos el lunes?").
    entities = t.understanding.entities
    return (
        bool(t.state.my_bookings or t.state.proven_bookings)
        and entities.check_out is not None
        and entities.check_in is None
        and not _intent(Intent.FAQ, Intent.CANCEL_BOOKING, Intent.BOOKING_STATUS)(t, th)
    )


def _party_read_as_a_change(t: Turn, th: Thresholds) -> bool:
    # "3 adults + 1 child" as a first message: the classifier reads a bare party as a change of
    # a booking, but a guest with no booking here who names no change is asking for a room.
    u = t.understanding
    return (
        _intent(Intent.MODIFY_BOOKING)(t, th)
        and t.state.flow is None
        and t.choice is None
        and not (t.state.my_bookings or t.state.proven_bookings)
        and u.entities.booking_ref is None
        and u.entities.adults is not None
        and _NAMES_A_CHANGE.search(t.text) is None
    )


def _names_own_booking(t: Turn, th: Thresholds) -> bool:
    # "hi, I have a booking HS-… with tom@… and I would like to know if there is parking":
    # their booking is shown (its question answered beside it), whatever the classifier made
    # of the whole; a sure cancel or change of it is `start_task`'s.
    return (
        t.state.flow is None
        and t.choice is None
        and t.understanding.entities.booking_ref is not None
        and not _intent(*STARTED_BY)(t, th)
    )


def _starts_task(t: Turn, th: Thresholds) -> bool:
    return _intent(*STARTED_BY)(t, th) and not _yes_inside_task(t)


def _yes_inside_task(t: Turn) -> bool:
    """ "confirmo" while the party is asked: a yes that is no answer (asked again), never
    "find your booking" — the classifier reads a lone "confirmo" / "confirmed" so. A booking
    reference or an e-mail in it is about a booking."""
    entities = t.understanding.entities
    return (
        t.state.flow is not None
        and t.understanding.intent is Intent.BOOKING_STATUS
        and choices.is_yes(t.text)
        and not entities.booking_ref
        and not entities.email
        and _NAMES_A_BOOKING.search(t.text) is None
    )


def _other_dates_after_decline(t: Turn, th: Thresholds) -> bool:
    # "too pricey, no thanks" → "ok what about feb 20 to 22": a new search for that party.
    return (
        t.state.flow is None
        and t.state.turned_down is not None
        and t.understanding.entities.check_in is not None
    )


def _yes_or_no_without_task(t: Turn, th: Thresholds) -> bool:
    return t.understanding.intent in (Intent.AFFIRM, Intent.DENY) and t.state.flow is None


def _always(t: Turn, th: Thresholds) -> bool:
    return True


# --- Actions -----------------------------------------------------------------------------


def _reply_with(key: str, *, forget_task: bool = False, with_menu: bool = True) -> Action:
    async def act(t: Turn, services: DialogueServices) -> bool:
        if forget_task:
            t.state.reset_flow()
        t.reply(t.say(key), buttons=menu(t) if with_menu else None)
        return True

    return act


async def _ask_again(t: Turn, services: DialogueServices) -> bool:
    _reask(t, "small_talk.empty")
    return True


async def _take_answer(t: Turn, services: DialogueServices) -> bool:
    consumed = _take(t, _task(t))
    if consumed is Consumed.USED:
        await _ask_next(t, services)
    return consumed is not Consumed.NOTHING


async def _answer_beside_choice(t: Turn, services: DialogueServices) -> bool:
    """Questions asked beside the choice of room are answered (never ignored), then the room
    picked in the same message is taken, or the choice asked for again."""
    state = t.state

    def understand(text: str) -> Understanding:
        return services.understander.understand(
            text, now=t.now, language_hint=t.language, room_types=t.room_type_names
        )

    beside = offer_step.questions_beside(t, understand)
    if not (beside.questions or beside.priced or beside.described):
        return False  # "¿la primera?": only the answer
    if beside.described:
        offer_step.describe(t, beside.described)
    for index in beside.priced:
        offer_step.tell_price(t, state.offers[index])
    for question in beside.questions:
        await faq.answer(t, services, question)
    if beside.pick is not None:
        offer_step.remember_pick(t, state.offers[beside.pick])
        await _ask_next(t, services)
    else:
        await _resume(t, services)  # the offers again, after "let's carry on"
    return True


async def _greet_first(t: Turn, services: DialogueServices) -> bool:
    greet(t)
    return False


async def _hand_over(t: Turn, services: DialogueServices) -> bool:
    complaint = t.choice != HANDOFF and t.understanding.intent is Intent.COMPLAINT
    reason = "complaint" if complaint else "requested"
    t.reply(t.say(f"handoff.{reason}"))
    t.hand_off(reason)
    return True


async def _thank_then_answer(t: Turn, services: DialogueServices) -> bool:
    """Thanks followed by a question about the hotel ("thanks! actually what time is
    check-in?"): the welcome, then the answer. The question's meaning then replaces the
    classifier's "thanks" reading of the whole."""
    thanked = _THANKS.match(t.text)
    assert thanked is not None
    rest = t.text[thanked.end() :]
    if not _WORD.search(rest):
        return False
    u = t.understanding
    if u.intent is not Intent.FAQ:
        asked = services.understander.understand(rest, now=t.now, language_hint=t.language)
        if asked.intent is not Intent.FAQ:
            return False
        u.intent, u.topic, u.confidence = asked.intent, asked.topic, asked.confidence
    if u.confidence < t.thresholds.interrupt or says_stay(u.entities):
        return False
    t.reply(t.say("small_talk.thanks_then_answer"))
    await _answer_question(t, services)
    return True


async def _task_takes(t: Turn, services: DialogueServices) -> bool:
    consumed = _take(t, _task(t))
    if consumed is Consumed.ANSWERED:
        return True
    if consumed is Consumed.USED or t.says_yes_to_summary():
        await _ask_next(t, services, confirm=consumed is Consumed.NOTHING)
        return True
    return False


async def _settle_intent(t: Turn, services: DialogueServices) -> bool:
    """A menu button names the task; an unsure reading is the language model's to give, when
    one is configured. Never answers by itself."""
    u = t.understanding
    if t.choice == BOOK:
        u.intent, u.confidence = Intent.NEW_BOOKING, 1.0
    elif t.choice == MY_BOOKING:
        u.intent, u.confidence = Intent.BOOKING_STATUS, 1.0
    elif services.llm is not None:
        guess = await services.llm.classify(
            t.text,
            language=t.language,
            intents=[i.value for i in Intent],
            topics=[topic.value for topic in Topic],
        )
        if guess is not None:
            u.intent, u.confidence = Intent(guess.intent), 1.0
            u.topic = Topic(guess.topic) if guess.topic else None
    return False


async def _nice_to_meet(t: Turn, services: DialogueServices) -> bool:
    """The guest's name, kept for the booking they may make next; then how can I help."""
    name = t.understanding.entities.person_name
    assert name is not None
    t.state.guest_name = name
    t.reply(t.say("small_talk.nice_to_meet", name=name.split()[0]))
    if t.state.flow is None:
        t.reply(t.say("small_talk.how_can_i_help"), buttons=menu(t))
    else:
        await _resume(t, services)
    return True


async def _answer(t: Turn, services: DialogueServices) -> bool:
    await _answer_question(t, services)
    if t.state.flow is None:
        await _start_booking_said_beside(t, services)
    return True


async def _start_booking_said_beside(t: Turn, services: DialogueServices) -> None:
    """ "need a room 20-22 jan. is there parking?": read as a question, the message also asks
    for a room; once its questions are answered the booking starts with what it said (the
    dates were lost and asked again)."""
    said = " ".join(c for c in offer_step.clauses(t.text) if "?" not in c and "¿" not in c)
    if not said:
        return
    rest = services.understander.understand(
        said, now=t.now, language_hint=t.language, room_types=t.room_type_names
    )
    if rest.intent is not Intent.NEW_BOOKING or rest.confidence < t.thresholds.act:
        return
    task = TASKS[Flow.BOOKING]
    task.start(t, Flow.BOOKING)
    _take(t, task)
    await _ask_next(t, services)


def _start_as(intent: Intent) -> Action:
    """Start the task of `intent`, whatever the classifier read: the step's predicate knows
    better ("3 adults + 1 child" with no booking here is no change of one)."""

    async def act(t: Turn, services: DialogueServices) -> bool:
        t.understanding.intent, t.understanding.confidence = intent, 1.0
        return await _start_task(t, services)

    return act


async def _start_task(t: Turn, services: DialogueServices) -> bool:
    flow = STARTED_BY[t.understanding.intent]
    task = TASKS[flow]
    if flow is not t.state.flow:
        task.start(t, flow)
    _take(t, task)
    await _ask_next(t, services)
    return True


async def _greeting(t: Turn, services: DialogueServices) -> bool:
    greet(t)
    if t.state.flow is None:
        t.reply(t.say("small_talk.how_can_i_help"), buttons=menu(t))
    else:
        await _resume(t, services)
    return True


async def _small_talk(t: Turn, services: DialogueServices) -> bool:
    intent = t.understanding.intent
    t.reply(t.say(_SMALL_TALK[intent]))
    if t.state.flow is not None and intent is Intent.THANKS:
        await _resume(t, services)
    return True


async def _unclear(t: Turn, services: DialogueServices) -> bool:
    task = task_in_progress(t.state)
    if task is not None and task.miss(t):
        return True
    state = t.state
    state.misunderstood = t.unclear_before + 1
    if state.misunderstood >= t.thresholds.unclear_limit:
        t.reply(t.say("handoff.misunderstood"))
        t.hand_off("misunderstood")
    else:
        _reask(t, "small_talk.not_understood")
    return True


DECISION_ORDER: tuple[Decision, ...] = (
    Decision("nothing_to_act_on", _nothing_to_act_on, _ask_again),
    Decision("question_beside_choice", _asks_beside_choice, _answer_beside_choice),
    Decision("pending_answer", _answers_pending_question, _take_answer),
    Decision("opening_greeting", _opens_with_greeting, _greet_first),
    Decision("no_such_day", _impossible_date, _reply_with("invalid.no_such_day", with_menu=False)),
    Decision("start_over", _start_over, _reply_with("small_talk.start_over", forget_task=True)),
    Decision("thanks_then_question", _thanks_first, _thank_then_answer),
    Decision("task_in_progress", _task_reads_it, _task_takes),
    Decision("settle_intent", _intent_to_settle, _settle_intent),
    Decision("introduction", _only_introduces_self, _nice_to_meet),
    Decision("handoff", _hands_over, _hand_over),
    Decision("move_booking", _moves_a_booking, _start_as(Intent.MODIFY_BOOKING)),
    Decision("booking_named", _names_own_booking, _start_as(Intent.BOOKING_STATUS)),
    Decision("question", _intent(Intent.FAQ), _answer),
    Decision(
        "abandon_booking", _abandons_booking, _reply_with("booking.abandoned", forget_task=True)
    ),
    Decision("party_is_a_stay", _party_read_as_a_change, _start_as(Intent.NEW_BOOKING)),
    Decision("start_task", _starts_task, _start_task),
    Decision(
        "other_dates_after_decline", _other_dates_after_decline, _start_as(Intent.NEW_BOOKING)
    ),
    Decision("greeting", _intent(Intent.GREET), _greeting),
    Decision("small_talk", _intent(*_SMALL_TALK), _small_talk),
    Decision(
        "yes_or_no_without_task", _yes_or_no_without_task, _reply_with("small_talk.anything_else")
    ),
    Decision("unclear", _always, _unclear),
)


# --- Shared by the actions ---------------------------------------------------------------


def _task(t: Turn) -> TaskFlow:
    task = task_in_progress(t.state)
    assert task is not None, "a task step runs only with a task in progress"
    return task


def _reask(t: Turn, without_task: str) -> None:
    """The task's question again in other words; with no task, `without_task` and the menu."""
    task = task_in_progress(t.state)
    if task is None:
        t.reply(t.say(without_task), buttons=menu(t))
    else:
        task.reask(t)


def _take(t: Turn, task: TaskFlow) -> Consumed:
    replies_before = len(t.replies)
    used = task.take(t)
    if len(t.replies) > replies_before:
        return Consumed.ANSWERED
    return Consumed.USED if used else Consumed.NOTHING


async def _ask_next(t: Turn, services: DialogueServices, *, confirm: bool = False) -> None:
    """The task in progress asks its next question (the message may have ended the task)."""
    task = task_in_progress(t.state)
    if task is not None:
        await task.ask_next(t, services, confirm=confirm)


async def _answer_question(t: Turn, services: DialogueServices) -> None:
    await faq.answer(t, services)
    if t.state.flow is not None:
        await _resume(t, services)


async def _resume(t: Turn, services: DialogueServices) -> None:
    t.reply(t.say(f"resume.{t.state.flow.value if t.state.flow else 'booking'}"))
    t.resuming = True
    await _ask_next(t, services)


def greet(t: Turn) -> None:
    """ "¡Hola Ana! Bienvenida a …", once a turn."""
    if not t.greeted:
        t.reply(t.say("small_talk.greeting", name=_first_name(t), hotel=t.hotel_name))
        t.greeted = True


def _first_name(t: Turn) -> str:
    """ " Ana" for the greeting, from the WhatsApp profile name; "" when unknown."""
    name = (t.input.guest_name or "").split()
    return f" {name[0]}" if name else ""


def says_stay(entities: Entities) -> bool:
    return any(
        value is not None
        for value in (entities.check_in, entities.check_out, entities.nights, entities.adults)
    )


def menu(t: Turn) -> list[Button]:
    return [
        t.button(BOOK, "buttons.book"),
        t.button(MY_BOOKING, "buttons.my_booking"),
        t.button(HANDOFF, "buttons.talk_to_staff"),
    ]
