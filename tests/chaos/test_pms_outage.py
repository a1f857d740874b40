"""The PMS (fake QloApps behind the proxy) turns slow, then down, then comes back, under a
running API with its in-process worker. Guests get an honest reply and a colleague (the
conversation is handed to staff); the breaker opens so that waiting turns do not pile up on
a dead PMS, probes it when half-open, and closes once it answers again. No restart."""

from __future__ import annotations

import itertools

import httpx
import pytest

from hotel_agent.conversations.webchat import new_session_id
from tests.chaos.harness import ChaosDatabase, Stack, eventually, qloapps_settings
from tests.fakes.chaos_proxy import ChaosProxy
from tests.fakes.qloapps import FakeQloApps
from tests.integration.dialogue.guest import future_stay, spanish_range

FAILURES_TO_OPEN = 2
RECOVERY_SECONDS = 4
HONEST = "no puedo consultar nuestro sistema de reservas"
_days = itertools.count(20, 3)  # each guest asks for other dates: nothing is served from cache


async def _search(client: httpx.AsyncClient) -> dict[str, object]:
    """A new web chat guest asks for availability; their replies."""
    check_in, check_out = future_stay(days_ahead=next(_days), nights=2)
    answer = await client.post(
        "/api/webchat/messages?wait=30",
        json={
            "session_id": new_session_id(),
            "text": f"quiero reservar {spanish_range(check_in, check_out)} para 2 adultos",
        },
    )
    assert answer.status_code == 200, answer.text
    replies: list[dict[str, object]] = answer.json()["replies"]
    return {
        "offers": any(r.get("list") for r in replies),
        "text": "\n".join(str(r["text"]) for r in replies),
    }


async def _breaker(client: httpx.AsyncClient) -> str:
    return str((await client.get("/health/ready")).json()["pms_breaker"])


@pytest.mark.timeout(400)
async def test_breaker_opens_on_a_slow_then_dead_pms_answers_honestly_and_recovers(
    chaos_db: ChaosDatabase,
    fake_qloapps: FakeQloApps,
    pms_proxy: ChaosProxy,
    stack: Stack,
) -> None:
    api = stack.serve(
        DATABASE_URL=chaos_db.url,
        QUEUE_IN_PROCESS_WORKER=True,
        **qloapps_settings(
            pms_proxy,
            PMS_TIMEOUT=1,
            PMS_READ_RETRIES=0,
            PMS_BREAKER_FAILURES=FAILURES_TO_OPEN,
            PMS_BREAKER_RECOVERY_SECONDS=RECOVERY_SECONDS,
        ),
    )
    async with httpx.AsyncClient(base_url=api.base_url, timeout=60) as client:
        healthy = await _search(client)
        assert healthy["offers"] and await _breaker(client) == "closed"

        # Slow: every byte swallowed, each call waits for its timeout.
        pms_proxy.drop()
        slow = [await _search(client) for _ in range(FAILURES_TO_OPEN)]
        assert await _breaker(client) == "open"

        # Down (503 maintenance pages): with the breaker open nothing reaches the PMS.
        pms_proxy.restore()
        fake_qloapps.down()
        calls = len(fake_qloapps.requests)
        while_open = [await _search(client) for _ in range(4)]
        calls_while_open = len(fake_qloapps.requests) - calls

        await eventually(
            lambda: _breaker_is(client, "half_open"), timeout=30, what="the breaker half-open"
        )
        probed = await _search(client)  # one probe goes to the PMS, fails: open again
        assert await _breaker(client) == "open"

        fake_qloapps.up()
        await eventually(
            lambda: _breaker_is(client, "half_open"), timeout=30, what="half-open again"
        )
        recovered = await _search(client)
        breaker_after = await _breaker(client)

    for said in [*slow, *while_open, probed]:
        assert not said["offers"] and HONEST in str(said["text"]), said
    assert calls_while_open <= 1, "an open breaker fails fast (at most a probe got through)"
    assert recovered["offers"], recovered
    assert breaker_after == "closed"
    handed = await chaos_db.scalar("SELECT count(*) FROM conversations WHERE owner = 'staff'")
    assert handed == FAILURES_TO_OPEN + len(while_open) + 1, "each guest handed to a colleague"
    assert await chaos_db.settled(), "no turn left waiting"


async def _breaker_is(client: httpx.AsyncClient, state: str) -> bool:
    return await _breaker(client) == state
