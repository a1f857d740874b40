"""The staff alert webhook, an outbound channel for staff: the sender posts ALERT outbox rows
here, as JSON.

Its answers map to `SendError` like a guest channel's: network errors, timeouts, 429 and 5xx
are retried with backoff; any other refusal is dead-lettered with the status and the start of
the answer. The URL is never logged or stored (chat-ops webhook URLs embed their secret).
"""

from __future__ import annotations

from typing import Any

import httpx

from hotel_agent.channels.port import SendError

_DETAIL_CHARS = 300


class StaffWebhook:
    def __init__(self, http: httpx.AsyncClient, url: str, *, timeout: float) -> None:
        # A mistyped URL stops the start, instead of dead-lettering every alert later.
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError("STAFF_ALERT_WEBHOOK_URL must be an http:// or https:// URL")
        self.http = http
        self.url = url
        self.timeout = timeout

    async def post(self, body: dict[str, Any]) -> None:
        """POST one alert; raise `SendError` unless the hook accepted it (2xx)."""
        try:
            response = await self.http.post(
                self.url, json=body, timeout=self.timeout, follow_redirects=False
            )
        except httpx.TransportError as exc:
            # The exception type says enough (connect, read timeout...) and carries no URL.
            raise SendError("network", retryable=True, detail=type(exc).__name__) from exc
        status = response.status_code
        if 200 <= status < 300:
            return
        retryable = status >= 500 or status in (408, 429)
        raise SendError(
            "webhook_unavailable" if retryable else "webhook_rejected",
            retryable=retryable,
            code=status,
            detail=response.text[:_DETAIL_CHARS],
        )
