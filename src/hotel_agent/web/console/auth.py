"""The console's session cookie and CSRF checks.

The cookie holds a random token (the database keeps only its hash): HttpOnly, SameSite=Lax,
scoped to /staff, and Secure over HTTPS (see STAFF_SECURE_COOKIE). Every state-changing request
must send the session's CSRF token (a form field, or the X-CSRF-Token header); SameSite alone
does not cover older browsers or a same-site attacker. The login form, before any session
exists, uses a double-submit cookie instead.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from hotel_agent.settings import Environment, Settings
from hotel_agent.staff import accounts
from hotel_agent.staff.accounts import ConsoleSession, NewLogin
from hotel_agent.web.deps import get_runtime

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
COOKIE_PATH = "/staff"


def secure_cookies(request: Request, settings: Settings) -> bool:
    if settings.staff.secure_cookie is not None:
        return settings.staff.secure_cookie
    # The scheme is https when TLS ends here, or at a proxy listed in HTTP_TRUSTED_PROXIES.
    return request.url.scheme == "https" or settings.environment is Environment.PRODUCTION


async def current_session(request: Request) -> ConsoleSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 128:
        return None
    runtime = await get_runtime(request)
    async with runtime.sessions() as session:
        return await accounts.session_for(session, token)


def csrf_ok(expected: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(
        presented.encode("utf-8"), expected.encode("utf-8")
    )


def presented_csrf(request: Request, form_value: object) -> str | None:
    value = form_value if isinstance(form_value, str) else request.headers.get(CSRF_HEADER)
    return value or None


def set_session_cookie(
    response: Response, request: Request, settings: Settings, login: NewLogin
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        login.token,
        max_age=int(settings.staff.session_hours * 3600),
        path=COOKIE_PATH,
        httponly=True,
        secure=secure_cookies(request, settings),
        samesite="lax",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=f"{COOKIE_PATH}/login")


def clear_session_cookie(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        secure=secure_cookies(request, settings),
        samesite="lax",
    )


def login_csrf(request: Request) -> str:
    """The login form's token: the one its cookie already holds, or a new one."""
    current = request.cookies.get(LOGIN_CSRF_COOKIE)
    if current and 20 <= len(current) <= 128:
        return current
    return secrets.token_urlsafe(32)


def set_login_csrf_cookie(
    response: Response, request: Request, settings: Settings, token: str
) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path=f"{COOKIE_PATH}/login",
        httponly=True,
        secure=secure_cookies(request, settings),
        samesite="strict",
    )
