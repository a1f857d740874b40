"""POST a JSON body to a provider and map its answer to `SendError`: the one way the staff
alert webhook and the Chatwoot connector call out.

Network errors, timeouts, 408, 429 and 5xx can succeed later (retryable); any other refusal
is for staff to read (dead-lettered with the status and the start of the answer). Redirects
are not followed: a provider that moved is a configuration to fix, not a place to guess.
"""

from __future__ import annotations

from typing import Any

import httpx

from hotel_agent.channels.port import SendError

DETAIL_CHARS = 300


async def post_json(
    http: httpx.AsyncClient,
    url: str,
    body: dict[str, Any],
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    unavailable: str,
    rejected: str,
) -> httpx.Response:
    """The 2xx answer; else `SendError` with reason `unavailable` (retryable) or `rejected`."""
    try:
        response = await http.post(
            url, json=body, headers=headers, timeout=timeout, follow_redirects=False
        )
    except httpx.TransportError as exc:
        # The exception type says enough (connect, read timeout...) and carries no URL, which
        # may embed a secret.
        raise SendError("network", retryable=True, detail=type(exc).__name__) from exc
    status = response.status_code
    if 200 <= status < 300:
        return response
    retryable = status >= 500 or status in (408, 429)
    raise SendError(
        unavailable if retryable else rejected,
        retryable=retryable,
        code=status,
        detail=response.text[:DETAIL_CHARS],
    )
