"""On PostgreSQL a separate worker process is woken by the webhook's INSERT itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from hotel_agent.db.models import InboxEvent
from hotel_agent.runtime import Runtime
from tests.integration.inbox.helpers import EchoEngine, whatsapp_text
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


async def test_a_worker_elsewhere_starts_the_turn_without_waiting_for_its_poll(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    # Polls so rare that only the notification can explain a prompt turn.
    settings = make_settings(postgres_url, queue={"poll_interval_seconds": 600})
    api = await make_runtime(settings)  # the API process: ingests only
    worker = await make_runtime(settings, dialogue=EchoEngine())  # its own signals, like a
    worker.start_background()  # separate `hotel-agent worker` process
    await asyncio.sleep(0.5)  # let both loops take their first (empty) look and the LISTEN start
    await api.ingest.accept(
        api.hotels.default_hotel_id, [whatsapp_text("wamid.WAKE1", "34611111111", "hola")]
    )

    async def turn_done() -> bool:
        async with api.sessions() as session:
            state = await session.scalar(select(InboxEvent.state))
        return state == "done"

    for _ in range(200):
        if await turn_done():
            break
        await asyncio.sleep(0.05)
    assert await turn_done(), "the worker was not woken by the notification"
