"""The staff API with the real pipeline (worker and sender in-process), on both databases:
a conversation handed over by the engine, answered by staff, and handed back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import delete, func, select
from structlog.testing import capture_logs

from hotel_agent.channels.webchat.channel import WebChatChannel
from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.db.models import InboxEvent, Message, OutboxItem
from hotel_agent.dialogue.port import TurnInput, TurnOutput
from hotel_agent.runtime import Runtime
from hotel_agent.staff import service
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.inbox.helpers import whatsapp_text
from tests.integration.staff.helpers import (
    AUTH,
    HANDOFF_REPLY,
    TOKEN,
    ReceptionEngine,
    eventually,
    knowledge_with_templates,
    outbox_settled,
    staff_settings,
)
from tests.support import asgi_client

MakeRuntime = Callable[..., Awaitable[Runtime]]
SESSION = new_session_id()
OTHER_SESSION = new_session_id()


async def say(http: httpx.AsyncClient, text: str, session: str = SESSION) -> list[str]:
    """The guest writes in the web chat; the bot's replies to that message (waited for)."""
    answer = await http.post(
        "/api/webchat/messages?wait=15", json={"session_id": session, "text": text}
    )
    assert answer.status_code == 200, answer.text
    return [reply["text"] for reply in answer.json()["replies"]]


async def guest_sees(http: httpx.AsyncClient, session: str = SESSION) -> list[dict[str, Any]]:
    answer = await http.get("/api/webchat/messages", params={"session_id": session})
    assert answer.status_code == 200
    messages: list[dict[str, Any]] = answer.json()["messages"]
    return messages


async def waiting(http: httpx.AsyncClient, owner: str = "staff") -> list[dict[str, Any]]:
    answer = await http.get("/api/staff/conversations", params={"owner": owner}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["owner"] == owner
    conversations: list[dict[str, Any]] = answer.json()["conversations"]
    return conversations


async def test_handoff_staff_reply_and_handback_round_trip(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url), dialogue=engine)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        assert await say(http, "Hola") == ["bot: Hola"]
        assert await waiting(http) == [], "nothing waits for staff before a handoff"

        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]
        [listed] = await waiting(http)
        assert listed["channel"] == "webchat"
        assert listed["owner"] == "staff"
        assert listed["handoff_reason"] == "requested"
        assert listed["handoff_at"] is not None
        assert listed["language"] == "es"
        assert (listed["last_message_text"], listed["last_message_author"]) == (
            HANDOFF_REPLY,
            "bot",
        )
        assert await waiting(http, "bot") == []
        assert [c["id"] for c in await waiting(http, "all")] == [listed["id"]]

        # Staff own it now: the bot stays silent, the message waits in the transcript.
        assert await say(http, "¿hay alguien?") == []
        assert "¿hay alguien?" not in engine.texts
        conversation_id = listed["id"]
        transcript = await http.get(
            f"/api/staff/conversations/{conversation_id}/messages", headers=AUTH
        )
        assert transcript.status_code == 200
        assert transcript.json()["conversation"]["id"] == conversation_id
        assert [
            (m["direction"], m["author"], m["text"]) for m in transcript.json()["messages"]
        ] == [
            ("in", "guest", "Hola"),
            ("out", "bot", "bot: Hola"),
            ("in", "guest", "quiero hablar con una persona"),
            ("out", "bot", HANDOFF_REPLY),
            ("in", "guest", "¿hay alguien?"),
        ]

        answer = await http.post(
            f"/api/staff/conversations/{conversation_id}/messages",
            json={"text": "  Hola, soy Marta de recepción.  "},
            headers=AUTH,
        )
        assert answer.status_code == 202, answer.text
        reply = answer.json()
        assert reply["took_over"] is False
        assert reply["message"]["author"] == "staff"
        assert reply["message"]["text"] == "Hola, soy Marta de recepción."

        async def delivered_to_guest() -> dict[str, Any] | None:
            for message in await guest_sees(http):
                if message["id"] == reply["message"]["id"] and message["status"] == "sent":
                    return message
            return None

        # What the chat page polls: the staff message, by staff, sent.
        shown = await eventually(delivered_to_guest)
        assert (shown["direction"], shown["author"]) == ("out", "staff")
        assert shown["text"] == "Hola, soy Marta de recepción."
        after = await http.get(
            "/api/webchat/messages",
            params={"session_id": SESSION, "after": transcript.json()["messages"][-1]["id"]},
        )
        assert [m["author"] for m in after.json()["messages"]] == ["staff"]

        handed = await http.post(
            f"/api/staff/conversations/{conversation_id}/handback", headers=AUTH
        )
        assert handed.status_code == 200
        assert handed.json()["owner"] == "bot"
        assert handed.json()["handoff_reason"] is None
        assert await waiting(http) == []

        # The bot answers again, from a fresh state, in the language it knew.
        assert await say(http, "gracias") == ["bot: gracias"]
        assert engine.turns[-1] == ("gracias", {}, "es")


async def test_a_staff_reply_to_whatsapp_goes_to_the_guests_number(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    channel = CollectingChannel()
    runtime = await make_runtime(
        staff_settings(database_url),
        dialogue=ReceptionEngine(),
        channels={"whatsapp": channel, "webchat": WebChatChannel()},
    )
    runtime.start_background()
    hotel = runtime.hotels.default_hotel_id
    await runtime.ingest.accept(
        hotel, [whatsapp_text("wamid.P1", "34611111111", "una persona, por favor")]
    )

    async with asgi_client(runtime) as http:
        [listed] = await eventually(lambda: waiting(http))
        assert listed["channel"] == "whatsapp"
        assert listed["guest_name"] == "Ana Ruiz"
        assert listed["phone"] == "346******11", "the phone number is masked"
        answer = await http.post(
            f"/api/staff/conversations/{listed['id']}/messages",
            json={"text": "Buenas, Ana. Le ayudo yo."},
            headers=AUTH,
        )
        assert answer.status_code == 202, answer.text

        async def staff_sent() -> list[str]:
            return [m.text for r, m in channel.sent if r == "34611111111" and "Ana" in m.text]

        assert await eventually(staff_sent) == ["Buenas, Ana. Le ayudo yo."]

        async def last_message() -> dict[str, Any] | None:
            transcript = await http.get(
                f"/api/staff/conversations/{listed['id']}/messages", headers=AUTH
            )
            last: dict[str, Any] = transcript.json()["messages"][-1]
            return last if last["status"] == "sent" else None

        last = await eventually(last_message)
        assert last["author"] == "staff"


async def test_a_whatsapp_reply_after_the_24h_window_without_a_template_is_refused(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    channel = CollectingChannel()
    runtime = await make_runtime(
        staff_settings(database_url, knowledge_file=knowledge_with_templates(tmp_path, [])),
        dialogue=ReceptionEngine(),
        channels={"whatsapp": channel, "webchat": WebChatChannel()},
    )
    runtime.start_background()
    long_ago = datetime.now(UTC) - timedelta(hours=25)
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id,
        [whatsapp_text("wamid.OLD", "34611111111", "una persona", at=long_ago)],
    )
    async with asgi_client(runtime) as http:
        [listed] = await eventually(lambda: waiting(http))
        await eventually(lambda: outbox_settled(runtime))
        async with runtime.sessions() as session:
            before = await session.scalar(select(func.count()).select_from(OutboxItem))

        answer = await http.post(
            f"/api/staff/conversations/{listed['id']}/messages",
            json={"text": "¿Sigue ahí?"},
            headers=AUTH,
        )

    assert answer.status_code == 409
    assert answer.json()["code"] == "conflict"
    assert "24 hours" in answer.json()["detail"]
    assert "Nothing was queued" in answer.json()["detail"]
    assert "no staff_reply template in language 'es'" in answer.json()["detail"]
    async with runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxItem)) == before
        staff_rows = await session.scalar(
            select(func.count()).select_from(Message).where(Message.author == "staff")
        )
    assert staff_rows == 0
    assert [m.text for _, m in channel.sent] == []


async def test_replying_to_a_bot_conversation_takes_it_over(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url), dialogue=engine)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await say(http, "Hola")
        [conversation] = await waiting(http, "bot")

        answer = await http.post(
            f"/api/staff/conversations/{conversation['id']}/messages",
            json={"text": "Soy Luis, de recepción."},
            headers=AUTH,
        )

        assert answer.status_code == 202
        assert answer.json()["took_over"] is True
        assert answer.json()["conversation"]["owner"] == "staff"
        assert answer.json()["conversation"]["handoff_reason"] == "staff_takeover"
        assert await say(http, "vale") == [], "the bot no longer answers over staff"
        assert engine.texts == ["Hola"]


async def test_takeover_and_handback_say_when_there_is_nothing_to_change(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url), dialogue=engine)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await say(http, "Hola")
        [conversation] = await waiting(http, "all")
        base = f"/api/staff/conversations/{conversation['id']}"

        bot_owned = await http.post(f"{base}/handback", headers=AUTH)
        assert bot_owned.status_code == 409
        assert bot_owned.json()["detail"].endswith("is already answered by the bot")

        taken = await http.post(f"{base}/takeover", headers=AUTH)
        assert taken.status_code == 200
        assert (taken.json()["owner"], taken.json()["handoff_reason"]) == (
            "staff",
            "staff_takeover",
        )
        again = await http.post(f"{base}/takeover", headers=AUTH)
        assert again.status_code == 409
        assert again.json()["detail"].endswith("is already answered by staff")
        assert await say(http, "¿me oyes?") == []

        assert (await http.post(f"{base}/handback", headers=AUTH)).status_code == 200
        assert await say(http, "hola otra vez") == ["bot: hola otra vez"]


async def test_the_list_shows_the_latest_activity_first(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(database_url), dialogue=ReceptionEngine())
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await say(http, "primero", SESSION)
        await say(http, "segundo", OTHER_SESSION)
        first, second = (c["id"] for c in reversed(await waiting(http, "all")))
        assert [c["last_message_text"] for c in await waiting(http, "all")] == [
            "bot: segundo",
            "bot: primero",
        ]

        await say(http, "otra vez", SESSION)
        assert [c["id"] for c in await waiting(http, "all")] == [first, second]
        limited = await http.get(
            "/api/staff/conversations", params={"owner": "all", "limit": 1}, headers=AUTH
        )
        assert [c["id"] for c in limited.json()["conversations"]] == [first]


async def test_unknown_conversations_and_invalid_replies(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(sqlite_url), dialogue=ReceptionEngine())
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await say(http, "Hola")
        [conversation] = await waiting(http, "all")
        url = f"/api/staff/conversations/{conversation['id']}/messages"
        for text in ("", "   \n "):
            blank = await http.post(url, json={"text": text}, headers=AUTH)
            assert blank.status_code == 422
            assert blank.json()["detail"][0]["loc"] == ["body", "text"]
        too_long = await http.post(url, json={"text": "x" * 4097}, headers=AUTH)
        assert too_long.status_code == 422
        assert (await http.post(url, json={}, headers=AUTH)).status_code == 422

        for method, path in (
            ("GET", "/api/staff/conversations/999/messages"),
            ("POST", "/api/staff/conversations/999/takeover"),
            ("POST", "/api/staff/conversations/999/handback"),
        ):
            missing = await http.request(method, path, headers=AUTH)
            assert missing.status_code == 404, path
            assert missing.json() == {
                "detail": "conversation 999 does not exist",
                "code": "not_found",
            }
        reply = await http.post(
            "/api/staff/conversations/999/messages", json={"text": "hola"}, headers=AUTH
        )
        assert reply.status_code == 404
        async with runtime.sessions() as session:
            staff_rows = await session.scalar(
                select(func.count()).select_from(Message).where(Message.author == "staff")
            )
        assert staff_rows == 0


ROUTES = [
    ("GET", "/api/staff/conversations", None),
    ("GET", "/api/staff/conversations/1/messages", None),
    ("POST", "/api/staff/conversations/1/messages", {"text": "hola"}),
    ("POST", "/api/staff/conversations/1/takeover", None),
    ("POST", "/api/staff/conversations/1/handback", None),
]


async def test_without_a_token_the_staff_api_is_off(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(sqlite_url, token=""), dialogue=ReceptionEngine())
    async with asgi_client(runtime) as http:
        for method, path, body in ROUTES:
            for headers in ({}, AUTH, {"Authorization": "Bearer "}):
                answer = await http.request(method, path, json=body, headers=headers)
                assert answer.status_code == 404, (method, path, headers)
                assert "www-authenticate" not in answer.headers
        # Not even a malformed request gives away that the routes exist.
        for path in ("/api/staff/conversations/1/messages", "/api/staff/conversations/x/messages"):
            malformed = await http.post(
                path, content=b"{not json", headers={"Content-Type": "application/json", **AUTH}
            )
            assert malformed.status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong-token-0123456789abcd",
        "Bearer staff-token-0123456789abcdeF",  # one character off
        "Bearer staff-token-0123456789abcdef-and-more",
        "Basic c3RhZmY6c3RhZmY=",
        "staff-token-0123456789abcdef",  # the token without the scheme
        "Bearer ñandú",
    ],
)
async def test_a_missing_or_wrong_token_is_refused_with_a_bearer_challenge(
    sqlite_url: str, make_runtime: MakeRuntime, authorization: str | None
) -> None:
    runtime = await make_runtime(staff_settings(sqlite_url), dialogue=ReceptionEngine())
    # Raw bytes: a client may send any octets, and the comparison must not choke on them.
    headers = {"Authorization": authorization.encode()} if authorization else {}
    async with asgi_client(runtime) as http:
        for method, path, body in ROUTES:
            answer = await http.request(method, path, json=body, headers=headers)
            assert answer.status_code == 401, (method, path)
            assert answer.headers["www-authenticate"] == "Bearer"
            assert answer.json()["code"] == "unauthorized"
        # A stranger's body is not even parsed.
        malformed = await http.post(
            "/api/staff/conversations/1/messages",
            content=b"{not json",
            headers={"Content-Type": "application/json", **headers},
        )
        assert malformed.status_code == 401
        # The scheme is case-insensitive (RFC 7235), the token is not.
        upper = await http.get(
            "/api/staff/conversations", headers={"Authorization": f"Bearer {TOKEN.upper()}"}
        )
        assert upper.status_code == 401
        ok = await http.get(
            "/api/staff/conversations", headers={"Authorization": f"bearer {TOKEN}"}
        )
        assert ok.status_code == 200


async def test_a_handoff_is_logged_without_guest_data_and_counted(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(database_url), dialogue=ReceptionEngine())
    runtime.start_background()

    def handoffs(reason: str) -> float:
        value = REGISTRY.get_sample_value("hotel_agent_handoffs_total", {"reason": reason})
        return value or 0.0

    requested, takeovers = handoffs("requested"), handoffs("staff_takeover")
    async with asgi_client(runtime) as http:
        with capture_logs() as logs:
            await say(http, "Soy Ana Ruiz, quiero hablar con una persona: ana@example.com")
            [listed] = await waiting(http)
        await http.post(f"/api/staff/conversations/{listed['id']}/handback", headers=AUTH)
        await http.post(f"/api/staff/conversations/{listed['id']}/takeover", headers=AUTH)

    [event] = [e for e in logs if e["event"] == "handoff.requested"]
    assert {k: event[k] for k in ("conversation_id", "channel", "reason")} == {
        "conversation_id": listed["id"],
        "channel": "webchat",
        "reason": "requested",
    }
    assert "Ana" not in repr(event)
    assert "example.com" not in repr(event)
    assert handoffs("requested") == requested + 1
    assert handoffs("staff_takeover") == takeovers + 1


async def test_a_takeover_during_a_turn_silences_the_bots_answer(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    """Staff take over while the engine is still thinking: its answer is not sent."""
    runtime = await make_runtime(staff_settings(database_url))
    answered: list[str] = []

    class SlowEngine:
        async def handle(self, turn: TurnInput) -> TurnOutput:
            await service.take_over(runtime.sessions, turn.conversation_id)
            answered.append(turn.message.text)
            return await ReceptionEngine().handle(turn)

    runtime.dialogue = SlowEngine()
    runtime.start_background()
    async with asgi_client(runtime) as http:
        assert await say(http, "Hola") == []
        [listed] = await waiting(http)

    assert answered == ["Hola"], "the engine did run"
    assert listed["handoff_reason"] == "staff_takeover"
    assert listed["last_message_author"] == "guest"


async def test_the_staff_api_is_in_the_openapi_document(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(sqlite_url), dialogue=ReceptionEngine())
    async with asgi_client(runtime) as http:
        document = (await http.get("/openapi.json")).json()

    paths = document["paths"]
    assert set(paths["/api/staff/conversations"]) == {"get"}
    assert set(paths["/api/staff/conversations/{conversation_id}/messages"]) == {"get", "post"}
    post = paths["/api/staff/conversations/{conversation_id}/messages"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/StaffReplyIn"
    )
    assert {"202", "401", "404", "409", "422"} <= set(post["responses"])
    assert paths["/api/staff/conversations/{conversation_id}/takeover"]["post"]["security"] == [
        {"HTTPBearer": []}
    ]
    schemas = document["components"]["schemas"]
    assert {
        "ConversationList",
        "ConversationSummary",
        "ConversationTranscript",
        "StaffReplyOut",
    } <= set(schemas)
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


async def test_a_reply_reaches_the_guest_after_the_inbox_was_pruned(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    """Handled inbox events may be deleted: the reply then goes to the conversation's identity."""
    channel = CollectingChannel()
    runtime = await make_runtime(
        staff_settings(database_url),
        dialogue=ReceptionEngine(),
        channels={"whatsapp": channel, "webchat": WebChatChannel()},
    )
    runtime.start_background()
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id, [whatsapp_text("wamid.Q1", "34622222222", "persona")]
    )
    async with asgi_client(runtime) as http:
        [listed] = await eventually(lambda: waiting(http))
        await eventually(lambda: outbox_settled(runtime))
        async with runtime.sessions() as session, session.begin():
            await session.execute(delete(InboxEvent))

        answer = await http.post(
            f"/api/staff/conversations/{listed['id']}/messages",
            json={"text": "Le escribo desde recepción."},
            headers=AUTH,
        )
        assert answer.status_code == 202

        async def sent() -> list[tuple[str, str]]:
            return [(r, m.text) for r, m in channel.sent if m.text.startswith("Le escribo")]

        assert await eventually(sent) == [("34622222222", "Le escribo desde recepción.")]


async def test_a_reply_on_a_channel_this_deployment_cannot_send_on_is_refused(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(
        staff_settings(sqlite_url),
        dialogue=ReceptionEngine(),
        channels={"webchat": WebChatChannel()},  # WhatsApp sending is not configured
    )
    runtime.start_background()
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id, [whatsapp_text("wamid.C1", "34611111111", "persona")]
    )
    async with asgi_client(runtime) as http:
        [listed] = await eventually(lambda: waiting(http))
        answer = await http.post(
            f"/api/staff/conversations/{listed['id']}/messages",
            json={"text": "Hola"},
            headers=AUTH,
        )

    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        "the whatsapp channel is not configured here, so the reply could not be delivered"
    )
