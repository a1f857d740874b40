"""Canned replies on both databases: an administrator adds, edits and deletes them (each in
the audit log); a missing CSRF token, a staff member or a bad field changes nothing; hostile
text is shown as text, on the list and in the conversation page's picker."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from hotel_agent.db.models import CannedReply, StaffAuditEntry, StaffRole
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from tests.integration.staff.test_api import say
from tests.integration.staff.test_console import (
    PASSWORD,
    MakeRuntime,
    console_runtime,
    csrf_of,
    listed,
    log_in,
)
from tests.support import asgi_client

HOSTILE = '<script>alert("x")</script> & "quotes" \'single\''
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34; &#39;single&#39;"


async def stored(runtime: Runtime) -> list[tuple[str, str, str, str]]:
    async with runtime.sessions() as session:
        rows = await session.scalars(select(CannedReply).order_by(CannedReply.id))
        return [(r.language, r.title, r.text, r.edited_by) for r in rows]


async def audited(runtime: Runtime) -> list[tuple[str, str, object]]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(StaffAuditEntry)
            .where(StaffAuditEntry.action.like("canned_reply_%"))
            .order_by(StaffAuditEntry.id)
        )
        return [(r.username, r.action, (r.detail or {}).get("title")) for r in rows]


async def add(http: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = await csrf_of(http, "/staff/canned-replies")
    return await http.post("/staff/canned-replies", data={"csrf_token": token, **fields})


async def with_admin(make_runtime: MakeRuntime, database_url: str) -> Runtime:
    runtime = await console_runtime(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "admin", PASSWORD, StaffRole.ADMIN)
    return runtime


async def test_an_administrator_adds_edits_and_deletes_canned_replies(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await with_admin(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        await log_in(http, username="admin")
        empty = await http.get("/staff/canned-replies?lang=en")
        assert "No canned replies yet." in empty.text

        added = await add(http, language="es", title="Parking", text="El parking cuesta 15 €.")
        assert (added.status_code, added.headers["location"]) == (
            303,
            "/staff/canned-replies?saved=created",
        )
        assert await stored(runtime) == [("es", "Parking", "El parking cuesta 15 €.", "admin")]
        [reply_id] = [int(r) for r in _ids(await http.get("/staff/canned-replies"))]

        token = await csrf_of(http, f"/staff/canned-replies/{reply_id}")
        edited = await http.post(
            f"/staff/canned-replies/{reply_id}",
            data={"csrf_token": token, "language": "en", "title": "Parking", "text": "€15 a day."},
        )
        assert edited.status_code == 303
        assert await stored(runtime) == [("en", "Parking", "€15 a day.", "admin")]

        deleted = await http.post(
            f"/staff/canned-replies/{reply_id}/delete", data={"csrf_token": token}
        )
        assert deleted.status_code == 303
        assert await stored(runtime) == []
        assert (await http.get(f"/staff/canned-replies/{reply_id}")).status_code == 404
        assert await audited(runtime) == [
            ("admin", "canned_reply_create", "Parking"),
            ("admin", "canned_reply_edit", "Parking"),
            ("admin", "canned_reply_delete", "Parking"),
        ]
        audit_page = await http.get("/staff/audit?lang=en")
        assert "added a canned reply" in audit_page.text


async def test_refused_changes_change_nothing(database_url: str, make_runtime: MakeRuntime) -> None:
    runtime = await with_admin(make_runtime, database_url)
    async with asgi_client(runtime) as admin, asgi_client(runtime) as marta:
        await log_in(admin, username="admin")
        await add(admin, language="es", title="Wifi", text="La clave está en recepción.")
        [reply_id] = _ids(await admin.get("/staff/canned-replies"))
        fields = {"language": "es", "title": "Changed", "text": "Changed"}

        no_token = await admin.post("/staff/canned-replies", data=fields)
        wrong = await admin.post(
            f"/staff/canned-replies/{reply_id}", data={"csrf_token": "wrong", **fields}
        )
        no_token_delete = await admin.post(f"/staff/canned-replies/{reply_id}/delete")
        assert [r.status_code for r in (no_token, wrong, no_token_delete)] == [403, 403, 403]

        for bad, words in (
            ({"language": "fr", "title": "T", "text": "x"}, "Choose Spanish or English."),
            ({"language": "es", "title": " ", "text": "x"}, "The title is needed"),
            ({"language": "es", "title": "T", "text": "x" * 4097}, "The text is needed"),
        ):
            token = await csrf_of(admin, "/staff/canned-replies?lang=en")
            refused = await admin.post("/staff/canned-replies", data={"csrf_token": token, **bad})
            assert refused.status_code == 422
            assert words in refused.text

        await log_in(marta)  # a staff member
        assert (await marta.get("/staff/canned-replies")).status_code == 403
        assert (await marta.get(f"/staff/canned-replies/{reply_id}")).status_code == 403
        token = await csrf_of(marta)
        assert (
            await marta.post("/staff/canned-replies", data={"csrf_token": token, **fields})
        ).status_code == 403
        assert (
            await marta.post(f"/staff/canned-replies/{reply_id}/delete", data={"csrf_token": token})
        ).status_code == 403
        assert await stored(runtime) == [("es", "Wifi", "La clave está en recepción.", "admin")]


async def test_hostile_text_is_shown_as_text_in_the_list_and_the_picker(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await with_admin(make_runtime, database_url)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await say(http, "Quiero hablar con una persona")
        await log_in(http, username="admin")
        await add(http, language="en", title=HOSTILE, text=HOSTILE)
        page = await http.get("/staff/canned-replies")
        assert "<script>alert" not in page.text
        assert ESCAPED in page.text
        [conversation_id] = await listed(http)
        conversation = await http.get(f"/staff/conversations/{conversation_id}?lang=en")
        assert 'id="canned-picker"' in conversation.text
        assert f'data-text="{ESCAPED}">{ESCAPED}</option>' in conversation.text
        assert "<script>alert" not in conversation.text


def _ids(page: httpx.Response) -> list[str]:
    return re.findall(r'data-canned="(\d+)"', page.text)
