"""Small builders for pipeline tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hotel_agent.channels.port import InboundMessage, OutboundMessage
from hotel_agent.dialogue.port import TurnInput, TurnOutput


def whatsapp_text(wamid: str, sender: str, text: str, at: datetime | None = None) -> InboundMessage:
    return InboundMessage(
        channel="whatsapp",
        provider_message_id=wamid,
        sender_id=sender,
        sender_name="Ana Ruiz",
        type="text",
        text=text,
        timestamp=at or datetime.now(UTC),
    )


@dataclass
class EchoEngine:
    """Replies "echo: <text>", optionally slowly, and records every turn it ran."""

    delay: float = 0.0
    turns: list[tuple[str, str]] = field(default_factory=list)
    running: set[int] = field(default_factory=set)
    overlaps: int = 0
    fail_times: int = 0

    async def handle(self, turn: TurnInput) -> TurnOutput:
        if turn.conversation_id in self.running:
            self.overlaps += 1
        self.running.add(turn.conversation_id)
        try:
            if self.fail_times > 0:
                self.fail_times -= 1
                raise RuntimeError("engine crashed")
            await asyncio.sleep(self.delay)
            self.turns.append((turn.message.sender_id, turn.message.text))
            state = dict(turn.state)
            state["count"] = int(state.get("count", 0)) + 1
            return TurnOutput(
                replies=[OutboundMessage(text=f"echo: {turn.message.text}")],
                state=state,
                language="es",
            )
        finally:
            self.running.discard(turn.conversation_id)
