"""Two guests' data, as the pipeline leaves it, written straight to the tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import (
    BookingRecord,
    Conversation,
    DeadLetter,
    Guest,
    GuestIdentity,
    InboxEvent,
    Message,
    OutboxItem,
)
from hotel_agent.db.types import utcnow

ANA_WA_ID = "34611111111"
ANA_EMAIL = "ana.ruiz@example.com"


@dataclass
class Seeded:
    guest_id: int
    conversation_id: int
    booking_id: int


async def seed_guest(
    sessions: SessionFactory,
    hotel_id: int,
    *,
    wa_id: str = ANA_WA_ID,
    name: str = "Ana Ruiz",
    email: str = ANA_EMAIL,
    reference: str = "HS-ANA001",
    age: timedelta = timedelta(0),
    handled: bool = True,
) -> Seeded:
    """A WhatsApp guest who booked: a message each way (sent `age` ago), the raw payload, the
    outbox row, a dead letter, and a booking record."""
    when: datetime = utcnow() - age
    async with sessions() as session, session.begin():
        guest = Guest(hotel_id=hotel_id, display_name=name, phone=wa_id, language="es")
        session.add(guest)
        await session.flush()
        identity = GuestIdentity(
            hotel_id=hotel_id, guest_id=guest.id, channel="whatsapp", external_id=wa_id
        )
        session.add(identity)
        await session.flush()
        conversation = Conversation(
            hotel_id=hotel_id,
            guest_id=guest.id,
            identity_id=identity.id,
            channel="whatsapp",
            state={"flow": "booking", "slots": {"name": name, "email": email}},
            updated_at=when,
        )
        session.add(conversation)
        await session.flush()
        event = InboxEvent(
            hotel_id=hotel_id,
            channel="whatsapp",
            provider_message_id=f"wamid.{wa_id}.1",
            conversation_key=f"{hotel_id}:whatsapp:{wa_id}",
            sender_id=wa_id,
            message_type="text",
            payload={"from": wa_id, "text": {"body": f"Soy {name}, {email}"}},
            received_at=when,
            state="done" if handled else "pending",
        )
        session.add(event)
        await session.flush()
        inbound = Message(
            conversation_id=conversation.id,
            direction="in",
            channel="whatsapp",
            type="text",
            body=f"Soy {name}, {email}",
            provider_message_id=event.provider_message_id,
            status="received",
            inbox_event_id=event.id,
            created_at=when,
        )
        session.add(inbound)
        await session.flush()
        outbound = Message(
            conversation_id=conversation.id,
            direction="out",
            channel="whatsapp",
            type="text",
            body=f"Reserva {reference} confirmada, {name}.",
            status="sent",
            reply_to_message_id=inbound.id,
            author="bot",
            created_at=when,
        )
        session.add(outbound)
        await session.flush()
        # Written here without MessageRepository (statuses as if delivered): kept as it keeps
        # it, the conversation idle since `when` all the same.
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id)
            .values(last_message_id=outbound.id, updated_at=when)
        )
        outbox = OutboxItem(
            kind="message",
            channel="whatsapp",
            hotel_id=hotel_id,
            conversation_id=conversation.id,
            message_id=outbound.id,
            recipient=wa_id,
            state="done",
        )
        session.add(outbox)
        await session.flush()
        session.add(
            DeadLetter(
                source="outbox",
                source_id=outbox.id,
                channel="whatsapp",
                reason="outside_window",
                payload={"to": wa_id},
                created_at=when,
            )
        )
        booking = BookingRecord(
            hotel_id=hotel_id,
            conversation_id=conversation.id,
            idempotency_key=f"key-{reference}",
            pms_type="simulator",
            pms_id="17",
            reference=reference,
            status="confirmed",
            room_type_id="double",
            check_in=date(2027, 3, 1),
            check_out=date(2027, 3, 3),
            adults=2,
            guest_name=name,
            guest_email=email,
            guest_phone=f"+{wa_id}",
        )
        session.add(booking)
        await session.flush()
        return Seeded(guest.id, conversation.id, booking.id)
