"""The guest's word on messages the agent sends unprompted (docs/whatsapp-templates.md).

After a booking, WhatsApp guests are asked once whether they want a message before they
arrive and one after their stay (see `proactive.py`); "yes" schedules both for that booking,
"no" nothing — pressed as a button, or typed ("sí", "no") while the offer is the agent's last
word. Writing "stop", "baja", "no more messages" or "no quiero más mensajes" (alone) at any
time, on any channel, and whether proactive messages are on or not, opts the guest out of all
of them: recorded on the guest (so they stay off if the hotel turns the messages on later),
everything scheduled cancelled, and confirmed. These answers are handled here, before the
dialogue, which never sees them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import InboundMessage, OutboundMessage
from hotel_agent.db.models import (
    BookingRecord,
    Conversation,
    Guest,
    Hotel,
    ScheduledKind,
    ScheduledStatus,
)
from hotel_agent.db.repositories.scheduled_messages import ScheduledMessageRepository
from hotel_agent.dialogue.responses import say_for
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.settings import ProactiveSettings

OFFER_YES = "proactive:yes"  # the ids of the offer's buttons
OFFER_NO = "proactive:no"
# A message of only these words (any case, accents, punctuation, a "please" or "thanks")
# opts the guest out.
OPT_OUT_WORDS = frozenset({
    "stop", "baja", "darme de baja", "dar de baja", "unsubscribe", "stop messages",
    "no more messages", "stop sending messages", "stop sending me messages", "stop messaging me",
    "no quiero mas mensajes", "no mas mensajes", "no quiero recibir mas mensajes",
    "no me envieis mas mensajes", "no me mandeis mas mensajes",
    "no me envies mas mensajes", "no me mandes mas mensajes",
})  # fmt: skip
_THANKS = r"(?:please|por favor|gracias|thanks|thank you)"
_POLITE = re.compile(rf"^(?:{_THANKS}\s+)*|(?:\s+{_THANKS})*$")
# A typed answer to the offer, when the offer is the agent's last message: the whole message.
_TYPED_YES = re.compile(
    r"^(?:si|yes|yeah|yep|sure|ok|okay|vale|claro|de acuerdo|perfecto|please do|si por favor"
    r"|yes please)(?:\s+(?:please|por favor|gracias|thanks|remind me|avisadme|avisame))*$"
)
_TYPED_NO = re.compile(
    r"^(?:no|nope|no gracias|no thanks|no thank you|mejor no|no hace falta|no need)"
    r"(?:\s+(?:please|por favor|gracias|thanks))*$"
)


class Preference(StrEnum):
    YES = "yes"
    NO = "no"
    STOP = "stop"


def preference_of(message: InboundMessage, *, offer_open: bool = False) -> Preference | None:
    """The guest's answer to the offer, or their opt-out; None for anything else.
    `offer_open`: the offer is the agent's last message, so a typed yes or no answers it."""
    if message.choice_id == OFFER_YES:
        return Preference.YES
    if message.choice_id == OFFER_NO:
        return Preference.NO
    words = _words(message.text)
    if _POLITE.sub("", words) in OPT_OUT_WORDS:
        return Preference.STOP
    if offer_open and message.choice_id is None:
        if _TYPED_YES.match(words):
            return Preference.YES
        if _TYPED_NO.match(words):
            return Preference.NO
    return None


def may_answer_offer(message: InboundMessage) -> bool:
    """Whether the message reads as a typed yes or no (then whether an offer is open is asked
    of the database)."""
    words = _words(message.text)
    return message.choice_id is None and bool(_TYPED_YES.match(words) or _TYPED_NO.match(words))


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def due_time(
    kind: ScheduledKind, booking: BookingRecord, timezone: str, settings: ProactiveSettings
) -> datetime:
    """When a pre-arrival or post-stay message of `booking` is due (UTC)."""
    if kind == ScheduledKind.PRE_ARRIVAL:
        day = booking.check_in - timedelta(days=settings.pre_arrival_days)
        hour = settings.pre_arrival_hour
    else:
        day, hour = booking.check_out, settings.post_stay_hour
    return datetime.combine(day, time(hour), ZoneInfo(timezone)).astimezone(UTC)


def hotel_today(hotel: Hotel | None, now: datetime) -> date:
    return now.astimezone(ZoneInfo(hotel.timezone if hotel else "UTC")).date()


async def opt_out(
    session: AsyncSession, conversation: Conversation, *, language: str, now: datetime
) -> OutboundMessage:
    """Record the guest's opt-out in the caller's transaction; the reply that confirms it."""
    await ScheduledMessageRepository(session).opt_out(conversation.guest_id, now)
    return OutboundMessage(text=say_for(language)("proactive.opted_out"))


async def answer_offer(
    session: AsyncSession,
    conversation: Conversation,
    preference: Preference,
    settings: ProactiveSettings,
    *,
    language: str,
) -> OutboundMessage:
    """Record the guest's yes or no to the offer in the caller's transaction; the reply that
    confirms it."""
    say = say_for(language)
    scheduled = ScheduledMessageRepository(session)
    offers = await scheduled.open_offers(conversation.id)
    if preference == Preference.NO:
        for offer in offers:
            offer.status = ScheduledStatus.DECLINED
        return OutboundMessage(text=say("proactive.declined"))
    guest = await session.get(Guest, conversation.guest_id)
    if guest is not None:
        guest.messages_opt_out_at = None  # saying yes again is a new opt-in
    hotel = await session.get(Hotel, conversation.hotel_id)
    timezone = hotel.timezone if hotel else "UTC"
    for offer in offers:
        offer.status = ScheduledStatus.ACCEPTED
        booking = await scheduled.booking(offer.booking_record_id)
        if booking is None:
            continue
        for kind in (ScheduledKind.PRE_ARRIVAL, ScheduledKind.POST_STAY):
            scheduled.add(
                booking=booking,
                conversation_id=conversation.id,
                kind=kind,
                status=ScheduledStatus.PENDING,
                due_at=due_time(kind, booking, timezone, settings),
            )
    return OutboundMessage(text=say("proactive.accepted"))
