"""`hotel-agent pms …`: operator commands to check the PMS, search it (one room type for the
party, or a room for each group of guests: `pms rooms`), and list bookings.

Nothing here understands or answers a guest, so it builds no dialogue engine, NLU or language
model: the PMS adapter (behind the same breaker and cache as `serve`) and the bookings ledger.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from hotel_agent.pms.errors import PmsError
from hotel_agent.pms.port import Stay
from hotel_agent.pms.rooms import RoomParty, room_choices
from hotel_agent.settings import Settings

if TYPE_CHECKING:
    from hotel_agent.bookings.ledger import DatabaseBookingLedger
    from hotel_agent.pms.resilience import ResilientPms


def add_parser(commands: Any) -> None:
    pms = commands.add_parser("pms", help="check the PMS, search availability, list bookings")
    actions = pms.add_subparsers(dest="pms_command", metavar="ACTION", required=True)
    actions.add_parser(
        "check",
        help="credentials, hotel and room types",
        epilog="Example: `hotel-agent pms check` (exit 1, with the reason, when the PMS refuses).",
    )
    search = actions.add_parser(
        "search",
        help="live availability and rates",
        epilog="Examples: `hotel-agent pms search --check-in 2026-07-10 --check-out 2026-07-13 "
        "--adults 2`, `hotel-agent pms search --check-in 2026-07-10 --check-out 2026-07-13 "
        "--adults 2 --children 1 --rooms 1 --json`.",
    )
    search.add_argument("--check-in", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    search.add_argument("--check-out", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    search.add_argument("--adults", type=int, required=True)
    search.add_argument("--children", type=int, default=0)
    search.add_argument("--rooms", type=int, default=1)
    search.add_argument("--json", action="store_true", help="one JSON document")
    rooms = actions.add_parser(
        "rooms",
        help="room choices for parties that each need a room",
        epilog="Examples: `hotel-agent pms rooms --check-in 2026-07-10 --check-out 2026-07-13 "
        "--room 2 --room 2+2:4,9`, the same with `--json`: `hotel-agent pms rooms --check-in "
        "2026-07-10 --check-out 2026-07-13 --room 2+1 --json`.",
    )
    rooms.add_argument("--check-in", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    rooms.add_argument("--check-out", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD")
    rooms.add_argument(
        "--room",
        type=_party,
        action="append",
        required=True,
        metavar="ADULTS[+CHILDREN[:AGE,...]]",
        help="one room's guests, e.g. 2, 2+1 or 2+2:4,9; repeat for each room",
    )
    rooms.add_argument("--json", action="store_true", help="one JSON document")
    bookings = actions.add_parser(
        "bookings",
        help="bookings the agent made, with PMS status",
        epilog="Examples: `hotel-agent pms bookings`, "
        "`hotel-agent pms bookings --limit 10 --json`.",
    )
    bookings.add_argument("--limit", type=int, default=50)
    bookings.add_argument("--json", action="store_true", help="one JSON document")


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    return asyncio.run(_run(args, settings, out))


@dataclass(frozen=True)
class _Desk:
    """What the PMS commands use: the PMS as `serve` builds it, and the agent's bookings."""

    settings: Settings
    pms: ResilientPms
    bookings: DatabaseBookingLedger


@asynccontextmanager
async def _desk(settings: Settings) -> AsyncIterator[_Desk]:
    import httpx

    from hotel_agent.bookings.ledger import DatabaseBookingLedger
    from hotel_agent.db.engine import create_engine, create_session_factory
    from hotel_agent.pms.factory import build_pms, build_redis

    engine = create_engine(settings)
    redis = build_redis(settings)
    try:
        async with httpx.AsyncClient() as http:  # QloApps' client sets PMS_TIMEOUT per call
            sessions = create_session_factory(engine)
            pms = build_pms(settings, sessions=sessions, http=http, redis=redis)
            bookings = DatabaseBookingLedger(sessions, pms, pms_type=settings.pms.type.value)
            yield _Desk(settings=settings, pms=pms, bookings=bookings)
    finally:
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


async def _run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    actions = {"check": _check, "search": _search, "rooms": _rooms, "bookings": _bookings}
    action = actions[args.pms_command]
    async with _desk(settings) as desk:
        try:
            return await action(desk, args, out)
        except PmsError as exc:
            out.write(f"error: {exc.detail}\n")
            return 1


async def _check(desk: _Desk, _: argparse.Namespace, out: TextIO) -> int:
    health = await desk.pms.health()
    out.write(
        f"PMS ({desk.settings.pms.type}): {'ok' if health.ok else 'FAILING'} — {health.detail}\n"
    )
    if not health.ok:
        return 1
    hotel = await desk.pms.hotel()
    out.write(
        f"hotel: {hotel.name} (id {hotel.id}), check-in {hotel.check_in_time:%H:%M}, "
        f"check-out {hotel.check_out_time:%H:%M}, currency {hotel.currency}\n"
    )
    for room_type in await desk.pms.room_types():
        out.write(
            f"  room type {room_type.id}: {room_type.name('en')} — up to {room_type.max_adults} "
            f"adults, {room_type.max_children} children, {room_type.max_guests} guests\n"
        )
    return 0


async def _search(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    stay = Stay(
        check_in=args.check_in,
        check_out=args.check_out,
        adults=args.adults,
        children=args.children,
        rooms=args.rooms,
    )
    offers = await desk.pms.search(stay)
    if args.json:
        out.write(json.dumps([o.model_dump(mode="json") for o in offers], indent=2) + "\n")
        return 0
    if not offers:
        out.write("no availability for that stay\n")
        return 0
    out.write(f"{stay.nights} night(s), {stay.adults} adult(s), {stay.children} child(ren)\n")
    for offer in offers:
        out.write(
            f"  {offer.room_type.id:>8}  {offer.room_type.name('en'):<32} "
            f"{offer.nightly_price:>9} {offer.currency}/night  {offer.total_price:>10} "
            f"{offer.currency} total  {offer.rooms_left} left\n"
        )
    return 0


def _party(text: str) -> RoomParty:
    """`2`, `2+1` or `2+2:4,9`: adults, children and the children's ages of one room."""
    try:
        guests, _, ages = text.partition(":")
        adults, _, children = guests.partition("+")
        return RoomParty(
            adults=int(adults),
            children=int(children or 0),
            child_ages=[int(age) for age in ages.split(",")] if ages else [],
        )
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not ADULTS[+CHILDREN[:AGE,...]]") from exc


async def _rooms(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    choices = await room_choices(desk.pms, args.check_in, args.check_out, args.room)
    if args.json:
        out.write(json.dumps([c.model_dump(mode="json") for c in choices], indent=2) + "\n")
        return 0
    if not choices:
        out.write("no rooms free for those guests on those dates\n")
        return 0
    for number, choice in enumerate(choices, 1):
        out.write(f"{number}. {choice.total_price} {choice.currency} in total\n")
        for room in choice.rooms:
            line = room.line
            out.write(
                f"     {room.room_type.id:>8}  {room.room_type.name('en'):<32} "
                f"{line.adults} adult(s), {line.children} child(ren)  "
                f"{room.total_price:>10} {choice.currency}\n"
            )
    return 0


def _room_types(row: dict[str, Any]) -> str:
    """ "DBL" or "DBL+IND": the type of each room, as recorded."""
    rooms = row["rooms"] or [{"room_type_id": row["room_type_id"]}]
    return "+".join(str(room["room_type_id"]) for room in rooms)


async def _bookings(desk: _Desk, args: argparse.Namespace, out: TextIO) -> int:
    rows: list[dict[str, Any]] = []
    for record in await desk.bookings.recent(args.limit):
        pms_status: str | None = None
        if record.pms_id:
            try:
                pms_status = (await desk.pms.get_booking(record.pms_id)).status.value
            except PmsError as exc:
                pms_status = f"error: {exc.code}"
        rows.append(
            {
                "reference": record.reference,
                "pms_id": record.pms_id,
                "status": record.status,
                "pms_status": pms_status,
                "check_in": record.check_in.isoformat(),
                "check_out": record.check_out.isoformat(),
                "room_type_id": record.room_type_id,
                # Every room of the booking; records older than them have none ([]).
                "rooms": record.room_lines,
                "adults": record.adults,
                "children": record.children,
                "total": str(record.total_price) if record.total_price is not None else None,
                "currency": record.currency,
                "created_at": record.created_at.isoformat(),
            }
        )
    if args.json:
        out.write(json.dumps(rows, indent=2) + "\n")
        return 0
    if not rows:
        out.write("the agent has made no bookings yet\n")
    for row in rows:
        out.write(
            f"{row['reference'] or '-':<12} {row['status']:<10} pms:{row['pms_status'] or '-':<10} "
            f"{row['check_in']}→{row['check_out']} room {_room_types(row)} "
            f"{row['adults']}+{row['children']} {row['total'] or '-'} {row['currency'] or ''}\n"
        )
    return 0
