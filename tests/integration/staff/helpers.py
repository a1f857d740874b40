"""What the staff tests share: a tiny reception engine, settings with a staff token, waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import select

from hotel_agent.channels.port import OutboundMessage
from hotel_agent.db.models import OutboxItem, QueueState
from hotel_agent.dialogue.port import TurnInput, TurnOutput
from hotel_agent.knowledge import DEMO_KNOWLEDGE_FILE
from hotel_agent.runtime import Runtime
from hotel_agent.settings import Settings, StaffSettings
from tests.support import make_settings

TOKEN = "staff-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HANDOFF_REPLY = "Te paso con recepción."
T = TypeVar("T")


@dataclass
class ReceptionEngine:
    """Hands the conversation over when the guest asks for a person; otherwise answers
    "bot: <text>". Records the text, state and language of every turn it ran."""

    turns: list[tuple[str, dict[str, Any], str | None]] = field(default_factory=list)

    async def handle(self, turn: TurnInput) -> TurnOutput:
        text = turn.message.text
        self.turns.append((text, dict(turn.state), turn.language))
        seen = int(turn.state.get("seen", 0)) + 1
        if "persona" in text.lower():
            return TurnOutput(
                replies=[OutboundMessage(text=HANDOFF_REPLY)],
                state={"seen": seen, "flow": "handoff"},
                language="es",
                handoff=True,
                handoff_reason="requested",
            )
        return TurnOutput(
            replies=[OutboundMessage(text=f"bot: {text}")], state={"seen": seen}, language="es"
        )

    @property
    def texts(self) -> list[str]:
        return [text for text, _, _ in self.turns]


def staff_settings(
    database_url: str,
    *,
    token: str = TOKEN,
    alert_url: str = "",
    knowledge_file: Path | None = None,
    **queue: float,
) -> Settings:
    return make_settings(
        database_url,
        hotel={"knowledge_file": knowledge_file},
        queue={"retry_base_seconds": 0.01, "retry_max_seconds": 0.05, **queue},
        staff=StaffSettings(**{"_env_file": None}, api_token=token, alert_webhook_url=alert_url),
    )


def knowledge_with_templates(directory: Path, templates: list[dict[str, Any]]) -> Path:
    """The demo hotel's knowledge file with `templates` as its WhatsApp templates (none: a
    hotel that registered none), written under `directory`."""
    document = yaml.safe_load(DEMO_KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    document["whatsapp_templates"] = templates
    path = directory / "knowledge.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def pms_down_settings(database_url: str) -> Settings:
    """Settings whose PMS (QloApps at a closed port) never answers: a PMS outage."""
    return make_settings(
        database_url,
        pms={
            "type": "qloapps",
            "base_url": "http://127.0.0.1:9",
            "api_key": "K" * 32,  # pragma: allowlist secret
            "timeout": 1,
            "read_retries": 0,
        },
    )


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 15.0) -> T:
    """The first truthy result of `check`, polled until `timeout` (then AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still {result!r} after {timeout}s")
        await asyncio.sleep(0.02)


async def outbox_settled(runtime: Runtime) -> bool:
    """True once the sender has finished (sent or dead-lettered) every outbox row."""
    async with runtime.sessions() as session:
        unfinished = await session.scalar(
            select(OutboxItem.id).where(
                OutboxItem.state.in_((QueueState.PENDING, QueueState.PROCESSING))
            )
        )
    return unfinished is None
