"""The console's health page, on both databases: `/health/ready`'s checks (Redis when
configured, the PMS always), the PMS breaker, and the queues' depth and oldest wait."""

from __future__ import annotations

import re

import httpx

from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.db.models import StaffRole
from hotel_agent.staff import accounts
from tests.integration.staff.helpers import ReceptionEngine, pms_down_settings
from tests.integration.staff.test_console import PASSWORD, MakeRuntime, log_in
from tests.support import asgi_client, make_settings


def row(page: httpx.Response, attribute: str, name: str) -> str:
    [found] = re.findall(rf'<tr data-{attribute}="{name}"[^>]*>(.*?)</tr>', page.text, re.S)
    return str(found)


async def test_the_health_page_shows_checks_breaker_and_queues(
    database_url: str, redis_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(
        make_settings(database_url, redis_url=redis_url), dialogue=ReceptionEngine()
    )
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.STAFF)
    async with asgi_client(runtime) as http:
        assert (await http.get("/staff/health")).headers["location"] == "/staff/login"
        await log_in(http)
        # No worker runs here: the guest's message waits in the inbox.
        sent = await http.post(
            "/api/webchat/messages", json={"session_id": new_session_id(), "text": "Hola"}
        )
        assert sent.status_code in (200, 202), sent.text
        page = await http.get("/staff/health?lang=en")
        assert page.status_code == 200
        assert "Everything answers." in page.text
        assert "ok · " in row(page, "check", "database")
        assert "ok · " in row(page, "check", "redis")
        assert "ok · " in row(page, "check", "pms")
        assert "closed (calls go through)" in row(page, "check", "breaker")
        inbox = row(page, "queue", "inbox")
        assert re.search(r"<td>1</td><td>\d+ s</td>", inbox), inbox
        assert "<td>0</td><td>—</td>" in row(page, "queue", "outbox")

    down = await make_runtime(pms_down_settings(database_url), dialogue=ReceptionEngine())
    async with asgi_client(down) as http:
        await log_in(http)
        page = await http.get("/staff/health?lang=en")
        assert page.status_code == 200
        assert "Not answering: pms." in page.text
        assert "failing · " in row(page, "check", "pms")
        assert 'data-check="redis"' not in page.text, "Redis is not configured here"
