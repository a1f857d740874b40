"""Staff API access: one bearer token from settings (`STAFF_API_TOKEN`).

Without a token configured the API is off and its routes answer 404, as if absent. The token is
compared in constant time, so response timing does not reveal how much of a guess was right.
It is checked before anything else of the request is read: an API that is off answers 404 even
to a malformed body, and a stranger's body is never parsed.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from hotel_agent.errors import NotFound, Unauthorized

# Documents the Authorization header in OpenAPI (and /docs' "Authorize"); StaffRoute enforces it.
bearer_scheme = HTTPBearer(auto_error=False, description="STAFF_API_TOKEN")


def bearer_token(authorization: str | None) -> str | None:
    """The credentials of an `Authorization: Bearer …` header (the scheme in any case)."""
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not credentials:
        return None
    return credentials


def check_staff_token(configured: str, presented: str | None) -> None:
    """Raise unless `presented` is the configured token (NotFound when none is configured)."""
    if not configured:
        raise NotFound("not found")
    if presented is None or not hmac.compare_digest(
        presented.encode("utf-8"), configured.encode("utf-8")
    ):
        raise Unauthorized("a valid staff token is required", challenge="Bearer")


class StaffRoute(APIRoute):
    """A route that lets only staff in, before its parameters and body are read."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def staff_only(request: Request) -> Response:
            settings = request.app.state.runtime.settings
            check_staff_token(
                settings.staff.api_token, bearer_token(request.headers.get("authorization"))
            )
            return await handler(request)

        return staff_only
