"""The inbox's unread counts, on both databases: the guest's messages since the signed-in
member last opened the conversation (each member their own), who answers each conversation,
and the inbox's pages (keyset: newest 200, then an "older" link)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import httpx

from hotel_agent.db.models import StaffRole
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.staff import accounts
from hotel_agent.web.console.routes import INBOX_PAGE
from tests.integration.staff.helpers import AUTH, HANDOFF_REPLY, eventually
from tests.integration.staff.test_api import OTHER_SESSION, SESSION, say
from tests.integration.staff.test_console import (
    PASSWORD,
    MakeRuntime,
    console_runtime,
    csrf_of,
    listed,
    log_in,
)
from tests.support import asgi_client


async def unread(http: httpx.AsyncClient) -> dict[int, int]:
    """Each listed conversation's unread count (0 when the inbox shows none)."""
    page = await http.get("/staff/", params={"owner": "all", "fragment": "list"})
    assert page.status_code == 200
    counts = {}
    for item in re.findall(r'<li class="conversation.*?</li>', page.text, re.S):
        [conversation_id] = re.findall(r'data-conversation="(\d+)"', item)
        shown = re.findall(r'data-unread="(\d+)"', item)
        counts[int(conversation_id)] = int(shown[0]) if shown else 0
    return counts


async def test_unread_counts_follow_what_staff_have_opened(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    runtime.start_background()
    async with asgi_client(runtime) as http:
        await log_in(http)
        assert await say(http, "Hola") == ["bot: Hola"]
        [conversation_id] = await listed(http, "all")
        assert await unread(http) == {conversation_id: 1}
        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]
        assert await unread(http) == {conversation_id: 2}
        inbox = await http.get("/staff/?lang=en")
        assert "2 unread" in inbox.text
        assert "Staff · unassigned" in inbox.text

        path = f"/staff/conversations/{conversation_id}"
        assert (await http.get(path)).status_code == 200
        assert await unread(http) == {conversation_id: 0}
        taken = await http.post(f"{path}/take", data={"csrf_token": await csrf_of(http, path)})
        assert taken.status_code == 303
        # Staff's own replies are not unread; the guest's next message is.
        await http.post(
            f"{path}/reply", data={"csrf_token": await csrf_of(http, path), "text": "Hola"}
        )
        assert await unread(http) == {conversation_id: 0}
        # The guest writes into the staff-owned conversation; another guest opens one.
        for session, text in ((SESSION, "¿sigue ahí?"), (OTHER_SESSION, "Buenas")):
            sent = await http.post(
                "/api/webchat/messages", json={"session_id": session, "text": text}
            )
            assert sent.status_code in (200, 202), sent.text

        async def both_listed() -> dict[int, int] | None:
            counts = await unread(http)
            return counts if len(counts) == 2 and all(counts.values()) else None

        counts = await eventually(both_listed)
        [other] = [c for c in counts if c != conversation_id]
        assert counts == {conversation_id: 1, other: 1}
        inbox = await http.get("/staff/?owner=all&lang=en")
        assert "Staff · marta" in inbox.text


async def test_each_member_has_their_own_unread_counts(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "pablo", PASSWORD, StaffRole.STAFF)
    runtime.start_background()
    async with asgi_client(runtime) as marta, asgi_client(runtime) as pablo:
        await log_in(marta)
        await log_in(pablo, username="pablo")
        assert await say(marta, "Hola") == ["bot: Hola"]
        [conversation_id] = await listed(marta, "all")
        assert await unread(marta) == await unread(pablo) == {conversation_id: 1}

        assert (await marta.get(f"/staff/conversations/{conversation_id}")).status_code == 200
        assert await unread(marta) == {conversation_id: 0}
        assert await unread(pablo) == {conversation_id: 1}, "marta's opening is not pablo's"

        assert await say(marta, "¿Tienen parking?") == ["bot: ¿Tienen parking?"]
        assert await unread(marta) == {conversation_id: 1}
        assert await unread(pablo) == {conversation_id: 2}
        assert (await pablo.get(f"/staff/conversations/{conversation_id}")).status_code == 200
        assert await unread(pablo) == {conversation_id: 0}
        assert await unread(marta) == {conversation_id: 1}


async def test_the_inbox_pages_by_200_with_a_link_to_older_conversations(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await console_runtime(make_runtime, database_url)
    total = INBOX_PAGE + 5
    async with runtime.sessions() as session, session.begin():
        conversations = ConversationRepository(session)
        messages = MessageRepository(session)
        for n in range(total):
            conversation = await conversations.get_or_create(
                hotel_id=runtime.hotels.default_hotel_id,
                channel="webchat",
                external_id=f"guest-{n}",
                alt_external_id=None,
                display_name=f"Guest {n}",
                phone=None,
                language="es",
            )
            await messages.add_outbound(
                conversation_id=conversation.id,
                channel="webchat",
                type_="text",
                body=f"hello {n}",
                payload={},
                author="bot",
                reply_to_message_id=None,
                created_at=datetime.now(UTC),
            )
        # One conversation with no message yet: listed last.
        await conversations.get_or_create(
            hotel_id=runtime.hotels.default_hotel_id,
            channel="webchat",
            external_id="guest-silent",
            alt_external_id=None,
            display_name="Silent",
            phone=None,
            language="es",
        )
    async with asgi_client(runtime) as http:
        await log_in(http)
        first = await http.get("/staff/", params={"owner": "all", "lang": "en"})
        newest = re.findall(r'data-conversation="(\d+)"', first.text)
        assert len(newest) == INBOX_PAGE
        assert re.search(r"hello 204\b", first.text) and re.search(r"hello 5\b", first.text)
        assert not re.search(r"hello 4\b", first.text)
        assert "data-newest" not in first.text
        [older] = re.findall(r'href="([^"]+)" rel="next" data-older', first.text)
        second = await http.get(html.unescape(older))
        rest = re.findall(r'data-conversation="(\d+)"', second.text)
        assert len(rest) == 6 and not set(rest) & set(newest)
        assert "data-older" not in second.text
        assert "data-newest" in second.text
        # Newest activity first (here: the newest conversation first), the silent one last.
        *spoken, silent = [int(c) for c in newest + rest]
        assert spoken == sorted(spoken, reverse=True)
        assert silent > spoken[0]
        # The polled fragment of an older page stays on that page.
        fragment = re.findall(r'data-poll="([^"]+)"', second.text)[0]
        polled = await http.get(html.unescape(fragment))
        assert re.findall(r'data-conversation="(\d+)"', polled.text) == rest
        assert (await http.get("/staff/", params={"before": "nonsense"})).status_code == 303

        # The staff API pages the same way.
        pages = []
        params = {"owner": "all", "limit": "200"}
        while True:
            answer = await http.get("/api/staff/conversations", params=params, headers=AUTH)
            assert answer.status_code == 200
            pages.append([str(c["id"]) for c in answer.json()["conversations"]])
            if answer.json()["older"] is None:
                break
            params["before"] = answer.json()["older"]
        assert pages == [newest, rest]
