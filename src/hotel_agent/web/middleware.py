"""Pure ASGI middlewares: request context (id, access log, latency) and a request body limit.

Pure ASGI rather than BaseHTTPMiddleware, which runs the app in a task group and pipes every
response through a memory stream: overhead that shows at a thousand requests per second.

Add BodySizeLimitMiddleware first and RequestContextMiddleware last, so that the request
context is the outermost layer and 413 answers get a request id, a log line and a sample too:

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterable

import structlog
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotel_agent.observability.metrics import HTTP_REQUEST_SECONDS

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()  # ASGI servers lowercase header names
# A client-chosen id goes into every log line of the request: anything longer or with other
# characters (spaces, quotes, newlines) could forge or bloat log lines, so it is replaced.
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
# Metric labels must stay bounded whatever clients send.
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_UNMATCHED_ROUTE = "unmatched"
# The chat page's transcript polling (web/webchat.py): one request per open page every second.
WEBCHAT_TRANSCRIPT_PATH = "/api/webchat/messages"

_log = structlog.get_logger("hotel_agent.http")
_access_log = logging.getLogger("hotel_agent.http")  # the same logger, asked for its level


class RequestContextMiddleware:
    """Request id (logs and response header), one access log line and one latency sample."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id_from(scope["headers"])
        request_id_header = (_REQUEST_ID_KEY, request_id.encode("ascii"))
        # The router appends mount prefixes to root_path; what it adds belongs to the route.
        root_path = scope.get("root_path", "")
        status = 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    header
                    for header in message.get("headers", ())
                    if header[0].lower() != _REQUEST_ID_KEY
                ]
                headers.append(request_id_header)
                message = {**message, "headers": headers}
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            _finish(scope, root_path, status, started, failed=True)
            raise
        else:
            _finish(scope, root_path, status, started, failed=False)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)


def _request_id_from(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == _REQUEST_ID_KEY:
            if _SANE_REQUEST_ID.fullmatch(value):
                return value.decode("ascii")
            break
    return uuid.uuid4().hex


def _finish(scope: Scope, root_path: str, status: int, started: float, *, failed: bool) -> None:
    duration = time.perf_counter() - started
    method = scope["method"] if scope["method"] in _KNOWN_METHODS else "OTHER"
    route = _route_template(scope, root_path)
    HTTP_REQUEST_SECONDS.labels(method, route, str(status)).observe(duration)
    if failed:
        level = logging.ERROR
    elif _is_probe(scope["path"]) or (_is_poll(method, scope["path"]) and status < 400):
        # Scrapers and orchestrators call these every few seconds, and every open chat page
        # polls its transcript: noise at info level (a refused poll still shows).
        level = logging.DEBUG
    else:
        level = logging.INFO
    # Asked first: a line filtered out still costs ~20 µs through structlog, per request.
    if not _access_log.isEnabledFor(level):
        return
    _log.log(
        level,
        "http_request",
        exc_info=failed,
        method=method,
        route=route,
        status=status,
        duration_ms=round(duration * 1000, 2),
    )


def _route_template(scope: Scope, root_path: str) -> str:
    """The matched route's path template ("/bookings/{booking_id}"), never the raw path."""
    route = scope.get("route")
    if route is None and "endpoint" in scope:
        # FastAPI records scope["route"] for its API routes only; a plain Starlette route or a
        # mount (static files) is found again the way the router found it.
        route = _match_again(scope, root_path)
    template = getattr(route, "path_format", None)
    if not isinstance(template, str):
        return _UNMATCHED_ROUTE
    if isinstance(route, Mount):
        return template
    # A route of a mounted app: its template lacks the prefix the mount added to root_path.
    routed_root_path: str = scope.get("root_path", "")
    return routed_root_path[len(root_path) :] + template


def _match_again(scope: Scope, root_path: str) -> BaseRoute | None:
    as_received = {**scope, "root_path": root_path}
    routes: list[BaseRoute] = getattr(scope.get("router"), "routes", [])
    for candidate in routes:
        match, _ = candidate.matches(as_received)
        if match is Match.FULL:
            return candidate
    return None


def _is_probe(path: str) -> bool:
    return path == "/metrics" or path == "/health" or path.startswith("/health/")


def _is_poll(method: str, path: str) -> bool:
    return method == "GET" and path == WEBCHAT_TRANSCRIPT_PATH


class RequestBodyTooLarge(Exception):
    """Raised from `receive` when a streamed request body grows past the limit."""


class BodySizeLimitMiddleware:
    """Refuse request bodies over `max_bytes` with 413, whether declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        self.app = app
        self.max_bytes = max_bytes
        self._refusal_body = json.dumps(
            {"detail": f"request body exceeds {max_bytes} bytes"}
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope["headers"])
        if declared is not None:
            if declared > self.max_bytes:
                await self._refuse(send)
            else:
                # The server enforces Content-Length framing: the body cannot outgrow it.
                await self.app(scope, receive, send)
            return
        await self._call_with_streamed_limit(scope, receive, send)

    async def _call_with_streamed_limit(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        exceeded = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise RequestBodyTooLarge(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise RequestBodyTooLarge(self.max_bytes)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded and not response_started:
                # The app's own reaction to the error (FastAPI answers 400 "There was an error
                # parsing the body") is dropped: the client gets our 413 instead.
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            # Whatever the app turned our error into, the answer is still 413 if we can give it.
            if not exceeded or response_started:
                raise
        if exceeded and not response_started:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(self._refusal_body)).encode()),
                    # The rest of the body is never read: do not reuse the connection.
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": self._refusal_body})


def _content_length(headers: Iterable[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
