"""`hotel-agent chat`: talk to the agent from a terminal, through the real pipeline."""

from __future__ import annotations

import asyncio
from typing import TextIO

from hotel_agent.channels.port import OutboundMessage
from hotel_agent.conversations import webchat
from hotel_agent.observability.logging import configure_logging
from hotel_agent.runtime import Runtime
from hotel_agent.settings import Settings

TURN_TIMEOUT_SECONDS = 60.0


async def run_terminal_chat(settings: Settings, stdin: TextIO, stdout: TextIO) -> int:
    configure_logging("WARNING", json=settings.log_json)
    runtime = Runtime.build(settings)
    await runtime.load_hotels()
    runtime.start_background()
    session_id = webchat.new_session_id()
    stdout.write(f"{settings.hotel.name} — write to the agent (Ctrl-D to quit)\n")
    try:
        while True:
            stdout.write("> ")
            stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            accepted = await webchat.submit(
                runtime.ingest, runtime.hotels.default_hotel_id, session_id, text
            )
            if not await webchat.wait_for_turn(
                runtime.sessions, runtime.signals, accepted.event_id, TURN_TIMEOUT_SECONDS
            ):
                stdout.write("(the agent is taking long; try again)\n")
                continue
            async with runtime.sessions() as session:
                replies = await webchat.replies(session, accepted.event_id)
            for reply in replies:
                content = OutboundMessage.model_validate({"text": reply.body, **reply.payload})
                stdout.write(content.plain_text() + "\n")
    finally:
        await runtime.close()
    stdout.write("\n")
    return 0
