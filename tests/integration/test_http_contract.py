"""What clients see at the HTTP edge (issue 9): 422 for out-of-range ids, answers shaped as the
published OpenAPI says, every allowed method in Allow, security headers, who is believed about
a client's address, and what production exposes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from hotel_agent.blank_text import NOT_BLANK_PATTERN
from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.runtime import Runtime
from hotel_agent.settings import Environment, HttpSettings
from tests.integration.staff.helpers import AUTH, ReceptionEngine, staff_settings
from tests.integration.staff.test_api import say, waiting
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
NO_ENV: dict[str, Any] = {"_env_file": None}
SESSION = new_session_id()


async def test_ids_beyond_the_columns_are_422_with_the_published_shape(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(database_url))
    async with asgi_client(runtime) as client:
        poll = await client.get(
            "/api/webchat/messages", params={"session_id": SESSION, "after": 2**63}
        )
        staff = await client.get(f"/api/staff/conversations/{2**31}/messages", headers=AUTH)
        staff_after = await client.get(
            "/api/staff/conversations/1/messages", params={"after": 2**63}, headers=AUTH
        )
        in_range = await client.get(
            "/api/webchat/messages", params={"session_id": SESSION, "after": 2**63 - 1}
        )
    for answer in (poll, staff, staff_after):
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["detail"]
        assert set(error) >= {"loc", "msg", "type"}
        assert error["type"] == "less_than_equal"
    assert in_range.status_code == 200


async def test_a_nul_in_a_staff_reply_is_stored_without_it(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(database_url), dialogue=ReceptionEngine())
    runtime.start_background()
    async with asgi_client(runtime) as client:
        await say(client, "Hola", session=SESSION)
        [conversation] = await waiting(client, "bot")
        conversation_id = conversation["id"]
        url = f"/api/staff/conversations/{conversation_id}/messages"
        headers = {**AUTH, "Content-Type": "application/json"}
        # Raw bytes: a JSON escape may carry a NUL or a lone surrogate; Python's cannot.
        nul = await client.post(url, content=b'{"text": "Hola\\u0000, soy Luis"}', headers=headers)
        surrogate = await client.post(url, content=b'{"text": "Hola \\ud800"}', headers=headers)
    assert nul.status_code == 202, nul.text
    assert nul.json()["message"]["text"] == "Hola, soy Luis"
    assert surrogate.status_code == 422
    assert surrogate.json()["detail"][0]["type"] == "string_unicode"


async def test_blank_text_is_refused_by_the_schema_and_allow_lists_both_methods(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    async with asgi_client(runtime) as client:
        schema = (await client.get("/openapi.json")).json()
        blank = [
            await client.post("/api/webchat/messages", json={"session_id": SESSION, **body})
            for body in ({"text": ""}, {"text": "  \n\x85\ufeff"}, {"choice_id": ""}, {})
        ]
        choice = await client.post(
            "/api/webchat/messages", json={"session_id": SESSION, "text": "", "choice_id": "x"}
        )
        put = await client.put("/api/webchat/messages", json={})
        not_json = await client.post(
            "/api/webchat/messages",
            content=b"{nope",
            headers={"Content-Type": "application/json"},
        )
    published = schema["components"]["schemas"]["WebChatMessageIn"]["anyOf"]
    assert published[0]["properties"]["text"]["pattern"] == NOT_BLANK_PATTERN
    assert published[1]["required"] == ["choice_id"]
    assert [b.status_code for b in blank] == [422, 422, 422, 422]
    assert choice.status_code == 202, "an empty text with a choice is what the schema says"
    assert put.status_code == 405
    assert set(put.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert put.json()["code"] == "method_not_allowed"
    assert not_json.status_code == 400 and not_json.json()["code"] == "bad_request"
    documented = schema["paths"]["/api/webchat/messages"]["post"]["responses"]
    assert {"400", "413", "422", "429", "503"} <= set(documented)


async def test_forwarded_for_is_believed_only_from_trusted_proxies(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    async def accepted(trusted: str) -> list[int]:
        runtime = await make_runtime(
            make_settings(
                sqlite_url,
                webchat={"rate_limit_per_client": "2/minute"},
                http=HttpSettings(**NO_ENV, trusted_proxies=trusted),
            )
        )
        async with asgi_client(runtime) as client:  # the ASGI client comes from 127.0.0.1
            return [
                (
                    await client.post(
                        "/api/webchat/messages",
                        json={"session_id": new_session_id(), "text": "hola"},
                        headers={"X-Forwarded-For": f"203.0.113.{n}"},
                    )
                ).status_code
                for n in range(3)
            ]

    # By default a client cannot pick the address its limit is counted under.
    assert await accepted("") == [202, 202, 429]
    assert await accepted("127.0.0.1") == [202, 202, 202]


async def test_pages_carry_security_headers(sqlite_url: str, make_runtime: MakeRuntime) -> None:
    runtime = await make_runtime(make_settings(sqlite_url))
    async with asgi_client(runtime) as client:
        page = await client.get("/")
        script = await client.get("/static/webchat/chat.js")
        api = await client.get("/health/live")
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    for answer in (page, script, api):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("environment", "http", "docs", "metrics_without", "metrics_with"),
    [
        (Environment.DEVELOPMENT, {}, 200, 200, 200),
        (Environment.PRODUCTION, {}, 404, 404, 404),
        (Environment.PRODUCTION, {"metrics_token": "m" * 20, "docs": True}, 200, 401, 200),
    ],
)
async def test_docs_and_metrics_exposure(
    sqlite_url: str,
    make_runtime: MakeRuntime,
    environment: Environment,
    http: dict[str, Any],
    docs: int,
    metrics_without: int,
    metrics_with: int,
) -> None:
    settings = make_settings(
        sqlite_url, environment=environment, http=HttpSettings(**NO_ENV, **http)
    )
    runtime = await make_runtime(settings)
    async with asgi_client(runtime) as client:
        answers = [
            (await client.get("/docs")).status_code,
            (await client.get("/openapi.json")).status_code,
            (await client.get("/metrics")).status_code,
            (
                await client.get("/metrics", headers={"Authorization": f"Bearer {'m' * 20}"})
            ).status_code,
        ]
    assert answers == [docs, docs, metrics_without, metrics_with]
