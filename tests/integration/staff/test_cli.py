"""`hotel-agent staff …` in-process, on both databases: the command talks to the database
through the staff service while the test plays guest, worker and sender."""

from __future__ import annotations

import argparse
import asyncio
import io
from collections.abc import Awaitable, Callable

from hotel_agent.cli import staff as staff_cli
from hotel_agent.conversations import webchat
from hotel_agent.conversations.turns import turn_worker
from hotel_agent.inbox.sender import Sender
from hotel_agent.runtime import Runtime
from tests.integration.staff.helpers import HANDOFF_REPLY, ReceptionEngine, staff_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
SESSION = "cli-guest-session-01"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hotel-agent")
    commands = parser.add_subparsers(dest="command")
    staff_cli.add_parser(commands)
    return parser.parse_args(["staff", *argv])


class Pipeline:
    """The guest's side and the loops `serve` would run, one step at a time."""

    def __init__(self, runtime: Runtime, engine: ReceptionEngine) -> None:
        self.runtime = runtime
        self.worker = turn_worker(runtime.sessions, engine, runtime.signals, runtime.settings.queue)
        self.sender = Sender(
            runtime.sessions, runtime.channels, runtime.signals, runtime.settings.queue
        )

    async def guest_says(self, text: str) -> None:
        await webchat.submit(
            self.runtime.ingest, self.runtime.hotels.default_hotel_id, SESSION, text
        )
        while await self.worker.process_next():
            pass
        await self.deliver()

    async def deliver(self) -> None:
        while await self.sender.send_next():
            pass

    async def guest_sees(self) -> list[tuple[str, str, str]]:
        async with self.runtime.sessions() as session:
            messages = await webchat.transcript(
                session, self.runtime.hotels.default_hotel_id, SESSION
            )
        return [(m.author, m.body, m.status) for m in messages]


async def staff(runtime: Runtime, *argv: str) -> tuple[int, str]:
    """Run the command as `hotel-agent staff ARGV` would, in a thread (it runs its own loop)."""
    out = io.StringIO()
    code = await asyncio.to_thread(staff_cli.run, parse(*argv), runtime.settings, out)
    return code, out.getvalue()


async def test_staff_list_show_reply_and_handback(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url, token=""), dialogue=engine)
    pipeline = Pipeline(runtime, engine)

    assert await staff(runtime, "list") == (0, "no conversation is waiting for staff\n")
    assert await staff(runtime, "list", "--all") == (0, "no conversations\n")

    await pipeline.guest_says("Hola")
    await pipeline.guest_says("quiero hablar con una persona")
    code, listing = await staff(runtime, "list")
    assert code == 0
    [line] = listing.splitlines()
    conversation_id = int(line.split()[0].lstrip("#"))
    assert line.split()[1:4] == ["webchat", "staff", "guest"]
    assert "requested" in line
    assert line.endswith(HANDOFF_REPLY)

    code, shown = await staff(runtime, "show", str(conversation_id))
    assert code == 0
    header, status, blank, *transcript = shown.splitlines()
    assert blank == ""
    assert header == f"conversation #{conversation_id} on webchat with guest"
    assert status.startswith("answered by staff since ")
    assert status.endswith("(reason: requested); language es")
    assert [line.split("  ", 1)[1] for line in transcript] == [
        "guest: Hola",
        "  bot: bot: Hola  [sent]",
        "guest: quiero hablar con una persona",
        f"  bot: {HANDOFF_REPLY}  [sent]",
    ]

    code, said = await staff(runtime, "reply", str(conversation_id), "Hola,", "soy", "Marta.")
    assert code == 0
    assert said.startswith("queued message ")
    assert said.endswith(
        f"to conversation #{conversation_id} (webchat); the running sender delivers it\n"
    )
    await pipeline.deliver()
    assert (await pipeline.guest_sees())[-1] == ("staff", "Hola, soy Marta.", "sent")

    assert await staff(runtime, "handback", str(conversation_id)) == (
        0,
        f"conversation #{conversation_id} is answered by the bot again\n",
    )
    assert await staff(runtime, "list") == (0, "no conversation is waiting for staff\n")
    await pipeline.guest_says("gracias")
    assert (await pipeline.guest_sees())[-1] == ("bot", "bot: gracias", "sent")


async def test_staff_takeover_and_the_errors_an_operator_sees(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url, token=""), dialogue=engine)
    pipeline = Pipeline(runtime, engine)
    await pipeline.guest_says("Hola")
    code, listing = await staff(runtime, "list", "--all")
    conversation_id = listing.split()[0].lstrip("#")
    assert code == 0 and " bot " in listing

    assert await staff(runtime, "handback", conversation_id) == (
        1,
        f"error: conversation {conversation_id} is already answered by the bot\n",
    )
    assert await staff(runtime, "takeover", conversation_id) == (
        0,
        f"conversation #{conversation_id} is answered by staff now; the bot stays silent\n",
    )
    assert await staff(runtime, "takeover", conversation_id) == (
        1,
        f"error: conversation {conversation_id} is already answered by staff\n",
    )
    await pipeline.guest_says("¿sigue ahí el bot?")
    assert engine.texts == ["Hola"]

    assert await staff(runtime, "reply", conversation_id, "   ") == (
        2,
        "error: the reply is empty\n",
    )
    for action in ("show", "handback", "takeover"):
        assert await staff(runtime, action, "999") == (
            1,
            "error: conversation 999 does not exist\n",
        )
    assert await staff(runtime, "reply", "999", "hola") == (
        1,
        "error: conversation 999 does not exist\n",
    )


async def test_a_reply_to_a_bot_conversation_takes_it_over(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(sqlite_url, token=""), dialogue=engine)
    pipeline = Pipeline(runtime, engine)
    await pipeline.guest_says("Hola")
    conversation_id = (await staff(runtime, "list", "--all"))[1].split()[0].lstrip("#")

    code, said = await staff(runtime, "reply", conversation_id, "Le atiendo yo.")

    assert code == 0
    assert said.splitlines()[0] == f"took conversation #{conversation_id} over from the bot"
    code, listing = await staff(runtime, "list")
    assert "staff_takeover" in listing
    assert listing.rstrip().endswith("Le atiendo yo.")
