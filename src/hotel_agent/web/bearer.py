"""Bearer tokens from settings: the staff API (STAFF_API_TOKEN) and /metrics
(HTTP_METRICS_TOKEN). Compared in constant time, so response timing does not reveal how much
of a guess was right."""

from __future__ import annotations

import hmac

from hotel_agent.errors import NotFound, Unauthorized


def bearer_token(authorization: str | None) -> str | None:
    """The credentials of an `Authorization: Bearer …` header (the scheme in any case)."""
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not credentials:
        return None
    return credentials


def check_bearer_token(configured: str, presented: str | None) -> None:
    """Raise unless `presented` is the configured token (NotFound when none is configured:
    the protected resource is off, and answers as if absent)."""
    if not configured:
        raise NotFound("not found")
    if presented is None or not hmac.compare_digest(
        presented.encode("utf-8"), configured.encode("utf-8")
    ):
        raise Unauthorized("a valid bearer token is required", challenge="Bearer")
