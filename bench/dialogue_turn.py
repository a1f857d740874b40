"""Dialogue benchmark: whole turns through the engine, as the worker runs them.

`runtime.dialogue.handle(TurnInput)` in this process, with the app's own runtime (the NLU, the
demo hotel's knowledge, the PMS simulator behind `ResilientPms`, the booking records), on a
temporary SQLite file and, when reachable, on a fresh PostgreSQL database (created and dropped
here). No web or queue around it: this is the turn itself, what a worker spends per message.

After a warm-up of every kind, it times, one turn at a time:

- greeting: "Hola" on a fresh conversation;
- search: dates and party on a fresh conversation, answered with live offers (a different stay
  each time, so every search reaches the simulator's tables);
- faq: a question the knowledge file answers;
- booking: a whole conversation of 5 turns (ask → dates and party → "la primera" → name and
  e-mail → "sí") ending in a real booking in the PMS, on different dates each time.

Each turn's reply is checked for what it should say; `unexpected_replies` counts those that did
not (a figure from a broken conversation is not a figure). Figures are printed as JSON, never
asserted.

    .venv/bin/python bench/dialogue_turn.py [--quick]
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from _common import main, progress, summary
from _stack import postgres_database, postgres_facts
from hotel_agent.channels.port import InboundMessage
from hotel_agent.db import migrate
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.dialogue.port import HotelInfo, TurnInput, TurnOutput
from hotel_agent.observability.logging import configure_logging
from hotel_agent.runtime import Runtime
from hotel_agent.settings import (
    DatabaseSettings,
    LlmSettings,
    PmsSettings,
    Settings,
    normalize_database_url,
)

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
GREETINGS = ("Hola", "Buenas tardes", "Hello!", "Buenos días")
# Each answered by a topic of the demo knowledge file (the reply must hold the word).
QUESTIONS = (
    ("¿A qué hora es el desayuno?", "desayuno"),
    ("¿Tenéis parking?", "parking"),
    ("What time is check-out?", "12"),
    ("Is there wifi in the rooms?", "Wi-Fi"),
)
KINDS = ("greeting", "search", "faq", "booking")


@dataclass(frozen=True)
class Plan:
    warmup: int  # turns of each kind (booking: conversations) before measuring
    turns: int  # measured greeting, search and faq turns, each
    bookings: int  # measured booking conversations (5 turns each)


FULL = Plan(warmup=10, turns=200, bookings=60)
QUICK = Plan(warmup=3, turns=30, bookings=8)


def run(*, quick: bool = False) -> dict[str, Any]:
    plan = QUICK if quick else FULL
    _quiet_logs()
    figures: dict[str, Any] = {
        "plan": asdict(plan),
        # Other processes on the machine slow every turn down: compare runs with similar loads.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory(prefix="bench-dialogue-") as directory:
        progress("dialogue_turn: SQLite")
        url = f"sqlite+aiosqlite:///{Path(directory) / 'hotel_agent.db'}"
        figures["sqlite"] = asyncio.run(measure(url, Path(directory), plan))
        figures["postgresql"] = _on_postgresql(Path(directory), plan)
    return figures


def _on_postgresql(data_dir: Path, plan: Plan) -> dict[str, Any]:
    admin_url = os.environ.get(
        "BENCH_POSTGRES_URL", os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    )
    try:
        facts = postgres_facts(admin_url)
    except Exception as exc:  # unreachable or refused: the SQLite figures still stand
        progress(f"dialogue_turn: PostgreSQL skipped ({type(exc).__name__})")
        return {"skipped": f"PostgreSQL at {admin_url} is not reachable: {type(exc).__name__}"}
    progress("dialogue_turn: PostgreSQL")
    with postgres_database(admin_url) as url:
        figures = asyncio.run(measure(normalize_database_url(url), data_dir, plan))
    return {**facts, **figures}


@dataclass
class Timings:
    wall_ms: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    cpu_ms: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    conversation_ms: list[float] = field(default_factory=list)
    yes_turn_ms: list[float] = field(default_factory=list)
    unexpected: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))


async def measure(database_url: str, data_dir: Path, plan: Plan) -> dict[str, Any]:
    no_env: dict[str, Any] = {"_env_file": None}
    settings = Settings(
        **no_env,
        data_dir=data_dir,  # the NLU model is trained once here, during the warm-up
        db=DatabaseSettings(**no_env, url=database_url),
        pms=PmsSettings(**no_env),
        llm=LlmSettings(**no_env, base_url=""),  # the deterministic engine only
        log_level="WARNING",
    )
    runtime = Runtime.build(settings)
    try:
        await migrate.upgrade(runtime.engine)
        await runtime.load_hotels()
        bench = TurnBench(runtime)
        started = time.perf_counter()
        warm = Timings()
        for _ in range(plan.warmup):
            for kind in KINDS:
                await bench.one(kind, warm)
        warmup_seconds = time.perf_counter() - started
        timings = Timings()
        for kind in KINDS:
            count = plan.bookings if kind == "booking" else plan.turns
            for _ in range(count):
                await bench.one(kind, timings)
        records = await runtime.bookings.recent(limit=10_000)
        bookings_made = sum(1 for record in records if record.pms_id)
    finally:
        await runtime.close()
    return _figures(plan, timings, warm, warmup_seconds, bookings_made)


def _figures(
    plan: Plan, timings: Timings, warm: Timings, warmup_seconds: float, bookings_made: int
) -> dict[str, Any]:
    turns: dict[str, Any] = {}
    for kind in ("greeting", "search", "faq"):
        turns[kind] = {
            "turns": len(timings.wall_ms[kind]),
            "latency_ms": summary(timings.wall_ms[kind], digits=2),
            "cpu_ms_per_turn": round(timings.cpu_ms[kind] / len(timings.wall_ms[kind]), 2),
        }
    booking_turns = timings.wall_ms["booking"]
    conversations_seconds = sum(timings.conversation_ms) / 1000
    turns["booking"] = {
        "conversations": len(timings.conversation_ms),
        "turns": len(booking_turns),
        "latency_ms": summary(booking_turns, digits=2),
        "cpu_ms_per_turn": round(timings.cpu_ms["booking"] / len(booking_turns), 2),
        "yes_turn_ms": summary(timings.yes_turn_ms, digits=2),
        "conversation_ms": summary(timings.conversation_ms, digits=1),
    }
    return {
        "warmup_seconds": round(warmup_seconds, 2),
        "turns": turns,
        # One conversation at a time: the engine's own pace, not a concurrent load.
        "bookings_per_s": round(len(timings.conversation_ms) / conversations_seconds, 2),
        "bookings_confirmed_by_pms": bookings_made,
        "bookings_expected": plan.bookings + plan.warmup,
        "unexpected_replies": {
            kind: timings.unexpected[kind] + warm.unexpected[kind] for kind in KINDS
        },
    }


class TurnBench:
    """Guests, each on their own conversation, whose turns are built as the worker builds
    them: the conversation's language and the state the previous turn returned."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        hotel = runtime.settings.hotel
        self.hotel = HotelInfo(
            id=runtime.hotels.default_hotel_id,
            slug=hotel.slug,
            name=hotel.name,
            timezone=hotel.timezone,
            default_language=hotel.default_language,
        )
        self.today = datetime.now(ZoneInfo(hotel.timezone)).date()
        self._guests = itertools.count(1)
        self._messages = itertools.count(1)
        self._stays = itertools.count(0)
        self._greetings = itertools.cycle(GREETINGS)
        self._questions = itertools.cycle(QUESTIONS)

    async def one(self, kind: str, timings: Timings) -> None:
        if kind == "booking":
            await self.booking(timings)
            return
        guest = await self.guest()
        expect: Callable[[TurnOutput, str], bool]
        if kind == "greeting":
            text = next(self._greetings)
            expect = _says_something
        elif kind == "search":
            text = f"Hola, ¿tenéis habitación {self.stay_text()} para 2 adultos?"
            expect = _offers
        else:
            text, word = next(self._questions)
            expect = _holding(word)
        await guest.turn(text, kind, timings, expect)

    async def booking(self, timings: Timings) -> None:
        guest = await self.guest()
        n = guest.number
        script: list[tuple[str, Callable[[TurnOutput, str], bool]]] = [
            ("Hola, quiero reservar una habitación", _holding("fechas")),
            (f"{self.stay_text()}, somos 2 adultos", _offers),
            ("la primera", _holding("correo")),
            (f"Marta Ruiz, marta.{n}@example.com", _holding("¿La confirmo?")),
            ("sí", _holding("Referencia")),
        ]
        started = time.perf_counter()
        for text, expect in script:
            took = await guest.turn(text, "booking", timings, expect)
        timings.conversation_ms.append((time.perf_counter() - started) * 1000)
        timings.yes_turn_ms.append(took)

    async def guest(self) -> Guest:
        number = next(self._guests)
        sender = f"3460{number:07d}"
        async with self.runtime.sessions() as session, session.begin():
            conversation = await ConversationRepository(session).get_or_create(
                hotel_id=self.hotel.id,
                channel="whatsapp",
                external_id=sender,
                alt_external_id=None,
                display_name=None,
                phone=sender,
                language=None,
            )
        return Guest(self, number, sender, conversation.id)

    def next_message_id(self) -> str:
        # Unique like a wamid: the "sí" turn's id is the booking's idempotency key.
        return f"wamid.bench-{next(self._messages)}"

    def stay_text(self) -> str:
        """A different stay each time, within the booking horizon: 1-4 nights from 20 to 319
        days ahead, so that neither the PMS cache nor a full hotel decides the figure."""
        n = next(self._stays)
        check_in = self.today + timedelta(days=20 + (n * 37) % 300)
        return spanish_range(check_in, check_in + timedelta(days=1 + n % 4))


@dataclass
class Guest:
    bench: TurnBench
    number: int
    sender: str
    conversation_id: int
    language: str | None = None
    state: dict[str, Any] = field(default_factory=dict)

    async def turn(
        self,
        text: str,
        kind: str,
        timings: Timings,
        expect: Callable[[TurnOutput, str], bool],
    ) -> float:
        """Run one turn; its wall time in milliseconds."""
        bench = self.bench
        turn = TurnInput(
            hotel=bench.hotel,
            conversation_id=self.conversation_id,
            message=InboundMessage(
                channel="whatsapp",
                provider_message_id=bench.next_message_id(),
                sender_id=self.sender,
                type="text",
                text=text,
                timestamp=datetime.now(UTC),
            ),
            language=self.language,
            state=self.state,
            guest_name=None,
            supports_rich=True,
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        output = await bench.runtime.dialogue.handle(turn)
        took = (time.perf_counter() - started) * 1000
        timings.cpu_ms[kind] += (time.process_time() - cpu_started) * 1000
        timings.wall_ms[kind].append(took)
        said = "\n".join(reply.text for reply in output.replies)
        if not expect(output, said):
            timings.unexpected[kind] += 1
        self.state = output.state
        self.language = output.language or self.language
        return took


def _says_something(output: TurnOutput, said: str) -> bool:
    return bool(said.strip()) and not output.handoff


def _offers(output: TurnOutput, said: str) -> bool:
    return any(reply.list_picker for reply in output.replies)


def _holding(word: str) -> Callable[[TurnOutput, str], bool]:
    return lambda output, said: word in said and not output.handoff


def spanish_range(check_in: date, check_out: date) -> str:
    return (
        f"del {check_in.day} de {MONTHS[check_in.month - 1]} "
        f"al {check_out.day} de {MONTHS[check_out.month - 1]}"
    )


def _quiet_logs() -> None:
    """Warnings and errors only, and on stderr: stdout carries the JSON document."""
    configure_logging("WARNING")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
            with contextlib.suppress(ValueError):
                handler.setStream(sys.stderr)


if __name__ == "__main__":
    main(run, __doc__.splitlines()[0])
