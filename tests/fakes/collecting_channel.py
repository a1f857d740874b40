"""A channel that keeps what it is asked to send, and can be told to fail."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hotel_agent.channels.port import OutboundMessage, SendError, SendReceipt


@dataclass
class CollectingChannel:
    name: str = "whatsapp"
    reply_window_seconds: int | None = 24 * 3600
    sent: list[tuple[str, OutboundMessage]] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    failures: list[SendError] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, recipient: str, message: OutboundMessage) -> SendReceipt:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((recipient, message))
        return SendReceipt(provider_message_id=f"wamid.TEST{next(self._ids):06d}")

    async def mark_read(self, provider_message_id: str) -> None:
        self.read.append(provider_message_id)
