"""Everything the database holds about a guest, found, read and erased; and the retention
deletes. Used by `hotel_agent.privacy` (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import (
    BookingRecord,
    Conversation,
    DeadLetter,
    Guest,
    GuestIdentity,
    InboxEvent,
    Message,
    OutboxItem,
    OutboxKind,
    QueueState,
)
from hotel_agent.db.repositories.outbox import DISCARDED, SENT

ERASED_NAME = "(erased)"


class GuestDataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- finding a guest ----------------------------------------------------------------------

    async def guest_ids_by_id(self, guest_id: int) -> list[int]:
        return list(await self.session.scalars(select(Guest.id).where(Guest.id == guest_id)))

    async def guest_ids_by_email(self, email: str) -> list[int]:
        email = email.strip().lower()
        direct = select(Guest.id).where(func.lower(Guest.email) == email)
        booked = self._guests_of_bookings(func.lower(BookingRecord.guest_email) == email)
        return await self._ids(direct.union(booked))

    async def guest_ids_by_phone(self, digits: str) -> list[int]:
        """WhatsApp keeps the number as digits without "+"; a booking may have either form."""
        forms = [digits, f"+{digits}"]
        direct = select(Guest.id).where(Guest.phone.in_(forms))
        identity = select(GuestIdentity.guest_id).where(
            or_(GuestIdentity.external_id == digits, GuestIdentity.alt_external_id == digits)
        )
        booked = self._guests_of_bookings(BookingRecord.guest_phone.in_(forms))
        return await self._ids(direct.union(identity, booked))

    async def guest_ids_by_identity(self, channel: str, external_id: str) -> list[int]:
        query = select(GuestIdentity.guest_id).where(
            GuestIdentity.channel == channel, GuestIdentity.external_id == external_id
        )
        return await self._ids(query)

    @staticmethod
    def _guests_of_bookings(condition: Any) -> Select[Any]:
        return (
            select(Conversation.guest_id)
            .join(BookingRecord, BookingRecord.conversation_id == Conversation.id)
            .where(condition)
        )

    async def _ids(self, query: Any) -> list[int]:
        return sorted(set(await self.session.scalars(query)))

    # --- reading ------------------------------------------------------------------------------

    async def guests(self, guest_ids: Sequence[int]) -> list[Guest]:
        rows = await self.session.scalars(
            select(Guest).where(Guest.id.in_(guest_ids)).order_by(Guest.id)
        )
        return list(rows)

    async def identities(self, guest_ids: Sequence[int]) -> list[GuestIdentity]:
        rows = await self.session.scalars(
            select(GuestIdentity)
            .where(GuestIdentity.guest_id.in_(guest_ids))
            .order_by(GuestIdentity.id)
        )
        return list(rows)

    async def conversations(self, guest_ids: Sequence[int]) -> list[Conversation]:
        rows = await self.session.scalars(
            select(Conversation)
            .where(Conversation.guest_id.in_(guest_ids))
            .order_by(Conversation.id)
        )
        return list(rows)

    async def messages(self, conversation_ids: Sequence[int]) -> list[Message]:
        rows = await self.session.scalars(
            select(Message)
            .where(Message.conversation_id.in_(conversation_ids))
            .order_by(Message.conversation_id, Message.id)
        )
        return list(rows)

    async def bookings(self, conversation_ids: Sequence[int]) -> list[BookingRecord]:
        rows = await self.session.scalars(
            select(BookingRecord)
            .where(BookingRecord.conversation_id.in_(conversation_ids))
            .order_by(BookingRecord.id)
        )
        return list(rows)

    async def inbox_events(self, identities: Sequence[GuestIdentity]) -> list[InboxEvent]:
        """The guest's messages as received (raw payloads), matched by channel and sender."""
        if not identities:
            return []
        conditions = [
            (InboxEvent.hotel_id == identity.hotel_id)
            & (InboxEvent.channel == identity.channel)
            & (InboxEvent.sender_id.in_(_sender_ids(identity)))
            for identity in identities
        ]
        rows = await self.session.scalars(
            select(InboxEvent).where(or_(*conditions)).order_by(InboxEvent.id)
        )
        return list(rows)

    # --- erasing ------------------------------------------------------------------------------

    async def erase(
        self,
        guest_ids: Sequence[int],
        conversation_ids: Sequence[int],
        inbox_event_ids: Sequence[int],
    ) -> dict[str, int]:
        """Delete the guest's messages, conversations, identities and raw payloads; keep the
        booking records (reference, dates, room, price, status) with the guest's name, e-mail
        and phone blanked. Returns what was done, by table."""
        done: dict[str, int] = {}
        outbox_ids = list(
            await self.session.scalars(
                select(OutboxItem.id).where(OutboxItem.conversation_id.in_(conversation_ids))
            )
        )
        done["dead_letters"] = await self._count_deleted(
            delete(DeadLetter).where(
                or_(
                    (DeadLetter.source == "outbox") & DeadLetter.source_id.in_(outbox_ids),
                    (DeadLetter.source == "inbox") & DeadLetter.source_id.in_(inbox_event_ids),
                )
            )
        )
        done["bookings_anonymized"] = await self._count_deleted(
            update(BookingRecord)
            .where(BookingRecord.conversation_id.in_(conversation_ids))
            .values(guest_name=ERASED_NAME, guest_email="", guest_phone=None, conversation_id=None)
        )
        done["outbox"] = await self._count_deleted(
            delete(OutboxItem).where(OutboxItem.id.in_(outbox_ids))
        )
        done["messages"] = await self._count_deleted(
            delete(Message).where(Message.conversation_id.in_(conversation_ids))
        )
        done["inbox_events"] = await self._count_deleted(
            delete(InboxEvent).where(InboxEvent.id.in_(inbox_event_ids))
        )
        done["conversations"] = await self._count_deleted(
            delete(Conversation).where(Conversation.id.in_(conversation_ids))
        )
        done["identities"] = await self._count_deleted(
            delete(GuestIdentity).where(GuestIdentity.guest_id.in_(guest_ids))
        )
        done["guests"] = await self._count_deleted(delete(Guest).where(Guest.id.in_(guest_ids)))
        return done

    async def _count_deleted(self, statement: Any) -> int:
        result = await self.session.execute(statement)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- retention ----------------------------------------------------------------------------

    async def delete_messages_before(self, cutoff: datetime, limit: int) -> int:
        """One batch of transcript messages older than `cutoff` (their sent outbox rows go with
        them); a batch keeps each transaction, and its locks, short."""
        ids = list(
            await self.session.scalars(
                select(Message.id).where(Message.created_at < cutoff).limit(limit)
            )
        )
        if not ids:
            return 0
        deleted = await self._count_deleted(delete(Message).where(Message.id.in_(ids)))
        # A conversation whose latest message went falls back to its latest one left (0:
        # none), as the inbox would list it had that message never been. Only conversations
        # whose latest id is within the batch's range are looked at (an index range).
        latest_left = (
            select(func.coalesce(func.max(Message.id), 0))
            .where(Message.conversation_id == Conversation.id)
            .scalar_subquery()
        )
        gone = ~select(Message.id).where(Message.id == Conversation.last_message_id).exists()
        await self.session.execute(
            update(Conversation)
            .where(Conversation.last_message_id.between(min(ids), max(ids)), gone)
            .values(last_message_id=latest_left, updated_at=Conversation.updated_at)
            .execution_options(synchronize_session=False)
        )
        return deleted

    async def delete_handled_inbox_before(self, cutoff: datetime, limit: int) -> int:
        """Raw payloads of guest messages already handled (done or dead-lettered)."""
        ids = (
            select(InboxEvent.id)
            .where(
                InboxEvent.received_at < cutoff,
                InboxEvent.state.in_([QueueState.DONE.value, QueueState.DEAD.value]),
            )
            .limit(limit)
        )
        return await self._count_deleted(
            delete(InboxEvent).where(InboxEvent.id.in_(ids.scalar_subquery()))
        )

    async def delete_sent_emails_before(self, cutoff: datetime, limit: int) -> int:
        """E-mails sent or given up on before `cutoff`: their rows hold the whole e-mail (name,
        address, stay), and no transcript message takes them along."""
        ids = (
            select(OutboxItem.id)
            .where(
                OutboxItem.kind == OutboxKind.EMAIL,
                OutboxItem.created_at < cutoff,
                OutboxItem.state.in_([SENT, QueueState.DEAD.value, DISCARDED]),
            )
            .limit(limit)
        )
        return await self._count_deleted(
            delete(OutboxItem).where(OutboxItem.id.in_(ids.scalar_subquery()))
        )

    async def delete_dead_letters_before(self, cutoff: datetime, limit: int) -> int:
        ids = select(DeadLetter.id).where(DeadLetter.created_at < cutoff).limit(limit)
        return await self._count_deleted(
            delete(DeadLetter).where(DeadLetter.id.in_(ids.scalar_subquery()))
        )

    async def clear_idle_conversation_state(self, cutoff: datetime, limit: int) -> int:
        """The dialogue's collected slots (names, e-mails) of conversations idle since `cutoff`."""
        ids = (
            select(Conversation.id)
            .where(Conversation.updated_at < cutoff, Conversation.state != {})
            .limit(limit)
        )
        return await self._count_deleted(
            update(Conversation).where(Conversation.id.in_(ids.scalar_subquery())).values(state={})
        )


def _sender_ids(identity: GuestIdentity) -> list[str]:
    return [identity.external_id] + ([identity.alt_external_id] if identity.alt_external_id else [])
