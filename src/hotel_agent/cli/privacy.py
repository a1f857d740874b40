"""`hotel-agent guest export|forget` and `hotel-agent retention run` (docs/privacy.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, TextIO

from hotel_agent.errors import BadRequest
from hotel_agent.settings import Settings

GUEST_HELP = (
    "the guest: a guest id (42), a phone number with its country code (+34611111111), an "
    "e-mail address, or CHANNEL:ID (webchat:SESSION, whatsapp:WA_ID)"
)


def add_parsers(commands: Any) -> None:
    guest = commands.add_parser(
        "guest",
        help="a guest's personal data: export it, or forget the guest (GDPR)",
        epilog="Examples: `hotel-agent guest export --guest +34611111111 --output ana.json`, "
        "`hotel-agent guest forget --guest ana@example.com` (shows what it would erase), "
        "`hotel-agent guest forget --guest ana@example.com --yes`.",
    )
    actions = guest.add_subparsers(dest="guest_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="everything held about the guest, as JSON",
        epilog="Examples: `hotel-agent guest export --guest +34611111111 --output ana.json`, "
        "`hotel-agent guest export --guest whatsapp:34611111111` (to stdout).",
    )
    export.add_argument("--guest", required=True, help=GUEST_HELP)
    export.add_argument("--output", type=argparse.FileType("w"), help="file (default: stdout)")
    forget = actions.add_parser(
        "forget",
        help="erase the guest's messages and identities; keep booking references",
        description="The PMS's copy of a booking (name, e-mail, phone) is not erased: it is the "
        "hotel's record of the stay; erase it in the PMS when it no longer has to be kept "
        "(docs/privacy.md).",
        epilog="Examples: `hotel-agent guest forget --guest ana@example.com` (shows what it "
        "would erase), `hotel-agent guest forget --guest ana@example.com --yes`.",
    )
    forget.add_argument("--guest", required=True, help=GUEST_HELP)
    forget.add_argument("--yes", action="store_true", help="erase (without it: only show what)")
    retention = commands.add_parser(
        "retention",
        help="remove data older than the RETENTION_* settings",
        epilog="Example: `hotel-agent retention run` (workers also run it every "
        "RETENTION_INTERVAL_HOURS).",
    )
    retention_actions = retention.add_subparsers(
        dest="retention_command", metavar="ACTION", required=True
    )
    retention_actions.add_parser(
        "run", help="one pass now", epilog="Example: `hotel-agent retention run`."
    )


def run_guest(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    try:
        return asyncio.run(_guest(args, settings, out))
    except BadRequest as exc:
        print(f"hotel-agent: {exc.detail}", file=sys.stderr)
        return 2


async def _guest(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from hotel_agent.db.engine import create_engine, create_session_factory
    from hotel_agent.privacy.guests import GuestQuery, export_guest, forget_guest

    query = GuestQuery.parse(args.guest)
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    try:
        if args.guest_command == "export":
            async with sessions() as session:
                document = await export_guest(session, query)
            target = args.output or out
            json.dump(document, target, ensure_ascii=False, indent=2)
            target.write("\n")
            if not document["guests"]:
                print(f"no guest matches {args.guest}", file=sys.stderr)
                return 1
            return 0
        async with sessions() as session:
            transaction = await session.begin()
            forgotten = await forget_guest(session, query)
            if args.yes:
                await transaction.commit()
                forgotten.audit()
            else:
                await transaction.rollback()  # a dry run: the same erasure, undone
    finally:
        await engine.dispose()
    if not forgotten.guest_ids:
        print(f"no guest matches {args.guest}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{kind} {count}" for kind, count in forgotten.counts.items())
    if args.yes:
        out.write(f"forgotten: {summary}\n")
    else:
        out.write(f"would erase: {summary}\n")
    out.write(_pms_copy(forgotten.kept_in_pms, erased=args.yes))
    if not args.yes:
        out.write("run again with --yes to erase\n")
    return 0


def _pms_copy(bookings: list[str], *, erased: bool) -> str:
    # The agent erases only its own copy: the PMS's booking is the hotel's record of the stay
    # (invoicing, the police register of guests), which the hotel may have to keep.
    if not bookings:
        return (
            "PMS: no booking was made through the agent; bookings made elsewhere are not touched\n"
        )
    return (
        f"PMS: {'kept' if erased else 'will keep'} {', '.join(bookings)} with the guest's name, "
        "e-mail and phone (the hotel's record of the stay): erase or anonymise them in the "
        "PMS when the hotel no longer has to keep them (docs/privacy.md)\n"
    )


def run_retention(_: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    from hotel_agent.db.engine import create_engine, create_session_factory
    from hotel_agent.privacy.retention import run_retention as retention_pass

    async def once() -> dict[str, int]:
        engine = create_engine(settings)
        try:
            return await retention_pass(create_session_factory(engine), settings.retention)
        finally:
            await engine.dispose()

    done = asyncio.run(once())
    out.write(
        "removed: "
        + (", ".join(f"{kind} {count}" for kind, count in done.items()) or "nothing")
        + "\n"
    )
    return 0
