"""A fake OpenAI-compatible speech-to-text API served over real HTTP, for tests.

It speaks `POST /v1/audio/transcriptions` as OpenAI documents it: a `multipart/form-data` body
with the audio in `file` (its file name's extension names the format: flac, m4a, mp3, mp4, mpeg,
mpga, oga, ogg, wav, webm), a `model`, and optional `language`, `prompt`, `temperature` and
`response_format` (json, the default: `{"text": …}`; text; verbose_json). It checks the bearer
key, the fields, the format and the 25 MB limit, with OpenAI's error bodies; it "hears" the
audio it was taught (`teach(audio, text)`) and answers 400 "Audio file might be corrupted or
unsupported" to any other; it records every request and can fail, drop or hold the next ones:

    with FakeTranscriptionApi(api_key=API_KEY) as fake:
        fake.teach(b"OggS...", "Hola, ¿tenéis habitación para mañana?")
        stt = OpenAiCompatibleSpeechToText(base_url=fake.base_url, api_key=API_KEY, ...)
        fake.fail_next(status=503)
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections import deque
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.fakes.openai_api import (
    DEFAULT_API_KEY,
    DroppedConnection,
    OpenAiCompatibleFake,
    default_error,
    invalid_request,
    key_refusal,
    openai_error,
)

FORMATS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
MAX_BYTES = 25 * 1024 * 1024
_RESPONSE_FORMATS = ("json", "text", "verbose_json", "srt", "vtt")


@dataclasses.dataclass(frozen=True)
class TranscriptionRequest:
    """One request the fake received (whatever it answered), as its multipart parts."""

    headers: dict[str, str]  # lower-case names
    fields: dict[str, str]  # the text parts: model, language, response_format...
    file_name: str | None
    file_content_type: str | None
    audio: bytes | None


@dataclasses.dataclass(frozen=True)
class _Scripted:
    status: int = 200
    body: object = None
    drop: bool = False
    hold: threading.Event | None = None  # answer normally once it is set


class FakeTranscriptionApi(OpenAiCompatibleFake):
    label = "fake transcription API"
    models = ("whisper-1",)

    def __init__(
        self, api_key: str | None = DEFAULT_API_KEY, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        super().__init__(api_key, host=host, port=port)
        self._requests: list[TranscriptionRequest] = []
        self._scripted: deque[_Scripted] = deque()
        self._heard: dict[bytes, tuple[str, str]] = {}

    @property
    def requests(self) -> list[TranscriptionRequest]:
        with self._lock:
            return list(self._requests)

    def teach(self, audio: bytes, text: str, *, language: str = "spanish") -> None:
        """Transcribe `audio` as `text` from now on (`language` as verbose_json names it)."""
        with self._lock:
            self._heard[audio] = (text, language)

    def fail_next(self, status: int = 500, *, times: int = 1) -> None:
        """Answer the next `times` requests with `status` and OpenAI's error body for it."""
        with self._lock:
            self._scripted.extend(
                _Scripted(status=status, body=default_error(status)) for _ in range(times)
            )

    def drop_next(self, *, times: int = 1) -> None:
        """Close the connection on the next `times` requests before a full answer is sent."""
        with self._lock:
            self._scripted.extend(_Scripted(drop=True) for _ in range(times))

    def hold_next(self) -> threading.Event:
        """Keep the next request waiting (recorded, unanswered) until the returned event is
        set; then answer it normally."""
        released = threading.Event()
        with self._lock:
            self._scripted.append(_Scripted(hold=released))
        return released

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/audio/transcriptions", self._transcribe, methods=["POST"]),
                self.models_route(),
            ]
        )

    async def _transcribe(self, request: Request) -> Response:
        record, problem = await _parse(request)
        with self._lock:
            self._requests.append(record)
            scripted = self._scripted.popleft() if self._scripted else None
        if scripted is not None and scripted.hold is not None:
            while not scripted.hold.is_set():
                await asyncio.sleep(0.01)
            scripted = None
        if scripted is not None:
            if scripted.drop:
                return DroppedConnection()
            return JSONResponse(scripted.body, scripted.status)
        refusal = key_refusal(request, self.api_key) or problem or _invalid_fields(record)
        if refusal is not None:
            return refusal
        assert record.audio is not None
        with self._lock:
            heard = self._heard.get(record.audio)
        if heard is None:
            return JSONResponse(
                openai_error(
                    "Audio file might be corrupted or unsupported",
                    "invalid_request_error",
                    param="file",
                    code="invalid_value",
                ),
                400,
            )
        return _answer(record, *heard)


async def _parse(request: Request) -> tuple[TranscriptionRequest, Response | None]:
    headers = dict(request.headers)
    empty = TranscriptionRequest(headers, {}, None, None, None)
    if not headers.get("content-type", "").startswith("multipart/form-data"):
        return empty, invalid_request(
            "Could not parse multipart form: the Content-Type must be multipart/form-data"
        )
    length = int(headers.get("content-length", "0") or 0)
    if length > MAX_BYTES:
        return empty, JSONResponse(
            openai_error(
                f"Maximum content size limit ({MAX_BYTES}) exceeded ({length} bytes read)",
                "server_error",
            ),
            413,
        )
    try:
        form = await request.form()
    except Exception as exc:  # the multipart parser's own errors
        return empty, invalid_request(f"Could not parse multipart form: {exc}")
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return TranscriptionRequest(headers, fields, None, None, None), None
    audio = await upload.read()
    return TranscriptionRequest(headers, fields, upload.filename, upload.content_type, audio), None


def _invalid_fields(record: TranscriptionRequest) -> Response | None:
    if record.audio is None:
        return invalid_request("'file' is a required property", param="file")
    if not record.fields.get("model"):
        return invalid_request("you must provide a model parameter", param="model")
    extension = (record.file_name or "").rpartition(".")[2].lower()
    if extension not in FORMATS:
        return invalid_request(f"Invalid file format. Supported formats: {list(FORMATS)}")
    if record.fields.get("response_format", "json") not in _RESPONSE_FORMATS:
        return invalid_request(
            f"Invalid value for 'response_format': must be one of {list(_RESPONSE_FORMATS)}",
            param="response_format",
        )
    return None


def _answer(record: TranscriptionRequest, text: str, language: str) -> Response:
    assert record.audio is not None
    seconds = max(1, len(record.audio) // 4000)  # Opus voice runs at about 32 kbit/s
    response_format = record.fields.get("response_format", "json")
    if response_format == "text":
        return PlainTextResponse(text + "\n")
    if response_format in ("srt", "vtt"):
        return PlainTextResponse(f"1\n00:00:00,000 --> 00:00:{seconds:02d},000\n{text}\n")
    body: dict[str, Any] = {"text": text, "usage": {"type": "duration", "seconds": seconds}}
    if response_format == "verbose_json":
        body = {"task": "transcribe", "language": language, "duration": float(seconds), **body}
        body["segments"] = [{"id": 0, "start": 0.0, "end": float(seconds), "text": text}]
    return JSONResponse(body)
