"""The manager's dashboard (administrators only): a period's conversations, the agent's
bookings and their value, availability asked → booked, handoffs and their reasons, and staff's
response times, per day and channel; the same figures as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from hotel_agent.db.repositories.dashboard import Figures
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from hotel_agent.staff import dashboard as staff_dashboard
from hotel_agent.staff.accounts import ConsoleSession
from hotel_agent.staff.scope import HotelScope, hotel_scope
from hotel_agent.web.console import auth
from hotel_agent.web.console.knowledge import _forbidden
from hotel_agent.web.console.routes import _render, _to_login
from hotel_agent.web.deps import RuntimeDep

router = APIRouter(prefix="/staff", include_in_schema=False)


First = Annotated[str, Query(alias="from", max_length=10)]
Last = Annotated[str, Query(alias="to", max_length=10)]
HotelAsked = Annotated[str, Query(max_length=12)]


@dataclass(frozen=True)
class Dashboard:
    """What both the page and the CSV show: the period asked (with its problem, if any), the
    hotel, and the figures."""

    login: ConsoleSession
    place: HotelScope
    period: staff_dashboard.Period
    problem: str
    rows: list[Figures]

    @property
    def query(self) -> str:
        return urlencode({"from": self.period.first, "to": self.period.last, **self.place.query})


async def _dashboard(
    request: Request, runtime: Runtime, first: str, last: str, hotel: str
) -> Dashboard | Response:
    """The administrator's dashboard of the period and hotel asked: days of the hotel's time
    zone when one hotel is shown, of UTC for every hotel together."""
    login = await admin_session(request, runtime)
    if isinstance(login, Response):
        return login
    async with runtime.sessions() as session:
        place = await hotel_scope(session, login.member, hotel)
        zone = staff_dashboard.zone_of(place.hotel.timezone if place.hotel else None)
        chosen, problem = staff_dashboard.period(first, last, now=datetime.now(UTC), zone=zone)
        rows = await staff_dashboard.figures(session, chosen, hotel_id=place.hotel_id)
    return Dashboard(login, place, chosen, problem, rows)


@router.get("/dashboard", response_model=None)
async def dashboard_page(
    request: Request,
    runtime: RuntimeDep,
    first: First = "",
    last: Last = "",
    hotel: HotelAsked = "",
) -> Response:
    shown = await _dashboard(request, runtime, first, last, hotel)
    if isinstance(shown, Response):
        return shown
    rows = shown.rows
    context = {
        "period": shown.period,
        "problem": shown.problem,
        "place": shown.place,
        "days": [r for r in rows if r.day is not None],
        "channels": [r for r in rows if r.day is None and r.channel is not None],
        "total": next((r for r in rows if r.day is None and r.channel is None), None),
        "rate": staff_dashboard.rate,
        "csv_url": f"/staff/dashboard.csv?{shown.query}",
    }
    return _render(
        request,
        runtime,
        "dashboard.html",
        shown.login,
        context,
        status=422 if shown.problem else 200,
    )


@router.get("/dashboard.csv", response_model=None)
async def dashboard_csv(
    request: Request,
    runtime: RuntimeDep,
    first: First = "",
    last: Last = "",
    hotel: HotelAsked = "",
) -> Response:
    shown = await _dashboard(request, runtime, first, last, hotel)
    if isinstance(shown, Response):
        return shown
    if shown.problem:
        return Response(shown.problem, status_code=422, media_type="text/plain")
    chosen = shown.period
    place = f"-hotel-{shown.place.hotel_id}" if shown.place.hotel else ""
    name = f"dashboard{place}-{chosen.first}-{chosen.last}.csv"
    return Response(
        staff_dashboard.as_csv(shown.rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


async def admin_session(request: Request, runtime: Runtime) -> ConsoleSession | Response:
    """The administrator's session; else the login page, or 403 for a staff member."""
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    if not accounts.is_admin(login.member):
        return _forbidden(request, runtime, login)
    return login
