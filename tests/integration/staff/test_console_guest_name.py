"""The guest's name in the console, on both databases: a web chat guest (whose channel gives
no name) who says theirs is shown by it in the inbox, on the conversation page, in its
transcript and in the audit log, not as "Guest"."""

from __future__ import annotations

from hotel_agent.db.models import StaffRole
from hotel_agent.staff import accounts
from tests.integration.staff.helpers import staff_settings
from tests.integration.staff.test_api import say
from tests.integration.staff.test_console import PASSWORD, MakeRuntime, csrf_of, listed, log_in
from tests.support import asgi_client


async def test_a_web_chat_guest_who_gave_their_name_is_shown_by_it(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(database_url))
    runtime.start_background()
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.ADMIN)
    async with asgi_client(runtime) as http:
        await say(http, "Hola, me llamo Ana García")
        await say(http, "Quiero hablar con una persona, por favor")
        await log_in(http)
        [conversation_id] = await listed(http)
        inbox = await http.get("/staff/?lang=en")
        assert '<span class="conversation__who">Ana García' in inbox.text
        page = await http.get(f"/staff/conversations/{conversation_id}?lang=en")
        assert "<h1>Ana García" in page.text
        assert '<span class="msg__meta">Ana García · ' in page.text
        assert '<span class="msg__meta">Guest · ' not in page.text
        token = await csrf_of(http, f"/staff/conversations/{conversation_id}")
        taken = await http.post(
            f"/staff/conversations/{conversation_id}/take", data={"csrf_token": token}
        )
        assert taken.status_code == 303
        audit = await http.get("/staff/audit?lang=en")
        assert f"Ana García · Conversation #{conversation_id}</a>" in audit.text
