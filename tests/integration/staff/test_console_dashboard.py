"""The manager's dashboard on both databases: known conversations, bookings, availability
checks, handoffs and staff replies give exact figures per day and channel, per channel and in
total, on the page and in the CSV; the period is validated; staff members get 403."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
from sqlalchemy import select

from hotel_agent.db.models import (
    BookingRecord,
    Conversation,
    ConversationEvent,
    Guest,
    GuestIdentity,
    Hotel,
    Message,
    StaffRole,
)
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from tests.integration.staff.helpers import staff_settings
from tests.integration.staff.test_api import say
from tests.integration.staff.test_console import (
    PASSWORD,
    MakeRuntime,
    console_runtime,
    csrf_of,
    listed,
    log_in,
)
from tests.support import asgi_client

PERIOD = "from=2026-03-01&to=2026-03-02"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


class Seed:
    """Rows written straight to the database, as the agent and staff would have left them."""

    def __init__(self, hotel_id: int) -> None:
        self.hotel_id = hotel_id
        self.rows: list[object] = []
        self.keys = 0

    def conversation(self, number: int, channel: str) -> Conversation:
        guest = Guest(id=number, hotel_id=self.hotel_id, display_name=f"Guest {number}")
        identity = GuestIdentity(
            id=number,
            hotel_id=self.hotel_id,
            guest_id=number,
            channel=channel,
            external_id=f"g{number}",
        )
        conversation = Conversation(
            id=number, hotel_id=self.hotel_id, guest_id=number, identity_id=number, channel=channel
        )
        self.rows += [guest, identity, conversation]
        return conversation

    def guest_wrote(self, c: Conversation, when: datetime) -> None:
        self.rows.append(self._message(c, "in", "guest", when))

    def staff_replied(self, c: Conversation, when: datetime) -> None:
        self.rows.append(self._message(c, "out", "staff", when))

    def event(self, c: Conversation, kind: str, when: datetime, reason: str | None = None) -> None:
        self.rows.append(
            ConversationEvent(
                conversation_id=c.id, channel=c.channel, kind=kind, reason=reason, created_at=when
            )
        )

    def booking(self, c: Conversation, when: datetime, total: str, status: str) -> None:
        self.keys += 1
        self.rows.append(
            BookingRecord(
                hotel_id=self.hotel_id,
                conversation_id=c.id,
                idempotency_key=f"key-{self.keys}",
                pms_type="simulator",
                status=status,
                room_type_id="double",
                check_in=at(20, 0).date(),
                check_out=at(22, 0).date(),
                adults=2,
                guest_name="Ana",
                guest_email="ana@example.com",
                total_price=Decimal(total),
                currency="EUR",
                created_at=when,
            )
        )

    def _message(self, c: Conversation, direction: str, author: str, when: datetime) -> Message:
        return Message(
            conversation_id=c.id,
            direction=direction,
            channel=c.channel,
            type="text",
            body="…",
            status="received" if direction == "in" else "sent",
            author=author,
            created_at=when,
        )


async def seed(runtime: Runtime) -> None:
    async with runtime.sessions() as session, session.begin():
        s = Seed(await session.scalar(select(Hotel.id)) or 0)
        c1, c2 = s.conversation(101, "webchat"), s.conversation(102, "webchat")
        c3, c4, c5 = (s.conversation(n, "whatsapp") for n in (103, 104, 105))
        for table in (Guest, GuestIdentity, Conversation):  # no ORM relationships to order them
            session.add_all([row for row in s.rows if isinstance(row, table)])
            await session.flush()
        s.rows = []
        # c1: asked availability and booked; wrote again the next day.
        s.guest_wrote(c1, at(1, 10))
        s.event(c1, "availability_checked", at(1, 10, 1))
        s.booking(c1, at(1, 10, 5), "200.00", "confirmed")
        s.guest_wrote(c1, at(2, 9))
        # c2: asked availability, did not book, asked for a person: answered in 10 minutes.
        s.guest_wrote(c2, at(1, 11))
        s.event(c2, "availability_checked", at(1, 11, 1))
        s.event(c2, "handoff", at(1, 11, 2), "requested")
        s.staff_replied(c2, at(1, 11, 12))
        # c3: a complaint, answered in a minute.
        s.guest_wrote(c3, at(1, 12))
        s.event(c3, "handoff", at(1, 12), "complaint")
        s.staff_replied(c3, at(1, 12, 1))
        # c4: a complaint handed back unanswered; staff later took it over and wrote.
        s.guest_wrote(c4, at(2, 8))
        s.event(c4, "handoff", at(2, 8), "complaint")
        s.event(c4, "hand_back", at(2, 8, 30))
        s.event(c4, "handoff", at(2, 9), "staff_takeover")
        s.staff_replied(c4, at(2, 9))
        # c5: asked for a person, answered in 20 minutes, then booked (without a check).
        s.guest_wrote(c5, at(2, 10))
        s.event(c5, "handoff", at(2, 10), "requested")
        s.staff_replied(c5, at(2, 10, 20))
        s.booking(c5, at(2, 10, 30), "150.50", "confirmed")
        # Outside the period, or not a booking made: never counted.
        s.booking(c5, at(2, 11), "99.00", "cancelled")
        s.booking(c5, at(3, 0, 0), "80.00", "confirmed")
        s.guest_wrote(c5, datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
        s.event(c3, "handoff", datetime(2026, 2, 28, 12, tzinfo=UTC), "complaint")
        session.add_all(s.rows)


EXPECTED_CSV = """\
day,channel,conversations,bookings,booking_value,asked_availability,asked_and_booked,availability_to_booking_rate,handoffs,handoff_rate,handoff_reasons,staff_takeovers,staff_responses,response_median_seconds,response_p90_seconds
2026-03-01,webchat,2,1,200.00,2,1,0.5,1,0.5,requested=1,0,1,600,600
2026-03-01,whatsapp,1,0,0.00,0,0,,1,1,complaint=1,0,1,60,60
2026-03-02,webchat,1,0,0.00,0,0,,0,0,,0,0,,
2026-03-02,whatsapp,2,1,150.50,0,0,,2,1,complaint=1;requested=1,1,1,1200,1200
all,webchat,2,1,200.00,2,1,0.5,1,0.5,requested=1,0,1,600,600
all,whatsapp,3,1,150.50,0,0,,3,1,complaint=2;requested=1,1,2,60,1200
all,all,5,2,350.50,2,1,0.5,4,0.8,complaint=2;requested=2,1,3,600,1200
"""


async def admin_runtime(make_runtime: MakeRuntime, database_url: str) -> Runtime:
    runtime = await console_runtime(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "admin", PASSWORD, StaffRole.ADMIN)
    await seed(runtime)
    return runtime


async def test_the_figures_of_a_period_are_exact_on_the_page_and_in_the_csv(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await admin_runtime(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        await log_in(http, username="admin")
        exported = await http.get(f"/staff/dashboard.csv?{PERIOD}")
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        assert "dashboard-2026-03-01-2026-03-02.csv" in exported.headers["content-disposition"]
        assert exported.text == EXPECTED_CSV

        page = await http.get(f"/staff/dashboard?{PERIOD}&lang=en")
        assert page.status_code == 200
        total = _row(page, 'data-channel="all"')
        assert '<td data-figure="conversations">5</td>' in total
        assert '<td data-figure="bookings">2</td>' in total
        assert '<td data-figure="booking_value">350.50</td>' in total
        assert '<td data-figure="availability">50.0 % (1/2)</td>' in total
        assert '<td data-figure="handoffs">80.0 % (4)</td>' in total
        assert '<td data-figure="response_median">10.0 min</td>' in total
        assert '<td data-figure="response_p90">20.0 min</td>' in total
        assert "asked for a person</td><td>2</td>" in page.text
        assert "complaint</td><td>2</td>" in page.text
        assert 'href="/staff/dashboard.csv?from=2026-03-01&amp;to=2026-03-02"' in page.text

        spanish = await http.get(f"/staff/dashboard?{PERIOD}&lang=es")
        assert "Del 01/03/2026 al 02/03/2026" in spanish.text
        assert "Reservas del agente" in spanish.text


async def test_a_bad_period_is_said_and_the_last_30_days_are_shown(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await admin_runtime(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        await log_in(http, username="admin")
        for query, words in (
            ("from=2026-02-30&to=2026-03-02", "That is not a date"),
            ("from=2026-03-02&to=2026-03-01", "The end comes before the start"),
            ("from=2024-01-01&to=2026-03-01", "at most a year"),
        ):
            page = await http.get(f"/staff/dashboard?{query}&lang=en")
            assert page.status_code == 422
            assert words in page.text
            assert (await http.get(f"/staff/dashboard.csv?{query}")).status_code == 422
        default = await http.get("/staff/dashboard?lang=en")
        assert default.status_code == 200
        assert "(days in UTC time)" in default.text


async def test_staff_members_are_refused_and_strangers_sent_to_the_login(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await admin_runtime(make_runtime, database_url)
    async with asgi_client(runtime) as http:
        assert (await http.get("/staff/dashboard")).headers["location"] == "/staff/login"
        assert (await http.get("/staff/dashboard.csv")).headers["location"] == "/staff/login"
        await log_in(http)  # marta, a staff member
        refused = await http.get(f"/staff/dashboard?{PERIOD}&lang=en")
        assert refused.status_code == 403
        assert "Only administrators can see this page." in refused.text
        assert "350.50" not in refused.text
        csv_refused = await http.get(f"/staff/dashboard.csv?{PERIOD}")
        assert csv_refused.status_code == 403
        assert "350.50" not in csv_refused.text
        assert 'href="/staff/dashboard"' not in (await http.get("/staff/")).text


def _row(page: httpx.Response, marker: str) -> str:
    start = page.text.index(marker)
    return page.text[start : page.text.index("</tr>", start)]


async def test_a_guests_conversation_is_counted_as_it_happens(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    """The real engine and console: the availability check, the handoff (with its reason),
    staff's reply and the hand back become events, and the dashboard counts them today."""
    runtime = await make_runtime(staff_settings(database_url))
    runtime.start_background()
    await accounts.create_user(runtime.sessions, "admin", PASSWORD, StaffRole.ADMIN)
    async with asgi_client(runtime) as http:
        said = await say(
            http, "Hola, ¿tenéis habitación doble del 10 al 12 de mayo de 2027 para 2 adultos?"
        )
        assert any("Doble Estándar" in reply for reply in said), said
        await say(http, "Quiero hablar con una persona, por favor")
        await log_in(http, username="admin")
        [conversation_id] = await listed(http)
        token = await csrf_of(http, f"/staff/conversations/{conversation_id}")
        base = f"/staff/conversations/{conversation_id}"
        assert (
            await http.post(f"{base}/reply", data={"csrf_token": token, "text": "Hola, soy Marta"})
        ).status_code == 303
        assert (await http.post(f"{base}/hand-back", data={"csrf_token": token})).status_code == 303
        async with runtime.sessions() as session:
            events = (
                await session.scalars(select(ConversationEvent).order_by(ConversationEvent.id))
            ).all()
        assert [(e.kind, e.reason, e.channel) for e in events] == [
            ("availability_checked", None, "webchat"),
            ("handoff", "requested", "webchat"),
            ("hand_back", None, "webchat"),
        ]
        exported = await http.get("/staff/dashboard.csv")
        total = exported.text.splitlines()[-1].split(",")
        assert total[:4] == ["all", "all", "1", "0"]
        assert total[5:13] == ["1", "0", "0", "1", "1", "requested=1", "0", "1"]


async def test_a_period_with_guests_but_no_handoff_or_booking_shows_zeros(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    """Conversations from before the events were recorded (or with none): the period's total
    row sums no event rows, which SQL gives as NULL; the page showed a 500."""
    runtime = await console_runtime(make_runtime, database_url)
    await accounts.create_user(runtime.sessions, "admin", PASSWORD, StaffRole.ADMIN)
    async with runtime.sessions() as session, session.begin():
        s = Seed(await session.scalar(select(Hotel.id)) or 0)
        c = s.conversation(201, "webchat")
        for table in (Guest, GuestIdentity, Conversation):
            session.add_all([row for row in s.rows if isinstance(row, table)])
            await session.flush()
        s.rows = []
        s.guest_wrote(c, at(1, 10))
        session.add_all(s.rows)
    async with asgi_client(runtime) as http:
        await log_in(http, username="admin")
        page = await http.get(f"/staff/dashboard?{PERIOD}&lang=en")
        assert page.status_code == 200
        total = _row(page, 'data-channel="all"')
        assert '<td data-figure="conversations">1</td>' in total
        assert '<td data-figure="handoffs">0.0 % (0)</td>' in total
        exported = await http.get(f"/staff/dashboard.csv?{PERIOD}")
        assert exported.status_code == 200
        assert "all,all,1,0,0.00,0,0,,0,0,,0,0,," in exported.text
