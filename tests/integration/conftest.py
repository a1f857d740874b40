"""Fixtures for integration tests against real servers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import redis
from redis.exceptions import RedisError

from tests.fakes.qloapps import FakeQloApps
from tests.support import server_missing

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The real Redis server's URL: fails the test on CI when unreachable, skips elsewhere.

    Tests share its database: each one uses a key prefix of its own and deletes its keys.
    """
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
        return REDIS_URL
    except (RedisError, OSError) as exc:
        # Reported outside the except block: the chained client traceback would bury it.
        reason = f"{type(exc).__name__}: {exc}"
    finally:
        client.close()
    server_missing(f"Redis at {REDIS_URL}", reason)


@pytest.fixture
def fake() -> Iterator[FakeQloApps]:
    """The fake QloApps over real HTTP (PMS, bookings and readiness tests); directories whose
    tests fake another API define their own `fake`."""
    with FakeQloApps() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client
