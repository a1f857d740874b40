"""The dialogue engine: one guest message in, the replies and the next state out.

Order of a turn: what is not text gets an honest "text only"; a request for a person or a
complaint hands over at once; "start over" resets; a hotel question is answered, also one after
thanks (and the task in progress resumes); otherwise the task in progress takes what the
message says; a new task starts from the intent; small talk is answered; anything else is asked
again once, differently, and a second unclear message in a row hands the conversation to staff.

PMS writes happen only in the flows, and only on a yes to the summary just shown. When the PMS
cannot answer, the guest hears so and a colleague takes over: nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

import structlog

from hotel_agent.channels.port import Button, OutboundMessage
from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import BOOK, HANDOFF, MY_BOOKING, Turn
from hotel_agent.dialogue.flows import booking, faq, manage
from hotel_agent.dialogue.flows.stay_rules import as_entities
from hotel_agent.dialogue.port import TurnInput, TurnOutput
from hotel_agent.dialogue.responses import Say
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import DialogueState, Flow, Step
from hotel_agent.nlu.types import Entities, Intent, Topic
from hotel_agent.pms.errors import BookingNotFound, PmsAuthError, PmsError, PmsUnavailable
from hotel_agent.pms.port import HotelProfile, RoomType

log = structlog.get_logger(__name__)

TEXT_TYPES = frozenset({"text", "interactive", "button"})
# Below these the classifier's guess does not start a task or hand over on its own.
_TASK_CONFIDENCE = 0.5
_FAQ_CONFIDENCE = 0.6
_HANDOFF_CONFIDENCE = 0.6
_MISUNDERSTOOD_LIMIT = 2
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
_FLOW_OF_INTENT = {
    Intent.NEW_BOOKING: Flow.BOOKING,
    Intent.MODIFY_BOOKING: Flow.MODIFY,
    Intent.CANCEL_BOOKING: Flow.CANCEL,
    Intent.BOOKING_STATUS: Flow.STATUS,
}
_SMALL_TALK = {
    Intent.THANKS: "small_talk.thanks",
    Intent.GOODBYE: "small_talk.goodbye",
}


class Consumed(Enum):
    NOTHING = "nothing"
    USED = "used"  # the message filled or changed something: go on
    ANSWERED = "answered"  # the flow replied and is done with this message


def hotel_clock(zone: ZoneInfo) -> datetime:
    return datetime.now(zone)


class Engine:
    def __init__(
        self,
        services: DialogueServices,
        *,
        clock: Callable[[ZoneInfo], datetime] = hotel_clock,
    ) -> None:
        self.services = services
        self.clock = clock

    async def handle(self, turn: TurnInput) -> TurnOutput:
        state = DialogueState.load(turn.state)
        message = turn.message
        if message.type not in TEXT_TYPES:
            say = Say(turn.language or turn.hotel.default_language)
            return TurnOutput(
                replies=[OutboundMessage(text=say("small_talk.text_only"))],
                state=state.dump(),
                language=say.language,
            )
        now = self.clock(ZoneInfo(turn.hotel.timezone))
        hotel, room_types = await self._hotel_facts()
        # Names, e-mails and references say nothing about the guest's language ("Laura Gómez,
        # laura@example.com" is not Spanish): answers to those questions keep the language.
        keep_language = state.step in (Step.DETAILS, Step.FIND) and turn.language is not None
        room_type_names = self.services.knowledge.room_type_names(room_types)
        understanding = self.services.understander.understand(
            message.text,
            now=now,
            language_hint=turn.language if keep_language else None,
            previous_language=turn.language,
            default_language=turn.hotel.default_language,
            room_types=room_type_names,
            previous_entities=_previous_entities(state),
        )
        t = Turn(
            input=turn,
            understanding=understanding,
            state=state,
            say=Say(understanding.language),
            now=now,
            hotel=hotel,
            room_types=room_types,
            room_type_names=room_type_names,
            choice=message.choice_id or choices.typed_choice(message.text, state.last_choices),
        )
        try:
            await self._route(t)
        except (PmsUnavailable, PmsAuthError) as exc:
            log.warning("dialogue.pms_unavailable", error=type(exc).__name__)
            t.reply(t.say("handoff.pms_unavailable"))
            t.hand_off("pms_unavailable")
        except BookingNotFound:
            # The booking under discussion is gone from the PMS (deleted by staff).
            t.reply(t.say("manage.not_found", reference=t.state.booking_ref or ""))
            t.state.reset_flow()
        t.remember_choices()
        return TurnOutput(
            replies=t.replies,
            state=t.state.dump(),
            language=t.language,
            handoff=t.handoff_reason is not None,
            handoff_reason=t.handoff_reason,
        )

    async def _route(self, t: Turn) -> None:
        u = t.understanding
        state = t.state
        # Counted again only if this message is not understood either (see _misunderstood).
        t.unclear_before = state.misunderstood
        state.misunderstood = 0
        if not _WORD.search(t.text) and t.choice is None:
            # "👍" or "?": nothing to act on (and never a yes to a summary).
            if state.flow is None:
                t.reply(t.say("small_talk.empty"), buttons=_menu(t))
            else:
                self._reask(t)
            return
        if state.flow is not None and self._answers_question(t):
            consumed = self._consume(t)
            if consumed is Consumed.USED:
                await self._advance(t)
            if consumed is not Consumed.NOTHING:
                return
        if u.intent is not Intent.GREET and t.input.language is None and _GREETING.match(t.text):
            # "Hola! ¿Tienen habitación…?" opening a conversation: greet, then answer.
            t.reply(t.say("small_talk.greeting", name=_first_name(t), hotel=t.hotel_name))
        if t.choice == HANDOFF or (
            u.intent is Intent.HANDOFF and u.confidence >= _HANDOFF_CONFIDENCE
        ):
            t.reply(t.say("handoff.requested"))
            t.hand_off("requested")
            return
        if u.intent is Intent.COMPLAINT and u.confidence >= _HANDOFF_CONFIDENCE:
            t.reply(t.say("handoff.complaint"))
            t.hand_off("complaint")
            return
        if u.entities.impossible_date and t.choice is None:
            # Not a misunderstanding: the guest named a day that does not exist.
            t.reply(t.say("invalid.no_such_day"))
            return
        if choices.wants_start_over(t.text):
            state.reset_flow()
            t.reply(t.say("small_talk.start_over"), buttons=_menu(t))
            return
        if self._thanks_and_asks(t):
            # "thanks! actually what time is check-in?": the welcome, then the answer.
            t.reply(t.say("small_talk.thanks_then_answer"))
            await self._answer_question(t)
            return
        if (
            u.intent is Intent.FAQ
            and u.confidence >= _FAQ_CONFIDENCE
            and t.choice is None
            and not _says_stay(u.entities)
        ):
            await self._answer_question(t)
            return
        if state.flow is not None:
            consumed = self._consume(t)
            if consumed is Consumed.ANSWERED:
                return
            if consumed is Consumed.USED or t.says_yes_to_summary():
                await self._advance(t, confirm=consumed is Consumed.NOTHING)
                return
        await self._by_intent(t)

    async def _by_intent(self, t: Turn) -> None:
        u = t.understanding
        state = t.state
        intent, confidence = u.intent, u.confidence
        if t.choice == BOOK:
            intent, confidence = Intent.NEW_BOOKING, 1.0
        elif t.choice == MY_BOOKING:
            intent, confidence = Intent.BOOKING_STATUS, 1.0
        elif self.services.llm is not None and (
            intent is Intent.UNKNOWN or confidence < self.services.llm_min_confidence
        ):
            guess = await self.services.llm.classify(
                t.text,
                language=t.language,
                intents=[i.value for i in Intent],
                topics=[topic.value for topic in Topic],
            )
            if guess is not None:
                intent, confidence = Intent(guess.intent), 1.0
                u.intent = intent
                u.topic = Topic(guess.topic) if guess.topic else None
        flow = _FLOW_OF_INTENT.get(intent) if confidence >= _TASK_CONFIDENCE else None
        if flow is Flow.CANCEL and state.flow is Flow.BOOKING and not u.entities.booking_ref:
            # "cancel" while booking means: forget this booking, not cancel another one.
            state.reset_flow()
            t.reply(t.say("booking.abandoned"), buttons=_menu(t))
            return
        if flow is not None:
            if flow is not state.flow:
                if flow is Flow.BOOKING:
                    booking.start(t)
                else:
                    manage.start(t, flow)
            self._consume(t)
            await self._advance(t)
            return
        if intent is Intent.FAQ and confidence >= _TASK_CONFIDENCE:
            await self._answer_question(t)
            return
        if intent in (Intent.HANDOFF, Intent.COMPLAINT) and confidence >= _TASK_CONFIDENCE:
            reason = "complaint" if intent is Intent.COMPLAINT else "requested"
            t.reply(t.say(f"handoff.{reason}"))
            t.hand_off(reason)
            return
        if intent is Intent.GREET and confidence >= _TASK_CONFIDENCE:
            t.reply(t.say("small_talk.greeting", name=_first_name(t), hotel=t.hotel_name))
            if state.flow is None:
                t.reply(t.say("small_talk.how_can_i_help"), buttons=_menu(t))
            else:
                await self._resume(t)
            return
        if intent in _SMALL_TALK and confidence >= _TASK_CONFIDENCE:
            t.reply(t.say(_SMALL_TALK[intent]))
            if state.flow is not None and intent is Intent.THANKS:
                await self._resume(t)
            return
        if intent in (Intent.AFFIRM, Intent.DENY) and state.flow is None:
            t.reply(t.say("small_talk.anything_else"), buttons=_menu(t))
            return
        self._misunderstood(t)

    async def _answer_question(self, t: Turn) -> None:
        await faq.answer(t, self.services)
        if t.state.flow is not None:
            await self._resume(t)

    async def _resume(self, t: Turn) -> None:
        t.reply(t.say(f"resume.{t.state.flow.value if t.state.flow else 'booking'}"))
        t.resuming = True
        await self._advance(t)

    def _thanks_and_asks(self, t: Turn) -> bool:
        """True when the message opens with thanks and goes on with a question about the hotel;
        the question's meaning then replaces the classifier's "thanks" reading of the whole."""
        thanked = _THANKS.match(t.text)
        if thanked is None or t.choice is not None:
            return False
        rest = t.text[thanked.end() :]
        if not _WORD.search(rest):
            return False
        u = t.understanding
        if u.intent is not Intent.FAQ:
            asked = self.services.understander.understand(rest, now=t.now, language_hint=t.language)
            if asked.intent is not Intent.FAQ:
                return False
            u.intent, u.topic, u.confidence = asked.intent, asked.topic, asked.confidence
        return u.confidence >= _FAQ_CONFIDENCE and not _says_stay(u.entities)

    def _misunderstood(self, t: Turn) -> None:
        state = t.state
        state.misunderstood = t.unclear_before + 1
        if state.misunderstood >= _MISUNDERSTOOD_LIMIT:
            t.reply(t.say("handoff.misunderstood"))
            t.hand_off("misunderstood")
            return
        if state.flow is None:
            t.reply(t.say("small_talk.not_understood"), buttons=_menu(t))
        else:
            self._reask(t)

    def _reask(self, t: Turn) -> None:
        if t.state.flow is Flow.BOOKING:
            booking.reask(t)
        else:
            manage.reask(t)

    def _answers_question(self, t: Turn) -> bool:
        if t.choice in (HANDOFF, BOOK, MY_BOOKING):
            return False
        if t.state.flow is Flow.BOOKING:
            return booking.answers_question(t)
        return manage.answers_question(t)

    def _consume(self, t: Turn) -> Consumed:
        flow = t.state.flow
        replies_before = len(t.replies)
        used = booking.consume(t) if flow is Flow.BOOKING else manage.consume(t)
        if len(t.replies) > replies_before:
            return Consumed.ANSWERED
        return Consumed.USED if used else Consumed.NOTHING

    async def _advance(self, t: Turn, *, confirm: bool = False) -> None:
        if t.state.flow is Flow.BOOKING:
            await booking.advance(t, self.services, confirm=confirm)
        elif t.state.flow is not None:
            await manage.advance(t, self.services, confirm=confirm)

    async def _hotel_facts(self) -> tuple[HotelProfile | None, list[RoomType]]:
        """The hotel's profile and room types (cached by the resilient PMS); a PMS that cannot
        tell does not stop the conversation: questions can still be answered."""
        pms = self.services.pms
        try:
            return await pms.hotel(), await pms.room_types()
        except PmsError as exc:
            log.warning("dialogue.hotel_facts_unavailable", error=type(exc).__name__)
            return None, []


def _first_name(t: Turn) -> str:
    """ " Ana" for the greeting, from the WhatsApp profile name; "" when unknown."""
    name = (t.input.guest_name or "").split()
    return f" {name[0]}" if name else ""


def _previous_entities(state: DialogueState) -> Entities | None:
    if state.flow is Flow.BOOKING:
        return as_entities(state.slots)
    if state.flow is Flow.MODIFY and state.step in (Step.CHANGE, Step.CONFIRM):
        return as_entities(manage.requested_stay(state.slots, state.change))
    return None


def _says_stay(entities: Entities) -> bool:
    return any(
        value is not None
        for value in (entities.check_in, entities.check_out, entities.nights, entities.adults)
    )


def _menu(t: Turn) -> list[Button]:
    return [
        t.button(BOOK, "buttons.book"),
        t.button(MY_BOOKING, "buttons.my_booking"),
        t.button(HANDOFF, "buttons.talk_to_staff"),
    ]
