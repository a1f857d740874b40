"""The manager's dashboard (administrators only): a period's conversations, the agent's
bookings and their value, availability asked → booked, handoffs and their reasons, and staff's
response times, per day and channel; the same figures as CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from hotel_agent.staff import dashboard as staff_dashboard
from hotel_agent.staff.accounts import ConsoleSession
from hotel_agent.web.console import auth
from hotel_agent.web.console.knowledge import _forbidden
from hotel_agent.web.console.routes import _render, _to_login
from hotel_agent.web.deps import RuntimeDep

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/dashboard", response_model=None)
async def dashboard_page(
    request: Request,
    runtime: RuntimeDep,
    first: Annotated[str, Query(alias="from", max_length=10)] = "",
    last: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    login = await admin_session(request, runtime)
    if isinstance(login, Response):
        return login
    chosen, problem = staff_dashboard.period(first, last, today=_today())
    async with runtime.sessions() as session:
        rows = await staff_dashboard.figures(session, chosen)
    context = {
        "period": chosen,
        "problem": problem,
        "days": [r for r in rows if r.day is not None],
        "channels": [r for r in rows if r.day is None and r.channel is not None],
        "total": next((r for r in rows if r.day is None and r.channel is None), None),
        "rate": staff_dashboard.rate,
        "csv_url": f"/staff/dashboard.csv?from={chosen.first}&to={chosen.last}",
    }
    return _render(
        request, runtime, "dashboard.html", login, context, status=422 if problem else 200
    )


@router.get("/dashboard.csv", response_model=None)
async def dashboard_csv(
    request: Request,
    runtime: RuntimeDep,
    first: Annotated[str, Query(alias="from", max_length=10)] = "",
    last: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    login = await admin_session(request, runtime)
    if isinstance(login, Response):
        return login
    chosen, problem = staff_dashboard.period(first, last, today=_today())
    if problem:
        return Response(problem, status_code=422, media_type="text/plain")
    async with runtime.sessions() as session:
        rows = await staff_dashboard.figures(session, chosen)
    name = f"dashboard-{chosen.first}-{chosen.last}.csv"
    return Response(
        staff_dashboard.as_csv(rows),
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


def _today() -> date:
    # Days are UTC days (the figures are grouped by them).
    return datetime.now(UTC).date()
