"""Console roles and the login's discretion, on both databases: only administrators see the
audit log; a locked account's refusal is indistinguishable from an unknown account's."""

from __future__ import annotations

import re

import httpx

from hotel_agent.db.models import StaffRole
from hotel_agent.staff import accounts
from tests.integration.staff.test_console import (
    CSRF,
    PASSWORD,
    MakeRuntime,
    console_runtime,
    locked_for,
    log_in,
)
from tests.support import asgi_client


def seen_by_a_guesser(answer: httpx.Response) -> tuple[int, str, list[str]]:
    """All a refused login shows: status, page (the form's fresh token aside), header names."""
    page = CSRF.sub("", answer.text).replace('value="marta"', 'value="nobody"')
    names = sorted(name for name in answer.headers if name not in ("content-length", "date"))
    return answer.status_code, page, names


async def test_a_locked_account_is_refused_like_an_unknown_one(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        unknown = seen_by_a_guesser(await log_in(http, "some guess 1", username="nobody"))
        for attempt in range(5):
            wrong = await log_in(http, f"some guess {attempt}")
            assert seen_by_a_guesser(wrong) == unknown
        assert await locked_for(runtime) > 0
        locked = await log_in(http)  # the right password, while locked
        assert seen_by_a_guesser(locked) == unknown
        assert "retry-after" not in locked.headers
        assert "staff_session" not in locked.headers.get("set-cookie", "")


async def test_only_administrators_see_the_audit_log(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "admin", PASSWORD, StaffRole.ADMIN)
    async with asgi_client(runtime) as marta, asgi_client(runtime) as admin:
        assert (await log_in(marta, "not the password")).status_code == 401
        await log_in(marta)
        page = await marta.get("/staff/?lang=en")
        assert 'href="/staff/audit"' not in page.text
        refused = await marta.get("/staff/audit?lang=en")
        assert refused.status_code == 403
        assert "Only administrators can see this page." in refused.text
        assert "wrong password" not in refused.text

        await log_in(admin, username="admin")
        assert 'href="/staff/audit"' in (await admin.get("/staff/")).text
        audit = await admin.get("/staff/audit?lang=en")
        assert audit.status_code == 200
        rows = re.findall(
            r'<tr data-audit="([a-z_]+)">\s*<td>[^<]*</td>\s*<td>([^<]*)</td>', audit.text
        )
        assert rows == [("login", "admin"), ("login", "marta"), ("login_failed", "marta")]
        assert "wrong password" in audit.text
