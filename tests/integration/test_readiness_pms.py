"""`/health/ready` and the PMS: checked only when the operator asks (`CHECK_PMS_IN_READINESS`),
and the breaker's state always shown. The check never calls the PMS per probe: an open breaker
fails it at once, and the last check serves while a background one refreshes it.

By default a PMS outage does not take the agent out of the load balancer: it keeps taking
guests' messages, and PMS calls fail fast behind the breaker or serve cached answers. Operators
who would rather route traffic away turn the check on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from hotel_agent.pms.errors import PmsUnavailable
from hotel_agent.runtime import Runtime
from hotel_agent.settings import HttpSettings
from tests.chaos.harness import eventually
from tests.fakes.chaos_proxy import ChaosProxy, upstream
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
    # Age 0: every probe starts a refresh in the background (and answers with the last check).
    pms = qloapps(fake, check_in_readiness=True, health_max_age_seconds=0)
    runtime = await make_runtime(make_settings(sqlite_url, pms=pms))
    fake.down()

    status, body = await readiness(runtime)

    assert status == 503
    assert body["failing"] == ["pms"]
    assert body["checks"]["database"]["status"] == "ok"
    assert "HTTP 503" in body["checks"]["pms"]["error"]
    assert body["reason"].startswith("pms: ") and "HTTP 503" in body["reason"]

    fake.up()  # back from maintenance: ready again, nobody restarts anything
    status, body = await eventually(lambda: _ready(runtime), what="ready after the PMS came back")
    assert body["checks"]["pms"]["status"] == "ok"


async def _ready(runtime: Runtime) -> tuple[int, dict[str, Any]] | None:
    answer = await readiness(runtime)
    return answer if answer[0] == 200 else None


async def test_probes_do_not_call_the_pms_each_time(
    sqlite_url: str, make_runtime: MakeRuntime, fake: FakeQloApps
) -> None:
    pms = qloapps(fake, check_in_readiness=True, health_max_age_seconds=3600)
    runtime = await make_runtime(make_settings(sqlite_url, pms=pms))

    answers = [await readiness(runtime) for _ in range(10)]
    calls = len(fake.requests)
    answers += [await readiness(runtime) for _ in range(10)]

    assert [status for status, _ in answers] == [200] * 20
    assert calls > 0, "the first probe checked the PMS"
    assert len(fake.requests) == calls, "the next ones answered from that check"


async def test_an_open_breaker_fails_the_check_without_a_pms_call(
    sqlite_url: str, make_runtime: MakeRuntime, fake: FakeQloApps
) -> None:
    pms = qloapps(fake, check_in_readiness=True, breaker_failures=1, read_retries=0)
    runtime = await make_runtime(make_settings(sqlite_url, pms=pms))
    assert (await readiness(runtime))[0] == 200
    # A guest's search finds the PMS gone: the breaker opens.
    fake.down(close_connections=True)
    with pytest.raises(PmsUnavailable):
        await runtime.pms.room_types()
    calls = len(fake.requests)

    status, body = await readiness(runtime)

    assert status == 503
    assert body["pms_breaker"] == "open"
    assert body["checks"]["pms"]["error"].startswith("RuntimeError: breaker open")
    assert len(fake.requests) == calls, "an open breaker is answer enough"


async def test_a_pms_that_hangs_on_the_first_check_is_named_as_timed_out(
    sqlite_url: str, make_runtime: MakeRuntime, fake: FakeQloApps
) -> None:
    with ChaosProxy(*upstream(fake.origin)) as proxy:
        pms = qloapps(fake, check_in_readiness=True, timeout=30)
        pms["base_url"] = f"http://{proxy.address}/api"
        budget = HttpSettings(_env_file=None, ready_budget_seconds=0.5)  # type: ignore[call-arg]
        settings = make_settings(sqlite_url, pms=pms, http=budget)
        runtime = await make_runtime(settings)
        proxy.drop()

        status, body = await readiness(runtime)
        proxy.restore()

    assert status == 503
    assert body["failing"] == ["pms"]
    assert body["checks"]["pms"]["error"] == "timed out: no answer within 0.5 s"
    assert body["checks"]["database"]["status"] == "ok"


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
