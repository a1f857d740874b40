"""The one place that maps errors to HTTP answers."""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from hotel_agent.errors import HotelAgentError, RateLimited, ServiceUnavailable, Unauthorized

log = structlog.get_logger(__name__)
# Pools reconnect within a second or two of the database coming back (see db/engine.py).
RETRY_AFTER_SECONDS = "5"
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class ErrorOut(BaseModel):
    """The body of every error answer except 422 (which lists the invalid fields)."""

    detail: str
    code: str


def error_response(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


# What any route may answer besides its own codes, for the published OpenAPI document.
STORAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    503: error_response("The database is unavailable; retry after Retry-After seconds"),
}
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: error_response("The body is not valid JSON (or nested too deeply)"),
    413: error_response("The body is larger than MAX_BODY_BYTES"),
    **STORAGE_RESPONSES,
}


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HotelAgentError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    # asyncpg's own errors reach here only from code that talks to the driver directly.
    db_errors = (OperationalError, DBAPIError, PoolTimeoutError, ConnectionError)
    for db_error in (*db_errors, asyncpg.InterfaceError, asyncpg.PostgresConnectionError):
        app.add_exception_handler(db_error, _storage_down)


async def _domain_error(_: Request, exc: HotelAgentError) -> JSONResponse:
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    if isinstance(exc, ServiceUnavailable):
        headers["Retry-After"] = RETRY_AFTER_SECONDS
    if isinstance(exc, Unauthorized) and exc.challenge:
        headers["WWW-Authenticate"] = exc.challenge
    return JSONResponse(
        {"detail": exc.detail, "code": exc.code}, status_code=exc.status_code, headers=headers
    )


async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return JSONResponse(
            {"detail": "the request body is not valid JSON", "code": "bad_request"},
            status_code=400,
        )
    # The shape FastAPI publishes for 422 (HTTPValidationError): loc, msg and type.
    details = [
        {
            "loc": list(error.get("loc", ())),
            "msg": error.get("msg", ""),
            "type": error.get("type", "value_error"),
        }
        for error in errors
    ]
    return JSONResponse({"detail": details, "code": "invalid_request"}, status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Framework errors (404 no route, 405, a body that cannot be parsed) in our error shape."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names the methods of the first route of the path only; a path served by
        # two routes (GET and POST /api/webchat/messages) allows both.
        headers["Allow"] = ", ".join(sorted(_allowed_methods(request)))
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=headers)
    code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "http_error"
    )
    return JSONResponse(
        {"detail": str(exc.detail), "code": code}, status_code=exc.status_code, headers=headers
    )


def _allowed_methods(request: Request) -> set[str]:
    """Every method some route serves at this path: asked of the routes through Starlette's
    own matching, so included routers and mounts count too."""
    routes = request.app.router.routes
    return {
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    }


async def _storage_down(_: Request, exc: Exception) -> JSONResponse:
    # Providers retry on 5xx, so answering 503 when we could not store means nothing is lost.
    log.error("storage.unavailable", error=repr(exc)[:500])
    return JSONResponse(
        {"detail": "storage is unavailable, try again later", "code": "unavailable"},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )
