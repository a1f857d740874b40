"""The console's page of proactive messages that did not reach their guest, on both
databases, through the real WhatsApp client and the fake Graph API: a pre-arrival message
with no approved template (failed, never sent) and one Meta refused (dead-lettered) are listed
with the reason; a retry, once the cause is gone, delivers each, and is audited."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx

from hotel_agent.db.models import StaffRole
from hotel_agent.staff import accounts
from tests.fakes.graph_api import FakeGraphApi
from tests.integration.conversations.test_proactive import (
    GUEST,
    MakeRuntime,
    Stay,
    a_guest_who_booked,
)
from tests.integration.staff.helpers import knowledge_with_templates
from tests.integration.staff.test_console import PASSWORD, audit, csrf_of, log_in
from tests.support import ACCESS_TOKEN, asgi_client


def cards(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-scheduled="(\d+)">(.*?)</li>', page, re.S))


async def the_one_card(stay: Stay, http: httpx.AsyncClient) -> tuple[str, str]:
    """A receptionist logs in and opens the page: the id and text of its one card, the
    pre-arrival message."""
    await accounts.create_user(stay.runtime.sessions, "marta", PASSWORD, StaffRole.STAFF)
    await log_in(http)
    page = await http.get("/staff/proactive?lang=en")
    [(row_id, card)] = cards(page.text).items()
    assert "message before arrival" in card
    return row_id, card


async def test_a_reminder_without_a_template_is_listed_and_retried_once_the_guest_writes(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        knowledge = knowledge_with_templates(tmp_path, [])
        stay = await a_guest_who_booked(database_url, make_runtime, fake, knowledge)
        await stay.window_closes()
        assert await stay.scheduler().run_once() == 0

        async with asgi_client(stay.runtime) as http:
            row_id, card = await the_one_card(stay, http)
            assert "Booking MDP-4821 of Carmen Vidal" in card
            assert "no pre_arrival template in language &#39;es&#39;" in card

            path = f"/staff/proactive/{row_id}/retry"
            assert (await http.post(path)).status_code == 403, "no CSRF token"
            # The guest writes again: a free-form message may go now.
            assert await stay.guest_says("wamid.3", "hola de nuevo") == "bot: hola de nuevo"
            token = await csrf_of(http, "/staff/proactive")
            retried = await http.post(path, data={"csrf_token": token})
            assert retried.headers["location"] == "/staff/proactive?note=retried"
            assert (await stay.rows())["pre_arrival"] == "pending"
            assert await stay.scheduler().run_once() == 1
            await stay.settled()
            assert fake.sent[-1].body["text"]["body"].startswith("Hola Carmen, te esperamos")

            page = await http.get("/staff/proactive?lang=en")
            assert cards(page.text) == {}
            assert "Every reminder and thank-you message reached its guest." in page.text
            again = await http.post(path, data={"csrf_token": token})
            assert again.headers["location"] == "/staff/proactive?note=not_retried"
    assert ("marta", "retry_proactive", stay.conversation_id) in await audit(stay.runtime)


async def test_a_reminder_the_provider_refused_is_listed_and_sent_again(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        stay: Stay = await a_guest_who_booked(database_url, make_runtime, fake, knowledge=None)
        # Meta's clock says the window closed while ours says it is open: the free-form
        # message is refused for good (re-engagement required).
        fake.guest_wrote(GUEST, at=time.time() - 25 * 3600)
        assert await stay.scheduler().run_once() == 1
        await stay.settled()
        assert await stay.rows() == {
            "offer": "accepted",
            "pre_arrival": "sent",
            "post_stay": "pending",
        }

        async with asgi_client(stay.runtime) as http:
            row_id, card = await the_one_card(stay, http)
            assert "131047" in card

            fake.guest_wrote(GUEST)
            token = await csrf_of(http, "/staff/proactive")
            sent_before = len(fake.sent)
            retried = await http.post(
                f"/staff/proactive/{row_id}/retry", data={"csrf_token": token}
            )
            assert retried.headers["location"] == "/staff/proactive?note=retried"
            await fake.wait_for_messages_async(sent_before + 1, timeout=15)
            await stay.settled()
            assert fake.sent[-1].body["text"]["body"].startswith("Hola Carmen, te esperamos")
            assert cards((await http.get("/staff/proactive")).text) == {}
    assert ("marta", "resend", stay.conversation_id) in await audit(stay.runtime)
