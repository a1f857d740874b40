"""The Chatwoot `Channel`: replies and status changes through Chatwoot's application API,
authenticated as the Agent Bot (`api_access_token` header).

- reply: `POST {base}/api/v1/accounts/{account}/conversations/{conversation}/messages` with
  `{"content": ..., "message_type": "outgoing"}`; Chatwoot answers the message, whose `id`
  is kept as the provider's message id.
- who answers: `POST .../conversations/{conversation}/toggle_status` with `{"status": "open"}`
  when staff do, `{"status": "pending"}` when the bot does.

Chatwoot takes no idempotency key, so like WhatsApp a send whose answer is lost may go out
twice (DEVELOPERS.md, the at-least-once window). Buttons and lists go as numbered text.
"""

from __future__ import annotations

import httpx

from hotel_agent.channels.chatwoot.events import (
    CHATWOOT_CHANNEL,
    split_recipient,
    status_for_owner,
)
from hotel_agent.channels.http_post import post_json
from hotel_agent.channels.port import OutboundMessage, SendError, SendReceipt

UNAVAILABLE = "chatwoot_unavailable"
REJECTED = "chatwoot_rejected"


class ChatwootClient:
    name = CHATWOOT_CHANNEL
    reply_window_seconds: int | None = None  # Chatwoot's own channels keep their windows

    def __init__(
        self, http: httpx.AsyncClient, *, base_url: str, bot_token: str, timeout: float = 10.0
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._headers = {"api_access_token": bot_token}
        self._timeout = timeout

    async def send(self, recipient: str, message: OutboundMessage) -> SendReceipt:
        response = await self._post(
            recipient,
            "messages",
            {"content": message.plain_text(), "message_type": "outgoing"},
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        message_id = body.get("id") if isinstance(body, dict) else None
        # A 2xx means Chatwoot stored the reply: never retried (it would show twice), even
        # when the answer does not say which id it got.
        return SendReceipt(provider_message_id=str(message_id) if message_id else None)

    async def mark_read(self, provider_message_id: str) -> None:
        return None  # Chatwoot's agents and contacts see what the bot read on their own

    async def set_owner(self, recipient: str, owner: str) -> None:
        await self._post(recipient, "toggle_status", {"status": status_for_owner(owner)})

    async def version(self) -> str:
        """Chatwoot's version, from `GET {base}/api` (no token needed: the bot's token cannot
        be tried without writing to a conversation). Raise `SendError` when it does not answer
        like Chatwoot."""
        try:
            response = await self._http.get(f"{self._base_url}/api", timeout=self._timeout)
        except httpx.TransportError as exc:
            raise SendError("network", retryable=True, detail=type(exc).__name__) from exc
        try:
            body = response.json() if response.is_success else None
        except ValueError:
            body = None
        version = body.get("version") if isinstance(body, dict) else None
        if not isinstance(version, str):
            raise SendError(REJECTED, retryable=False, code=response.status_code)
        return version

    async def _post(self, recipient: str, action: str, body: dict[str, object]) -> httpx.Response:
        try:
            account, conversation = split_recipient(recipient)
        except ValueError:
            raise SendError(
                "bad_recipient", retryable=False, detail="not an account:conversation pair"
            ) from None
        url = f"{self._base_url}/api/v1/accounts/{account}/conversations/{conversation}/{action}"
        return await post_json(
            self._http,
            url,
            body,
            headers=self._headers,
            timeout=self._timeout,
            unavailable=UNAVAILABLE,
            rejected=REJECTED,
        )
