"""The console's hotel knowledge page: the FAQ answers as the member's hotel's guests get them
now (every staff member), and their editing (administrators): edit → preview (checked by the
knowledge file's schema, shown as a diff) → save. The save form carries the previewed words,
not the text boxes, so what is saved is what the diff showed; and the knowledge version the
diff was made at, so that a colleague's save in between is not overwritten unseen.

Several hotels share one knowledge file; each has its own edits of its answers (and its own
knowledge version), which its guests get. A member of one hotel sees and edits that hotel's; a
member of every hotel, the default hotel's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from hotel_agent.errors import BadRequest, Conflict, NotFound
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from hotel_agent.staff import knowledge as staff_knowledge
from hotel_agent.staff.accounts import ConsoleSession
from hotel_agent.web.console import auth
from hotel_agent.web.console.routes import _checked_post, _render, _see_other, _to_login
from hotel_agent.web.deps import RuntimeDep

router = APIRouter(prefix="/staff/knowledge", include_in_schema=False)
EntryId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


@router.get("", response_model=None)
async def knowledge_page(request: Request, runtime: RuntimeDep, saved: str = "") -> Response:
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    faq = await _faq(runtime, login)
    context = {
        "faq": faq,
        "saved": saved if any(i.id == saved for i in faq.items) else "",
        "may_edit": _may_edit(login),
    }
    return _render(request, runtime, "knowledge.html", login, context)


@router.get("/{entry_id}", response_model=None)
async def edit_page(request: Request, runtime: RuntimeDep, entry_id: EntryId) -> Response:
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    if not _may_edit(login):
        return _forbidden(request, runtime, login)
    faq = await _faq(runtime, login)
    try:
        item = faq.item(entry_id)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    answers = {a.language: a.text for a in item.answers}
    return _edit(request, runtime, login, faq, entry_id, answers)


@router.post("/{entry_id}/preview", response_model=None)
async def preview(request: Request, runtime: RuntimeDep, entry_id: EntryId) -> Response:
    checked = await _admin_post(request, runtime)
    if isinstance(checked, Response):
        return checked
    login, form = checked
    faq = await _faq(runtime, login)
    answers = staff_knowledge.answers_from_form(form)
    try:
        staff_knowledge.check(runtime.knowledge, faq, entry_id, answers)
        changes = staff_knowledge.preview(faq, entry_id, answers)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    except BadRequest as exc:
        return _edit(request, runtime, login, faq, entry_id, answers, problem=exc.detail)
    return _edit(request, runtime, login, faq, entry_id, answers, changes=changes)


@router.post("/{entry_id}", response_model=None)
async def save(request: Request, runtime: RuntimeDep, entry_id: EntryId) -> Response:
    checked = await _admin_post(request, runtime)
    if isinstance(checked, Response):
        return checked
    login, form = checked
    answers = staff_knowledge.answers_from_form(form)
    version = form.get("version")
    try:
        await staff_knowledge.save(
            runtime.sessions,
            runtime.knowledge,
            _hotel_of(runtime, login),
            entry_id,
            answers,
            version=int(version) if isinstance(version, str) and version.isdigit() else -1,
            by=login.member,
        )
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    except BadRequest as exc:
        faq = await _faq(runtime, login)
        return _edit(request, runtime, login, faq, entry_id, answers, problem=exc.detail)
    except Conflict:
        faq = await _faq(runtime, login)
        return _edit(request, runtime, login, faq, entry_id, answers, conflict=True)
    return _see_other(f"/staff/knowledge?saved={entry_id}#{entry_id}")


async def _faq(runtime: Runtime, login: ConsoleSession) -> staff_knowledge.HotelFaq:
    async with runtime.sessions() as session:
        return await staff_knowledge.hotel_faq(
            session, runtime.knowledge, _hotel_of(runtime, login)
        )


def _hotel_of(runtime: Runtime, login: ConsoleSession) -> int:
    """The hotel whose answers the member reads and edits."""
    return login.member.hotel_id or runtime.hotels.default_hotel_id


async def _admin_post(
    request: Request, runtime: Runtime
) -> tuple[ConsoleSession, FormData] | Response:
    """A state-changing request of an administrator (session and CSRF checked first)."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    if not _may_edit(checked[0]):
        return _forbidden(request, runtime, checked[0])
    return checked


def _may_edit(login: ConsoleSession) -> bool:
    """Administrators edit their hotel's answers (`_hotel_of`)."""
    return accounts.is_admin(login.member)


def _edit(
    request: Request,
    runtime: Runtime,
    login: ConsoleSession,
    faq: staff_knowledge.HotelFaq,
    entry_id: str,
    answers: dict[str, str],
    *,
    changes: list[staff_knowledge.AnswerChange] | None = None,
    problem: str = "",
    conflict: bool = False,
) -> Response:
    item = faq.item(entry_id)
    context: dict[str, Any] = {
        "item": item,
        # A language the form did not send keeps its current answer.
        "answers": {**{a.language: a.text for a in item.answers}, **answers},
        "version": faq.version,
        "changes": changes,
        "problem": problem,
        "conflict": conflict,
        "languages": staff_knowledge.LANGUAGES,
    }
    status = 422 if problem else 409 if conflict else 200
    return _render(request, runtime, "knowledge_edit.html", login, context, status=status)


def _forbidden(request: Request, runtime: Runtime, login: ConsoleSession) -> HTMLResponse:
    return _render(request, runtime, "forbidden.html", login, {}, status=403)
