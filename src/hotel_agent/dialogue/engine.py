"""The dialogue engine: one guest message in, the replies and the next state out.

A turn: what is not text gets an honest "text only" (a voice note speech-to-text could not
hear: "could you write it?"); otherwise the message (a voice note's transcript like typed text)
is understood (in the light of the stay the task in progress holds) and the decision order of
`decisions.py` acts on it. PMS writes happen only in the flows, and only on a yes to the summary
just shown. When the PMS cannot answer, the guest hears so and a colleague takes over: nothing
is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog

from hotel_agent.bookings.effects import RecordingLedger
from hotel_agent.channels.port import InboundMessage, OutboundMessage
from hotel_agent.dialogue import choices
from hotel_agent.dialogue.booking_emails import booking_emails
from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.decisions import decide
from hotel_agent.dialogue.flows import special_requests
from hotel_agent.dialogue.flows.port import TaskFlow
from hotel_agent.dialogue.flows.registry import task_in_progress
from hotel_agent.dialogue.flows.stay_rules import as_entities
from hotel_agent.dialogue.port import TurnInput, TurnOutput
from hotel_agent.dialogue.privacy import privacy_notice
from hotel_agent.dialogue.responses import Say
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import DialogueState, Step
from hotel_agent.nlu.types import Entities
from hotel_agent.pms.errors import BookingNotFound, PmsAuthError, PmsError, PmsUnavailable
from hotel_agent.pms.port import HotelProfile, RoomType
from hotel_agent.pms.searches import SearchNotingPms

log = structlog.get_logger(__name__)

TEXT_TYPES = frozenset({"text", "interactive", "button"})


def hotel_clock(zone: ZoneInfo) -> datetime:
    return datetime.now(zone)


def _stay_in_mind(state: DialogueState, task: TaskFlow | None) -> Entities | None:
    """What a bare "del 17 al 19" is read beside: the task's stay, else the one turned down."""
    if task is not None:
        return task.known_stay(state)
    return as_entities(state.turned_down) if state.turned_down is not None else None


def _not_text_reply(message: InboundMessage) -> str:
    if message.type != "audio":
        return "small_talk.text_only"
    status = message.media.transcript_status if message.media else None
    if status in (None, "not_configured"):
        return "small_talk.voice_not_configured"
    return "small_talk.voice_not_heard"


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
        if message.type not in TEXT_TYPES and not message.transcribed:
            say = Say(turn.language or turn.hotel.default_language)
            return TurnOutput(
                replies=[OutboundMessage(text=say(_not_text_reply(message)))],
                state=state.dump(),
                language=say.language,
                decided_by="not_text",
            )
        now = self.clock(ZoneInfo(turn.hotel.timezone))
        services = self.services
        if services.edited_knowledge is not None:
            knowledge = await services.edited_knowledge.current(
                turn.hotel.id, turn.hotel.knowledge_version
            )
            services = replace(services, knowledge=knowledge)
        hotel, room_types = await self._hotel_facts()
        # Names, e-mails and references say nothing about the guest's language ("Laura Gómez,
        # laura@example.com" is not Spanish): answers to those questions keep the language.
        keep_language = state.step in (Step.DETAILS, Step.FIND) and turn.language is not None
        room_type_names = services.knowledge.room_type_names(room_types)
        task = task_in_progress(state)
        understanding = services.understander.understand(
            message.text,
            now=now,
            language_hint=turn.language if keep_language else None,
            previous_language=turn.language,
            default_language=turn.hotel.default_language,
            room_types=room_type_names,
            previous_entities=_stay_in_mind(state, task),
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
            thresholds=services.thresholds,
            choice=message.choice_id or choices.typed_choice(message.text, state.last_choices),
            step_before=state.step,
            privacy_notice=privacy_notice(
                services.knowledge,
                hotel.name if hotel else turn.hotel.name,
                understanding.language,
            ),
        )
        decided_by: str | None = None
        # The turn's PMS writes are noted as they happen: each becomes a booking e-mail.
        ledger = RecordingLedger(services.bookings)
        pms = SearchNotingPms(services.pms)
        services = replace(services, bookings=ledger, pms=pms)
        noted = special_requests.take(t)
        try:
            decided_by = await decide(t, services)
        except (PmsUnavailable, PmsAuthError) as exc:
            log.warning("dialogue.pms_unavailable", error=type(exc).__name__)
            t.reply(t.say("handoff.pms_unavailable"))
            t.hand_off("pms_unavailable")
            decided_by = "pms_unavailable"
        except BookingNotFound:
            # The booking under discussion is gone from the PMS (deleted by staff).
            t.reply(t.say("manage.not_found", reference=t.state.booking_ref or ""))
            t.state.reset_flow()
            decided_by = "booking_gone"
        special_requests.acknowledge(t, noted)
        emails = []
        if services.booking_emails:
            emails = booking_emails(t, ledger.effects, services.knowledge)
        t.remember_choices()
        return TurnOutput(
            replies=t.replies,
            state=t.state.dump(),
            language=t.language,
            handoff=t.handoff_reason is not None,
            handoff_reason=t.handoff_reason,
            decided_by=decided_by,
            emails=emails,
            checked_availability=pms.searched,
            guest_name=t.state.guest_name,
        )

    async def _hotel_facts(self) -> tuple[HotelProfile | None, list[RoomType]]:
        """The hotel's profile and room types (cached by the resilient PMS); a PMS that cannot
        tell does not stop the conversation: questions can still be answered."""
        pms = self.services.pms
        try:
            return await pms.hotel(), await pms.room_types()
        except PmsError as exc:
            log.warning("dialogue.hotel_facts_unavailable", error=type(exc).__name__)
            return None, []
