from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from hotel_agent.runtime import Runtime
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


@pytest.fixture
async def runtime(sqlite_url: str, make_runtime: MakeRuntime) -> Runtime:
    """The whole agent with the PMS simulator and an in-process worker, on SQLite only:
    dialogue logic does not depend on the database. Tests of database behaviour (concurrent
    turns, claims) build theirs on `database_url`, both databases."""
    built = await make_runtime(make_settings(sqlite_url))
    built.start_background()
    return built


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A web chat client of `runtime`."""
    async with asgi_client(runtime) as http:
        yield http
