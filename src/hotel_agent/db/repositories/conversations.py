"""Guests, their channel identities and their conversations."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import case, func, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import (
    Conversation,
    ConversationOwner,
    Direction,
    Guest,
    GuestIdentity,
    Message,
    StaffSeen,
    StaffUser,
)
from hotel_agent.db.repositories._dialect import insert_for
from hotel_agent.db.types import BIGINT_MAX, INTEGER_MAX


class ConversationOverview(NamedTuple):
    """A conversation as staff list it: with its guest, its latest message (if any) and the
    username of the staff member it is assigned to (if any)."""

    conversation: Conversation
    guest: Guest
    last_message: Message | None
    assignee: str | None
    unread: int  # the guest's messages since staff last saw the conversation


# What an inbox cursor looks like as text ("<latest message id>-<conversation id>").
INBOX_CURSOR_PATTERN = r"^[0-9]{1,19}-[0-9]{1,10}$"


class InboxCursor(NamedTuple):
    """Where a page of the inbox ends: its last row's latest message id (0: none) and id."""

    last_message_id: int
    conversation_id: int

    @classmethod
    def parse(cls, text: str) -> InboxCursor | None:
        """The cursor an "older" link carries ("<message id>-<conversation id>"), or None."""
        first, _, second = text.partition("-")
        if len(text) > 40 or not (first.isascii() and first.isdigit()):
            return None
        if not (second.isascii() and second.isdigit()):
            return None
        # Within the columns' range (a database refuses comparing beyond it): a cursor past
        # every row lists from the newest, as it would.
        return cls(min(int(first), BIGINT_MAX), min(int(second), INTEGER_MAX))

    def __str__(self) -> str:
        return f"{self.last_message_id}-{self.conversation_id}"


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, conversation_id: int) -> Conversation | None:
        return await self.session.get(Conversation, conversation_id)

    async def note_outbound(self, conversation_id: int, *, at: datetime) -> None:
        """A message to the guest went out at `at`: one UPDATE, without loading the row."""
        await self.session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(last_outbound_at=at)
            .execution_options(synchronize_session=False)
        )

    async def lock(self, conversation_id: int) -> Conversation | None:
        """The conversation, locked until the transaction ends (PostgreSQL; SQLite serialises
        writers anyway), so that a turn's commit and a staff takeover or handback never
        interleave. FOR NO KEY UPDATE: new messages and outbox rows may still reference it."""
        return await self.session.scalar(
            select(Conversation)
            .where(Conversation.id == conversation_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )

    async def overviews(
        self,
        *,
        owner: str | None = None,
        channel: str | None = None,
        conversation_id: int | None = None,
        hotel_id: int | None = None,
        viewer: int | None = None,
        before: InboxCursor | None = None,
        limit: int = 50,
    ) -> list[ConversationOverview]:
        """Conversations with the latest activity first (by their latest message; those
        without one last). `hotel_id`: that hotel's only. `before`: the page after the row
        that cursor names (keyset paging: a page costs the same however deep it is).
        Unread counts are the `viewer`'s (a staff user id); without one, the guest's messages
        no member has seen yet."""
        # (last_message_id, id) descending is read backwards off an index that starts with
        # the filter, if any (models/conversation.py); a conversation without a message has
        # last_message_id 0, hence comes last.
        order = (Conversation.last_message_id, Conversation.id)
        seen_by = select(func.max(StaffSeen.message_id)).where(
            StaffSeen.conversation_id == Conversation.id
        )
        if viewer is not None:
            seen_by = seen_by.where(StaffSeen.user_id == viewer)
        # Counted through the (conversation_id, id) index, from the last message seen on.
        unread = (
            select(func.count(Message.id))
            .where(
                Message.conversation_id == Conversation.id,
                Message.direction == Direction.INBOUND,
                Message.id > func.coalesce(seen_by.correlate(Conversation).scalar_subquery(), 0),
            )
            .correlate(Conversation)
            .scalar_subquery()
        )
        query = (
            select(Conversation, Guest, Message, StaffUser.username, unread)
            .join(Guest, Guest.id == Conversation.guest_id)
            .outerjoin(Message, Message.id == Conversation.last_message_id)
            .outerjoin(StaffUser, StaffUser.id == Conversation.assignee_id)
        )
        if owner is not None:
            query = query.where(Conversation.owner == owner)
        if channel is not None:
            query = query.where(Conversation.channel == channel)
        if conversation_id is not None:
            query = query.where(Conversation.id == conversation_id)
        if hotel_id is not None:
            query = query.where(Conversation.hotel_id == hotel_id)
        if before is not None:
            query = query.where(tuple_(*order) < tuple_(*before))
        rows = await self.session.execute(
            query.order_by(*(column.desc() for column in order)).limit(limit)
        )
        return [ConversationOverview(c, g, m, a, n) for c, g, m, a, n in rows]

    async def mark_seen(self, user_id: int, conversation_id: int, message_id: int) -> None:
        """The member has seen the conversation up to `message_id` (never moves back).
        Seeing is not activity: the conversation's updated_at (retention) stays as it was."""
        insert = insert_for(self.session, StaffSeen).values(
            user_id=user_id, conversation_id=conversation_id, message_id=message_id
        )
        later = insert.excluded.message_id
        await self.session.execute(
            insert.on_conflict_do_update(
                index_elements=[StaffSeen.user_id, StaffSeen.conversation_id],
                set_={
                    "message_id": case(
                        (later > StaffSeen.message_id, later), else_=StaffSeen.message_id
                    )
                },
            )
        )

    async def get_guest(self, guest_id: int) -> Guest | None:
        return await self.session.get(Guest, guest_id)

    async def find_identity(
        self, hotel_id: int, channel: str, external_id: str, alt_external_id: str | None = None
    ) -> GuestIdentity | None:
        ids = [external_id] + ([alt_external_id] if alt_external_id else [])
        return await self.session.scalar(
            select(GuestIdentity)
            .where(
                GuestIdentity.hotel_id == hotel_id,
                GuestIdentity.channel == channel,
                or_(
                    GuestIdentity.external_id.in_(ids),
                    GuestIdentity.alt_external_id.in_(ids),
                ),
            )
            .order_by(GuestIdentity.id)
            .limit(1)
        )

    async def get_identity(self, identity_id: int) -> GuestIdentity | None:
        return await self.session.get(GuestIdentity, identity_id)

    async def conversation_for_identity(self, identity_id: int) -> Conversation | None:
        return await self.session.scalar(
            select(Conversation).where(Conversation.identity_id == identity_id)
        )

    async def get_or_create(
        self,
        *,
        hotel_id: int,
        channel: str,
        external_id: str,
        alt_external_id: str | None,
        display_name: str | None,
        phone: str | None,
        language: str | None,
    ) -> Conversation:
        """The guest's conversation on this channel, created on their first message."""
        identity = await self.find_identity(hotel_id, channel, external_id, alt_external_id)
        if identity is None:
            identity = await self._create_identity(
                hotel_id, channel, external_id, alt_external_id, display_name, phone, language
            )
        else:
            if alt_external_id and identity.alt_external_id is None:
                identity.alt_external_id = alt_external_id
            guest = await self.session.get(Guest, identity.guest_id)
            if guest is not None and display_name and not guest.display_name:
                guest.display_name = display_name
        conversation = await self.conversation_for_identity(identity.id)
        if conversation is None:
            conversation = Conversation(
                hotel_id=hotel_id,
                guest_id=identity.guest_id,
                identity_id=identity.id,
                channel=channel,
                owner=ConversationOwner.BOT.value,
                language=language,
                state={},
            )
            self.session.add(conversation)
        await self.session.flush()
        return conversation

    async def _create_identity(
        self,
        hotel_id: int,
        channel: str,
        external_id: str,
        alt_external_id: str | None,
        display_name: str | None,
        phone: str | None,
        language: str | None,
    ) -> GuestIdentity:
        """Create guest + identity; a concurrent creator loses on the unique key and re-reads."""
        try:
            async with self.session.begin_nested():
                guest = Guest(
                    hotel_id=hotel_id, display_name=display_name, phone=phone, language=language
                )
                self.session.add(guest)
                await self.session.flush()
                identity = GuestIdentity(
                    hotel_id=hotel_id,
                    guest_id=guest.id,
                    channel=channel,
                    external_id=external_id,
                    alt_external_id=alt_external_id,
                )
                self.session.add(identity)
                await self.session.flush()
                return identity
        except IntegrityError:
            found = await self.find_identity(hotel_id, channel, external_id, alt_external_id)
            if found is None:
                raise
            return found
