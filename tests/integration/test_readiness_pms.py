"""`/health/ready` and the PMS: checked only when the operator asks (`CHECK_PMS_IN_READINESS`),
and the breaker's state always shown.

By default a PMS outage does not take the agent out of the load balancer: it keeps taking
guests' messages, and PMS calls fail fast behind the breaker or serve cached answers. Operators
who would rather route traffic away turn the check on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from hotel_agent.runtime import Runtime
from tests.fakes.qloapps import DEMO_KEY, FakeQloApps
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


def qloapps(fake: FakeQloApps, **settings: Any) -> dict[str, Any]:
    return {"type": "qloapps", "base_url": fake.base_url, "api_key": DEMO_KEY, **settings}


async def readiness(runtime: Runtime) -> tuple[int, dict[str, Any]]:
    async with asgi_client(runtime) as client:
        answer = await client.get("/health/ready")
    return answer.status_code, answer.json()


async def test_the_simulator_is_checked_when_asked(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(database_url, pms={"check_in_readiness": True}))

    status, body = await readiness(runtime)

    assert status == 200
    assert body["failing"] == []
    assert body["checks"]["pms"]["status"] == "ok"
    assert body["pms_breaker"] == "closed"


async def test_a_qloapps_that_is_down_makes_the_service_unready_when_asked(
    sqlite_url: str, make_runtime: MakeRuntime, fake: FakeQloApps
) -> None:
    settings = make_settings(sqlite_url, pms=qloapps(fake, check_in_readiness=True))
    runtime = await make_runtime(settings)
    fake.down()

    status, body = await readiness(runtime)

    assert status == 503
    assert body["failing"] == ["pms"]
    assert body["checks"]["database"]["status"] == "ok"
    assert "HTTP 503" in body["checks"]["pms"]["error"]

    fake.up()  # back from maintenance: ready again, nobody restarts anything
    status, body = await readiness(runtime)
    assert status == 200 and body["checks"]["pms"]["status"] == "ok"


async def test_without_the_setting_the_pms_is_not_checked_but_its_breaker_is_shown(
    sqlite_url: str, make_runtime: MakeRuntime, fake: FakeQloApps
) -> None:
    simulator = await make_runtime(make_settings(sqlite_url))
    status, body = await readiness(simulator)
    assert status == 200
    assert "pms" not in body["checks"]
    assert body["pms_breaker"] == "closed"

    # Even a QloApps that is down leaves the agent ready: it still answers guests.
    fake.down()
    runtime = await make_runtime(make_settings(sqlite_url, pms=qloapps(fake)))
    status, body = await readiness(runtime)
    assert status == 200
    assert "pms" not in body["checks"] and body["failing"] == []
    assert body["pms_breaker"] == "closed"
