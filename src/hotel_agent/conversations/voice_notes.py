"""Voice notes become text: downloaded from the guest's channel, heard by speech-to-text.

Runs in the worker's turn, never in the webhook request (Meta wants a fast 200). The result —
the transcript as the message's text, or why there is none — is written back into the inbox
event before the turn goes on, so a turn that is run again (a crash, a lost lease) neither
downloads nor transcribes the note a second time.
"""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from hotel_agent.channels.port import TRANSCRIBED, InboundMessage, MediaSource, SendError
from hotel_agent.observability.metrics import VOICE_NOTES
from hotel_agent.speech.port import SpeechToText

log = structlog.get_logger(__name__)


def needs_transcript(message: InboundMessage) -> bool:
    """An audio message not yet tried (a retried turn finds its earlier result)."""
    return (
        message.type == "audio"
        and message.media is not None
        and message.media.transcript_status is None
    )


class VoiceNotes:
    """Turns a guest's audio message into a message whose text is what they said."""

    def __init__(
        self,
        media_sources: Mapping[str, MediaSource],
        speech_to_text: SpeechToText | None,
        *,
        max_audio_bytes: int,
    ) -> None:
        self.media_sources = media_sources
        self.speech_to_text = speech_to_text
        self.max_audio_bytes = max_audio_bytes

    async def transcribe(self, message: InboundMessage) -> InboundMessage:
        """`message` with its transcript as text (and `media.transcript_status` "transcribed"),
        or with the status saying why it could not be heard."""
        assert message.media is not None
        text, status = await self._hear(message)
        VOICE_NOTES.labels(status).inc()
        media = message.media.model_copy(update={"transcript_status": status})
        return message.model_copy(update={"media": media, "text": text or message.text})

    async def _hear(self, message: InboundMessage) -> tuple[str | None, str]:
        assert message.media is not None
        source = self.media_sources.get(message.channel)
        if self.speech_to_text is None or source is None:
            return None, "not_configured"
        try:
            audio, mime_type = await source.download_media(
                message.media.id, max_bytes=self.max_audio_bytes
            )
        except SendError as exc:
            log.warning("voice_note.download_failed", reason=exc.reason, code=exc.code)
            return None, "too_large" if exc.reason == "too_large" else "download_failed"
        text = await self.speech_to_text.transcribe(audio, mime_type=mime_type)
        if text is None:
            return None, "transcription_failed"
        if not text:
            return None, "silent"
        return text, TRANSCRIBED
