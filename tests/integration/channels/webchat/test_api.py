"""The web chat API with the real pipeline (worker and sender in-process)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.runtime import Runtime
from tests.support import asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
SESSION = new_session_id()


@pytest.fixture
async def client(database_url: str, make_runtime: MakeRuntime) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        database_url, webchat={"rate_limit_per_session": "5/minute", "max_text_chars": 1000}
    )
    runtime = await make_runtime(settings)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        yield http


async def test_round_trip_with_wait_and_transcript(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/webchat/messages?wait=10", json={"session_id": SESSION, "text": "Hola"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["pending"] is False
    texts = [reply["text"] for reply in body["replies"]]
    # The hotel's name as its PMS (here the simulator's demo hotel) knows it.
    assert texts[0].startswith("¡Hola! Soy el asistente virtual de Hotel Mirador del Puerto")
    assert [b["id"] for b in body["replies"][-1]["buttons"]] == ["book", "my_booking", "handoff"]

    transcript = await client.get("/api/webchat/messages", params={"session_id": SESSION})
    messages = transcript.json()["messages"]
    assert [(m["direction"], m["author"]) for m in messages] == [
        ("in", "guest"),
        ("out", "bot"),
        ("out", "bot"),
    ]
    later = await client.get(
        "/api/webchat/messages", params={"session_id": SESSION, "after": messages[0]["id"]}
    )
    assert [m["id"] for m in later.json()["messages"]] == [m["id"] for m in messages[1:]]


async def test_without_wait_the_message_is_accepted_and_answered_later(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/api/webchat/messages", json={"session_id": SESSION, "text": "hi"})
    assert answer.status_code == 202
    assert answer.json()["pending"] is True
    for _ in range(100):
        transcript = await client.get("/api/webchat/messages", params={"session_id": SESSION})
        if len(transcript.json()["messages"]) >= 2:
            break
        await asyncio.sleep(0.05)
    assert transcript.json()["messages"][1]["direction"] == "out"


async def test_the_same_client_message_id_is_stored_once(client: httpx.AsyncClient) -> None:
    message = {"session_id": SESSION, "text": "hola", "client_message_id": "m1"}
    first = await client.post("/api/webchat/messages?wait=10", json=message)
    again = await client.post("/api/webchat/messages?wait=10", json=message)
    assert first.json()["message_id"] == again.json()["message_id"]

    def replies(answer: httpx.Response) -> list[tuple[int, str]]:
        return [(r["id"], r["text"]) for r in answer.json()["replies"]]

    assert replies(first) == replies(again)
    transcript = await client.get("/api/webchat/messages", params={"session_id": SESSION})
    assert [m["direction"] for m in transcript.json()["messages"]].count("in") == 1


async def test_a_choice_can_be_typed_or_picked(client: httpx.AsyncClient) -> None:
    picked = await client.post(
        "/api/webchat/messages?wait=10",
        json={"session_id": SESSION, "text": "Talk to reception", "choice_id": "handoff"},
    )
    assert picked.status_code == 200
    [told] = picked.json()["replies"]  # the guest is told, then the bot stays silent
    assert "colleague at reception" in told["text"]
    later = await client.post(
        "/api/webchat/messages?wait=1", json={"session_id": SESSION, "text": "hello?"}
    )
    assert later.json()["replies"] == []


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"session_id": SESSION, "text": "   "}, 422),  # blank: refused by the schema
        ({"session_id": SESSION, "text": "x" * 1001}, 400),
        ({"session_id": "short", "text": "hola"}, 422),
        ({"session_id": "session-0123456789", "text": "hola"}, 422),  # not the page's format
        ({"session_id": "bad session id!", "text": "hola"}, 422),
        ({"text": "hola"}, 422),
    ],
)
async def test_bad_messages_get_clear_errors(
    client: httpx.AsyncClient, payload: dict[str, str], status: int
) -> None:
    answer = await client.post("/api/webchat/messages", json=payload)
    assert answer.status_code == status
    assert answer.json()["detail"]


async def test_invalid_json_is_a_400(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/webchat/messages",
        content=b'{"session_id": ',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 400
    assert "JSON" in answer.json()["detail"]


async def test_a_session_is_rate_limited_with_retry_after(client: httpx.AsyncClient) -> None:
    statuses = []
    for n in range(7):
        answer = await client.post(
            "/api/webchat/messages", json={"session_id": SESSION, "text": f"hola {n}"}
        )
        statuses.append(answer.status_code)
    assert statuses[:5] == [202] * 5
    assert statuses[5:] == [429, 429]
    assert int(answer.headers["Retry-After"]) > 0
    other = await client.post(
        "/api/webchat/messages", json={"session_id": new_session_id(), "text": "hola"}
    )
    assert other.status_code == 202, "another guest is not limited by this one"


async def test_a_body_over_the_limit_is_a_413(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/webchat/messages",
        content=b'{"session_id": "' + b"a" * (4 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413


async def test_the_page_is_served_with_the_hotel_name(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert 'data-hotel-name="Hotel Prueba"' in page.text
    script = await client.get("/static/webchat/chat.js")
    assert script.status_code == 200


async def test_health_and_docs(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"]["status"] == "ok"
    schema = (await client.get("/openapi.json")).json()
    assert "/webhooks/whatsapp" in schema["paths"]
    assert "/api/webchat/messages" in schema["paths"]
