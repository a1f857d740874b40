from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from hotel_agent.runtime import Runtime
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


@pytest.fixture
async def runtime(database_url: str, make_runtime: MakeRuntime) -> Runtime:
    """The whole agent with the PMS simulator and an in-process worker, on SQLite (the
    embedded default) and on PostgreSQL (production)."""
    built = await make_runtime(make_settings(database_url))
    built.start_background()
    return built


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(runtime) as http:
        yield http


@pytest.fixture
async def sqlite_runtime(sqlite_url: str, make_runtime: MakeRuntime) -> Runtime:
    """The whole agent on SQLite only: for dialogue logic, which no database changes."""
    built = await make_runtime(make_settings(sqlite_url))
    built.start_background()
    return built


@pytest.fixture
async def chat(sqlite_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A web chat client of `sqlite_runtime`."""
    async with asgi_client(sqlite_runtime) as http:
        yield http
