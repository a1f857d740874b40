"""The console's hotel knowledge page: the FAQ answers as the member's hotel's guests get them
now (every staff member), and their editing (administrators): edit → preview (checked by the
knowledge file's schema, shown as a diff) → save. The save form carries the previewed words,
not the text boxes, so what is saved is what the diff showed; and the knowledge version the
diff was made at, so that a colleague's save in between is not overwritten unseen.

Several hotels share one knowledge file; each has its own edits of its answers (and its own
knowledge version), which its guests get. A member of one hotel sees and edits that hotel's; a
member of every hotel, the hotel they pick (`hotel`: in the address of the pages, a field of
the forms), the default hotel's until they pick one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from hotel_agent.errors import BadRequest, Conflict, NotFound
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts
from hotel_agent.staff import knowledge as staff_knowledge
from hotel_agent.staff.accounts import ConsoleSession
from hotel_agent.staff.scope import HotelScope, hotel_scope
from hotel_agent.web.console import auth
from hotel_agent.web.console.routes import _checked_post, _render, _see_other, _to_login
from hotel_agent.web.deps import RuntimeDep

router = APIRouter(prefix="/staff/knowledge", include_in_schema=False)
EntryId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
HotelAsked = Annotated[str, Query(max_length=12)]


@dataclass(frozen=True)
class Place:
    """The hotel whose answers a page shows, and the hotels its member may pick from."""

    hotel_id: int
    scope: HotelScope

    @property
    def hotel_name(self) -> str:
        return next((h.name for h in self.scope.choices if h.id == self.hotel_id), "")

    @property
    def query(self) -> str:
        """What the page's links and forms carry to stay on that hotel ("" when nothing
        was picked or there is nothing to pick)."""
        return f"?{urlencode({'hotel': self.hotel_id})}" if self.scope.query else ""


@router.get("", response_model=None)
async def knowledge_page(
    request: Request, runtime: RuntimeDep, saved: str = "", hotel: HotelAsked = ""
) -> Response:
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    place, faq = await _faq(runtime, login, hotel)
    context = {
        "faq": faq,
        "place": place,
        "saved": saved if any(i.id == saved for i in faq.items) else "",
        "may_edit": _may_edit(login),
    }
    return _render(request, runtime, "knowledge.html", login, context)


@router.get("/{entry_id}", response_model=None)
async def edit_page(
    request: Request, runtime: RuntimeDep, entry_id: EntryId, hotel: HotelAsked = ""
) -> Response:
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    if not _may_edit(login):
        return _forbidden(request, runtime, login)
    place, faq = await _faq(runtime, login, hotel)
    try:
        item = faq.item(entry_id)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    answers = {a.language: a.text for a in item.answers}
    return _edit(request, runtime, login, place, faq, entry_id, answers)


@router.post("/{entry_id}/preview", response_model=None)
async def preview(request: Request, runtime: RuntimeDep, entry_id: EntryId) -> Response:
    checked = await _admin_post(request, runtime)
    if isinstance(checked, Response):
        return checked
    login, form = checked
    place, faq = await _faq(runtime, login, _field(form, "hotel"))
    answers = staff_knowledge.answers_from_form(form)
    try:
        staff_knowledge.check(runtime.knowledge, faq, entry_id, answers)
        changes = staff_knowledge.preview(faq, entry_id, answers)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    except BadRequest as exc:
        return _edit(request, runtime, login, place, faq, entry_id, answers, problem=exc.detail)
    return _edit(request, runtime, login, place, faq, entry_id, answers, changes=changes)


@router.post("/{entry_id}", response_model=None)
async def save(request: Request, runtime: RuntimeDep, entry_id: EntryId) -> Response:
    checked = await _admin_post(request, runtime)
    if isinstance(checked, Response):
        return checked
    login, form = checked
    place = await _place(runtime, login, _field(form, "hotel"))
    answers = staff_knowledge.answers_from_form(form)
    version = _field(form, "version")
    try:
        await staff_knowledge.save(
            runtime.sessions,
            runtime.knowledge,
            place.hotel_id,
            entry_id,
            answers,
            version=int(version) if version.isdigit() else -1,
            by=login.member,
        )
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    except BadRequest as exc:
        _, faq = await _faq(runtime, login, _field(form, "hotel"))
        return _edit(request, runtime, login, place, faq, entry_id, answers, problem=exc.detail)
    except Conflict:
        _, faq = await _faq(runtime, login, _field(form, "hotel"))
        return _edit(request, runtime, login, place, faq, entry_id, answers, conflict=True)
    saved = urlencode({"saved": entry_id, **place.scope.query})
    return _see_other(f"/staff/knowledge?{saved}#{entry_id}")


async def _faq(
    runtime: Runtime, login: ConsoleSession, asked: str
) -> tuple[Place, staff_knowledge.HotelFaq]:
    place = await _place(runtime, login, asked)
    async with runtime.sessions() as session:
        return place, await staff_knowledge.hotel_faq(session, runtime.knowledge, place.hotel_id)


async def _place(runtime: Runtime, login: ConsoleSession, asked: str) -> Place:
    """The hotel whose answers the member reads and edits: theirs, the one they picked, or
    the default hotel."""
    async with runtime.sessions() as session:
        scope = await hotel_scope(session, login.member, asked)
    return Place(scope.hotel_id or runtime.hotels.default_hotel_id, scope)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


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
    place: Place,
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
        "place": place,
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
