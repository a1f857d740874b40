"""A fake WhatsApp Cloud (Graph) API served over real HTTP, for tests and benchmarks.

It speaks the documented shapes: `POST /{version}/{phone_number_id}/messages` (sends and read
receipts), and media in Meta's two steps: `GET /{version}/{media_id}` answers the media's
`url` (shaped like Meta's `lookaside.fbsbx.com/whatsapp_business/attachments/?mid=…`), `sha256`,
`mime_type` and `file_size`, and that URL serves the bytes to the same bearer token. It checks the
bearer token and the message limits, records what it accepted, and can be told to fail, throttle
or drop the connection on the next requests. It runs in a background thread, so sync tests, async
tests and other processes can all reach it:

    with FakeGraphApi(access_token="token") as fake:
        client = WhatsAppCloudClient(http, base_url=fake.base_url, ...)
        fake.fail_next(status=400, body=error_131047)

It enforces the customer service window and the template rules as Meta does: a free-form
message to a guest whose last message (`guest_wrote`) is more than 24 hours old fails with
131047, and so does one to a guest never heard of when `strict_window` is set; a template
that was not approved (`approve_template`) fails with 132001, one with the wrong number of
body parameters with 132000.

As a process, for benchmarks and load tests (prints the base URL on its first line; `GET /_stats`
counts; `GET /_sent/{wa_id}` the messages accepted for one guest, which load-test guests read
their replies from):

    python -m tests.fakes.graph_api --port 0
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import itertools
import signal
import threading
import time
import uuid
from collections import deque
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.fakes.graph_rules import message_problem, template_problem
from tests.fakes.server import FakeServer

DEFAULT_ACCESS_TOKEN = "fake-access-token"
DEFAULT_VERSION = "v23.0"
WINDOW_SECONDS = 24 * 3600


@dataclasses.dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float  # time.time(), comparable with other processes on this machine
    wamid: str | None = None  # the id the fake answered with, for message sends


@dataclasses.dataclass(frozen=True)
class _StoredMedia:
    content: bytes
    mime_type: str
    sha256: str  # as announced
    file_size: int  # as announced


@dataclasses.dataclass(frozen=True)
class _Scripted:
    status: int = 200
    body: object = None
    drop: bool = False
    delay: float = 0.0  # seconds to wait before answering normally


class FakeGraphApi(FakeServer):
    label = "fake Graph API"

    def __init__(
        self,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        *,
        version: str = DEFAULT_VERSION,
        host: str = "127.0.0.1",
        port: int = 0,
        strict_window: bool = False,
    ) -> None:
        self.access_token = access_token
        self.version = version
        # True: a guest the fake was never told about (`guest_wrote`) is outside the window.
        self.strict_window = strict_window
        self._last_inbound: dict[str, float] = {}
        self._templates: dict[tuple[str, str], int] = {}
        super().__init__(host=host, port=port)
        self._condition = threading.Condition()
        self._sent: list[RecordedRequest] = []
        self._read_receipts: list[RecordedRequest] = []
        self._scripted: deque[_Scripted] = deque()
        self._media: dict[str, _StoredMedia] = {}
        # The phone number node, as Graph answers it (pre-deployment checks read it).
        self.phone_numbers: dict[str, dict[str, str]] = {}
        self._media_ids = itertools.count(1460000000000001)
        self._requests = 0
        self._failures = 0
        self._hang_after_accept = 0
        self._downloads = 0

    @property
    def base_url(self) -> str:
        """What the client is configured with, like `https://graph.facebook.com/v23.0`."""
        return f"{self.origin}/{self.version}"

    @property
    def sent(self) -> list[RecordedRequest]:
        """Message sends the fake accepted, in arrival order."""
        with self._condition:
            return list(self._sent)

    @property
    def read_receipts(self) -> list[RecordedRequest]:
        with self._condition:
            return list(self._read_receipts)

    def wait_for_messages(self, n: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until `n` messages were accepted; raise TimeoutError after `timeout` seconds."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self._sent) >= n, timeout):
                raise TimeoutError(f"{len(self._sent)} of {n} messages sent after {timeout}s")
            return list(self._sent)

    async def wait_for_messages_async(self, n: int, timeout: float = 5.0) -> list[RecordedRequest]:
        return await asyncio.to_thread(self.wait_for_messages, n, timeout)

    def fail_next(self, status: int = 500, body: object = None, *, times: int = 1) -> None:
        """Answer the next `times` requests with `status` and `body`: a dict is sent as JSON, a
        string as an HTML page, None as the Graph error Meta sends with that status."""
        if body is None:
            body = _default_error(status)
        with self._condition:
            self._scripted.extend(_Scripted(status, body) for _ in range(times))

    def drop_next(self, *, times: int = 1) -> None:
        """Close the connection on the next `times` requests before a full answer is sent."""
        with self._condition:
            self._scripted.extend(_Scripted(drop=True) for _ in range(times))

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` requests normally, but only after `seconds`."""
        with self._condition:
            self._scripted.extend(_Scripted(delay=seconds) for _ in range(times))

    def accept_then_hang(self, *, times: int = 1) -> None:
        """Accept the next `times` messages (recorded in `sent`: Meta delivers them) and never
        answer: the sender cannot know they were accepted. Read receipts are not held."""
        with self._condition:
            self._hang_after_accept += times

    def guest_wrote(self, to: str, at: float | None = None) -> None:
        """The guest `to` sent a message at `at` (time.time(), default now): free-form
        messages to them are accepted until 24 hours later."""
        with self._condition:
            self._last_inbound[to] = time.time() if at is None else at

    def approve_template(self, name: str, language: str, *, body_parameters: int = 0) -> None:
        """A template Meta approved for this number, with its number of body variables."""
        with self._condition:
            self._templates[(name, language)] = body_parameters

    def add_media(
        self,
        content: bytes,
        mime_type: str,
        *,
        sha256: str | None = None,
        file_size: int | None = None,
        media_id: str | None = None,
    ) -> str:
        """Serve `content` as a media id (returned; `media_id` picks it, as in a fixture);
        `sha256` and `file_size` override what is announced (a tampered download, a size the
        sender lied about)."""
        with self._condition:
            media_id = media_id or str(next(self._media_ids))
            self._media[media_id] = _StoredMedia(
                content,
                mime_type,
                sha256 or hashlib.sha256(content).hexdigest(),
                len(content) if file_size is None else file_size,
            )
        return media_id

    @property
    def media_downloads(self) -> int:
        """How many times media bytes were fetched from the download URL."""
        with self._condition:
            return self._downloads

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/_stats", self._stats, methods=["GET"]),
                Route("/_sent/{to}", self._sent_to, methods=["GET"]),
                Route("/whatsapp_business/attachments/", self._download, methods=["GET"]),
                Route("/{version}/{phone_number_id}/messages", self._messages, methods=["POST"]),
                Route("/{version}/{media_id}", self._media_info, methods=["GET"]),
            ]
        )

    async def _stats(self, request: Request) -> Response:
        with self._condition:
            return JSONResponse(
                {
                    "requests": self._requests,
                    "messages": len(self._sent),
                    "read_receipts": len(self._read_receipts),
                    "failures": self._failures,
                    "sends": [
                        {"to": r.body.get("to"), "id": r.wamid, "at": r.received_at}
                        for r in self._sent
                    ],
                }
            )

    async def _sent_to(self, request: Request) -> Response:
        to = request.path_params["to"]
        with self._condition:
            sent = [r for r in self._sent if r.body.get("to") == to]
        return JSONResponse([{"id": r.wamid, "at": r.received_at, "body": r.body} for r in sent])

    async def _messages(self, request: Request) -> Response:
        refusal = await self._refusal(request)
        if refusal is not None:
            return refusal
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._error(400, 100, "The request body must be a JSON object")
        record = RecordedRequest(
            request.url.path, dict(request.headers), body, received_at=time.time()
        )
        if body.get("status") == "read":
            with self._condition:
                self._read_receipts.append(record)
            return JSONResponse({"success": True})
        problem = message_problem(body)
        if problem is not None:
            return self._error(400, 131009, f"(#131009) Parameter value is not valid: {problem}")
        refused = self._policy_refusal(body)
        if refused is not None:
            return self._error(400, *refused)
        wamid = f"wamid.FAKE{uuid.uuid4().hex.upper()}"
        with self._condition:
            self._sent.append(dataclasses.replace(record, wamid=wamid))
            self._condition.notify_all()
            hang = self._hang_after_accept > 0
            self._hang_after_accept -= hang
        if hang:
            await asyncio.Event().wait()  # until the server stops and cancels this request
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": wamid}],
            }
        )

    def _policy_refusal(self, body: dict[str, Any]) -> tuple[int, str] | None:
        """Meta's template and 24-hour window rules: (code, message) when they refuse."""
        with self._condition:
            approved = dict(self._templates)
            last = self._last_inbound.get(body["to"])
        if body.get("type") == "template":
            return template_problem(body.get("template"), approved)
        if last is None and not self.strict_window:
            return None
        if last is None or time.time() - last > WINDOW_SECONDS:
            return (
                131047,
                "(#131047) Re-engagement message: more than 24 hours have passed since the "
                "recipient last replied to the sender number",
            )
        return None

    async def _media_info(self, request: Request) -> Response:
        refusal = await self._refusal(request)
        if refusal is not None:
            return refusal
        media_id = request.path_params["media_id"]
        if media_id in self.phone_numbers:  # `GET /{version}/{phone number id}`: the number
            return JSONResponse(self.phone_numbers[media_id])
        with self._condition:
            media = self._media.get(media_id)
        if media is None:
            return self._error(400, 100, f"Object with ID '{media_id}' does not exist")
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "url": (
                    f"{self.origin}/whatsapp_business/attachments/"
                    f"?mid={media_id}&ext={int(time.time())}&hash=ATfake"
                ),
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": str(media.file_size),
                "id": media_id,
            }
        )

    async def _download(self, request: Request) -> Response:
        refusal = await self._refusal(request, check_version=False)
        if refusal is not None:
            return refusal
        with self._condition:
            media = self._media.get(request.query_params.get("mid", ""))
            self._downloads += media is not None
        if media is None:
            return Response(status_code=404)
        # Meta's media host answers the bare type ("audio/ogg"), not the codec parameters.
        return Response(media.content, media_type=media.mime_type.split(";")[0])

    async def _refusal(self, request: Request, *, check_version: bool = True) -> Response | None:
        """A scripted failure, or Graph's answer to a bad token or version; None to go on."""
        with self._condition:
            self._requests += 1
            scripted = self._scripted.popleft() if self._scripted else None
        if scripted is not None and scripted.delay:
            await asyncio.sleep(scripted.delay)
        elif scripted is not None:
            with self._condition:
                self._failures += 1
            if scripted.drop:
                return _DroppedConnection()
            if isinstance(scripted.body, str):
                return Response(scripted.body, scripted.status, media_type="text/html")
            return JSONResponse(scripted.body, scripted.status)
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return self._error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if check_version and request.path_params.get("version") != self.version:
            return self._error(400, 100, f"Unknown API version {request.path_params['version']}")
        return None

    def _error(self, status: int, code: int, message: str) -> Response:
        with self._condition:
            self._failures += 1
        return JSONResponse(_graph_error(code, message), status)


class _DroppedConnection(Response):
    """Starts an answer and then stops: the client sees the connection close mid-response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
        )
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        # Returning without finishing makes uvicorn log an error and close the socket.


def _graph_error(code: int, message: str) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": f"Fake{uuid.uuid4().hex[:12]}",
        }
    }


def _default_error(status: int) -> dict[str, Any]:
    if status == 429:
        return _graph_error(130429, "(#130429) Rate limit hit")
    if status >= 500:
        return _graph_error(2, "Service temporarily unavailable")
    return _graph_error(100, "(#100) Invalid parameter")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--access-token", default=DEFAULT_ACCESS_TOKEN)
    parser.add_argument("--version", default=DEFAULT_VERSION)
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with FakeGraphApi(
        args.access_token, version=args.version, host=args.host, port=args.port
    ) as fake:
        print(fake.base_url, flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
