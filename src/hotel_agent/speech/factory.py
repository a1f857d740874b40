"""The configured speech-to-text, built only when one is configured."""

from __future__ import annotations

from hotel_agent.settings import Settings
from hotel_agent.speech.port import SpeechToText


def build_speech_to_text(settings: Settings) -> SpeechToText | None:
    """The configured service, or None when `STT_BASE_URL` is not set (the default)."""
    stt = settings.stt
    if not stt.enabled:
        return None
    # Imported here: the openai SDK takes about a second to import (see llm/factory.py).
    from hotel_agent.speech.openai_compatible import OpenAiCompatibleSpeechToText

    return OpenAiCompatibleSpeechToText(
        base_url=stt.base_url,
        api_key=stt.api_key,
        model=stt.model,
        timeout_seconds=stt.timeout_seconds,
        max_retries=stt.max_retries,
    )
