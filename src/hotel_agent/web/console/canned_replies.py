"""The console's canned replies page (administrators): the list, a form to add one, and each
one's edit and delete. Forms post and redirect back, with the session's CSRF token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from hotel_agent.db.models import CannedReply
from hotel_agent.db.types import INTEGER_MAX
from hotel_agent.errors import BadRequest, NotFound
from hotel_agent.runtime import Runtime
from hotel_agent.staff import canned_replies as canned
from hotel_agent.staff.accounts import ConsoleSession
from hotel_agent.web.console.dashboard import admin_session
from hotel_agent.web.console.knowledge import _admin_post
from hotel_agent.web.console.routes import _render, _see_other
from hotel_agent.web.deps import RuntimeDep

router = APIRouter(prefix="/staff/canned-replies", include_in_schema=False)
ReplyId = Annotated[int, Path(ge=1, le=INTEGER_MAX)]


@router.get("", response_model=None)
async def list_page(request: Request, runtime: RuntimeDep, saved: str = "") -> Response:
    login = await admin_session(request, runtime)
    if isinstance(login, Response):
        return login
    return await _page(request, runtime, login, saved=saved in ("created", "edited", "deleted"))


@router.post("", response_model=None)
async def create(request: Request, runtime: RuntimeDep) -> Response:
    checked = await _admin_post(request, runtime)
    if isinstance(checked, Response):
        return checked
    login, form = checked
    try:
        given = canned.from_form(dict(form))
    except BadRequest as exc:
        return await _page(request, runtime, login, problem=exc.detail, draft=dict(form))
    await canned.create(runtime.sessions, _hotel(runtime), given, by=login.member)
    return _see_other("/staff/canned-replies?saved=created")


@router.get("/{reply_id}", response_model=None)
async def edit_page(request: Request, runtime: RuntimeDep, reply_id: ReplyId) -> Response:
    login = await admin_session(request, runtime)
    if isinstance(login, Response):
        return login
    try:
        async with runtime.sessions() as session:
            row = await canned.one(session, _hotel(runtime), reply_id)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    return _edit(request, runtime, login, row, _fields(row))


@router.post("/{reply_id}", response_model=None)
async def edit(request: Request, runtime: RuntimeDep, reply_id: ReplyId) -> Response:
    checked = await _admin_post(request, runtime)
    if isinstance(checked, Response):
        return checked
    login, form = checked
    try:
        async with runtime.sessions() as session:
            row = await canned.one(session, _hotel(runtime), reply_id)
        given = canned.from_form(dict(form))
        await canned.update(runtime.sessions, _hotel(runtime), reply_id, given, by=login.member)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    except BadRequest as exc:
        return _edit(request, runtime, login, row, dict(form), problem=exc.detail)
    return _see_other("/staff/canned-replies?saved=edited")


@router.post("/{reply_id}/delete", response_model=None)
async def delete(request: Request, runtime: RuntimeDep, reply_id: ReplyId) -> Response:
    checked = await _admin_post(request, runtime)
    if isinstance(checked, Response):
        return checked
    login, _ = checked
    try:
        await canned.delete(runtime.sessions, _hotel(runtime), reply_id, by=login.member)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    return _see_other("/staff/canned-replies?saved=deleted")


async def _page(
    request: Request,
    runtime: Runtime,
    login: ConsoleSession,
    *,
    saved: bool = False,
    problem: str = "",
    draft: dict[str, Any] | None = None,
) -> Response:
    async with runtime.sessions() as session:
        replies = await canned.listed(session, _hotel(runtime))
    context = {
        "replies": replies,
        "saved": saved,
        "problem": problem,
        "draft": draft or {"language": request.query_params.get("lang") or "es"},
        "languages": canned.LANGUAGES,
    }
    status = 422 if problem else 200
    return _render(request, runtime, "canned_replies.html", login, context, status=status)


def _edit(
    request: Request,
    runtime: Runtime,
    login: ConsoleSession,
    row: CannedReply,
    draft: dict[str, Any],
    *,
    problem: str = "",
) -> Response:
    context = {"reply": row, "draft": draft, "problem": problem, "languages": canned.LANGUAGES}
    status = 422 if problem else 200
    return _render(request, runtime, "canned_reply_edit.html", login, context, status=status)


def _fields(row: CannedReply) -> dict[str, Any]:
    return {"language": row.language, "title": row.title, "text": row.text}


def _hotel(runtime: Runtime) -> int:
    return runtime.hotels.default_hotel_id
