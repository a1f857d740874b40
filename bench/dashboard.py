"""Manager's dashboard benchmark: how long the figures of a 30-day period take to compute
(every SQL aggregate of db/repositories/dashboard.py: per day and channel, per channel, total)
over 5,000 conversations, on SQLite and PostgreSQL.

The data: 5,000 conversations spread over 30 days and three channels, each with 4 guest
messages and 3 bot replies; 40 % ask availability, 10 % book, 15 % are handed to staff (a
third of those handed back), staff replying 1–60 minutes after the handoff. Inserted in bulk on
a fresh, migrated database (PostgreSQL: `bench_<random>` on BENCH_POSTGRES_URL's server, then
ANALYZEd); the figures are computed once to warm up, then timed. Printed as JSON, never
asserted.

    .venv/bin/python bench/dashboard.py [--quick]
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from _common import main, summary
from _stack import on_both_databases
from hotel_agent.db import migrate
from hotel_agent.db.models import (
    BookingRecord,
    Conversation,
    ConversationEvent,
    Guest,
    GuestIdentity,
    Hotel,
    Message,
)
from hotel_agent.db.repositories.dashboard import DashboardRepository

DAYS = 30
CHANNELS = ("whatsapp", "webchat", "email")
END = datetime(2026, 3, 31, tzinfo=UTC)
START = END - timedelta(days=DAYS)


def rows(conversations: int, seed: int = 15) -> dict[Any, list[dict[str, Any]]]:
    """The bench's rows per table, the same for both databases."""
    rng = random.Random(seed)
    out: dict[Any, list[dict[str, Any]]] = {
        t: [] for t in (Guest, GuestIdentity, Conversation, Message, ConversationEvent)
    }
    out[BookingRecord] = []
    message_id = 0
    for n in range(1, conversations + 1):
        channel = CHANNELS[n % len(CHANNELS)]
        opened = START + timedelta(seconds=rng.randrange(DAYS * 86400 - 7200))
        out[Guest].append(
            {"id": n, "hotel_id": 1, "display_name": f"Guest {n}", "created_at": opened}
        )
        out[GuestIdentity].append(
            {
                "id": n,
                "hotel_id": 1,
                "guest_id": n,
                "channel": channel,
                "external_id": f"g{n}",
                "created_at": opened,
            }
        )
        out[Conversation].append(
            {
                "id": n,
                "hotel_id": 1,
                "guest_id": n,
                "identity_id": n,
                "channel": channel,
                "owner": "bot",
                "state": {},
                "created_at": opened,
                "updated_at": opened,
            }
        )
        for turn in range(4):
            for direction, author, delay in (("in", "guest", 0), ("out", "bot", 2)):
                if direction == "out" and turn == 3:
                    continue
                message_id += 1
                out[Message].append(
                    {
                        "id": message_id,
                        "conversation_id": n,
                        "direction": direction,
                        "channel": channel,
                        "type": "text",
                        "body": "…",
                        "payload": {},
                        "status": "sent",
                        "status_rank": 1,
                        "author": author,
                        "created_at": opened + timedelta(minutes=turn * 5, seconds=delay),
                    }
                )
        events = out[ConversationEvent]
        if rng.random() < 0.4:
            events.append(_event(n, channel, "availability_checked", opened + timedelta(minutes=5)))
            if rng.random() < 0.25:
                out[BookingRecord].append(
                    {
                        "hotel_id": 1,
                        "conversation_id": n,
                        "idempotency_key": f"bench-{n}",
                        "pms_type": "simulator",
                        "status": "confirmed",
                        "room_type_id": "double",
                        "check_in": opened.date(),
                        "check_out": opened.date() + timedelta(days=2),
                        "adults": 2,
                        "children": 0,
                        "rooms": 1,
                        "room_lines": [],
                        "guest_name": "Ana",
                        "guest_email": "ana@example.com",
                        "total_price": Decimal("180.00"),
                        "currency": "EUR",
                        "created_at": opened + timedelta(minutes=12),
                        "updated_at": opened + timedelta(minutes=12),
                    }
                )
        if rng.random() < 0.15:
            handed = opened + timedelta(minutes=16)
            events.append(
                _event(
                    n,
                    channel,
                    "handoff",
                    handed,
                    rng.choice(("requested", "complaint", "misunderstood")),
                )
            )
            if rng.random() < 0.33:
                events.append(_event(n, channel, "hand_back", handed + timedelta(minutes=90)))
            message_id += 1
            out[Message].append(
                {
                    "id": message_id,
                    "conversation_id": n,
                    "direction": "out",
                    "channel": channel,
                    "type": "text",
                    "body": "…",
                    "payload": {},
                    "status": "sent",
                    "status_rank": 1,
                    "author": "staff",
                    "created_at": handed + timedelta(seconds=rng.randrange(60, 3600)),
                }
            )
    return out


def _event(
    n: int, channel: str, kind: str, at: datetime, reason: str | None = None
) -> dict[str, Any]:
    return {
        "conversation_id": n,
        "channel": channel,
        "kind": kind,
        "reason": reason,
        "created_at": at,
    }


async def measure(url: str, data: dict[Any, list[dict[str, Any]]], repeats: int) -> dict[str, Any]:
    engine = create_async_engine(url)
    try:
        await migrate.upgrade(engine)
        await _load(engine, data)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        timings: list[float] = []
        async with sessions() as session:
            figures = await DashboardRepository(session).figures(START, END)  # warm-up
            for _ in range(repeats):
                started = time.perf_counter()
                await DashboardRepository(session).figures(START, END)
                timings.append((time.perf_counter() - started) * 1000)
        [total] = [f for f in figures if f.day is None and f.channel is None]
        return {
            "query_ms": summary(timings, digits=1),
            "repeats": repeats,
            "rows": len(figures),
            "total": {
                "conversations": total.conversations,
                "bookings": total.bookings,
                "handoffs": total.handoffs,
                "responses": total.responses,
            },
        }
    finally:
        await engine.dispose()


async def _load(engine: AsyncEngine, data: dict[Any, list[dict[str, Any]]]) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            insert(Hotel),
            [
                {
                    "id": 1,
                    "slug": "bench",
                    "name": "Bench",
                    "knowledge_version": 0,
                    "created_at": START,
                }
            ],
        )
        for table, values in data.items():
            for chunk in range(0, len(values), 5000):
                await connection.execute(insert(table), values[chunk : chunk + 5000])
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))


def run(*, quick: bool = False) -> dict[str, Any]:
    conversations = 500 if quick else 5000
    repeats = 3 if quick else 10
    data = rows(conversations)
    result: dict[str, Any] = {
        "conversations": conversations,
        "days": DAYS,
        "messages": len(data[Message]),
        "events": len(data[ConversationEvent]),
        "bookings": len(data[BookingRecord]),
    }
    result.update(
        on_both_databases("dashboard", lambda url: asyncio.run(measure(url, data, repeats)))
    )
    return result


if __name__ == "__main__":
    main(run, __doc__.splitlines()[0])
