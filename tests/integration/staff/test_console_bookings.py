"""The console's page of the bookings the agent made, on both databases: each with its live
status read from the PMS (a booking cancelled in the PMS behind the agent's back shows
cancelled), filtered by the dates of the stay, and still shown when the PMS is down."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx

from hotel_agent.db.models import BookingRecordStatus, StaffRole
from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.pms.port import BookingRequest, GuestDetails, Stay
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from tests.integration.staff.helpers import ReceptionEngine, pms_down_settings, staff_settings
from tests.integration.staff.test_console import PASSWORD, MakeRuntime, log_in
from tests.support import asgi_client


def cards(page: httpx.Response) -> dict[str, str]:
    """Each listed booking's card by its reference ('' when the PMS gave none)."""
    return dict(
        re.findall(r'<li class="card booking" data-booking="([^"]*)">(.*?)</li>', page.text, re.S)
    )


async def book(runtime: Runtime, key: str, check_in: date, name: str) -> str:
    """A booking made through the agent's ledger, as the booking flow makes it: its reference."""
    [room_type, *_] = await runtime.pms.room_types()
    booking = await runtime.bookings.book(
        BookingRequest(
            stay=Stay(check_in=check_in, check_out=check_in + timedelta(days=2), adults=1),
            room_type_id=room_type.id,
            guest=GuestDetails(name=name, email=f"{key}@example.com"),
            idempotency_key=key,
        ),
        hotel_id=runtime.hotels.default_hotel_id,
    )
    return booking.reference


async def test_the_agents_bookings_with_their_live_status_in_the_pms(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await make_runtime(staff_settings(database_url), dialogue=ReceptionEngine())
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.STAFF)
    soon = date.today() + timedelta(days=40)
    later = soon + timedelta(days=30)
    kept = await book(runtime, "kept", soon, "Carmen <b>Vidal</b>")
    gone = await book(runtime, "gone", later, "Luis Gil")
    # The guest cancels by phone: the front desk cancels in the PMS, not through the agent.
    [record] = [r for r in await runtime.bookings.recent() if r.reference == gone]
    assert record.pms_id is not None
    await runtime.pms.cancel_booking(record.pms_id)
    # An attempt the PMS refused: nothing in the PMS to ask about.
    async with runtime.sessions() as session, session.begin():
        records = BookingRecordRepository(session)
        await records.claim(
            "refused",
            hotel_id=runtime.hotels.default_hotel_id,
            pms_type="simulator",
            room_type_id="1",
            check_in=soon,
            check_out=soon + timedelta(days=1),
            adults=1,
            guest_name="Eva Sanz",
            guest_email="eva@example.com",
        )
        await records.mark("refused", BookingRecordStatus.FAILED, "room gone")

    async with asgi_client(runtime) as http:
        assert (await http.get("/staff/bookings")).headers["location"] == "/staff/login"
        await log_in(http)
        page = await http.get("/staff/bookings?lang=en")
        assert page.status_code == 200
        listed = cards(page)
        assert list(listed) == [kept, "", gone], "by check-in"
        assert "Carmen &lt;b&gt;Vidal&lt;/b&gt;" in listed[kept]
        assert 'data-live="confirmed"' in listed[kept]
        assert 'Agent&#39;s record: <span class="badge">confirmed' in listed[gone]
        assert 'data-live="cancelled"' in listed[gone]
        assert 'data-live="not_booked"' in listed[""]
        assert "refused by the PMS" in listed[""]
        assert "PMS unreachable" not in page.text

        week = f"from={later.isoformat()}&to={(later + timedelta(days=7)).isoformat()}"
        assert list(cards(await http.get(f"/staff/bookings?{week}"))) == [gone]
        until = f"to={(soon + timedelta(days=1)).isoformat()}"
        assert list(cards(await http.get(f"/staff/bookings?{until}"))) == [kept, ""]
        nonsense = await http.get("/staff/bookings?from=31/02/2027&lang=en")
        assert "Not a date (YYYY-MM-DD): ignored." in nonsense.text
        assert len(cards(nonsense)) == 3

    # The same database, served by a process whose PMS does not answer.
    down = await make_runtime(pms_down_settings(database_url), dialogue=ReceptionEngine())
    async with asgi_client(down) as http:
        await log_in(http)
        page = await http.get("/staff/bookings?lang=en")
        assert page.status_code == 200
        assert 'id="pms-unreachable"' in page.text
        listed = cards(page)
        assert list(listed) == [kept, "", gone]
        assert 'data-live="unreachable"' in listed[kept]
        assert 'data-live="unreachable"' in listed[gone]
