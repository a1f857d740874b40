"""The staff inbox's order comes from each conversation's stored latest message id: on both
databases it lists exactly what ordering by the transcript itself lists (newest message first,
conversations without one last), page after page, for every filter."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from hotel_agent.db.models import Conversation, ConversationOwner, Message
from hotel_agent.db.repositories.conversations import ConversationRepository, InboxCursor
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.db.repositories.messages import MessageRepository

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)


async def _seed(session: AsyncSession) -> list[int]:
    """Two hotels' conversations; returns the hotels' ids."""
    hotels = []
    for slug in ("centro", "playa"):
        hotel = await HotelRepository(session).upsert(
            slug=slug,
            name=slug,
            timezone="UTC",
            default_language="es",
            whatsapp_phone_number_id=None,
        )
        hotels.append(hotel.id)
    conversations = ConversationRepository(session)
    messages = MessageRepository(session)
    rng = random.Random(15)
    made = []
    for n in range(30):
        conversation = await conversations.get_or_create(
            hotel_id=hotels[n % 2],
            channel=("webchat", "whatsapp")[n % 3 == 0],
            external_id=f"guest-{n}",
            alt_external_id=None,
            display_name=f"Guest {n}",
            phone=None,
            language="es",
        )
        if n % 4 == 0:
            conversation.owner = ConversationOwner.STAFF.value
        made.append(conversation)
    # Messages appended in a shuffled order of conversations; a few conversations get none.
    for _ in range(80):
        conversation = rng.choice(made[:26])
        await messages.add_outbound(
            conversation_id=conversation.id,
            channel=conversation.channel,
            type_="text",
            body="hello",
            payload={},
            author="bot",
            reply_to_message_id=None,
            created_at=NOW,
        )
    return hotels


async def _expected(session: AsyncSession, **filters: object) -> list[int]:
    """The order straight from the transcript."""
    latest = (
        select(Message.conversation_id, func.max(Message.id).label("last"))
        .group_by(Message.conversation_id)
        .subquery()
    )
    query = select(Conversation.id, func.coalesce(latest.c.last, 0)).outerjoin(
        latest, latest.c.conversation_id == Conversation.id
    )
    for name, value in filters.items():
        query = query.where(getattr(Conversation, name) == value)
    rows = (await session.execute(query)).all()
    return [c for c, _ in sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)]


async def _paged(session: AsyncSession, **filters: object) -> list[int]:
    """The inbox read 7 at a time, each page after the last one's cursor."""
    listed: list[int] = []
    before = None
    while True:
        page = await ConversationRepository(session).overviews(
            before=before,
            limit=7,
            **filters,  # type: ignore[arg-type]
        )
        for row in page:
            assert (row.last_message.id if row.last_message else 0) == (
                await _expected_last(session, row.conversation.id)
            )
        listed += [row.conversation.id for row in page]
        if len(page) < 7:
            return listed
        last = page[-1]
        before = InboxCursor(last.last_message.id if last.last_message else 0, last.conversation.id)


async def _expected_last(session: AsyncSession, conversation_id: int) -> int:
    found = await session.scalar(
        select(func.max(Message.id)).where(Message.conversation_id == conversation_id)
    )
    return int(found or 0)


async def test_the_inbox_lists_what_the_transcripts_say(database_url: str) -> None:
    engine = create_async_engine(database_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session, session.begin():
            centro, playa = await _seed(session)
        async with sessions() as session:
            for filters in (
                {},
                {"owner": "staff"},
                {"owner": "bot"},
                {"hotel_id": playa},
                {"hotel_id": centro, "owner": "bot"},
                {"channel": "whatsapp"},
            ):
                expected = await _expected(session, **filters)
                assert expected, filters
                assert await _paged(session, **filters) == expected, filters
    finally:
        await engine.dispose()
