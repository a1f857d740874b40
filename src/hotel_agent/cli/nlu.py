"""`hotel-agent nlu [--now ISO_DATETIME] [--lang auto|es|en] [TEXT ...]`: what the agent
understands of each message, as one JSON object per line (`Understanding.to_json()`).

Every message is read on its own (no conversation): language auto-detection falls back to the
hotel's default language for messages that show none ("ok", "👍"). With no TEXT, messages are
read from stdin, one per line (an empty line is an empty message, so output line N answers
input line N), and each answer is written as soon as its line is read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from hotel_agent.settings import PmsType, Settings

if TYPE_CHECKING:
    from hotel_agent.nlu.entities import RoomTypeName


def add_parser(commands: Any) -> None:
    nlu = commands.add_parser(
        "nlu",
        help="understand messages: language, intent, FAQ topic, entities (JSON lines)",
        epilog="Examples: `hotel-agent nlu 'habitación doble del 10 al 13 de julio'`, "
        "`hotel-agent nlu --lang en --now 2026-07-01T09:00 'a room for tomorrow, 2 adults'`, "
        "`hotel-agent nlu < messages.txt` (one message a line).",
    )
    nlu.add_argument(
        "--now",
        metavar="ISO_DATETIME",
        help="the moment relative dates are read against (default: now in the hotel's time "
        "zone; a time without offset is taken in that zone)",
    )
    nlu.add_argument(
        "--lang",
        choices=["auto", "es", "en"],
        default="auto",
        help="the messages' language (default: detect it)",
    )
    nlu.add_argument("texts", nargs="*", metavar="TEXT", help="messages (default: stdin lines)")


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout) -> int:
    zone = ZoneInfo(settings.hotel.timezone)
    try:
        now = hotel_now(args.now, zone)
    except ValueError:
        print(f"error: --now {args.now!r} is not an ISO 8601 date-time", file=sys.stderr)
        return 2
    # Imported here so that `hotel-agent --help` and the other commands stay fast.
    from hotel_agent.nlu.pipeline import Understander

    # The trained model is kept under DATA_DIR: later runs load it instead of importing
    # scikit-learn and training, which is most of a cold start.
    understander = Understander(model_cache=settings.data_dir / "nlu")
    room_types = _room_types(settings)
    hint = None if args.lang == "auto" else args.lang
    messages: Iterable[str] = args.texts or (line.rstrip("\r\n") for line in sys.stdin)
    for message in messages:
        understanding = understander.understand(
            message,
            now=now,
            language_hint=hint,
            default_language=settings.hotel.default_language,
            room_types=room_types,
        )
        out.write(json.dumps(understanding.to_json(), ensure_ascii=False) + "\n")
        out.flush()
    return 0


def hotel_now(value: str | None, zone: ZoneInfo) -> datetime:
    """`--now` as an aware date-time in the hotel's zone (naive values are hotel time)."""
    if value is None:
        return datetime.now(zone)
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone)
    return parsed.astimezone(zone)


def _room_types(settings: Settings) -> Sequence[RoomTypeName]:
    """The room types guests may name, with the hotel's synonyms ("una doble", "a twin"): the
    demo hotel's when the embedded simulator serves.

    A real PMS would need a network call before the first answer; this command is for trying
    the understanding quickly, so with QloApps room types are not matched.
    """
    if settings.pms.type is not PmsType.SIMULATOR:
        return ()
    from hotel_agent.knowledge import KnowledgeError, knowledge_for
    from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL

    # The simulator serves these specs once seeded; building them here spares a database.
    room_types = [spec.room_type() for spec in DEMO_HOTEL.room_types]
    try:
        knowledge = knowledge_for(settings)
    except KnowledgeError as exc:
        # An operator trying a knowledge file wants its problem, not a traceback.
        raise SystemExit(f"error: {exc.detail}") from None
    return knowledge.room_type_names(room_types)
