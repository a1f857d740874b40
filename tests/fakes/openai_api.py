"""A fake OpenAI-compatible chat API served over real HTTP, for tests.

It speaks `POST /v1/chat/completions` with the documented request checks (bearer key, model,
messages, temperature range, the word "json" required by `response_format: json_object`) and
the documented answer shape (`chat.completion` with choices and usage; errors as
`{"error": {"message", "type", "param", "code"}}`). It records every request, answers from a
queue of scripted contents or from a function of the request, and can fail, throttle, stall,
break the JSON or drop the connection on the next requests:

    with FakeOpenAiApi(api_key="sk-test") as fake:
        model = OpenAiCompatibleModel(base_url=fake.base_url, api_key="sk-test", ...)
        fake.reply_with('{"intent": "faq", "topic": "wifi"}')
        fake.fail_next(status=429)
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.fakes.server import FakeServer

DEFAULT_API_KEY = "sk-fake-key"


@dataclasses.dataclass(frozen=True)
class ChatRequest:
    """One request the fake received, whatever it answered."""

    path: str
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]

    @property
    def model(self) -> str | None:
        value = self.body.get("model")
        return value if isinstance(value, str) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        value = self.body.get("messages")
        return [m for m in value if isinstance(m, dict)] if isinstance(value, list) else []

    def contents(self, role: str) -> list[str]:
        return [str(m.get("content", "")) for m in self.messages if m.get("role") == role]

    @property
    def system_prompt(self) -> str:
        return "\n".join(self.contents("system"))

    @property
    def user_text(self) -> str:
        return "\n".join(self.contents("user"))


@dataclasses.dataclass(frozen=True)
class _Scripted:
    content: str | None = None  # answer normally with this text
    status: int = 200
    body: object = None  # a raw JSON body (dict/list) or a raw text body (str)
    finish_reason: str = "stop"
    malformed: bool = False
    drop: bool = False
    delay: float = 0.0  # seconds before answering (or until the client hangs up)


Responder = Callable[[ChatRequest], str]


class OpenAiCompatibleFake(FakeServer):
    """What the fakes of OpenAI's endpoints share: the key they check, the `/v1` base URL and
    `GET /v1/models`, listing `models` (what `hotel-agent doctor` asks)."""

    models: tuple[str, ...] = ()

    def __init__(
        self, api_key: str | None = DEFAULT_API_KEY, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.api_key = api_key  # None: any key, or none, is accepted (like a local server)
        super().__init__(host=host, port=port)
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """What a client is configured with, like `https://api.openai.com/v1`."""
        return f"{self.origin}/v1"

    def models_route(self) -> Route:
        return Route("/v1/models", self._list_models, methods=["GET"])

    async def _list_models(self, request: Request) -> Response:
        """OpenAI's list of models: `{"object": "list", "data": [{"id", "object": "model",
        "created", "owned_by"}]}`, after the same key check as every endpoint."""
        refusal = key_refusal(request, self.api_key)
        if refusal is not None:
            return refusal
        return JSONResponse(
            {
                "object": "list",
                "data": [
                    {"id": model, "object": "model", "created": 1_700_000_000, "owned_by": "fake"}
                    for model in self.models
                ],
            }
        )


class FakeOpenAiApi(OpenAiCompatibleFake):
    label = "fake OpenAI API"
    models = ("gpt-4o-mini", "gpt-4o")

    def __init__(
        self, api_key: str | None = DEFAULT_API_KEY, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        super().__init__(api_key, host=host, port=port)
        self._requests: list[ChatRequest] = []
        self._scripted: deque[_Scripted] = deque()
        self._responder: Responder | None = None

    @property
    def requests(self) -> list[ChatRequest]:
        """Every chat completion request received, in arrival order."""
        with self._lock:
            return list(self._requests)

    def reply_with(self, *contents: str, finish_reason: str = "stop") -> None:
        """Answer the next requests with these assistant contents, one each."""
        with self._lock:
            self._scripted.extend(
                _Scripted(content=content, finish_reason=finish_reason) for content in contents
            )

    def reply_using(self, responder: Responder | None) -> None:
        """Answer every request with no scripted reply by calling `responder(request)`."""
        with self._lock:
            self._responder = responder

    def respond_next(self, body: object, *, status: int = 200, times: int = 1) -> None:
        """Answer the next `times` requests with this raw body: a dict or list as JSON, a string
        as text/html (what proxies send)."""
        with self._lock:
            self._scripted.extend(_Scripted(status=status, body=body) for _ in range(times))

    def fail_next(self, status: int = 500, *, times: int = 1) -> None:
        """Answer the next `times` requests with `status` and OpenAI's error body for it."""
        self.respond_next(default_error(status), status=status, times=times)

    def delay_next(self, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` requests normally, but only after `seconds` (the fake stops
        waiting early when the client hangs up)."""
        with self._lock:
            self._scripted.extend(_Scripted(delay=seconds) for _ in range(times))

    def malformed_next(self, *, times: int = 1) -> None:
        """Answer 200 `application/json` with a body that is not JSON."""
        with self._lock:
            self._scripted.extend(_Scripted(malformed=True) for _ in range(times))

    def drop_next(self, *, times: int = 1) -> None:
        """Close the connection on the next `times` requests before a full answer is sent."""
        with self._lock:
            self._scripted.extend(_Scripted(drop=True) for _ in range(times))

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                self.models_route(),
            ]
        )

    async def _chat(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        record = ChatRequest(
            request.url.path, dict(request.headers), body if isinstance(body, dict) else {}
        )
        with self._lock:
            self._requests.append(record)
            scripted = self._scripted.popleft() if self._scripted else None
        if scripted is not None and scripted.delay:
            await _wait_or_hang_up(request, scripted.delay)
            scripted = None
        if scripted is not None and scripted.drop:
            return DroppedConnection()
        if scripted is not None and scripted.body is not None:
            if isinstance(scripted.body, str):
                return Response(scripted.body, scripted.status, media_type="text/html")
            return JSONResponse(scripted.body, scripted.status)
        refusal = self._refusal(request, body)
        if refusal is not None:
            return refusal
        if scripted is not None and scripted.malformed:
            truncated = b'{"id": "chatcmpl-broken", "object": "chat.completion", "choices": [{'
            return Response(truncated, 200, media_type="application/json")
        if scripted is not None and scripted.content is not None:
            content, finish_reason = scripted.content, scripted.finish_reason
        else:
            with self._lock:
                responder = self._responder
            if responder is None:
                return _error(500, "The fake has no reply scripted for this request", "fake")
            content, finish_reason = responder(record), "stop"
        return JSONResponse(_completion(record, content, finish_reason))

    def _refusal(self, request: Request, body: object) -> Response | None:
        """OpenAI's answer to a bad key or an invalid request; None when it is fine."""
        wrong_key = key_refusal(request, self.api_key)
        if wrong_key is not None:
            return wrong_key
        if not isinstance(body, dict):
            return invalid_request("We could not parse the JSON body of your request.")
        if not isinstance(body.get("model"), str) or not body["model"]:
            return invalid_request("you must provide a model parameter", param="model")
        messages = body.get("messages")
        if (
            not isinstance(messages, list)
            or not messages
            or not all(
                isinstance(m, dict) and m.get("role") in _ROLES and "content" in m for m in messages
            )
        ):
            return invalid_request("Invalid value for 'messages'.", param="messages")
        temperature = body.get("temperature", 1)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            return invalid_request(
                "Invalid 'temperature': must be between 0 and 2.", param="temperature"
            )
        response_format = body.get("response_format")
        if (
            isinstance(response_format, dict)
            and response_format.get("type") == "json_object"
            and not any("json" in str(m.get("content", "")).lower() for m in messages)
        ):
            return invalid_request(
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'.",
                param="messages",
            )
        return None


_ROLES = {"system", "developer", "user", "assistant", "tool"}


def key_refusal(request: Request, api_key: str | None) -> Response | None:
    """OpenAI's 401 when the bearer key is not `api_key` (None: any key, or none, will do)."""
    if api_key is None or request.headers.get("authorization", "") == f"Bearer {api_key}":
        return None
    return _error(
        401,
        "Incorrect API key provided. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        code="invalid_api_key",
    )


async def _wait_or_hang_up(request: Request, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.02)


def _completion(request: ChatRequest, content: str, finish_reason: str) -> dict[str, Any]:
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in request.messages)
    completion_tokens = len(content.split())
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": "fp_fake",
    }


class DroppedConnection(Response):
    """Starts an answer and then stops: the client sees the connection close mid-response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
        )
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        # Returning without finishing makes uvicorn log an error and close the socket.


def openai_error(
    message: str, error_type: str, *, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def _error(
    status: int, message: str, error_type: str, *, param: str | None = None, code: str | None = None
) -> JSONResponse:
    return JSONResponse(openai_error(message, error_type, param=param, code=code), status)


def invalid_request(message: str, *, param: str | None = None) -> JSONResponse:
    return _error(400, message, "invalid_request_error", param=param)


def default_error(status: int) -> dict[str, Any]:
    if status == 429:
        return openai_error(
            "Rate limit reached for requests. Please try again in 20s.",
            "requests",
            param="requests",
            code="rate_limit_exceeded",
        )
    if status >= 500:
        return openai_error(
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
        )
    return openai_error("Invalid request.", "invalid_request_error")
