"""Staff accounts: passwords (argon2id), logins with a lockout that grows, console sessions,
and the audit of what staff do. Used by the console and by `hotel-agent staff create-user …`.

Each use case is one transaction of its own, like the rest of the staff side. A login always
commits what it learned (a wrong password counts, even though the caller is refused).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import StaffRole, StaffUser
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.db.repositories.staff_accounts import StaffAccountRepository
from hotel_agent.db.types import utcnow
from hotel_agent.errors import BadRequest, Conflict, NotFound, RateLimited, Unauthorized
from hotel_agent.settings import StaffSettings

USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # argon2 takes any length; this bounds the work a stranger causes
WRONG_LOGIN = "wrong username or password"

# argon2-cffi's defaults: argon2id with RFC 9106's low-memory parameters.
_hasher = PasswordHasher()


@dataclass(frozen=True)
class StaffMember:
    """Who is acting: the account behind a console session."""

    user_id: int
    username: str
    role: str
    # The one hotel this member works for (and its name, for the console's header); None:
    # every hotel.
    hotel_id: int | None = None
    hotel_name: str | None = None


@dataclass(frozen=True)
class ConsoleSession:
    """A live console login: the member, and the token every state-changing request sends."""

    member: StaffMember
    csrf_token: str


@dataclass(frozen=True)
class NewLogin:
    """A login just made: the cookie's token (given out once, stored only hashed)."""

    token: str
    session: ConsoleSession
    expires_at: datetime


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise BadRequest(
            "a username is 2 to 64 characters: letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadRequest(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise BadRequest(f"the password must have at most {MAX_PASSWORD_CHARS} characters")


def lockout_seconds(failures: int, settings: StaffSettings) -> float | None:
    """How long an account stays locked after `failures` wrong passwords in a row (None: not
    locked): the base length at the limit, doubling with each further failure, capped."""
    extra = failures - settings.login_max_failures
    if extra < 0:
        return None
    grown = settings.login_lockout_seconds * 2.0 ** min(extra, 32)
    return float(min(grown, settings.login_lockout_max_seconds))


async def create_user(
    sessions: SessionFactory,
    username: str,
    password: str,
    role: StaffRole,
    *,
    hotel_id: int | None = None,
) -> StaffMember:
    """A console account; `hotel_id`: it sees that hotel's conversations only."""
    name = normalise_username(username)
    check_password(password)
    hashed = await _hash(password)
    async with sessions() as session, session.begin():
        accounts = StaffAccountRepository(session)
        if await accounts.by_username(name) is not None:
            raise Conflict(f"the staff account {name!r} exists already")
        await _check_hotel(session, hotel_id)
        user = await accounts.add(username=name, password_hash=hashed, role=role.value)
        user.hotel_id = hotel_id
        return _member(user)


async def set_hotel(sessions: SessionFactory, username: str, hotel_id: int | None) -> StaffMember:
    """The one hotel the account works for from now on (None: every hotel). Its open
    sessions see the change at their next request."""
    async with sessions() as session, session.begin():
        accounts = StaffAccountRepository(session)
        user = await _existing(accounts, username)
        await _check_hotel(session, hotel_id)
        user.hotel_id = hotel_id
        return _member(user)


async def _check_hotel(session: AsyncSession, hotel_id: int | None) -> None:
    if hotel_id is not None and await HotelRepository(session).get(hotel_id) is None:
        raise NotFound(f"there is no hotel {hotel_id}")


async def set_password(sessions: SessionFactory, username: str, password: str) -> StaffMember:
    """A new password; the account's sessions end and any lockout is lifted."""
    check_password(password)
    hashed = await _hash(password)
    async with sessions() as session, session.begin():
        accounts = StaffAccountRepository(session)
        user = await _existing(accounts, username)
        user.password_hash = hashed
        user.failed_logins = 0
        user.locked_until = None
        await accounts.end_sessions_of(user.id)
        return _member(user)


async def disable_user(sessions: SessionFactory, username: str) -> StaffMember:
    """No more logins; the account's sessions end now. Its audit records stay."""
    async with sessions() as session, session.begin():
        accounts = StaffAccountRepository(session)
        user = await _existing(accounts, username)
        if user.disabled_at is None:
            user.disabled_at = utcnow()
        await accounts.end_sessions_of(user.id)
        return _member(user)


async def log_in(
    sessions: SessionFactory, settings: StaffSettings, username: str, password: str
) -> NewLogin:
    """A new console session, or Unauthorized (wrong username or password, disabled account)
    or RateLimited (locked: even the right password is refused until the lock ends)."""
    now = utcnow()
    name = username.strip().lower()
    refusal: Unauthorized | RateLimited | None = None
    async with sessions() as session, session.begin():
        accounts = StaffAccountRepository(session)
        user = await accounts.by_username(name, lock=True) if USERNAME.fullmatch(name) else None
        if user is None or user.disabled_at is not None:
            # The same work as a real check, so timing does not tell which accounts exist.
            await _verify(_dummy_hash(), password)
            raise Unauthorized(WRONG_LOGIN)
        if user.locked_until is not None and user.locked_until > now:
            # The same work as a real check too: a quick refusal would tell a guesser the
            # account exists (and is locked).
            await _verify(_dummy_hash(), password)
            raise _locked(user.locked_until, now)
        if not await _verify(user.password_hash, password):
            user.failed_logins += 1
            seconds = lockout_seconds(user.failed_logins, settings)
            if seconds is not None:
                user.locked_until = now + timedelta(seconds=seconds)
            record(
                session,
                _member(user),
                "login_failed",
                detail={"failures": user.failed_logins, "locked_seconds": seconds},
                now=now,
            )
            # Refused after the commit: the failure must count.
            refusal = Unauthorized(WRONG_LOGIN)
        else:
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = await _hash(password)
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            token = secrets.token_urlsafe(32)
            csrf = secrets.token_urlsafe(32)
            expires_at = now + timedelta(hours=settings.session_hours)
            await accounts.end_expired_sessions(now)
            accounts.add_session(
                token_hash=token_hash(token),
                user_id=user.id,
                csrf_token=csrf,
                expires_at=expires_at,
            )
            member = _member(user)
            record(session, member, "login", now=now)
    if refusal is not None:
        raise refusal
    return NewLogin(token=token, session=ConsoleSession(member, csrf), expires_at=expires_at)


async def session_for(session: AsyncSession, token: str) -> ConsoleSession | None:
    """The live session a cookie's token names (None: unknown, expired, account disabled)."""
    found = await StaffAccountRepository(session).live_session(token_hash(token), utcnow())
    if found is None:
        return None
    login, user = found
    member = _member(user)
    if user.hotel_id is not None:
        hotel = await HotelRepository(session).get(user.hotel_id)
        member = replace(member, hotel_name=hotel.name if hotel else None)
    return ConsoleSession(member, login.csrf_token)


async def log_out(sessions: SessionFactory, token: str, member: StaffMember) -> None:
    async with sessions() as session, session.begin():
        await StaffAccountRepository(session).end_session(token_hash(token))
        record(session, member, "logout", now=utcnow())


def record(
    session: AsyncSession,
    member: StaffMember,
    action: str,
    *,
    conversation_id: int | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    """An audit record of `member`'s action, in the caller's transaction."""
    StaffAccountRepository(session).audit(
        user_id=member.user_id,
        username=member.username,
        action=action,
        conversation_id=conversation_id,
        detail=detail,
        now=now,
    )


@dataclass(frozen=True)
class StaffAction:
    username: str
    action: str
    at: datetime
    conversation_id: int | None = None
    detail: dict[str, Any] | None = None
    guest_name: str | None = None


async def staff_actions(session: AsyncSession, conversation_id: int) -> list[StaffAction]:
    """What staff did in a conversation (take over, reply, hand back), oldest first."""
    entries = await StaffAccountRepository(session).audit_of_conversation(conversation_id)
    return [StaffAction(e.username, e.action, e.created_at) for e in entries]


async def audit_log(
    session: AsyncSession, member: StaffMember, *, limit: int = 200
) -> list[StaffAction]:
    """Every kind of staff action (logins, failed logins, takeovers…), newest first, as far
    as `member` sees: a member of one hotel only that hotel's conversations and content
    (not the logins, which belong to no hotel)."""
    entries = await StaffAccountRepository(session).recent_audit(
        limit=limit, hotel_id=member.hotel_id
    )
    return [
        StaffAction(e.username, e.action, e.created_at, e.conversation_id, e.detail or None, name)
        for e, name in entries
    ]


def in_scope(member: StaffMember | None, hotel_id: int) -> bool:
    """May `member` see and act on this hotel's conversations? (None: an unscoped caller,
    the operator's command line.)"""
    return member is None or member.hotel_id is None or member.hotel_id == hotel_id


def is_admin(member: StaffMember) -> bool:
    return member.role == StaffRole.ADMIN


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _locked(until: datetime, now: datetime) -> RateLimited:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return RateLimited("too many wrong passwords: the account is locked for a while", seconds)


async def _existing(accounts: StaffAccountRepository, username: str) -> StaffUser:
    user = await accounts.by_username(normalise_username(username))
    if user is None:
        raise NotFound(f"there is no staff account {username!r}")
    return user


def _member(user: StaffUser) -> StaffMember:
    return StaffMember(
        user_id=user.id, username=user.username, role=user.role, hotel_id=user.hotel_id
    )


async def _hash(password: str) -> str:
    # argon2 is deliberately slow (tens of ms): off the event loop.
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify(hashed: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))
