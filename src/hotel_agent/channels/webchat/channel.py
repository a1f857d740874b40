"""The web chat channel: the page pulls its replies from the transcript.

So "sending" only marks the reply as delivered to the transcript the page reads; there is no
provider and no reply window.
"""

from __future__ import annotations

from hotel_agent.channels.port import OutboundMessage, SendReceipt


class WebChatChannel:
    name = "webchat"
    reply_window_seconds: int | None = None

    async def send(self, recipient: str, message: OutboundMessage) -> SendReceipt:
        return SendReceipt(provider_message_id=None)

    async def mark_read(self, provider_message_id: str) -> None:
        return None
