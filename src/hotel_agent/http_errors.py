"""The one place that maps errors to HTTP answers."""

from __future__ import annotations

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from hotel_agent.errors import HotelAgentError, RateLimited, ServiceUnavailable, Unauthorized

log = structlog.get_logger(__name__)
# Pools reconnect within a second or two of the database coming back (see db/engine.py).
RETRY_AFTER_SECONDS = "5"


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HotelAgentError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
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
    details = [{"loc": list(error.get("loc", ())), "msg": error.get("msg", "")} for error in errors]
    return JSONResponse({"detail": details, "code": "invalid_request"}, status_code=422)


async def _storage_down(_: Request, exc: Exception) -> JSONResponse:
    # Providers retry on 5xx, so answering 503 when we could not store means nothing is lost.
    log.error("storage.unavailable", error=repr(exc)[:500])
    return JSONResponse(
        {"detail": "storage is unavailable, try again later", "code": "unavailable"},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )
