"""The staff console over HTTP with the real pipeline, on both databases: login and its
cookie, CSRF refusals, the lockout, and a handed-over web chat conversation taken, answered
and handed back, each action in the audit."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, update

from hotel_agent.channels.port import SendError
from hotel_agent.channels.webchat.channel import WebChatChannel
from hotel_agent.db.models import BookingRecordStatus, StaffAuditEntry, StaffRole, StaffUser
from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.runtime import Runtime
from hotel_agent.settings import HttpSettings, StaffSettings
from hotel_agent.staff import accounts
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.inbox.helpers import whatsapp_text
from tests.integration.staff.helpers import (
    HANDOFF_REPLY,
    ReceptionEngine,
    eventually,
    knowledge_with_templates,
    staff_settings,
)
from tests.integration.staff.test_api import guest_sees, say
from tests.integration.staff.test_cli import Pipeline
from tests.support import asgi_client

MakeRuntime = Callable[..., Awaitable[Runtime]]
PASSWORD = "correct horse battery"  # pragma: allowlist secret
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def console_runtime(make_runtime: MakeRuntime, database_url: str) -> Runtime:
    runtime = await make_runtime(staff_settings(database_url), dialogue=ReceptionEngine())
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.STAFF)
    return runtime


async def log_in(
    http: httpx.AsyncClient, password: str = PASSWORD, username: str = "marta"
) -> httpx.Response:
    form = await http.get("/staff/login")
    assert form.status_code == 200
    [token] = CSRF.findall(form.text)
    return await http.post(
        "/staff/login", data={"username": username, "password": password, "csrf_token": token}
    )


async def csrf_of(http: httpx.AsyncClient, path: str = "/staff/") -> str:
    page = await http.get(path)
    assert page.status_code == 200, page.text
    return str(CSRF.findall(page.text)[0])


async def listed(http: httpx.AsyncClient, owner: str = "staff") -> list[int]:
    """The ids of the conversations the inbox lists (waiting for staff, or `owner`)."""
    page = await http.get("/staff/", params={"owner": owner})
    assert page.status_code == 200
    return list(map(int, re.findall(r'data-conversation="(\d+)"', page.text)))


def cookie_attributes(response: httpx.Response, name: str) -> set[str]:
    [header] = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    return {part.strip().lower() for part in header.split(";")[1:]}


async def audit(runtime: Runtime) -> list[tuple[str, str, int | None]]:
    async with runtime.sessions() as session:
        rows = await session.scalars(select(StaffAuditEntry).order_by(StaffAuditEntry.id))
        return [(r.username, r.action, r.conversation_id) for r in rows]


async def test_take_over_reply_and_hand_back_a_web_chat_conversation(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        assert await say(http, "Hola") == ["bot: Hola"]
        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]

        outside = await http.get("/staff/")
        assert (outside.status_code, outside.headers["location"]) == (303, "/staff/login")

        signed_in = await log_in(http)
        assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/staff/")
        flags = cookie_attributes(signed_in, "staff_session")
        assert {"httponly", "samesite=lax", "path=/staff"} <= flags
        assert "secure" not in flags, "plain HTTP without a TLS proxy: not Secure"

        inbox = await http.get("/staff/", headers={"Accept-Language": "es-ES,es;q=0.9"})
        assert inbox.status_code == 200
        assert inbox.headers["cache-control"] == "no-store"
        assert "Esperan a recepción" in inbox.text
        [conversation_id] = map(int, re.findall(r'data-conversation="(\d+)"', inbox.text))
        assert "Recepción · sin asignar · pidió una persona" in inbox.text

        token = await csrf_of(http, f"/staff/conversations/{conversation_id}")
        taken = await http.post(
            f"/staff/conversations/{conversation_id}/take", data={"csrf_token": token}
        )
        assert taken.status_code == 303
        listed = await http.get("/staff/?lang=en")
        assert "Staff · marta" in listed.text

        replied = await http.post(
            f"/staff/conversations/{conversation_id}/reply",
            data={"csrf_token": token, "text": "Hola, soy Marta de recepción."},
        )
        assert replied.status_code == 303

        async def guest_got_it() -> dict[str, Any] | None:
            for message in await guest_sees(http):
                if message["author"] == "staff" and message["status"] == "sent":
                    return message
            return None

        assert (await eventually(guest_got_it))["text"] == "Hola, soy Marta de recepción."
        page = await http.get(f"/staff/conversations/{conversation_id}?lang=en")
        assert "Hola, soy Marta de recepción." in page.text
        assert "marta took over" in page.text

        handed = await http.post(
            f"/staff/conversations/{conversation_id}/hand-back", data={"csrf_token": token}
        )
        assert handed.status_code == 303
        assert await say(http, "gracias") == ["bot: gracias"]

        out = await http.post("/staff/logout", data={"csrf_token": token})
        assert (out.status_code, out.headers["location"]) == (303, "/staff/login")
        assert (await http.get("/staff/")).status_code == 303

    assert await audit(runtime) == [
        ("marta", "login", None),
        ("marta", "take_over", conversation_id),
        ("marta", "reply", conversation_id),
        ("marta", "hand_back", conversation_id),
        ("marta", "logout", None),
    ]


async def test_a_conversation_a_colleague_has_taken_is_not_taken_again(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "pablo", PASSWORD, StaffRole.STAFF)
    runtime.start_background()
    async with asgi_client(runtime) as marta, asgi_client(runtime) as pablo:
        await say(marta, "quiero hablar con una persona")
        await log_in(marta)
        await log_in(pablo, username="pablo")
        [conversation_id] = await listed(marta)
        path = f"/staff/conversations/{conversation_id}"
        taken = await marta.post(f"{path}/take", data={"csrf_token": await csrf_of(marta, path)})
        assert taken.headers["location"] == path

        again = await pablo.post(f"{path}/take", data={"csrf_token": await csrf_of(pablo, path)})
        assert again.headers["location"] == f"{path}?error=taken_by_colleague"
        page = await pablo.get(again.headers["location"] + "&lang=en")
        assert "A colleague is already answering this conversation." in page.text
        assert "Staff are answering (marta)" in page.text

    assert [(who, action) for who, action, _ in await audit(runtime)] == [
        ("marta", "login"),
        ("pablo", "login"),
        ("marta", "take_over"),
    ]


async def test_state_changes_without_the_csrf_token_are_refused(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await say(http, "Hola")
        await log_in(http)
        [conversation_id] = await listed(http, "all")
        for data in ({}, {"csrf_token": "forged-token-0123456789"}):
            refused = await http.post(f"/staff/conversations/{conversation_id}/take", data=data)
            assert refused.status_code == 403
            refused = await http.post(
                f"/staff/conversations/{conversation_id}/reply", data={**data, "text": "hi"}
            )
            assert refused.status_code == 403
        assert (await http.post("/staff/logout")).status_code == 403
        # The header works as well as the form field (for scripts).
        token = await csrf_of(http)
        taken = await http.post(
            f"/staff/conversations/{conversation_id}/take", headers={"X-CSRF-Token": token}
        )
        assert taken.status_code == 303

        # The login form has its own token, in a cookie and the form.
        http.cookies.clear()
        login = await http.post("/staff/login", data={"username": "marta", "password": PASSWORD})
        assert login.status_code == 403
        assert "staff_session" not in login.headers.get("set-cookie", "")

    assert [action for _, action, _ in await audit(runtime)] == ["login", "take_over"]


async def test_wrong_passwords_lock_the_account_with_a_growing_lockout(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        for _ in range(5):
            wrong = await log_in(http, "not the password")
            assert wrong.status_code == 401
            assert "Wrong username or password" in wrong.text or "incorrectos" in wrong.text
        # Locked: even the right password is refused, and no session is made.
        locked = await log_in(http)
        assert locked.status_code == 401
        assert "staff_session" not in locked.headers.get("set-cookie", "")
        assert 0 < await locked_for(runtime) <= 60

        # The first lock runs out; one more wrong password locks for twice as long.
        async with runtime.sessions() as session, session.begin():
            await session.execute(
                update(StaffUser).values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
            )
        assert (await log_in(http, "still wrong")).status_code == 401
        assert (await log_in(http)).status_code == 401
        assert 60 < await locked_for(runtime) <= 120

        # An unknown account is refused like a wrong password (no hint that it does not exist).
        unknown = await log_in(http, PASSWORD, username="nobody")
        assert unknown.status_code == 401

        # An administrator's new password lifts the lock.
        await accounts.set_password(runtime.sessions, "marta", "a brand new passphrase")
        assert (await log_in(http, "a brand new passphrase")).status_code == 303

    actions = [action for _, action, _ in await audit(runtime)]
    assert actions == ["login_failed"] * 6 + ["login"]


async def locked_for(runtime: Runtime, username: str = "marta") -> float:
    """Seconds the account stays locked (0: not locked)."""
    async with runtime.sessions() as session:
        until = await session.scalar(
            select(StaffUser.locked_until).where(StaffUser.username == username)
        )
    return max(0.0, (until - datetime.now(UTC)).total_seconds()) if until else 0.0


async def log_in_over_tls(http: httpx.AsyncClient) -> httpx.Response:
    """Log in as a browser on HTTPS would: the client here speaks plain HTTP to the app, so
    its jar keeps the Secure login-form cookie to itself; it is sent by hand."""
    form = await http.get("/staff/login")
    assert "secure" in cookie_attributes(form, "staff_login_csrf")
    [token] = CSRF.findall(form.text)
    return await http.post(
        "/staff/login",
        data={"username": "marta", "password": PASSWORD, "csrf_token": token},
        headers={"Cookie": f"staff_login_csrf={form.cookies['staff_login_csrf']}"},
    )


async def test_the_session_cookie_is_secure_behind_a_tls_proxy_or_when_configured(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    # httpx's ASGI transport calls from 127.0.0.1: that is the trusted proxy here.
    runtime.settings.http = HttpSettings(**{"_env_file": None}, trusted_proxies="127.0.0.1")
    async with asgi_client(runtime) as http:
        http.headers["X-Forwarded-Proto"] = "https"
        signed_in = await log_in_over_tls(http)
        assert signed_in.status_code == 303
        assert "secure" in cookie_attributes(signed_in, "staff_session")

    # No proxy believed, plain HTTP, but the operator says Secure.
    runtime.settings.http = HttpSettings(**{"_env_file": None})
    runtime.settings.staff = StaffSettings(**{"_env_file": None}, secure_cookie=True)
    async with asgi_client(runtime) as http:
        signed_in = await log_in_over_tls(http)
        assert signed_in.status_code == 303
        assert "secure" in cookie_attributes(signed_in, "staff_session")


async def test_login_attempts_are_limited_per_client_address(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    runtime.settings.staff = StaffSettings(
        **{"_env_file": None}, login_rate_limit_per_client="3/minute"
    )
    async with asgi_client(runtime) as http:
        # Three guesses at three different accounts: no account's lockout counts them all.
        for name in ("ana", "luis", "eva"):
            assert (await log_in(http, "guess-guess-guess", username=name)).status_code == 401
        limited = await log_in(http, PASSWORD)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert "Demasiados intentos desde esta dirección" in limited.text
        assert "staff_session" not in limited.headers.get("set-cookie", "")


async def test_disabling_an_account_ends_its_sessions(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        assert (await log_in(http)).status_code == 303
        assert (await http.get("/staff/")).status_code == 200
        await accounts.disable_user(runtime.sessions, "marta")
        assert (await http.get("/staff/")).status_code == 303
        assert (await log_in(http)).status_code == 401


async def test_guest_text_is_shown_as_text_and_a_closed_whatsapp_window_is_explained(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    channel = CollectingChannel()
    settings = staff_settings(database_url, knowledge_file=knowledge_with_templates(tmp_path, []))
    runtime = await make_runtime(
        settings,
        dialogue=ReceptionEngine(),
        channels={"whatsapp": channel, "webchat": WebChatChannel()},
    )
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.ADMIN)
    runtime.start_background()
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> una persona'
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id,
        [
            whatsapp_text(
                "wamid.OLD", "34611111111", hostile, at=datetime.now(UTC) - timedelta(hours=25)
            )
        ],
    )
    async with asgi_client(runtime) as http:
        await log_in(http)
        [conversation_id] = await eventually(lambda: listed(http))
        page = await http.get(f"/staff/conversations/{conversation_id}?lang=en")
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
        assert "Ana Ruiz" in page.text
        assert "more than 24 h ago" in page.text
        assert "no approved staff_reply template is configured in" in page.text
        assert "<textarea" not in page.text


async def test_a_failed_send_is_listed_and_retried_from_the_console(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url), dialogue=engine)
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.STAFF)
    channel = CollectingChannel(name="webchat", reply_window_seconds=None)
    runtime.channels["webchat"] = channel
    pipeline = Pipeline(runtime, engine)
    channel.failures = [SendError("token_expired", retryable=False, code=190, detail="expired")]
    await pipeline.guest_says("Hola <b>")

    async with asgi_client(runtime) as http:
        await log_in(http)
        page = await http.get("/staff/failed?lang=en")
        assert page.status_code == 200
        [dead_letter_id] = map(int, re.findall(r'data-dead-letter="(\d+)"', page.text))
        assert "token_expired (190): expired" in page.text
        assert "bot: Hola &lt;b&gt;" in page.text
        path = f"/staff/failed/{dead_letter_id}/resend"
        assert (await http.post(path)).status_code == 403, "no CSRF token"

        token = await csrf_of(http, "/staff/failed")
        retried = await http.post(path, data={"csrf_token": token})
        assert retried.headers["location"] == "/staff/failed"
        await pipeline.deliver()
        assert [m.text for _, m in channel.sent] == ["bot: Hola <b>"]
        assert ("bot", "bot: Hola <b>", "sent") in await pipeline.guest_sees()
        page = await http.get("/staff/failed?lang=en")
        assert "No failed send waiting." in page.text

        again = await http.post(path, data={"csrf_token": token})
        assert again.headers["location"] == "/staff/failed?error=not_resent"

    assert [(who, action) for who, action, _ in await audit(runtime)] == [
        ("marta", "login"),
        ("marta", "resend"),
    ]


async def test_the_conversation_page_shows_the_guests_bookings(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await say(http, "Hola")
        await log_in(http)
        [conversation_id] = await listed(http, "all")
        # What the booking ledger writes when the agent books in this conversation.
        async with runtime.sessions() as session, session.begin():
            records = BookingRecordRepository(session)
            await records.claim(
                "key-1",
                hotel_id=runtime.hotels.default_hotel_id,
                conversation_id=conversation_id,
                pms_type="simulator",
                room_type_id="2",
                check_in=date(2027, 2, 12),
                check_out=date(2027, 2, 14),
                adults=2,
                children=1,
                rooms=1,
                guest_name="Carmen Vidal",
                guest_email="carmen@example.com",
            )
            await records.update_by_key(
                "key-1",
                status=BookingRecordStatus.CONFIRMED.value,
                reference="MDP-4821",
                total_price=Decimal("240.00"),
                currency="EUR",
            )
        page = await http.get(f"/staff/conversations/{conversation_id}?lang=en")
        [booking] = re.findall(r'<li data-booking="MDP-4821">(.*?)</li>', page.text, re.S)
        assert "12/02/2027 → 14/02/2027" in booking
        assert "adults: 2, children: 1, rooms: 1" in booking
        assert "240.00 EUR" in booking
        assert "confirmed" in booking
