"""Readiness names the dependency that fails; liveness never touches one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.runtime import Runtime
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
