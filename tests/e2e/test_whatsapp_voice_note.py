"""A guest sends a WhatsApp voice note: the signed webhook is acknowledged at once, the worker
fetches the audio from (a fake of) Meta's Graph API in its two steps, a fake OpenAI-compatible
transcription API hears it, and the answer to what the guest said reaches the Graph API."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.e2e.live_app import serve_app
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.transcription_api import FakeTranscriptionApi
from tests.support import make_settings, signed_headers, whatsapp_fixture

from hotel_agent.settings import SpeechToTextSettings

STT_KEY = "sk-test-e2e-voice-0123"  # pragma: allowlist secret
MEDIA_ID = "1460112233445566"  # the fixture's audio id
VOICE_NOTE = b"OggS\x00\x02e2e-voice" + bytes(range(256)) * 12


@pytest.fixture
def stt() -> Iterator[FakeTranscriptionApi]:
    with FakeTranscriptionApi(api_key=STT_KEY) as fake:
        yield fake


@pytest.fixture
def voice_app(tmp_path: Path, fake_graph: FakeGraphApi, stt: FakeTranscriptionApi) -> Iterator[str]:
    speech = SpeechToTextSettings(
        _env_file=None,  # type: ignore[call-arg]
        base_url=stt.base_url,
        api_key=STT_KEY,
        model="whisper-1",
    )
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'voice.db'}",
        graph_base_url=fake_graph.base_url,
        stt=speech,
    )
    with serve_app(settings) as origin:
        yield origin


def voice_note_webhook(audio: bytes, wamid: str = "wamid.AUDIO0001") -> bytes:
    payload: dict[str, Any] = copy.deepcopy(whatsapp_fixture("audio_voice_note"))
    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    message["id"] = wamid
    message["audio"]["sha256"] = hashlib.sha256(audio).hexdigest()
    return json.dumps(payload).encode()


def post(origin: str, body: bytes) -> httpx.Response:
    return httpx.post(
        f"{origin}/webhooks/whatsapp", content=body, headers=signed_headers(body), timeout=10
    )


def test_a_voice_note_is_answered_in_the_language_it_was_spoken(
    voice_app: str, fake_graph: FakeGraphApi, stt: FakeTranscriptionApi
) -> None:
    fake_graph.add_media(VOICE_NOTE, "audio/ogg; codecs=opus", media_id=MEDIA_ID)
    stt.teach(VOICE_NOTE, "Hi! What time is breakfast served?", language="english")
    held = stt.hold_next()

    # Transcription is held: an acknowledgement now proves the webhook does not wait for it.
    answer = post(voice_app, voice_note_webhook(VOICE_NOTE))
    assert answer.status_code == 200
    held.set()

    replies = fake_graph.wait_for_messages(2, timeout=20)  # greeting, then the answer
    text = " ".join(json.dumps(r.body, ensure_ascii=False) for r in replies)
    assert "7:30" in text and "Breakfast" in text, "answered in English, from the hotel's facts"
    assert [r.body["to"] for r in replies] == ["34611111111"] * len(replies)
    [request] = stt.requests
    assert request.audio == VOICE_NOTE
    assert fake_graph.media_downloads == 1


def test_a_tampered_voice_note_is_refused_and_the_guest_asked_to_write(
    voice_app: str, fake_graph: FakeGraphApi, stt: FakeTranscriptionApi
) -> None:
    fake_graph.add_media(
        VOICE_NOTE,
        "audio/ogg; codecs=opus",
        media_id=MEDIA_ID,
        sha256=hashlib.sha256(b"what Meta stored").hexdigest(),
    )
    stt.teach(VOICE_NOTE, "Quiero reservar una habitación")

    assert post(voice_app, voice_note_webhook(VOICE_NOTE)).status_code == 200

    [reply] = fake_graph.wait_for_messages(1, timeout=20)
    assert "no he podido entender tu nota de voz" in reply.body["text"]["body"]
    assert stt.requests == [], "bytes that fail the sha256 check are never transcribed"


def test_with_speech_to_text_down_the_guest_is_asked_to_write(
    voice_app: str, fake_graph: FakeGraphApi, stt: FakeTranscriptionApi
) -> None:
    fake_graph.add_media(VOICE_NOTE, "audio/ogg; codecs=opus", media_id=MEDIA_ID)
    stt.fail_next(status=503, times=5)

    assert post(voice_app, voice_note_webhook(VOICE_NOTE)).status_code == 200

    [reply] = fake_graph.wait_for_messages(1, timeout=30)
    assert reply.body["text"]["body"] == (
        "Perdona, no he podido entender tu nota de voz. ¿Me lo escribes, por favor?"
    )
