"""`hotel-agent staff …`: the conversations waiting for staff, their transcripts, replies,
takeover and handback — straight on the database, through the same service as the staff API;
and the console's accounts (create-user, set-password, disable-user).

A reply is queued in the outbox; whichever sender runs delivers it (`serve` on SQLite runs one
in-process, PostgreSQL deployments run `hotel-agent worker`). Nothing is sent by this command,
so it builds no dialogue engine, NLU or PMS: the database and the channels' settings only.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from hotel_agent.errors import HotelAgentError
from hotel_agent.settings import Settings
from hotel_agent.staff.schemas import StaffReplyIn

if TYPE_CHECKING:
    from hotel_agent.channels.port import Channel
    from hotel_agent.db.engine import SessionFactory
    from hotel_agent.inbox.signals import Signals
    from hotel_agent.staff.schemas import ConversationSummary

_PREVIEW_CHARS = 60


def add_parser(commands: Any) -> None:
    staff = commands.add_parser(
        "staff",
        help="conversations handed to staff: list, show, reply, handback, takeover; "
        "dead-letters, resend; console accounts: create-user, set-password, disable-user, "
        "set-hotel",
    )
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="conversations waiting for staff",
        epilog="Examples: `hotel-agent staff list`, `hotel-agent staff list --all --limit 20`.",
    )
    listing.add_argument(
        "--all", action="store_true", help="every conversation, the bot's included"
    )
    listing.add_argument("--limit", type=int, default=50)
    show = actions.add_parser(
        "show",
        help="a conversation and its transcript",
        epilog="Example: `hotel-agent staff show 42` (42: an id from `hotel-agent staff list`).",
    )
    show.add_argument("id", type=int, metavar="ID")
    reply = actions.add_parser(
        "reply",
        help="send the guest a message from staff",
        epilog="Example: `hotel-agent staff reply 42 Hola Ana, le confirmo la cuna para el "
        "día 10`.",
    )
    reply.add_argument("id", type=int, metavar="ID")
    reply.add_argument("text", nargs="+", metavar="TEXT", help="the message (words are joined)")
    handback = actions.add_parser(
        "handback",
        help="let the bot answer the guest again",
        epilog="Example: `hotel-agent staff handback 42`.",
    )
    handback.add_argument("id", type=int, metavar="ID")
    takeover = actions.add_parser(
        "takeover",
        help="answer the guest yourself; the bot stops",
        epilog="Example: `hotel-agent staff takeover 42`.",
    )
    takeover.add_argument("id", type=int, metavar="ID")
    dead = actions.add_parser(
        "dead-letters",
        help="sends given up on, not re-sent yet",
        epilog="Examples: `hotel-agent staff dead-letters`, "
        "`hotel-agent staff dead-letters --limit 10`.",
    )
    dead.add_argument("--limit", type=int, default=50)
    resend = actions.add_parser(
        "resend",
        help="queue a dead letter again (see dead-letters)",
        epilog="Example: `hotel-agent staff resend 7` (7: an id from "
        "`hotel-agent staff dead-letters`).",
    )
    resend.add_argument("id", type=int, metavar="ID", help="the dead letter's id")
    create = actions.add_parser(
        "create-user",
        help="a staff account for the console",
        epilog="Examples: `hotel-agent staff create-user --username admin --role admin` (asks "
        "the password twice), `printf '%s' \"$PASSWORD\" | hotel-agent staff create-user "
        "--username recepcion --role staff --hotel-id 1 --password-stdin`.",
    )
    create.add_argument("--username", required=True)
    create.add_argument("--role", choices=["admin", "staff"], default="staff")
    create.add_argument(
        "--hotel-id",
        type=int,
        default=None,
        help="sees only this hotel's conversations (default: every hotel)",
    )
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password = actions.add_parser(
        "set-password",
        help="a new password (ends its sessions)",
        epilog="Examples: `hotel-agent staff set-password --username recepcion`, "
        "`printf '%s' \"$PASSWORD\" | hotel-agent staff set-password --username recepcion "
        "--password-stdin`.",
    )
    password.add_argument("--username", required=True)
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    disable = actions.add_parser(
        "disable-user",
        help="no more logins; its sessions end now",
        epilog="Example: `hotel-agent staff disable-user --username recepcion`.",
    )
    disable.add_argument("--username", required=True)
    hotel = actions.add_parser(
        "set-hotel",
        help="the one hotel whose conversations an account sees, or every hotel",
        epilog="Examples: `hotel-agent staff set-hotel --username recepcion --hotel-id 2`, "
        "`hotel-agent staff set-hotel --username admin --all-hotels`.",
    )
    hotel.add_argument("--username", required=True)
    which = hotel.add_mutually_exclusive_group(required=True)
    which.add_argument("--hotel-id", type=int, help="the hotel's id")
    which.add_argument("--all-hotels", action="store_true", help="every hotel (e.g. admins)")


def run(
    args: argparse.Namespace,
    settings: Settings,
    out: TextIO = sys.stdout,
    stdin: TextIO | None = None,
) -> int:
    return asyncio.run(_run(args, settings, out, stdin or sys.stdin))


@dataclass(frozen=True)
class _Desk:
    """What the staff commands use: the database and the queue's wake-ups (no sender runs in
    this process, so waking it is a no-op; the running one polls)."""

    settings: Settings
    sessions: SessionFactory
    signals: Signals
    stdin: TextIO


@asynccontextmanager
async def _channels(settings: Settings) -> AsyncIterator[Mapping[str, Channel]]:
    """The channels configured, for the commands that queue a send: is it deliverable?"""
    import httpx

    from hotel_agent.channels.factory import build_channels

    async with httpx.AsyncClient(timeout=settings.whatsapp.timeout_seconds) as http:
        yield build_channels(settings, http)


async def _run(args: argparse.Namespace, settings: Settings, out: TextIO, stdin: TextIO) -> int:
    from hotel_agent.db.engine import create_engine, create_session_factory
    from hotel_agent.inbox.signals import Signals

    engine = create_engine(settings)
    desk = _Desk(
        settings=settings,
        sessions=create_session_factory(engine),
        signals=Signals(),
        stdin=stdin,
    )
    try:
        action = {
            "list": _list,
            "show": _show,
            "reply": _reply,
            "handback": _handback,
            "takeover": _takeover,
            "dead-letters": _dead_letters,
            "resend": _resend,
            "create-user": _create_user,
            "set-password": _set_password,
            "disable-user": _disable_user,
            "set-hotel": _set_hotel,
        }[args.staff_command]
        return await action(desk, args, out)
    except HotelAgentError as exc:
        out.write(f"error: {exc.detail}\n")
        return 1
    finally:
        await engine.dispose()


async def _list(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import service

    async with desk.sessions() as session:
        listing = await service.list_conversations(
            session, "all" if args.all else "staff", limit=args.limit
        )
    if not listing.conversations:
        out.write("no conversations\n" if args.all else "no conversation is waiting for staff\n")
        return 0
    zone = _zone(desk)
    for c in listing.conversations:
        last = _preview(c.last_message_text) if c.last_message_text is not None else "-"
        out.write(
            f"#{c.id:<5} {c.channel:<9} {c.owner:<6} {_who(c):<28} {c.language or '-':<3} "
            f"{_when(c.last_message_at, zone):<17} {c.handoff_reason or '-':<16} {last}\n"
        )
    return 0


async def _show(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import service

    async with desk.sessions() as session:
        transcript = await service.transcript(session, args.id)
    zone = _zone(desk)
    c = transcript.conversation
    out.write(f"conversation #{c.id} on {c.channel} with {_who(c)}\n")
    owner = "staff" if c.owner == "staff" else "the bot"
    since = f" since {_when(c.handoff_at, zone)}" if c.handoff_at else ""
    reason = f" (reason: {c.handoff_reason})" if c.handoff_reason else ""
    out.write(f"answered by {owner}{since}{reason}; language {c.language or 'unknown'}\n\n")
    if not transcript.messages:
        out.write("(no messages yet)\n")
    for m in transcript.messages:
        status = "" if m.direction == "in" else f"  [{m.status}{': ' + m.error if m.error else ''}]"
        text = m.text or f"[{m.type}]"
        out.write(f"{_when(m.created_at, zone)}  {m.author:>5}: {text}{status}\n")
    return 0


async def _reply(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.knowledge import knowledge_for
    from hotel_agent.staff import service

    try:
        body = StaffReplyIn(text=" ".join(args.text))
    except ValidationError as exc:
        out.write(f"error: {exc.errors()[0]['msg'].removeprefix('Value error, ')}\n")
        return 2
    async with _channels(desk.settings) as channels:
        result = await service.reply(
            desk.sessions,
            channels,
            desk.signals,
            args.id,
            body,
            templates=knowledge_for(desk.settings).templates,
        )
    if result.took_over:
        out.write(f"took conversation #{args.id} over from the bot\n")
    out.write(
        f"queued message {result.message.id} to conversation #{args.id} "
        f"({result.conversation.channel}); the running sender delivers it\n"
    )
    return 0


async def _handback(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import service

    await service.hand_back(desk.sessions, args.id)
    out.write(f"conversation #{args.id} is answered by the bot again\n")
    return 0


async def _takeover(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import service

    await service.take_over(desk.sessions, args.id)
    out.write(f"conversation #{args.id} is answered by staff now; the bot stays silent\n")
    return 0


async def _dead_letters(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import dead_letters

    async with desk.sessions() as session:
        letters = await dead_letters.list_dead_letters(session, limit=args.limit)
    if not letters:
        out.write("no dead letters\n")
        return 0
    zone = _zone(desk)
    for d in letters:
        why = f"{d.reason}{f' ({d.error_code})' if d.error_code else ''}"
        what = _preview(d.text) if d.text else "-"
        out.write(
            f"{d.id:<6} {_when(d.created_at, zone):<17} {d.channel:<9} {d.kind:<9} "
            f"#{d.conversation_id:<5} {why:<28} {what}\n"
        )
    out.write("re-send one with: hotel-agent staff resend ID\n")
    return 0


async def _resend(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import dead_letters

    async with _channels(desk.settings) as channels:
        letter = await dead_letters.resend(desk.sessions, channels, desk.signals, args.id)
    out.write(
        f"dead letter {letter.id} ({letter.kind} to conversation #{letter.conversation_id}) "
        "is queued again; the running sender delivers it\n"
    )
    return 0


async def _create_user(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.db.models import StaffRole
    from hotel_agent.staff import accounts

    password = _password(desk, args)
    if password is None:
        return _mismatch(out)
    member = await accounts.create_user(
        desk.sessions, args.username, password, StaffRole(args.role), hotel_id=args.hotel_id
    )
    scope = f" ({_hotels(member.hotel_id)})" if member.hotel_id is not None else ""
    out.write(f"created {member.role} {member.username}{scope}; sign in at /staff/login\n")
    return 0


async def _set_hotel(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import accounts

    member = await accounts.set_hotel(
        desk.sessions, args.username, None if args.all_hotels else args.hotel_id
    )
    out.write(f"{member.username} now sees {_hotels(member.hotel_id)}\n")
    return 0


def _hotels(hotel_id: int | None) -> str:
    return "every hotel" if hotel_id is None else f"hotel {hotel_id} only"


async def _set_password(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import accounts

    password = _password(desk, args)
    if password is None:
        return _mismatch(out)
    member = await accounts.set_password(desk.sessions, args.username, password)
    out.write(f"new password for {member.username}; their sessions have ended\n")
    return 0


async def _disable_user(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    from hotel_agent.staff import accounts

    member = await accounts.disable_user(desk.sessions, args.username)
    out.write(f"disabled {member.username}; their sessions have ended\n")
    return 0


def _password(desk: _Desk, args: argparse.Namespace) -> str | None:
    """The password from standard input's first line, or typed twice at a prompt (None: the
    two differ). Never from the command line, where `ps` and shell history would show it."""
    if args.password_stdin:
        return desk.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("password: ")
    second = getpass.getpass("again: ")
    return first if first == second else None


def _mismatch(out: TextIO) -> int:
    out.write("error: the passwords do not match\n")
    return 2


def _zone(desk: _Desk) -> ZoneInfo:
    return ZoneInfo(desk.settings.hotel.timezone)


def _when(at: datetime | None, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else "-"


def _who(c: ConversationSummary) -> str:
    parts = [c.guest_name or "guest", c.phone or ""]
    return " ".join(p for p in parts if p)


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW_CHARS else flat[: _PREVIEW_CHARS - 1] + "…"
