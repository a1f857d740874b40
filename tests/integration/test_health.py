"""Readiness names the dependency that fails, or hangs, within one budget for all its checks;
liveness never touches one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.runtime import Runtime
from hotel_agent.settings import HttpSettings
from tests.chaos.harness import eventually
from tests.fakes.chaos_proxy import ChaosProxy, proxied, upstream
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


async def test_ready_with_real_database_and_redis(
    database_url: str, redis_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(database_url, redis_url=redis_url))
    async with asgi_client(runtime) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "redis"}
    assert body["pms_breaker"] == "closed"


async def test_a_redis_outage_is_reported_but_does_not_make_the_service_unready(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    # Redis is optional: the rate limits fail open and the PMS cache falls back to memory, so
    # the chat keeps answering; taking the pods out of rotation would stop it.
    runtime = await make_runtime(make_settings(sqlite_url, redis_url="redis://127.0.0.1:1/0"))
    async with asgi_client(runtime) as client:
        ready = await client.get("/health/ready")
        live = await client.get("/health/live")
        chat = await client.post(
            "/api/webchat/messages", json={"session_id": new_session_id(), "text": "hola"}
        )
    assert ready.status_code == 200
    assert ready.json()["failing"] == []
    assert ready.json()["degraded"] == ["redis"]
    assert ready.json()["checks"]["redis"]["status"] == "fail"
    assert ready.json()["checks"]["database"]["status"] == "ok"
    assert live.status_code == 200, "liveness does no I/O: a Redis outage does not restart us"
    assert chat.status_code == 202, "the chat keeps answering without Redis"


async def test_a_hanging_database_and_redis_are_named_as_timed_out_and_recover(
    postgres_url: str, redis_url: str, make_runtime: MakeRuntime
) -> None:
    # The proxies swallow every byte both ways: each dependency hangs rather than refuses.
    with (
        ChaosProxy(*upstream(postgres_url)) as database,
        ChaosProxy(*upstream(redis_url)) as redis,
    ):
        budget = HttpSettings(_env_file=None, ready_budget_seconds=0.5)  # type: ignore[call-arg]
        settings = make_settings(
            proxied(postgres_url, database), redis_url=proxied(redis_url, redis), http=budget
        )
        runtime = await make_runtime(settings)
        async with asgi_client(runtime) as client:
            assert (await client.get("/health/ready")).status_code == 200

            database.drop()
            redis.drop()
            hung = await client.get("/health/ready")
            redis.restore()
            redis_only = await client.get("/health/ready")
            database.restore()
            await eventually(
                lambda: _ready(client), timeout=30, what="ready again after the database came back"
            )

    assert hung.status_code == 503
    body = hung.json()
    # Both checks ran at once under the one budget, so both are named, each as timed out.
    assert body["failing"] == ["database"]
    assert body["degraded"] == ["redis"]
    assert body["checks"]["database"]["error"] == "timed out: no answer within 0.5 s"
    assert body["checks"]["redis"]["error"] == "timed out: no answer within 0.5 s"
    assert body["reason"] == "database: timed out: no answer within 0.5 s"

    assert redis_only.status_code == 503 and redis_only.json()["failing"] == ["database"]


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/health/ready")).status_code == 200


async def test_probes_use_one_database_connection_of_their_own(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    with ChaosProxy(*upstream(postgres_url)) as database:
        # What counts here is connections, not time: a loaded machine must not turn a slow
        # probe into a 503 (the budget has tests of its own).
        http = HttpSettings(_env_file=None, ready_budget_seconds=10)
        settings = make_settings(proxied(postgres_url, database), http=http)
        runtime = await make_runtime(settings)
        before = database.connections_accepted
        async with asgi_client(runtime) as client:
            answers = await asyncio.gather(*(client.get("/health/ready") for _ in range(20)))
            answers += [await client.get("/health/ready") for _ in range(10)]
        opened = database.connections_accepted - before

    assert [answer.status_code for answer in answers] == [200] * 30
    assert opened == 1, "thirty probes, twenty of them at once, share one kept connection"
