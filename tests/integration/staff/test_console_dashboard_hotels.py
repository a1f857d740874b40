"""The manager's dashboard of one hotel, on both databases: an administrator of every hotel
picks one (its figures only, its days those of its time zone, said on the page), or sees
every hotel together in UTC days; an administrator of one hotel sees that hotel's, with no
choice. New York changes to summer time on 2026-03-08 (07:00 UTC), inside the period."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from hotel_agent.db.models import Conversation, Guest, GuestIdentity, Hotel, StaffRole
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from tests.integration.staff.test_console import PASSWORD, MakeRuntime, console_runtime, log_in
from tests.integration.staff.test_console_dashboard import Seed, seed
from tests.integration.staff.test_console_hotels import second_hotel
from tests.support import asgi_client

PERIOD = "from=2026-03-01&to=2026-03-09"


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


async def two_hotels(make_runtime: MakeRuntime, database_url: str) -> tuple[Runtime, int]:
    """The first hotel seeded as the dashboard's own test seeds it; a second one, in New
    York, with guests writing near its midnights."""
    runtime = await console_runtime(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "admin", PASSWORD, StaffRole.ADMIN)
    await seed(runtime)
    playa = await second_hotel(runtime, "America/New_York")
    async with runtime.sessions() as session, session.begin():
        s = Seed(playa)
        s.keys = 100  # the first hotel's bookings took the first idempotency keys
        c1, c2, c3 = (
            s.conversation(n, ch)
            for n, ch in ((201, "webchat"), (202, "whatsapp"), (203, "webchat"))
        )
        for table in (Guest, GuestIdentity, Conversation):
            session.add_all([row for row in s.rows if isinstance(row, table)])
            await session.flush()
        s.rows = []
        # 23:30 on 1 March in New York (EST, UTC-5), 2 March in UTC; handed over and answered
        # in 10 minutes.
        s.guest_wrote(c1, utc(2, 4, 30))
        s.event(c1, "handoff", utc(2, 4, 40), "requested")
        s.staff_replied(c1, utc(2, 4, 50))
        # 22:00 on 2 March in New York; booked at 23:59 that day and at 00:00 the next.
        s.guest_wrote(c2, utc(3, 3))
        s.event(c2, "availability_checked", utc(3, 3, 1))
        s.booking(c2, utc(3, 4, 59), "100.00", "confirmed")
        s.booking(c2, utc(3, 5), "50.00", "confirmed")
        # Around the change to summer time: 23:30 on the 7th (EST), 00:30 on the 9th (EDT,
        # UTC-4); before the period (23:59 on 28 February) and after it (00:00 on the 10th).
        for when in (utc(8, 4, 30), utc(9, 4, 30), utc(1, 4, 59), utc(10, 4)):
            s.guest_wrote(c3, when)
        session.add_all(s.rows)
    return runtime, playa


PLAYA_CSV = """\
day,channel,conversations,bookings,booking_value,asked_availability,asked_and_booked,availability_to_booking_rate,handoffs,handoff_rate,handoff_reasons,staff_takeovers,staff_responses,response_median_seconds,response_p90_seconds
2026-03-01,webchat,1,0,0.00,0,0,,1,1,requested=1,0,1,600,600
2026-03-02,whatsapp,1,1,100.00,1,1,1,0,0,,0,0,,
2026-03-03,whatsapp,0,1,50.00,0,0,,0,,,0,0,,
2026-03-07,webchat,1,0,0.00,0,0,,0,0,,0,0,,
2026-03-09,webchat,1,0,0.00,0,0,,0,0,,0,0,,
all,webchat,2,0,0.00,0,0,,1,0.5,requested=1,0,1,600,600
all,whatsapp,1,2,150.00,1,1,1,0,0,,0,0,,
all,all,3,2,150.00,1,1,1,1,0.333,requested=1,0,1,600,600
"""
# Both hotels in UTC days: the first hotel's 5 conversations and 3 bookings of 1–3 March,
# the second's 3 conversations (its guest of "28 February" wrote on 1 March in UTC).
EVERY_HOTEL_TOTAL = "all,all,8,5,580.50,3,2,0.667,5,0.625,complaint=2;requested=3,1,4,600,1200"


async def test_one_hotels_figures_in_its_own_days(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, playa = await two_hotels(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        await log_in(http, username="admin")
        exported = await http.get(f"/staff/dashboard.csv?{PERIOD}&hotel={playa}")
        assert exported.status_code == 200
        assert (
            f"dashboard-hotel-{playa}-2026-03-01-2026-03-09.csv"
            in (exported.headers["content-disposition"])
        )
        assert exported.text == PLAYA_CSV

        page = await http.get(f"/staff/dashboard?{PERIOD}&hotel={playa}&lang=en")
        assert page.status_code == 200
        assert "(days in America/New_York time)" in page.text
        assert "Dashboard · Hotel Playa" in page.text
        assert f'<option value="{playa}" selected>Hotel Playa</option>' in page.text
        assert (
            f'href="/staff/dashboard.csv?from=2026-03-01&amp;to=2026-03-09&amp;hotel={playa}"'
            in page.text
        )
        assert 'data-day="2026-03-07"' in page.text

        every = await http.get(f"/staff/dashboard.csv?{PERIOD}")
        assert every.text.splitlines()[-1] == EVERY_HOTEL_TOTAL
        page = await http.get(f"/staff/dashboard?{PERIOD}&lang=es")
        assert "(días en hora de UTC)" in page.text
        assert '<option value="" selected>' not in page.text  # nothing picked: every hotel
        assert "Todos los hoteles" in page.text


async def test_an_administrator_of_one_hotel_sees_that_hotel_only(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime, playa = await two_hotels(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "nuria", PASSWORD, StaffRole.ADMIN, hotel_id=playa)
    async with runtime.sessions() as session:
        centro = await session.scalar(select(Hotel.id).where(Hotel.id != playa))
    async with asgi_client(runtime) as http:
        await log_in(http, username="nuria")
        for asked in ("", f"&hotel={centro}"):
            exported = await http.get(f"/staff/dashboard.csv?{PERIOD}{asked}")
            assert exported.text == PLAYA_CSV
        page = await http.get(f"/staff/dashboard?{PERIOD}&lang=en")
        assert "(days in America/New_York time)" in page.text
        assert 'id="dash-hotel"' not in page.text
