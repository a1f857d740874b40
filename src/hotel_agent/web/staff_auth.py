"""Staff API access: one bearer token from settings (`STAFF_API_TOKEN`).

Without a token configured the API is off and its routes answer 404, as if absent. The token is
compared in constant time, so response timing does not reveal how much of a guess was right.
It is checked before anything else of the request is read: an API that is off answers 404 even
to a malformed body, and a stranger's body is never parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer

from hotel_agent.web.bearer import bearer_token, check_bearer_token

# Documents the Authorization header in OpenAPI (and /docs' "Authorize"); StaffRoute enforces it.
bearer_scheme = HTTPBearer(auto_error=False, description="STAFF_API_TOKEN")


class StaffRoute(APIRoute):
    """A route that lets only staff in, before its parameters and body are read."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def staff_only(request: Request) -> Response:
            settings = request.app.state.runtime.settings
            check_bearer_token(
                settings.staff.api_token, bearer_token(request.headers.get("authorization"))
            )
            return await handler(request)

        return staff_only
