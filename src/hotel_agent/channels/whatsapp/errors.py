"""Map Graph API failures to `SendError`s: a reason staff can read and whether to retry."""

from __future__ import annotations

import re
from typing import Any

from hotel_agent.channels.port import SendError

# Graph error code -> (reason, retryable). Codes not listed fall back on the HTTP status.
_GRAPH_CODES: dict[int, tuple[str, bool]] = {
    # Meta documents these as temporary ("wait and retry").
    1: ("server_error", True),
    2: ("server_error", True),
    131000: ("server_error", True),
    131016: ("server_error", True),
    4: ("rate_limited", True),
    80007: ("rate_limited", True),
    130429: ("rate_limited", True),
    131056: ("pair_rate_limited", True),
    # Free-form text outside the 24-hour window: only a template can go through now.
    131047: ("outside_window", False),
    190: ("token_expired", False),
    100: ("bad_request", False),
    131008: ("bad_request", False),
    131009: ("bad_request", False),
    131026: ("undeliverable", False),
    131051: ("unsupported_type", False),
    131052: ("media_error", False),
    131053: ("media_error", False),
}
_TEMPLATE_CODES = range(132000, 133000)
_DETAIL_LIMIT = 500


class MediaError(SendError):
    """Media could not be fetched from the Graph API, or its bytes do not match its sha256."""


def classify_error(http_status: int | None, body: object | None) -> SendError:
    """The `SendError` for a failed Graph call; `http_status` None means no HTTP answer at all.

    `body` is the decoded JSON answer when there was one, else its text (or the network error).
    """
    error = _graph_error(body)
    code = error.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    detail = _detail(http_status, error, body)
    if http_status is None:
        # The request may have reached Meta before the connection failed, so a retry can
        # duplicate the message; the Cloud API takes no idempotency key, and a lost reply is
        # worse for a guest than a rare duplicate.
        return SendError("network", retryable=True, code=code, detail=detail)
    if code is not None and code in _GRAPH_CODES:
        reason, retryable = _GRAPH_CODES[code]
    elif code is not None and code in _TEMPLATE_CODES:
        reason, retryable = "template_error", False
    elif http_status == 429:
        reason, retryable = "rate_limited", True
    elif http_status >= 500:
        reason, retryable = "server_error", True
    else:
        reason, retryable = "rejected", False
    return SendError(reason, retryable=retryable, code=code, detail=detail)


def _graph_error(body: object | None) -> dict[str, Any]:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return error
    return {}


def _detail(http_status: int | None, error: dict[str, Any], body: object | None) -> str:
    parts = [f"HTTP {http_status}"] if http_status is not None else []
    if error:
        error_data = error.get("error_data")
        details = error_data.get("details") if isinstance(error_data, dict) else None
        parts += [str(p) for p in (error.get("message"), details) if p]
        if error.get("fbtrace_id"):
            parts.append(f"fbtrace_id={error['fbtrace_id']}")
    elif isinstance(body, bytes | str) and body:
        parts.append(_plain(body.decode(errors="replace") if isinstance(body, bytes) else body))
    elif body is not None:
        parts.append(_plain(repr(body)))
    return "; ".join(parts)[:_DETAIL_LIMIT]


def _plain(text: str) -> str:
    # Proxies and load balancers answer with HTML pages; keep their words, drop the markup.
    return " ".join(re.sub(r"<[^>]*>", " ", text).split())
