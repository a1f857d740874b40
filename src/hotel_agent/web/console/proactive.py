"""The console's page of proactive messages that did not reach their guest (pre-arrival,
post-stay, the offer after booking): why, and a button to try each again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from hotel_agent.errors import Conflict, NotFound
from hotel_agent.staff import proactive
from hotel_agent.web.console import auth
from hotel_agent.web.console.routes import _checked_post, _render, _see_other, _to_login
from hotel_agent.web.deps import RuntimeDep

router = APIRouter(prefix="/staff/proactive", include_in_schema=False)
ScheduledId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_ERRORS = frozenset({"not_retried", "retried"})


@router.get("", response_model=None)
async def undelivered_page(request: Request, runtime: RuntimeDep, note: str = "") -> Response:
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    rows = await proactive.list_undelivered(runtime.sessions)
    context = {"rows": rows, "note": note if note in _ERRORS else ""}
    return _render(request, runtime, "proactive.html", login, context)


@router.post("/{scheduled_id}/retry", response_model=None)
async def retry(request: Request, runtime: RuntimeDep, scheduled_id: ScheduledId) -> Response:
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    login, _ = checked
    try:
        await proactive.retry(
            runtime.sessions, runtime.channels, runtime.signals, scheduled_id, by=login.member
        )
    except (NotFound, Conflict):
        return _see_other("/staff/proactive?note=not_retried")
    return _see_other("/staff/proactive?note=retried")
