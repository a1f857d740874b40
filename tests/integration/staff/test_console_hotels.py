"""Several hotels on one agent, on both databases: a member who works for one hotel sees and
acts on that hotel's conversations, bookings and dead letters only (another hotel's
conversation is "not found", on its page, its polled transcript and every action); an
unscoped member (and `hotel-agent staff set-hotel --all-hotels`) sees them all; the staff API
is scoped by STAFF_API_HOTEL; an administrator of one hotel reads that hotel's part of the
audit log."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
from sqlalchemy import select

from hotel_agent.channels.port import SendError
from hotel_agent.db.models import Conversation, StaffRole
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.pms.port import BookingRequest, GuestDetails, Stay
from hotel_agent.runtime import Runtime
from hotel_agent.settings import StaffSettings
from hotel_agent.staff import accounts
from hotel_agent.staff import knowledge as staff_knowledge
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.inbox.helpers import whatsapp_text
from tests.integration.staff.helpers import (
    AUTH,
    HANDOFF_REPLY,
    TOKEN,
    ReceptionEngine,
    eventually,
    staff_settings,
)
from tests.integration.staff.test_accounts_cli import staff
from tests.integration.staff.test_api import say
from tests.integration.staff.test_console import PASSWORD, MakeRuntime, csrf_of, listed, log_in
from tests.support import asgi_client


async def second_hotel(runtime: Runtime, timezone: str = "Europe/Madrid") -> int:
    async with runtime.sessions() as session, session.begin():
        hotel = await HotelRepository(session).upsert(
            slug="playa",
            name="Hotel Playa",
            timezone=timezone,
            default_language="es",
            whatsapp_phone_number_id="5550002",
        )
        return hotel.id


async def book(runtime: Runtime, key: str, hotel_id: int) -> str:
    [room_type, *_] = await runtime.pms.room_types()
    check_in = date.today() + timedelta(days=30)
    booking = await runtime.bookings.book(
        BookingRequest(
            stay=Stay(check_in=check_in, check_out=check_in + timedelta(days=2), adults=1),
            room_type_id=room_type.id,
            guest=GuestDetails(name=f"Guest {key}", email=f"{key}@example.com"),
            idempotency_key=key,
        ),
        hotel_id=hotel_id,
    )
    return booking.reference


async def two_hotels(make_runtime: MakeRuntime, database_url: str) -> tuple[Runtime, int, int]:
    """A runtime with two hotels, each with a guest waiting for staff, a booking, and (the
    second hotel's WhatsApp guest, whose reply WhatsApp refuses) a dead letter."""
    runtime = await make_runtime(staff_settings(database_url), dialogue=ReceptionEngine())
    runtime.channels["whatsapp"] = CollectingChannel(
        failures=[SendError("token_expired", retryable=False, code=190, detail="expired")]
    )
    playa = await second_hotel(runtime)
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.ADMIN)
    created = await staff(
        runtime,
        "create-user",
        "--username",
        "pablo",
        "--hotel-id",
        str(playa),
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )
    assert created == (0, f"created staff pablo (hotel {playa} only); sign in at /staff/login\n")
    runtime.start_background()
    await book(runtime, "centro-booking", runtime.hotels.default_hotel_id)
    await book(runtime, "playa-booking", playa)
    await runtime.ingest.accept(
        playa, [whatsapp_text("wamid.PLAYA", "34622222222", "quiero una persona")]
    )
    return runtime, runtime.hotels.default_hotel_id, playa


async def test_a_member_of_one_hotel_sees_and_acts_on_that_hotel_only(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, _, _ = await two_hotels(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]
        await log_in(http, username="marta")
        both = await eventually(lambda: _both(http))
        failed = await eventually(lambda: _dead_letters(http))
    [centro] = [c for c in both if c != failed[0]]
    [playa_conversation] = failed

    async with asgi_client(runtime) as http:
        await log_in(http, username="pablo")
        assert await listed(http) == [playa_conversation]
        assert (
            '<a class="bar__home" href="/staff/">Hotel Playa</a>'
            in (await http.get("/staff/")).text
        )
        assert await listed(http, "all") == [playa_conversation]
        bookings = await http.get("/staff/bookings")
        assert "Guest playa-booking" in bookings.text
        assert "Guest centro-booking" not in bookings.text
        assert await _dead_letters(http) == [playa_conversation]

        other = f"/staff/conversations/{centro}"
        assert (await http.get(other)).status_code == 404
        assert (await http.get(f"{other}?fragment=transcript")).status_code == 404
        token = await csrf_of(http)
        for action, form in (("take", {}), ("reply", {"text": "Hola"}), ("hand-back", {})):
            refused = await http.post(f"{other}/{action}", data={"csrf_token": token, **form})
            assert refused.status_code == 404, action
        own = f"/staff/conversations/{playa_conversation}"
        assert "Ana Ruiz" in (await http.get(own)).text
        taken = await http.post(f"{own}/take", data={"csrf_token": token})
        assert (taken.status_code, taken.headers["location"]) == (303, own)

    # Nothing happened to the first hotel's conversation.
    async with asgi_client(runtime) as http:
        await log_in(http, username="marta")
        page = await http.get(f"/staff/conversations/{centro}?lang=en")
        assert "unassigned" in page.text
        assert "pablo" not in page.text

    # Back to every hotel: pablo sees both.
    assert await staff(runtime, "set-hotel", "--username", "pablo", "--all-hotels") == (
        0,
        "pablo now sees every hotel\n",
    )
    async with asgi_client(runtime) as http:
        await log_in(http, username="pablo")
        assert sorted(await listed(http, "all")) == sorted([centro, playa_conversation])
    assert await staff(runtime, "set-hotel", "--username", "pablo", "--hotel-id", "999") == (
        1,
        "error: there is no hotel 999\n",
    )


async def test_the_staff_api_scoped_to_one_hotel(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    settings = staff_settings(database_url)
    runtime = await make_runtime(
        settings, dialogue=ReceptionEngine(), channels={"whatsapp": CollectingChannel()}
    )
    playa = await second_hotel(runtime)
    runtime.settings = settings.model_copy(
        update={"staff": StaffSettings(**{"_env_file": None}, api_token=TOKEN, api_hotel=playa)}
    )
    runtime.start_background()
    await runtime.ingest.accept(
        playa, [whatsapp_text("wamid.PLAYA", "34622222222", "quiero una persona")]
    )
    async with asgi_client(runtime) as http:
        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]

        async def listed_by_api() -> list[int] | None:
            answer = await http.get(
                "/api/staff/conversations", params={"owner": "all"}, headers=AUTH
            )
            ids = [c["id"] for c in answer.json()["conversations"]]
            return ids or None

        [playa_conversation] = await eventually(listed_by_api)
        async with runtime.sessions() as session:
            centro = await session.scalar(
                select(Conversation.id).where(Conversation.hotel_id != playa)
            )
        assert centro is not None and centro != playa_conversation
        base = f"/api/staff/conversations/{centro}"
        assert (await http.get(f"{base}/messages", headers=AUTH)).status_code == 404
        assert (
            await http.post(f"{base}/messages", json={"text": "Hola"}, headers=AUTH)
        ).status_code == 404
        assert (await http.post(f"{base}/takeover", headers=AUTH)).status_code == 404
        assert (await http.post(f"{base}/handback", headers=AUTH)).status_code == 404
        own = await http.get(
            f"/api/staff/conversations/{playa_conversation}/messages", headers=AUTH
        )
        assert own.status_code == 200
        assert own.json()["conversation"]["hotel_id"] == playa


async def test_an_administrator_of_one_hotel_reads_that_hotels_audit_only(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, centro_hotel, playa = await two_hotels(make_runtime, database_url)
    rosa = await accounts.create_user(
        runtime.sessions, "rosa", PASSWORD, StaffRole.ADMIN, hotel_id=playa
    )
    async with asgi_client(runtime) as http:
        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]
        await log_in(http, username="marta")
        both = await eventually(lambda: _both(http))
        [playa_conversation] = await eventually(lambda: _dead_letters(http))
        [centro] = [c for c in both if c != playa_conversation]
        token = await csrf_of(http)
        for conversation in (centro, playa_conversation):
            taken = await http.post(
                f"/staff/conversations/{conversation}/take", data={"csrf_token": token}
            )
            assert taken.status_code == 303
    elena = await accounts.create_user(runtime.sessions, "elena", PASSWORD, StaffRole.ADMIN)
    for hotel_id, by in ((centro_hotel, elena), (playa, rosa)):
        await staff_knowledge.save(
            runtime.sessions,
            runtime.knowledge,
            hotel_id,
            "wifi",
            {"es": f"Wifi del hotel {hotel_id}."},
            version=0,
            by=by,
        )

    def rows(page: httpx.Response) -> list[tuple[str, str, str]]:
        assert page.status_code == 200
        found = re.findall(
            r'<tr data-audit="([a-z_]+)">\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>(.*?)</td>',
            page.text,
            re.S,
        )
        return [(action, who, re.sub(r"<[^>]+>", " ", what)) for action, who, what in found]

    async with asgi_client(runtime) as http:
        await log_in(http, username="rosa")
        seen = rows(await http.get("/staff/audit?lang=en"))
        assert [(action, who) for action, who, _ in seen] == [
            ("faq_edit", "rosa"),
            ("take_over", "marta"),
        ]
        assert f"#{playa_conversation}" in seen[1][2]
        assert f"Wifi del hotel {playa}." in seen[0][2]
        assert f"Wifi del hotel {centro_hotel}." not in seen[0][2]

    async with asgi_client(runtime) as http:
        await log_in(http, username="marta")  # every hotel: every action, logins too
        seen = rows(await http.get("/staff/audit?lang=en"))
        assert [(action, who) for action, who, _ in seen] == [
            ("login", "marta"),
            ("login", "rosa"),
            ("faq_edit", "rosa"),
            ("faq_edit", "elena"),
            ("take_over", "marta"),
            ("take_over", "marta"),
            ("login", "marta"),
        ]


async def _both(http: httpx.AsyncClient) -> list[int] | None:
    found = await listed(http)
    return found if len(found) == 2 else None


async def _dead_letters(http: httpx.AsyncClient) -> list[int]:
    """The conversations of the dead letters the failed page lists."""
    page = await http.get("/staff/failed")
    assert page.status_code == 200
    return [int(c) for c in re.findall(r"/staff/conversations/(\d+)", page.text)]


async def test_a_member_of_every_hotel_picks_one_in_the_inbox(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    """marta (every hotel) gets a select of the hotels and lists one hotel's conversations,
    which the tabs and the polled list keep; pablo (one hotel) gets no select, and asking for
    the other hotel's changes nothing."""
    runtime, centro_id, playa_id = await two_hotels(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        assert await say(http, "quiero hablar con una persona") == [HANDOFF_REPLY]
        await log_in(http, username="marta")
        both = await eventually(lambda: _both(http))
        [playa_conversation] = await eventually(lambda: _dead_letters(http))
        [centro] = [c for c in both if c != playa_conversation]

        page = await http.get("/staff/", params={"owner": "all", "lang": "en"})
        assert '<option value="">All hotels</option>' in page.text
        assert f'<option value="{playa_id}">Hotel Playa</option>' in page.text
        assert f'<option value="{centro_id}">' in page.text
        for hotel, expected in ((playa_id, playa_conversation), (centro_id, centro)):
            picked = await http.get("/staff/", params={"owner": "all", "hotel": hotel})
            assert _ids(picked) == [expected]
            assert f'<option value="{hotel}" selected>' in picked.text
            assert f"owner=staff&amp;channel=&amp;hotel={hotel}" in picked.text  # the tabs
            polled = await http.get(
                "/staff/", params={"owner": "all", "hotel": hotel, "fragment": "list"}
            )
            assert _ids(polled) == [expected]
        # Not a hotel: every hotel's.
        assert sorted(_ids(await http.get("/staff/?owner=all&hotel=999"))) == sorted(both)

    async with asgi_client(runtime) as http:
        await log_in(http, username="pablo")
        page = await http.get("/staff/", params={"owner": "all", "hotel": centro_id})
        assert _ids(page) == [playa_conversation]
        assert 'id="hotel"' not in page.text


def _ids(page: httpx.Response) -> list[int]:
    assert page.status_code == 200
    return list(map(int, re.findall(r'data-conversation="(\d+)"', page.text)))
