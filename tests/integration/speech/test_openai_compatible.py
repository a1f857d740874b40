"""Speech-to-text against a fake OpenAI-compatible transcription API over real HTTP: the
multipart request it sends, the transcript it returns, and that every failure becomes None,
one log line and a counted outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from hotel_agent.settings import Settings, SpeechToTextSettings
from hotel_agent.speech.factory import build_speech_to_text
from hotel_agent.speech.openai_compatible import OpenAiCompatibleSpeechToText, audio_file_name
from tests.fakes.transcription_api import FakeTranscriptionApi

KEY = "sk-test-stt-0123456789"  # pragma: allowlist secret
MODEL = "whisper-test"
VOICE_NOTE = b"OggS\x00\x02" + bytes(range(256)) * 20  # stands in for Ogg/Opus bytes
SPOKEN = "Hola, ¿tenéis una habitación doble para este fin de semana?"


@pytest.fixture
def fake() -> Iterator[FakeTranscriptionApi]:
    with FakeTranscriptionApi(api_key=KEY) as server:
        yield server


@pytest.fixture
async def stt(fake: FakeTranscriptionApi) -> AsyncIterator[OpenAiCompatibleSpeechToText]:
    built = OpenAiCompatibleSpeechToText(
        base_url=fake.base_url, api_key=KEY, model=MODEL, timeout_seconds=5, max_retries=1
    )
    yield built
    await built.aclose()


def calls(outcome: str) -> float:
    return REGISTRY.get_sample_value("hotel_agent_stt_calls_total", {"outcome": outcome}) or 0.0


async def test_a_voice_note_is_sent_as_multipart_and_its_words_come_back(
    stt: OpenAiCompatibleSpeechToText, fake: FakeTranscriptionApi
) -> None:
    fake.teach(VOICE_NOTE, SPOKEN)
    before = calls("ok")

    text = await stt.transcribe(VOICE_NOTE, mime_type="audio/ogg; codecs=opus")

    assert text == SPOKEN
    (request,) = fake.requests
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.fields == {"model": MODEL, "response_format": "json"}
    assert (request.file_name, request.file_content_type) == ("voice-note.ogg", "audio/ogg")
    assert request.audio == VOICE_NOTE
    assert calls("ok") == before + 1


async def test_a_note_without_words_is_an_empty_transcript(
    stt: OpenAiCompatibleSpeechToText, fake: FakeTranscriptionApi
) -> None:
    fake.teach(VOICE_NOTE, "  \n ")
    before = calls("silent")

    assert await stt.transcribe(VOICE_NOTE, mime_type="audio/ogg") == ""
    assert calls("silent") == before + 1


async def test_one_server_error_is_retried(
    stt: OpenAiCompatibleSpeechToText, fake: FakeTranscriptionApi
) -> None:
    fake.teach(VOICE_NOTE, SPOKEN)
    fake.fail_next(status=503)

    assert await stt.transcribe(VOICE_NOTE, mime_type="audio/ogg") == SPOKEN
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("script", "outcome"),
    [
        (lambda fake: fake.fail_next(status=503, times=2), "server_error"),
        (lambda fake: fake.drop_next(times=2), "connection_error"),
        (lambda fake: None, "client_error"),  # audio the service cannot decode
    ],
)
async def test_a_failure_is_none_one_log_line_and_a_count(
    stt: OpenAiCompatibleSpeechToText, fake: FakeTranscriptionApi, script, outcome: str
) -> None:
    script(fake)
    before = calls(outcome)

    with capture_logs() as logs:
        assert await stt.transcribe(VOICE_NOTE, mime_type="audio/ogg") is None

    assert calls(outcome) == before + 1
    [line] = [entry for entry in logs if entry["event"] == "stt.failed"]
    assert line["reason"] == outcome
    assert SPOKEN not in repr(logs)


async def test_a_wrong_key_is_an_auth_error(fake: FakeTranscriptionApi) -> None:
    fake.teach(VOICE_NOTE, SPOKEN)
    stt = OpenAiCompatibleSpeechToText(
        base_url=fake.base_url,
        api_key="sk-wrong",  # pragma: allowlist secret
        model=MODEL,
        timeout_seconds=5,
        max_retries=0,
    )
    before = calls("auth_error")
    try:
        assert await stt.transcribe(VOICE_NOTE, mime_type="audio/ogg") is None
    finally:
        await stt.aclose()
    assert calls("auth_error") == before + 1


def test_the_fake_refuses_what_openai_refuses(fake: FakeTranscriptionApi) -> None:
    fake.teach(VOICE_NOTE, SPOKEN)
    url = f"{fake.base_url}/audio/transcriptions"
    auth = {"Authorization": f"Bearer {KEY}"}

    no_model = httpx.post(url, headers=auth, files={"file": ("a.ogg", VOICE_NOTE)})
    bad_format = httpx.post(
        url, headers=auth, files={"file": ("a.amr", VOICE_NOTE)}, data={"model": MODEL}
    )
    as_json = httpx.post(url, headers=auth, json={"model": MODEL})
    verbose = httpx.post(
        url,
        headers=auth,
        files={"file": ("a.ogg", VOICE_NOTE)},
        data={"model": MODEL, "response_format": "verbose_json"},
    )

    assert no_model.status_code == 400 and no_model.json()["error"]["param"] == "model"
    assert bad_format.status_code == 400
    assert "Invalid file format" in bad_format.json()["error"]["message"]
    assert as_json.status_code == 400
    assert verbose.json()["text"] == SPOKEN and verbose.json()["language"] == "spanish"


def test_file_names_carry_the_format_openai_recognises() -> None:
    assert audio_file_name("audio/ogg; codecs=opus") == "voice-note.ogg"
    assert audio_file_name("audio/mpeg") == "voice-note.mp3"
    assert audio_file_name("audio/mp4") == "voice-note.m4a"


def test_nothing_is_built_until_a_base_url_is_set() -> None:
    off = Settings(_env_file=None, stt=SpeechToTextSettings(_env_file=None))
    assert build_speech_to_text(off) is None
