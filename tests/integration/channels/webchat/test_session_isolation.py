"""OWASP API1 (broken object level authorization) for the web chat.

A chat session's id is its only key: a bearer secret the page makes from 16 random bytes
(32 hex characters, 128 bits) and keeps in the browser. These tests prove that a visitor who
does not hold it cannot read or write another's conversation, that ids in any other format
(shorter, guessable, uppercase) are refused, and that the id never reaches the logs. The page's
side (128-bit ids, the server's pattern) is
`tests/e2e/test_webchat_privacy_bar.py::test_the_page_makes_a_128_bit_session_id`; the proxy
never logs query strings (`tests/unit/test_deploy_files.py::test_nginx_never_logs_query_strings`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from structlog.testing import capture_logs

from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.runtime import Runtime
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
URL = "/api/webchat/messages"


@pytest.fixture
async def client(sqlite_url: str, make_runtime: MakeRuntime) -> AsyncIterator[httpx.AsyncClient]:
    runtime = await make_runtime(make_settings(sqlite_url))
    runtime.start_background()
    async with asgi_client(runtime) as http:
        yield http


async def transcript(client: httpx.AsyncClient, session_id: str) -> list[dict[str, object]]:
    answer = await client.get(URL, params={"session_id": session_id})
    assert answer.status_code == 200
    messages: list[dict[str, object]] = answer.json()["messages"]
    return messages


async def test_another_session_sees_none_of_a_guest_s_conversation(
    client: httpx.AsyncClient,
) -> None:
    ana, intruder = new_session_id(), new_session_id()
    said = await client.post(
        f"{URL}?wait=10", json={"session_id": ana, "text": "Hola, soy Ana, ana@example.com"}
    )
    assert said.status_code == 200 and said.json()["replies"]
    ana_ids = {m["id"] for m in await transcript(client, ana)}

    # Another id, however close to Ana's, is another (empty) conversation: the answer is the
    # same as for an id never used, so probing tells nothing (its uppercase form is not even
    # accepted: test_ids_outside_the_pattern_are_refused).
    for probe in (intruder, ana[:-1] + ("0" if ana[-1] != "0" else "1")):
        assert await transcript(client, probe) == []
    # Even asking from message 0 with Ana's message ids in mind.
    answer = await client.get(URL, params={"session_id": intruder, "after": 0})
    assert answer.json() == {"session_id": intruder, "messages": []}

    # Writing with another id never lands in Ana's conversation.
    await client.post(f"{URL}?wait=10", json={"session_id": intruder, "text": "hola"})
    assert {m["id"] for m in await transcript(client, ana)} == ana_ids
    assert {m["id"] for m in await transcript(client, intruder)}.isdisjoint(ana_ids)


async def test_a_retry_id_cannot_reach_into_another_session(client: httpx.AsyncClient) -> None:
    # The retry key (client_message_id) is stored under the session: the same key from another
    # session is a new message of that session, never a replay of Ana's answer.
    ana, intruder = new_session_id(), new_session_id()
    first = await client.post(
        f"{URL}?wait=10", json={"session_id": ana, "text": "hola", "client_message_id": "m1"}
    )
    other = await client.post(
        f"{URL}?wait=10", json={"session_id": intruder, "text": "hi", "client_message_id": "m1"}
    )
    assert other.json()["message_id"] != first.json()["message_id"]
    assert [m["text"] for m in await transcript(client, ana) if m["author"] == "guest"] == ["hola"]


@pytest.mark.parametrize(
    "session_id",
    [
        "1234567",
        "",
        "../guest-1",
        "ana@example.com",
        "a b c d e f g h",
        "x" * 129,
        "abc:defgh",
        "guest-session-0001",  # long enough once, guessable: not the page's format
        "0" * 31,
        "0" * 33,
        # The page writes lowercase hex.
        "ABCDEF0123456789ABCDEF0123456789",  # pragma: allowlist secret
        "g" * 32,
    ],
)
async def test_ids_outside_the_pattern_are_refused(
    client: httpx.AsyncClient, session_id: str
) -> None:
    read = await client.get(URL, params={"session_id": session_id})
    write = await client.post(URL, json={"session_id": session_id, "text": "hola"})
    assert read.status_code == 422 and write.status_code == 422


async def test_the_session_id_is_never_logged(client: httpx.AsyncClient) -> None:
    session_id = new_session_id()
    # The access log skips lines its logger would filter out; DEBUG on, so the polling's
    # debug line is written and checked too.
    access_log = logging.getLogger("hotel_agent.http")
    level = access_log.level
    access_log.setLevel(logging.DEBUG)
    try:
        with capture_logs() as logs:
            await client.post(
                f"{URL}?wait=10",
                json={"session_id": session_id, "text": "quiero reservar del 10 al 12 de mayo"},
            )
            await client.get(URL, params={"session_id": session_id})
            await client.post(URL, json={"session_id": session_id, "text": "x" * 5000})
    finally:
        access_log.setLevel(level)
    assert logs, "the requests were logged"
    assert session_id not in json.dumps(logs, default=str)
    # The transcript polling (every second per open page) stays out of INFO; the rest is there.
    levels = {
        (line["method"], line["status"]): line["log_level"]
        for line in logs
        if line["event"] == "http_request"
    }
    assert levels == {("POST", 200): "info", ("GET", 200): "debug", ("POST", 400): "info"}
