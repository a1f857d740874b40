"""Speech-to-text, as the conversation layer sees it.

`transcribe` returns None rather than raising: a voice note that cannot be heard is answered
with a request to write instead, never with a failed turn.
"""

from __future__ import annotations

from typing import Protocol


class SpeechToText(Protocol):
    async def transcribe(self, audio: bytes, *, mime_type: str) -> str | None:
        """The words spoken in `audio` ("" when none were heard); None when the service is
        unavailable or refuses the audio."""
        ...

    async def aclose(self) -> None:
        """Release the connections (the runtime calls it once, at shutdown)."""
        ...
