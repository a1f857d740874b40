"""The claim's plan stays good whatever the table held when the statement was prepared.

A long-running worker prepares the claim on an (almost) empty table; PostgreSQL may then keep
a generic plan that is disastrous with a backlog (issue 9: 3.5 s per claim at 5,000 rows).
This test prepares early, claims late, and reads the plan the claim really ran with from
auto_explain (sent to the client as a NOTICE), so it asserts on rows examined, not time.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import InboxEvent, QueueState
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.runtime import Runtime
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
BACKLOG = 5000
CONVERSATIONS = 50


def _rows(count: int, start: int, hotel_id: int) -> list[dict[str, Any]]:
    now = utcnow()
    return [
        {
            "hotel_id": hotel_id,
            "channel": "whatsapp",
            "provider_message_id": f"wamid.{start + n}",
            "conversation_key": f"{hotel_id}:whatsapp:{(start + n) % CONVERSATIONS}",
            "sender_id": str((start + n) % CONVERSATIONS),
            "message_type": "text",
            "payload": {},
            "received_at": now,
            "available_at": now,
            "state": QueueState.PENDING.value,
            "attempts": 0,
        }
        for n in range(count)
    ]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def rows_examined(plan: dict[str, Any]) -> int:
    """Rows every node produced or threw away, over all its loops."""
    total = 0
    for node in _nodes(plan):
        loops = int(node.get("Actual Loops", 1))
        kept = int(node.get("Actual Rows", 0))
        removed = sum(int(v) for k, v in node.items() if k.startswith("Rows Removed by"))
        total += (kept + removed) * loops
    return total


async def _claim_plan(session: AsyncSession, notices: list[str]) -> dict[str, Any]:
    notices.clear()
    event = await InboxRepository(session).claim_next(
        owner="plan-test", now=utcnow(), lease=timedelta(seconds=60)
    )
    assert event is not None
    await asyncio.sleep(0.05)  # asyncpg hands notices to listeners through the event loop
    plans = [json.loads(n[n.index("{") :]) for n in notices if "inbox_events" in n]
    claim = [p["Plan"] for p in plans if "FOR UPDATE" in p["Query Text"]]
    assert claim, [p["Query Text"] for p in plans]
    return claim[-1]


async def test_a_claim_prepared_on_an_empty_table_stays_cheap_with_a_backlog(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(postgres_url))
    hotel_id = runtime.hotels.default_hotel_id
    async with runtime.engine.connect() as connection:
        await connection.execute(insert(InboxEvent), _rows(1, 0, hotel_id))
        await connection.commit()
        raw = await connection.get_raw_connection()
        notices: list[str] = []
        raw.driver_connection.add_log_listener(lambda _c, msg: notices.append(str(msg.message)))
        # The worst case PostgreSQL may settle on by itself after five executions: the plan
        # built for the table as it was when the statement was first prepared.
        for statement in (
            "LOAD 'auto_explain'",
            "SET auto_explain.log_min_duration = 0",
            "SET auto_explain.log_analyze = on",
            "SET auto_explain.log_format = json",
            "SET auto_explain.log_level = notice",
            "SET plan_cache_mode = force_generic_plan",
        ):
            await connection.execute(text(statement))
        await connection.commit()
        session = AsyncSession(bind=connection)
        for _ in range(6):  # prepare early: on a one-row table
            async with session.begin():
                early = await _claim_plan(session, notices)
                await session.rollback()
        await connection.execute(insert(InboxEvent), _rows(BACKLOG, 1, hotel_id))
        await connection.execute(text("ANALYZE inbox_events"))
        await connection.commit()
        async with session.begin():
            late = await _claim_plan(session, notices)  # claim late: 5,000 rows waiting
            await session.rollback()
    assert rows_examined(early) < 50
    assert rows_examined(late) < 10 * CONVERSATIONS, json.dumps(late)[:3000]
