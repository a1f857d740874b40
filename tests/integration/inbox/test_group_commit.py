"""Group commit on PostgreSQL: concurrent webhooks share INSERT statements, and each request
is answered only with its own rows committed, or with its own error."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from hotel_agent.db.models import InboxEvent
from hotel_agent.db.repositories.inbox import InboxRow
from hotel_agent.db.repositories.inbox_batch import InboxGroupCommit, Stored
from hotel_agent.inbox.ingest import Ingest
from hotel_agent.runtime import Runtime
from tests.integration.inbox.helpers import EchoEngine, whatsapp_text
from tests.support import asgi_client, make_settings, signed_headers, whatsapp_fixture

MakeRuntime = Callable[..., Awaitable[Runtime]]


def row(hotel_id: int, wamid: str) -> InboxRow:
    return InboxRow(
        hotel_id=hotel_id,
        channel="whatsapp",
        provider_message_id=wamid,
        conversation_key=f"{hotel_id}:whatsapp:{wamid}",
        sender_id="34600000000",
        message_type="text",
        payload={"text": wamid},
    )


async def stored_wamids(runtime: Runtime) -> dict[int, str]:
    async with runtime.sessions() as session:
        rows = await session.execute(select(InboxEvent.id, InboxEvent.provider_message_id))
        return {row.id: row.provider_message_id for row in rows}


async def test_concurrent_deliveries_share_statements_and_each_is_durable(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(postgres_url), dialogue=EchoEngine())
    hotel = runtime.hotels.default_hotel_id
    unique = [[whatsapp_text(f"wamid.G{n}", f"3461{n:07d}", "hola")] for n in range(60)]
    redelivered = [[whatsapp_text("wamid.TWICE", "34699999999", "hola")] for _ in range(10)]
    two_in_one = [
        whatsapp_text("wamid.FIRST", "34688888888", "uno"),
        whatsapp_text("wamid.SECOND", "34688888888", "dos"),
    ]
    deliveries = [*unique, *redelivered, two_in_one]

    answers = await asyncio.gather(*(runtime.ingest.accept(hotel, d) for d in deliveries))

    stored = await stored_wamids(runtime)
    # Every acknowledged message is in the table, under the id its request was given.
    for delivery, accepted in zip(deliveries, answers, strict=True):
        assert [stored[a.event_id] for a in accepted] == [m.provider_message_id for m in delivery]
    assert len(stored) == 60 + 1 + 2
    twice = [accepted for [accepted] in answers[60:70]]
    assert sum(not a.duplicate for a in twice) == 1, "a redelivery is stored once"
    assert len({a.event_id for a in twice}) == 1
    first, second = answers[-1]
    assert first.event_id < second.event_id, "a delivery's messages keep their order"
    group_commit = runtime.ingest._group_commit
    assert group_commit is not None
    assert group_commit.statements < len(deliveries), "concurrent requests shared statements"


async def test_a_bad_delivery_fails_alone_and_its_neighbours_are_stored(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(postgres_url), dialogue=EchoEngine())
    hotel = runtime.hotels.default_hotel_id
    group_commit = InboxGroupCommit(runtime.ingest.engine)
    requests = [[row(hotel, f"wamid.OK{n}")] for n in range(10)]
    requests.insert(4, [row(hotel + 1000, "wamid.NO_SUCH_HOTEL")])  # a foreign key violation

    answers = await asyncio.gather(
        *(group_commit.insert(rows) for rows in requests), return_exceptions=True
    )

    failed = [answer for answer in answers if isinstance(answer, BaseException)]
    assert len(failed) == 1 and answers[4] is failed[0], "only the bad request failed"
    assert "foreign key" in str(failed[0])
    good = [answer for answer in answers if not isinstance(answer, BaseException)]
    assert all(isinstance(s, Stored) and not s.duplicate for [s] in good)
    assert sorted((await stored_wamids(runtime)).values()) == sorted(
        f"wamid.OK{n}" for n in range(10)
    )


async def test_database_down_answers_every_concurrent_webhook_503(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(postgres_url), dialogue=EchoEngine())
    dead_engine = create_async_engine(
        "postgresql+asyncpg://postgres@127.0.0.1:1/none", isolation_level="AUTOCOMMIT"
    )
    runtime.ingest = Ingest(dead_engine, runtime.signals)
    template = whatsapp_fixture("text_es")
    bodies = []
    for n in range(8):
        data = json.loads(json.dumps(template))
        data["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = f"wamid.DOWN{n}"
        bodies.append(json.dumps(data).encode())
    try:
        async with asgi_client(runtime) as client:
            answers: list[httpx.Response] = await asyncio.gather(
                *(
                    client.post("/webhooks/whatsapp", content=body, headers=signed_headers(body))
                    for body in bodies
                )
            )
    finally:
        await dead_engine.dispose()
    assert [answer.status_code for answer in answers] == [503] * 8
    assert all(answer.headers["Retry-After"] for answer in answers)
