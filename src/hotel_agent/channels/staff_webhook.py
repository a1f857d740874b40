"""The staff alert webhook, an outbound channel for staff: the sender posts ALERT outbox rows
here, as JSON.

Its answers map to `SendError` like a guest channel's (`http_post.post_json`): network
errors, timeouts, 429 and 5xx are retried with backoff; any other refusal is dead-lettered with
the status and the start of the answer. The URL is never logged or stored (chat-ops webhook
URLs embed their secret).
"""

from __future__ import annotations

from typing import Any

import httpx

from hotel_agent.channels.http_post import post_json


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
        await post_json(
            self.http,
            self.url,
            body,
            timeout=self.timeout,
            unavailable="webhook_unavailable",
            rejected="webhook_rejected",
        )
