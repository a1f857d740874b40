"""Staff inbox benchmark: how long one page of the console's inbox takes (staff/service.py's
`list_conversations`, the query of every inbox view and of its 5-second polling) over 20,000
conversations and 100,000 messages, on SQLite and PostgreSQL.

The data: 20,000 conversations of two hotels and three channels, 5 messages each (guest and
bot in turn, the conversations' activity interleaved), 1 in 10 waiting for staff. Loaded at
migration 0015 (before conversations knew their latest message), then migrated to the head, so
the figures include that migration's time on this data (`migrate_to_head_s`). PostgreSQL:
`bench_<random>` on BENCH_POSTGRES_URL's server, ANALYZEd after the load. Each view is computed
once to warm up, then timed. Printed as JSON, never asserted.

    .venv/bin/python bench/inbox.py [--quick]
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, column, insert, table, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from _common import main, summary
from _stack import on_both_databases
from hotel_agent.db import migrate
from hotel_agent.db.models import Conversation, Guest, GuestIdentity, Hotel, Message
from hotel_agent.staff.service import ConversationList, list_conversations

CHANNELS = ("whatsapp", "webchat", "email")
MESSAGES_EACH = 5
PAGE = 200  # the console's INBOX_PAGE
# Unread counts as a member sees them (the console always passes one; none has seen anything).
VIEWER = 1
START = datetime(2026, 3, 1, tzinfo=UTC)
# The schema the data is loaded into: the last one without conversations.last_message_id.
LOADED_AT = "0015"


def rows(conversations: int, seed: int = 15) -> dict[Table, list[dict[str, Any]]]:
    """The bench's rows per table, the same for both databases."""
    rng = random.Random(seed)
    out: dict[Table, list[dict[str, Any]]] = {
        m.__table__: [] for m in (Hotel, Guest, GuestIdentity, Conversation, Message)
    }
    for hotel in (1, 2):
        out[Hotel.__table__].append(
            {
                "id": hotel,
                "slug": f"bench-{hotel}",
                "name": f"Bench {hotel}",
                "timezone": "UTC",
                "default_language": "es",
                "knowledge_version": 0,
                "created_at": START,
            }
        )
    for n in range(1, conversations + 1):
        hotel = 1 + n % 2
        channel = CHANNELS[n % len(CHANNELS)]
        opened = START + timedelta(seconds=n)
        out[Guest.__table__].append(
            {"id": n, "hotel_id": hotel, "display_name": f"Guest {n}", "created_at": opened}
        )
        out[GuestIdentity.__table__].append(
            {
                "id": n,
                "hotel_id": hotel,
                "guest_id": n,
                "channel": channel,
                "external_id": f"g{n}",
                "created_at": opened,
            }
        )
        out[Conversation.__table__].append(
            {
                "id": n,
                "hotel_id": hotel,
                "guest_id": n,
                "identity_id": n,
                "channel": channel,
                "owner": "staff" if rng.random() < 0.1 else "bot",
                "state": {},
                "created_at": opened,
                "updated_at": opened,
            }
        )
    # Messages in rounds over shuffled conversations, so a conversation's latest message id
    # is not its own id's order.
    message_id = 0
    for turn in range(MESSAGES_EACH):
        order = list(range(1, conversations + 1))
        rng.shuffle(order)
        for n in order:
            message_id += 1
            inbound = turn % 2 == 0
            out[Message.__table__].append(
                {
                    "id": message_id,
                    "conversation_id": n,
                    "direction": "in" if inbound else "out",
                    "channel": CHANNELS[n % len(CHANNELS)],
                    "type": "text",
                    "body": f"message {message_id}",
                    "payload": {},
                    "status": "received" if inbound else "sent",
                    "status_rank": 0 if inbound else 1,
                    "author": "guest" if inbound else "bot",
                    "created_at": START + timedelta(days=1, seconds=message_id),
                }
            )
    return out


async def measure(
    url: str, data: dict[Table, list[dict[str, Any]]], repeats: int
) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        await migrate.upgrade(engine, LOADED_AT)
        await _load(engine, data)
        started = time.perf_counter()
        await migrate.upgrade(engine)
        migrated = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            async with engine.begin() as connection:
                await connection.execute(text("ANALYZE"))
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        deep = len(data[Conversation.__table__]) // PAGE // 2
        async with sessions() as session:
            first = await list_conversations(session, "all", limit=PAGE)
            assert first.older is not None
            views: dict[str, Callable[[AsyncSession], Awaitable[ConversationList]]] = {
                "all_first_page": lambda s: list_conversations(s, "all", limit=PAGE, viewer=VIEWER),
                "all_middle_page": lambda s: _deep(s, first, deep),
                "waiting_for_staff": lambda s: list_conversations(
                    s, "staff", limit=PAGE, viewer=VIEWER
                ),
                "one_hotel": lambda s: list_conversations(
                    s, "all", limit=PAGE, hotel_id=2, viewer=VIEWER
                ),
                "one_channel": lambda s: list_conversations(
                    s, "all", limit=PAGE, channel="webchat", viewer=VIEWER
                ),
            }
            result: dict[str, Any] = {"migrate_to_head_s": round(migrated, 2), "middle_page": deep}
            for name, view in views.items():
                listing = await view(session)  # warm-up
                timings = []
                for _ in range(repeats):
                    began = time.perf_counter()
                    await view(session)
                    timings.append((time.perf_counter() - began) * 1000)
                result[name] = {
                    "query_ms": summary(timings, digits=1),
                    "listed": len(listing.conversations),
                    # What the page shows first: the same before and after a change of query.
                    "first_ids": [c.id for c in listing.conversations[:3]],
                }
        return result
    finally:
        await engine.dispose()


async def _deep(session: AsyncSession, first: ConversationList, pages: int) -> ConversationList:
    """The page `pages` pages down (only the last one is timed by the caller's loop: the
    cursors are found once and kept)."""
    cursor = _cursors.get(pages)
    if cursor is None:
        listing = first
        for _ in range(pages - 1):
            assert listing.older is not None
            listing = await list_conversations(session, "all", limit=PAGE, before=listing.older)
        assert listing.older is not None
        cursor = _cursors[pages] = listing.older
    return await list_conversations(session, "all", limit=PAGE, before=cursor, viewer=VIEWER)


_cursors: dict[int, str] = {}


async def _load(engine: AsyncEngine, data: dict[Table, list[dict[str, Any]]]) -> None:
    async with engine.begin() as connection:
        for model_table, values in data.items():
            # Only the columns given, typed as the models type them, with none of the models'
            # defaults: the tables are at LOADED_AT, which may lack a column of the models.
            loaded = table(model_table.name, *(column(k, model_table.c[k].type) for k in values[0]))
            for chunk in range(0, len(values), 5000):
                await connection.execute(insert(loaded), values[chunk : chunk + 5000])


def run(*, quick: bool = False) -> dict[str, Any]:
    conversations = 2000 if quick else 20000
    repeats = 3 if quick else 10
    data = rows(conversations)
    result: dict[str, Any] = {
        "conversations": conversations,
        "messages": len(data[Message.__table__]),
        "page": PAGE,
    }

    def measured(url: str) -> dict[str, Any]:
        _cursors.clear()
        return asyncio.run(measure(url, data, repeats))

    result.update(on_both_databases("inbox", measured))
    return result


if __name__ == "__main__":
    main(run, __doc__.splitlines()[0])
