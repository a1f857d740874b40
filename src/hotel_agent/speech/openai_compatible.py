"""Speech-to-text through any OpenAI-compatible `POST {base_url}/audio/transcriptions` API
(OpenAI's whisper-1 and gpt-4o-transcribe, faster-whisper servers, LocalAI, vLLM...).

The audio goes up as multipart form data (`file` with a file name whose extension names the
format, `model`, `response_format=json`); the answer is `{"text": "…"}`. The language is not
sent: the model detects it, and the transcript then goes through the same language detection
as typed text. Every failure becomes None for the caller, one `stt.failed` log line (never the
transcript: it is the guest's words) and a count in `hotel_agent_stt_calls_total`.
"""

from __future__ import annotations

import asyncio
import time

import structlog

from hotel_agent.observability.metrics import STT_CALLS, STT_SECONDS
from hotel_agent.openai_client import OpenAiCompatibleClient, failure_outcome

log = structlog.get_logger(__name__)

# The file name's extension is how OpenAI tells the format apart (it refuses names it does not
# know); WhatsApp voice notes are Ogg/Opus.
_EXTENSIONS = {
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "m4a",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/webm": "webm",
    "audio/flac": "flac",
    "audio/amr": "amr",
}


def audio_file_name(mime_type: str) -> str:
    """`voice-note.ogg` for `audio/ogg; codecs=opus`: the name the upload carries."""
    bare = mime_type.split(";")[0].strip().lower()
    return f"voice-note.{_EXTENSIONS.get(bare, 'ogg')}"


class OpenAiCompatibleSpeechToText(OpenAiCompatibleClient):
    """`SpeechToText` over `POST {base_url}/audio/transcriptions`."""

    async def transcribe(self, audio: bytes, *, mime_type: str) -> str | None:
        started = time.perf_counter()
        outcome, error_type, status = "cancelled", "", None
        text: str | None = None
        try:
            async with asyncio.timeout(self._timeout):
                transcription = await self._client.audio.transcriptions.create(
                    model=self._model,
                    file=(audio_file_name(mime_type), audio, mime_type.split(";")[0].strip()),
                    response_format="json",
                )
            spoken = getattr(transcription, "text", None)
            if isinstance(spoken, str):
                text = " ".join(spoken.split())
                outcome = "ok" if text else "silent"
            else:
                outcome = "malformed_response"
        except Exception as exc:  # a voice note nobody can hear is answered, never a failed turn
            outcome, error_type = failure_outcome(exc), type(exc).__name__
            status = getattr(exc, "status_code", None)
        finally:
            STT_SECONDS.observe(time.perf_counter() - started)
            STT_CALLS.labels(outcome).inc()
        if outcome not in ("ok", "silent"):
            log.warning(
                "stt.failed",
                reason=outcome,
                error_type=error_type or None,
                status=status,
                model=self._model,
                audio_bytes=len(audio),
            )
        return text
