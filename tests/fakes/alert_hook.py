"""A staff alert webhook (a chat-ops "incoming webhook") served over real HTTP.

It records every POST it answers, in order, with the status it answered; it can be told to
answer the next requests with an error status:

    with FakeAlertHook() as hook:
        hook.fail_next(500)
        ... settings.staff.alert_webhook_url = hook.url ...
        hook.wait_for(2)  # the failed attempt and the retry
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections import deque
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeServer

PATH = "/hooks/staff-0123456789"


@dataclasses.dataclass(frozen=True)
class ReceivedAlert:
    body: Any  # the parsed JSON, or None when the body was not JSON
    content_type: str
    status: int  # what the hook answered


class FakeAlertHook(FakeServer):
    label = "fake alert hook"

    def __init__(self) -> None:
        super().__init__()
        self._condition = threading.Condition()
        self._received: list[ReceivedAlert] = []
        self._statuses: deque[int] = deque()

    def _app(self) -> Starlette:
        return Starlette(routes=[Route(PATH, self._receive, methods=["POST"])])

    @property
    def url(self) -> str:
        return f"{self.origin}{PATH}"

    @property
    def received(self) -> list[ReceivedAlert]:
        with self._condition:
            return list(self._received)

    @property
    def accepted(self) -> list[Any]:
        """Bodies of the alerts the hook accepted (2xx)."""
        return [r.body for r in self.received if 200 <= r.status < 300]

    def fail_next(self, status: int, *, times: int = 1) -> None:
        with self._condition:
            self._statuses.extend([status] * times)

    def wait_for(self, n: int, timeout: float = 10.0) -> list[ReceivedAlert]:
        """Block until `n` requests arrived; raise TimeoutError after `timeout` seconds."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self._received) >= n, timeout):
                raise TimeoutError(f"{len(self._received)} of {n} alerts after {timeout}s")
            return list(self._received)

    async def wait_for_async(self, n: int, timeout: float = 10.0) -> list[ReceivedAlert]:
        return await asyncio.to_thread(self.wait_for, n, timeout)

    async def _receive(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        with self._condition:
            status = self._statuses.popleft() if self._statuses else 200
            self._received.append(
                ReceivedAlert(body, request.headers.get("content-type", ""), status)
            )
            self._condition.notify_all()
        if status >= 300:
            return JSONResponse({"error": "scripted failure"}, status_code=status)
        return Response("ok", media_type="text/plain")
