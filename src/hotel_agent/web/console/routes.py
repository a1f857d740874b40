"""The console's pages under /staff/: login, the inbox, a conversation (take over, reply,
hand back). Forms post and redirect back (post/redirect/get), so the pages work without
JavaScript; console.js only refreshes the lists by polling their fragments.

Every page requires a console session (else: to the login page); every POST the session's
CSRF token (else 403). The staff use cases are the staff service's, as for the API and CLI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.datastructures import FormData

from hotel_agent.db.types import BIGINT_MAX, INTEGER_MAX
from hotel_agent.errors import BadRequest, Conflict, NotFound, RateLimited, Unauthorized
from hotel_agent.knowledge import knowledge_for
from hotel_agent.runtime import Runtime
from hotel_agent.staff import accounts, canned_replies, dead_letters, service
from hotel_agent.staff import bookings as staff_bookings
from hotel_agent.staff.accounts import ConsoleSession, StaffMember
from hotel_agent.staff.schemas import OwnerFilter, StaffReplyIn
from hotel_agent.staff.scope import hotel_scope
from hotel_agent.web import health
from hotel_agent.web.console import auth
from hotel_agent.web.console.text import LANG_COOKIE, Text, choose_language
from hotel_agent.web.deps import RuntimeDep

_HERE = FilePath(__file__).parent
templates = Jinja2Templates(directory=_HERE / "templates")
router = APIRouter(prefix="/staff", include_in_schema=False)
# Seconds between the pages' refreshes.
POLL_SECONDS = 5
# Conversations per inbox page; the "older" link shows the next ones.
INBOX_PAGE = 200
_OWNERS: tuple[str, ...] = get_args(OwnerFilter)
Fragment = Literal["list", "transcript"]
ConversationId = Annotated[int, Path(ge=1, le=INTEGER_MAX)]
DeadLetterId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]


def static_files() -> StaticFiles:
    return StaticFiles(directory=_HERE / "static")


@router.get("/login", response_model=None)
async def login_page(request: Request, runtime: RuntimeDep) -> Response:
    if await auth.current_session(request) is not None:
        return _see_other("/staff/")
    return _login_form(request, runtime, error=None, status=200)


@router.post("/login", response_model=None)
async def log_in(request: Request, runtime: RuntimeDep) -> Response:
    # Per address, before the form is read: one client guessing across many accounts (which
    # the per-account lockout does not see) is slowed down too.
    client = request.client.host if request.client else "unknown"
    decision = await runtime.rate_limiter.hit(
        "staff_login", client, runtime.settings.staff.login_rate_limit_per_client
    )
    if not decision.allowed:
        page = _login_form(request, runtime, error="too_many_attempts", status=429)
        page.headers["Retry-After"] = str(decision.retry_after_seconds)
        return page
    form = await request.form()
    cookie = request.cookies.get(auth.LOGIN_CSRF_COOKIE)
    if cookie is None or not auth.csrf_ok(
        cookie, auth.presented_csrf(request, form.get(auth.CSRF_FIELD))
    ):
        return _login_form(request, runtime, error="expired_form", status=403)
    username, password = form.get("username"), form.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return _login_form(request, runtime, error="wrong_login", status=401)
    try:
        login = await accounts.log_in(
            runtime.sessions,
            runtime.settings.staff,
            username,
            password[: accounts.MAX_PASSWORD_CHARS + 1],
        )
    except (RateLimited, Unauthorized):
        # A locked account is refused exactly like a wrong password or an unknown account
        # (status, words, headers): otherwise the lockout would tell a guesser which usernames
        # exist. The lock still refuses even the right password until it ends.
        return _login_form(request, runtime, error="wrong_login", status=401, username=username)
    response = _see_other("/staff/")
    auth.set_session_cookie(response, request, runtime.settings, login)
    return response


@router.post("/logout", response_model=None)
async def log_out(request: Request, runtime: RuntimeDep) -> Response:
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    login, _ = checked
    token = request.cookies.get(auth.SESSION_COOKIE, "")
    await accounts.log_out(runtime.sessions, token, login.member)
    response = _see_other("/staff/login")
    auth.clear_session_cookie(response, request, runtime.settings)
    return response


@router.get("/", response_model=None)
async def inbox(
    request: Request,
    runtime: RuntimeDep,
    owner: str = "staff",
    channel: str = "",
    fragment: Fragment | None = None,
    before: Annotated[str, Query(max_length=40)] = "",
    hotel: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """The conversations, newest activity first, a page of INBOX_PAGE at a time (an "older"
    link to the next): of the member's hotel only when they work for one, else of the hotel
    they pick (staff/scope.py)."""
    login = await auth.current_session(request)
    if login is None:
        return _to_login(fragment)
    chosen: OwnerFilter = "staff"
    for known in get_args(OwnerFilter):
        if owner == known:
            chosen = known
    channel = channel if channel in runtime.channels else ""
    member = login.member
    async with runtime.sessions() as session:
        place = await hotel_scope(session, member, hotel)
        try:
            listing = await service.list_conversations(
                session,
                chosen,
                channel=channel or None,
                limit=INBOX_PAGE,
                hotel_id=place.hotel_id,
                viewer=member.user_id,
                before=before,
            )
        except BadRequest:
            listing = None
    query = urlencode({"owner": chosen, "channel": channel, **place.query})
    if listing is None:
        return _see_other(f"/staff/?{query}")
    page = f"{query}&{urlencode({'before': before})}" if before else query
    context = {
        "conversations": listing.conversations,
        "owner": chosen,
        "channel": channel,
        "channels": sorted(runtime.channels),
        "owners": _OWNERS,
        "place": place,
        "tab_query": urlencode({"channel": channel, **place.query}),
        "poll_url": f"/staff/?{page}&fragment=list",
        "older_url": (
            f"/staff/?{query}&{urlencode({'before': listing.older})}" if listing.older else ""
        ),
        "newest_url": f"/staff/?{query}" if before else "",
    }
    name = "inbox_list.html" if fragment == "list" else "inbox.html"
    return _render(request, runtime, name, login, context)


@router.get("/conversations/{conversation_id}", response_model=None)
async def conversation_page(
    request: Request,
    runtime: RuntimeDep,
    conversation_id: ConversationId,
    fragment: Fragment | None = None,
    error: str = "",
) -> Response:
    login = await auth.current_session(request)
    if login is None:
        return _to_login(fragment)
    try:
        context = await _conversation(runtime, conversation_id, login.member)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    if context["messages"]:
        # Opened (or its transcript refreshed while open): what it shows is seen, by this
        # member only.
        last_seen = context["messages"][-1].id
        await service.mark_seen(runtime.sessions, login.member, conversation_id, last_seen)
    context["error"] = error if error in _ERRORS else ""
    context["poll_url"] = f"/staff/conversations/{conversation_id}?fragment=transcript"
    name = "transcript.html" if fragment == "transcript" else "conversation.html"
    return _render(request, runtime, name, login, context)


@router.post("/conversations/{conversation_id}/take", response_model=None)
async def take_over(
    request: Request, runtime: RuntimeDep, conversation_id: ConversationId
) -> Response:
    async def act(member: StaffMember, form: FormData) -> object:
        return await service.take_over(
            runtime.sessions, conversation_id, by=member, hotel_id=member.hotel_id
        )

    return await _act(request, conversation_id, act, conflict="taken_by_colleague")


@router.post("/conversations/{conversation_id}/reply", response_model=None)
async def reply(request: Request, runtime: RuntimeDep, conversation_id: ConversationId) -> Response:
    async def act(member: StaffMember, form: FormData) -> object:
        text = form.get("text")
        try:
            body = StaffReplyIn(text=text if isinstance(text, str) else "")
        except ValidationError:
            raise BadRequest("the reply is empty") from None
        return await service.reply(
            runtime.sessions,
            runtime.channels,
            runtime.signals,
            conversation_id,
            body,
            by=member,
            templates=knowledge_for(runtime.settings).templates,
            hotel_id=member.hotel_id,
        )

    return await _act(request, conversation_id, act, conflict="undeliverable")


@router.post("/conversations/{conversation_id}/hand-back", response_model=None)
async def hand_back(
    request: Request, runtime: RuntimeDep, conversation_id: ConversationId
) -> Response:
    async def act(member: StaffMember, form: FormData) -> object:
        return await service.hand_back(
            runtime.sessions, conversation_id, by=member, hotel_id=member.hotel_id
        )

    return await _act(request, conversation_id, act, conflict="already_bot")


@router.get("/failed", response_model=None)
async def failed_messages(request: Request, runtime: RuntimeDep, error: str = "") -> Response:
    """Sends given up on (dead letters), with the reason, and a button to send each again."""
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    async with runtime.sessions() as session:
        letters = await dead_letters.list_dead_letters(
            session, limit=100, hotel_id=login.member.hotel_id
        )
    context = {"letters": letters, "error": error if error in _ERRORS else ""}
    return _render(request, runtime, "failed.html", login, context)


@router.post("/failed/{dead_letter_id}/resend", response_model=None)
async def resend(request: Request, runtime: RuntimeDep, dead_letter_id: DeadLetterId) -> Response:
    async def act(member: StaffMember) -> object:
        return await dead_letters.resend(
            runtime.sessions, runtime.channels, runtime.signals, dead_letter_id, by=member
        )

    return await _on_dead_letter(request, act, conflict="not_resent")


@router.post("/failed/{dead_letter_id}/discard", response_model=None)
async def discard(request: Request, runtime: RuntimeDep, dead_letter_id: DeadLetterId) -> Response:
    async def act(member: StaffMember) -> object:
        await dead_letters.discard(runtime.sessions, dead_letter_id, by=member)
        return None

    return await _on_dead_letter(request, act, conflict="not_discarded")


async def _on_dead_letter(
    request: Request, act: Callable[[StaffMember], Awaitable[object]], *, conflict: str
) -> Response:
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    login, _ = checked
    try:
        await act(login.member)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    except Conflict:
        return _see_other(f"/staff/failed?error={conflict}")
    return _see_other("/staff/failed")


@router.get("/bookings", response_model=None)
async def agent_bookings(
    request: Request,
    runtime: RuntimeDep,
    stays_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    stays_to: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    """The bookings the agent made, their stay within the dates given, with the PMS's live
    status of each (or "PMS unreachable")."""
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    start, end = _day(stays_from), _day(stays_to)
    async with runtime.sessions() as session:
        listed = await staff_bookings.ledger(
            session, stays_from=start, stays_to=end, hotel_id=login.member.hotel_id
        )
    listed = await staff_bookings.with_live_status(runtime.pms, listed)
    context = {
        "bookings": listed,
        "stays_from": start.isoformat() if start else "",
        "stays_to": end.isoformat() if end else "",
        "bad_date": (stays_from and start is None) or (stays_to and end is None),
        "pms_unreachable": any(b.live_status == "unreachable" for b in listed),
    }
    return _render(request, runtime, "bookings.html", login, context)


@router.get("/health", response_model=None)
async def health_page(request: Request, runtime: RuntimeDep) -> Response:
    """The service's health on one page: `/health/ready`'s checks (the PMS's always), the PMS
    breaker, and the queues' depth and oldest wait, as `/metrics` reads them."""
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    report = await health.readiness(runtime, check_pms=True)
    try:
        figures: health.QueueFigures | None = await health.queue_figures(runtime)
    except Exception:
        figures = None  # the database is down: its check above says so
    context = {"report": report, "queues": figures, "duration": _duration}
    return _render(request, runtime, "health.html", login, context)


def _duration(seconds: float) -> str:
    """A wait as people say it: 40 s, 12 min, 3 h 5 min."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/audit", response_model=None)
async def audit_page(request: Request, runtime: RuntimeDep) -> Response:
    """What staff did, newest first: logins and failed logins too. Administrators only."""
    login = await auth.current_session(request)
    if login is None:
        return _to_login(None)
    if not accounts.is_admin(login.member):
        return _render(request, runtime, "forbidden.html", login, {}, status=403)
    async with runtime.sessions() as session:
        entries = await accounts.audit_log(session, login.member)
    return _render(request, runtime, "audit.html", login, {"entries": entries})


# Errors a redirect may name (shown on the page); anything else is ignored.
_ERRORS = (
    "taken_by_colleague",
    "undeliverable",
    "already_bot",
    "empty_reply",
    "not_resent",
    "not_discarded",
)


async def _act(
    request: Request,
    conversation_id: int,
    act: Callable[[StaffMember, FormData], Awaitable[object]],
    *,
    conflict: str,
) -> Response:
    """Run a member's action on a conversation (session and CSRF checked first) and go back
    to the conversation, naming what went wrong if something did."""
    checked = await _checked_post(request)
    if isinstance(checked, Response):
        return checked
    login, form = checked
    try:
        await act(login.member, form)
    except NotFound:
        return HTMLResponse("not found", status_code=404)
    except BadRequest:
        return _back(conversation_id, error="empty_reply")
    except Conflict:
        return _back(conversation_id, error=conflict)
    return _back(conversation_id)


async def _checked_post(request: Request) -> tuple[ConsoleSession, FormData] | Response:
    """The session and the form of a state-changing request; else the refusal to send:
    no session → the login page, no or wrong CSRF token → 403."""
    login = await auth.current_session(request)
    if login is None:
        return _see_other("/staff/login")
    form = await request.form()
    if not auth.csrf_ok(login.csrf_token, auth.presented_csrf(request, form.get(auth.CSRF_FIELD))):
        return HTMLResponse("missing or wrong CSRF token", status_code=403)
    return login, form


async def _conversation(
    runtime: Runtime, conversation_id: int, member: StaffMember
) -> dict[str, Any]:
    """What the conversation page shows; NotFound for another hotel's than the member's."""
    hotel_id = member.hotel_id
    async with runtime.sessions() as session:
        transcript = await service.transcript(
            session, conversation_id, hotel_id=hotel_id, viewer=member.user_id
        )
        composer = await service.composer(
            session,
            runtime.channels,
            conversation_id,
            knowledge_for(runtime.settings).templates,
            hotel_id=hotel_id,
        )
        history = await accounts.staff_actions(session, conversation_id)
        booked = await service.bookings(session, conversation_id, hotel_id=hotel_id)
        canned = await canned_replies.listed(session, hotel_id or runtime.hotels.default_hotel_id)
    return {
        "canned_replies": canned,
        "bookings": booked,
        "conversation": transcript.conversation,
        "messages": transcript.messages,
        "composer": composer,
        "history": history,
    }


def _render(
    request: Request,
    runtime: Runtime,
    name: str,
    login: ConsoleSession | None,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HTMLResponse:
    language = choose_language(request, runtime.settings.hotel.default_language)
    zone = ZoneInfo(runtime.settings.hotel.timezone)

    def when(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%d/%m %H:%M") if at else ""

    response = templates.TemplateResponse(
        request,
        name,
        {
            **context,
            "t": Text(language),
            "lang": language,
            "login": login,
            "csrf_field": auth.CSRF_FIELD,
            "when": when,
            "poll_seconds": POLL_SECONDS,
            # A member of one hotel sees its name; everyone else the agent's own.
            "hotel_name": (login and login.member.hotel_name) or runtime.settings.hotel.name,
            "is_admin": login is not None and accounts.is_admin(login.member),
        },
        status_code=status,
    )
    # No page of the console is cached: it shows guests' messages.
    response.headers["Cache-Control"] = "no-store"
    if request.query_params.get("lang") == language:
        response.set_cookie(
            LANG_COOKIE, language, max_age=365 * 86400, path=auth.COOKIE_PATH, samesite="lax"
        )
    return response


def _login_form(
    request: Request,
    runtime: Runtime,
    *,
    error: str | None,
    status: int,
    username: str = "",
) -> HTMLResponse:
    token = auth.login_csrf(request)
    response = _render(
        request,
        runtime,
        "login.html",
        None,
        {"error": error, "login_csrf": token, "username": username[:64]},
        status=status,
    )
    auth.set_login_csrf_cookie(response, request, runtime.settings, token)
    return response


def _to_login(fragment: str | None) -> Response:
    # A polled fragment must not be replaced by the login page: the script reloads instead.
    if fragment is not None:
        return HTMLResponse("", status_code=401)
    return _see_other("/staff/login")


def _back(conversation_id: int, *, error: str = "") -> RedirectResponse:
    suffix = f"?{urlencode({'error': error})}" if error else ""
    return _see_other(f"/staff/conversations/{conversation_id}{suffix}")


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
