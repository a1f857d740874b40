"""The inbox's unread counts, on both databases: the guest's messages since staff last opened
the conversation, and who answers each conversation."""

from __future__ import annotations

import re

import httpx

from tests.integration.staff.helpers import HANDOFF_REPLY, eventually
from tests.integration.staff.test_api import OTHER_SESSION, SESSION, say
from tests.integration.staff.test_console import (
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
