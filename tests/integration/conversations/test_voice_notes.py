"""Voice notes in the worker's turn, on real databases, against the fake Graph API (media in
Meta's two steps) and a fake transcription API over HTTP: what the engine is told, what staff
see, what the guest is answered when the note cannot be heard, and that a retried turn does not
download or transcribe the note again."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from hotel_agent.channels.port import InboundMessage, Media
from hotel_agent.conversations.turns import ConversationTurns, turn_worker
from hotel_agent.db.models import InboxEvent, Message, StaffRole
from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.dialogue.port import DialogueEngine
from hotel_agent.inbox.worker import Lease, Worker
from hotel_agent.runtime import Runtime
from hotel_agent.settings import SpeechToTextSettings
from hotel_agent.staff import accounts
from hotel_agent.staff import service as staff
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.transcription_api import FakeTranscriptionApi
from tests.integration.inbox.helpers import EchoEngine
from tests.integration.staff.test_console import PASSWORD, log_in
from tests.support import ACCESS_TOKEN, asgi_client, make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
GUEST = "34611111111"
STT_KEY = "sk-test-voice-0123456789"  # pragma: allowlist secret
VOICE_NOTE = b"OggS\x00\x02voice" + bytes(range(256)) * 8
SPOKEN = "Hola, quería saber a qué hora es el desayuno"


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi(access_token=ACCESS_TOKEN) as fake:
        yield fake


@pytest.fixture
def stt() -> Iterator[FakeTranscriptionApi]:
    with FakeTranscriptionApi(api_key=STT_KEY) as fake:
        fake.teach(VOICE_NOTE, SPOKEN)
        yield fake


async def voice_runtime(
    make_runtime: MakeRuntime,
    url: str,
    graph: FakeGraphApi,
    stt: FakeTranscriptionApi | None,
    dialogue: DialogueEngine | None = None,
) -> Runtime:
    speech = SpeechToTextSettings(
        _env_file=None,  # type: ignore[call-arg]
        base_url=stt.base_url if stt else "",
        api_key=STT_KEY,
        max_retries=0,
    )
    settings = make_settings(url, graph_base_url=graph.base_url, stt=speech)
    return await make_runtime(settings, dialogue=dialogue)


def voice_note(media_id: str, wamid: str = "wamid.VOICE1") -> InboundMessage:
    return InboundMessage(
        channel="whatsapp",
        provider_message_id=wamid,
        sender_id=GUEST,
        sender_name="Ana Ruiz",
        type="audio",
        media=Media(id=media_id, mime_type="audio/ogg; codecs=opus", voice=True),
        timestamp=datetime.now(UTC),
    )


def voice_notes_counted(outcome: str) -> float:
    labels = {"outcome": outcome}
    return REGISTRY.get_sample_value("hotel_agent_voice_notes_total", labels) or 0.0


async def sent_by_guest(runtime: Runtime, media_id: str) -> None:
    """The guest's voice note (Meta's media `media_id`) as the webhook queues it."""
    await runtime.ingest.accept(runtime.hotels.default_hotel_id, [voice_note(media_id)])


def worker_of(runtime: Runtime, dialogue: DialogueEngine) -> Worker:
    return turn_worker(
        runtime.sessions,
        dialogue,
        runtime.signals,
        runtime.settings.queue,
        voice_notes=runtime.voice_notes(),
    )


async def run_until_done(runtime: Runtime, worker: Worker) -> None:
    """Run turns, retries included, until no message is left unfinished."""
    for _ in range(200):
        if not await worker.process_next():
            async with runtime.sessions() as session:
                states = (await session.scalars(select(InboxEvent.state))).all()
            if all(state in ("done", "dead") for state in states):
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the inbox did not drain")


async def guest_messages(runtime: Runtime) -> list[Message]:
    async with runtime.sessions() as session:
        return list((await session.scalars(select(Message).where(Message.direction == "in"))).all())


async def replies(runtime: Runtime) -> list[str]:
    async with runtime.sessions() as session:
        rows = await session.scalars(
            select(Message.body).where(Message.direction == "out").order_by(Message.id)
        )
        return list(rows.all())


async def test_a_voice_note_reaches_the_engine_as_its_transcript_and_staff_see_it(
    sqlite_url: str, make_runtime: MakeRuntime, graph: FakeGraphApi, stt: FakeTranscriptionApi
) -> None:
    engine = EchoEngine()
    runtime = await voice_runtime(make_runtime, sqlite_url, graph, stt, engine)
    await sent_by_guest(runtime, graph.add_media(VOICE_NOTE, "audio/ogg; codecs=opus"))

    await run_until_done(runtime, worker_of(runtime, engine))

    assert engine.turns == [(GUEST, SPOKEN)]
    [request] = stt.requests
    assert request.audio == VOICE_NOTE and request.file_name == "voice-note.ogg"
    [inbound] = await guest_messages(runtime)
    assert (inbound.type, inbound.body) == ("audio", SPOKEN)
    async with runtime.sessions() as session:
        seen = await staff.transcript(session, inbound.conversation_id)
    [line] = [m for m in seen.messages if m.direction == "in"]
    assert (line.text, line.voice_note) == (SPOKEN, "transcribed")
    assert await replies(runtime) == [f"echo: {SPOKEN}"]


async def test_a_retried_turn_does_not_download_or_transcribe_again(
    database_url: str, make_runtime: MakeRuntime, graph: FakeGraphApi, stt: FakeTranscriptionApi
) -> None:
    engine = EchoEngine(fail_times=2)
    runtime = await voice_runtime(make_runtime, database_url, graph, stt, engine)
    await sent_by_guest(runtime, graph.add_media(VOICE_NOTE, "audio/ogg; codecs=opus"))

    await run_until_done(runtime, worker_of(runtime, engine))

    assert engine.turns == [(GUEST, SPOKEN)], "the third attempt answered"
    assert (graph.media_downloads, len(stt.requests)) == (1, 1)
    async with runtime.sessions() as session:
        [event] = (await session.scalars(select(InboxEvent))).all()
    assert event.attempts == 3
    assert event.payload["text"] == SPOKEN
    assert event.payload["media"]["transcript_status"] == "transcribed"


@pytest.mark.parametrize(
    ("setup", "status", "reply"),
    [
        # Bytes that do not match the sha256 Meta announced: refused, never transcribed.
        (
            lambda graph, stt: graph.add_media(
                VOICE_NOTE, "audio/ogg", sha256=hashlib.sha256(b"other").hexdigest()
            ),
            "download_failed",
            "no he podido entender tu nota de voz",
        ),
        # Speech-to-text down.
        (
            lambda graph, stt: (
                stt.fail_next(status=503),
                graph.add_media(VOICE_NOTE, "audio/ogg"),
            )[1],
            "transcription_failed",
            "no he podido entender tu nota de voz",
        ),
        # Longer than STT_MAX_AUDIO_BYTES allows (announced by Meta: nothing is fetched).
        (
            lambda graph, stt: graph.add_media(b"x" * (17 * 1024 * 1024), "audio/ogg"),
            "too_large",
            "no he podido entender tu nota de voz",
        ),
    ],
)
async def test_a_voice_note_that_cannot_be_heard_is_answered_and_kept_for_staff(
    sqlite_url: str,
    make_runtime: MakeRuntime,
    graph: FakeGraphApi,
    stt: FakeTranscriptionApi,
    setup: Callable[[FakeGraphApi, FakeTranscriptionApi], str],
    status: str,
    reply: str,
) -> None:
    runtime = await voice_runtime(make_runtime, sqlite_url, graph, stt)
    media_id = setup(graph, stt)
    counted = voice_notes_counted(status)
    await sent_by_guest(runtime, media_id)

    await run_until_done(runtime, worker_of(runtime, runtime.dialogue))

    [answer] = await replies(runtime)
    assert reply in answer
    [inbound] = await guest_messages(runtime)
    assert inbound.type == "audio"
    assert inbound.payload["media"]["id"] == media_id, "staff keep the media id"
    async with runtime.sessions() as session:
        seen = await staff.transcript(session, inbound.conversation_id)
    assert [m.voice_note for m in seen.messages if m.direction == "in"] == [status]
    assert voice_notes_counted(status) == counted + 1
    if status != "transcription_failed":
        assert stt.requests == []


async def test_without_speech_to_text_the_guest_is_asked_to_write(
    sqlite_url: str, make_runtime: MakeRuntime, graph: FakeGraphApi
) -> None:
    runtime = await voice_runtime(make_runtime, sqlite_url, graph, None)
    await sent_by_guest(runtime, graph.add_media(VOICE_NOTE, "audio/ogg"))

    await run_until_done(runtime, worker_of(runtime, runtime.dialogue))

    assert await replies(runtime) == [
        "Todavía no puedo escuchar notas de voz. ¿Me lo escribes, por favor?"
    ]
    assert graph.media_downloads == 0, "nothing is downloaded that nobody can listen to"
    [inbound] = await guest_messages(runtime)
    assert inbound.payload["media"]["transcript_status"] == "not_configured"


async def test_the_console_marks_voice_notes_and_their_transcripts(
    sqlite_url: str, make_runtime: MakeRuntime, graph: FakeGraphApi, stt: FakeTranscriptionApi
) -> None:
    engine = EchoEngine()
    runtime = await voice_runtime(make_runtime, sqlite_url, graph, stt, engine)
    heard = graph.add_media(VOICE_NOTE, "audio/ogg; codecs=opus")
    tampered = graph.add_media(VOICE_NOTE, "audio/ogg", sha256="0" * 64)
    await runtime.ingest.accept(
        runtime.hotels.default_hotel_id,
        [voice_note(heard, "wamid.HEARD"), voice_note(tampered, "wamid.TAMPERED")],
    )
    await run_until_done(runtime, worker_of(runtime, engine))
    await accounts.create_user(runtime.sessions, "marta", PASSWORD, StaffRole.STAFF)
    [inbound, _] = await guest_messages(runtime)

    async with asgi_client(runtime) as http:
        await log_in(http)
        english = await http.get(f"/staff/conversations/{inbound.conversation_id}?lang=en")
        spanish = await http.get(f"/staff/conversations/{inbound.conversation_id}?lang=es")

    assert "Voice note, transcribed by speech-to-text:" in english.text
    assert SPOKEN in english.text
    assert "Voice note (not transcribed: it could not be downloaded)" in english.text
    assert "Nota de voz, transcrita automáticamente:" in spanish.text


async def test_a_worker_whose_lease_ran_out_while_transcribing_keeps_nothing(
    sqlite_url: str, make_runtime: MakeRuntime, graph: FakeGraphApi, stt: FakeTranscriptionApi
) -> None:
    engine = EchoEngine()
    runtime = await voice_runtime(make_runtime, sqlite_url, graph, stt, engine)
    await sent_by_guest(runtime, graph.add_media(VOICE_NOTE, "audio/ogg; codecs=opus"))
    async with runtime.sessions() as session, session.begin():
        event = await InboxRepository(session).claim_next(
            owner="worker-that-took-over", now=utcnow(), lease=timedelta(minutes=1)
        )
    assert event is not None
    turns = ConversationTurns(
        runtime.sessions, engine, runtime.signals, voice_notes=runtime.voice_notes()
    )

    outcome = await turns(event, Lease(event.id, owner="worker-whose-lease-expired"))

    assert outcome == "lease_lost"
    assert engine.turns == [], "the engine is not asked for a turn another worker owns"
    async with runtime.sessions() as session:
        fresh = await session.get(InboxEvent, event.id)
    assert fresh is not None
    assert fresh.payload["media"]["transcript_status"] is None
    assert await guest_messages(runtime) == []
