"""The guest's word on messages the agent sends unprompted (docs/whatsapp-templates.md).

After a booking, WhatsApp guests are asked once whether they want a message before they
arrive and one after their stay (see `proactive.py`); "yes" schedules both for that booking,
"no" nothing. Writing "stop" or "baja" (alone) at any time opts the guest out of all of them:
recorded on the guest, and everything scheduled is cancelled. These answers are handled here,
before the dialogue, which never sees them.
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
# A message of only these words (any case, accents, punctuation) opts the guest out.
OPT_OUT_WORDS = frozenset(
    {"stop", "baja", "darme de baja", "dar de baja", "unsubscribe", "stop messages"}
)


class Preference(StrEnum):
    YES = "yes"
    NO = "no"
    STOP = "stop"


def preference_of(message: InboundMessage) -> Preference | None:
    """The guest's answer to the offer, or their opt-out; None for anything else."""
    if message.choice_id == OFFER_YES:
        return Preference.YES
    if message.choice_id == OFFER_NO:
        return Preference.NO
    words = " ".join(re.sub(r"[^\w\s]", " ", fold(message.text)).split())
    return Preference.STOP if words in OPT_OUT_WORDS else None


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


async def apply_preference(
    session: AsyncSession,
    conversation: Conversation,
    preference: Preference,
    settings: ProactiveSettings,
    *,
    language: str,
    now: datetime,
) -> OutboundMessage:
    """Record the guest's answer in the caller's transaction; the reply that confirms it."""
    say = say_for(language)
    scheduled = ScheduledMessageRepository(session)
    if preference == Preference.STOP:
        await scheduled.opt_out(conversation.guest_id, now)
        return OutboundMessage(text=say("proactive.opted_out"))
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
