"""The webhook tests' app: a migrated runtime on both databases with an echo engine and a
collecting WhatsApp channel, called in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from hotel_agent.runtime import Runtime
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.inbox.helpers import EchoEngine
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


@pytest.fixture
async def runtime(database_url: str, make_runtime: MakeRuntime) -> Runtime:
    return await make_runtime(
        make_settings(database_url),
        dialogue=EchoEngine(),
        channels={"whatsapp": CollectingChannel()},
    )


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(runtime) as http:
        yield http
