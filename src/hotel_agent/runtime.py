"""Everything a process needs, built once: database, channels, queues, background loops.

The API (`app.py`), the separate worker process and the terminal chat all use this, so there
is one way to wire the service.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Coroutine
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import httpx
import structlog
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hotel_agent.bookings.ledger import DatabaseBookingLedger
from hotel_agent.channels.email.imap import ImapPoller, mailbox_lock_name
from hotel_agent.channels.email.smtp import SmtpMailer
from hotel_agent.channels.factory import build_channels, build_mailer, build_staff_webhook
from hotel_agent.channels.port import Channel, InboundMessage, MediaSource
from hotel_agent.channels.staff_webhook import StaffWebhook
from hotel_agent.conversations.proactive import ProactiveMessages
from hotel_agent.conversations.turns import turn_worker
from hotel_agent.conversations.voice_notes import VoiceNotes
from hotel_agent.db.engine import (
    SessionFactory,
    create_autocommit_engine,
    create_engine,
    create_probe_engine,
    create_session_factory,
)
from hotel_agent.db.leader_lock import LeaderLock
from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.dialogue.engine import Engine
from hotel_agent.dialogue.port import DialogueEngine
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.thresholds import Thresholds
from hotel_agent.inbox.ingest import Ingest
from hotel_agent.inbox.sender import Sender
from hotel_agent.inbox.signals import Signals
from hotel_agent.inbox.wakeups import asyncpg_dsn, listen_for_inbox
from hotel_agent.knowledge import knowledge_for
from hotel_agent.knowledge.edits import EditedKnowledge
from hotel_agent.knowledge.loading import knowledge_path
from hotel_agent.llm.factory import build_language_model
from hotel_agent.llm.port import LanguageModel
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.observability.readiness import Readiness
from hotel_agent.pms.factory import build_pms, build_redis, stay_policy
from hotel_agent.pms.resilience import ResilientPms
from hotel_agent.privacy.retention import retention_loop
from hotel_agent.ratelimit import RateLimiter, build_rate_limiter
from hotel_agent.settings import Settings
from hotel_agent.speech.factory import build_speech_to_text
from hotel_agent.speech.port import SpeechToText

log = structlog.get_logger(__name__)


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """The TLS context httpx would build for the client (certifi's CA bundle, or SSL_CERT_FILE /
    SSL_CERT_DIR), built once per process: loading the bundle costs ~0.15 s of CPU, which every
    `Runtime.build` paid again (each test builds one; a context is safe to share)."""
    return httpx.create_ssl_context()


@dataclass
class HotelDirectory:
    """Which hotel a WhatsApp number belongs to; the default hotel for the web chat."""

    default_hotel_id: int
    by_phone_number_id: dict[str, int]

    def for_phone_number(self, phone_number_id: str) -> int | None:
        return self.by_phone_number_id.get(phone_number_id)


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    signals: Signals
    ingest: Ingest
    channels: dict[str, Channel]
    dialogue: DialogueEngine
    http: httpx.AsyncClient
    rate_limiter: RateLimiter
    pms: ResilientPms
    bookings: DatabaseBookingLedger
    understander: Understander
    probe_engine: AsyncEngine  # `/health/ready`'s own connection (the engine itself on SQLite)
    knowledge: EditedKnowledge  # the hotel's, with staff's edits (console)
    llm: LanguageModel | None = None
    speech_to_text: SpeechToText | None = None
    redis: Redis | None = None
    alerts: StaffWebhook | None = None  # the staff alert webhook, when one is configured
    mailer: SmtpMailer | None = None  # booking e-mails, when SMTP is configured
    hotels: HotelDirectory = field(default_factory=lambda: HotelDirectory(0, {}))
    readiness: Readiness = field(default_factory=Readiness)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, *, dialogue: DialogueEngine | None = None) -> Runtime:
        engine = create_engine(settings)
        autocommit_engine = create_autocommit_engine(settings, engine)
        sessions = create_session_factory(engine)
        signals = Signals()
        http = httpx.AsyncClient(
            verify=_tls_context(),
            timeout=settings.whatsapp.timeout_seconds,
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
        )
        redis = build_redis(settings)
        pms = build_pms(settings, sessions=sessions, http=http, redis=redis)
        bookings = DatabaseBookingLedger(sessions, pms, pms_type=settings.pms.type.value)
        # The trained intent model is kept under DATA_DIR: later starts load it.
        understander = Understander(model_cache=settings.data_dir / "nlu")
        llm = build_language_model(settings)
        knowledge = EditedKnowledge(knowledge_path(settings), knowledge_for(settings), sessions)
        if dialogue is None:
            dialogue = Engine(
                DialogueServices(
                    understander=understander,
                    pms=pms,
                    bookings=bookings,
                    knowledge=knowledge.file,
                    policy=stay_policy(settings),
                    llm=llm,
                    thresholds=Thresholds(ask_model_below=settings.llm.min_confidence),
                    booking_emails=settings.smtp.enabled,
                    edited_knowledge=knowledge,
                )
            )
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            signals=signals,
            ingest=Ingest(autocommit_engine, signals),
            channels=build_channels(settings, http),
            dialogue=dialogue,
            http=http,
            rate_limiter=build_rate_limiter(settings.redis.url),
            pms=pms,
            bookings=bookings,
            understander=understander,
            probe_engine=create_probe_engine(settings, engine),
            knowledge=knowledge,
            llm=llm,
            speech_to_text=build_speech_to_text(settings),
            redis=redis,
            alerts=build_staff_webhook(settings, http),
            mailer=build_mailer(settings),
        )

    async def load_hotels(self) -> None:
        """Make sure the hotel configured by settings exists, and cache the number map."""
        hotel_settings = self.settings.hotel
        async with self.sessions() as session, session.begin():
            repo = HotelRepository(session)
            hotel = await repo.upsert(
                slug=hotel_settings.slug,
                name=hotel_settings.name,
                timezone=hotel_settings.timezone,
                default_language=hotel_settings.default_language,
                whatsapp_phone_number_id=self.settings.whatsapp.phone_number_id or None,
            )
            numbers = await repo.phone_number_map()
        self.hotels = HotelDirectory(default_hotel_id=hotel.id, by_phone_number_id=numbers)

    def start_background(self, *, workers: int = 1, senders: int = 1) -> None:
        if workers:
            self.readiness.runs_turns()
        if self.engine.dialect.name == "postgresql":
            listener = listen_for_inbox(
                asyncpg_dsn(self.settings.database_url), self.signals, self._stop
            )
            self._spawn(listener, "inbox-wakeups")
        if workers:
            self._spawn(self._run_workers(workers), "workers")
            if self.settings.proactive.enabled:
                proactive = ProactiveMessages(
                    self.sessions,
                    self.channels,
                    self.signals,
                    self.settings.proactive,
                    knowledge_for(self.settings),
                )
                self._spawn(proactive.run(self._stop), "proactive")
            if self.settings.retention.periodic:
                retention = retention_loop(self.sessions, self.settings.retention, self._stop)
                self._spawn(retention, "retention")
            if "email" in self.channels:
                self._spawn(self.email_poller().run(self._stop), "email-poller")
        for _ in range(senders):
            sender = Sender(
                self.sessions,
                self.channels,
                self.signals,
                self.settings.queue,
                alerts=self.alerts,
                mailer=self.mailer,
            )
            self._spawn(sender.run(self._stop), sender.name)

    def email_poller(self) -> ImapPoller:
        """Guests' e-mails into the inbox, for the default hotel (the mailbox is the hotel's).
        Runs beside the turn workers; with several processes only the holder of the mailbox's
        lock polls (PostgreSQL; were two to poll, the inbox would still take each Message-ID
        once)."""
        settings = self.settings
        hotel_id = self.hotels.default_hotel_id

        async def accept(messages: list[InboundMessage]) -> object:
            return await self.ingest.accept(hotel_id, messages)

        own = {settings.smtp.sender, settings.imap.username}
        return ImapPoller(
            settings.imap,
            accept,
            own_addresses=frozenset(a.lower() for a in own if "@" in a),
            leadership=LeaderLock(settings.database_url, mailbox_lock_name(settings.imap)),
        )

    def _spawn(self, coroutine: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(report_failure)
        self._tasks.append(task)

    async def _run_workers(self, count: int) -> None:
        """Load (or train) the understanding models off the event loop, then run turns.

        Messages that arrive meanwhile are acknowledged and wait in the inbox; readiness says
        "dialogue" is not ready until the first turn can be answered at full speed.
        """
        await asyncio.to_thread(self.understander.warm_up)
        self.readiness.dialogue_loaded()
        if self._stop.is_set():
            return
        if self.settings.staff.alert_email_list() and self.mailer is None:
            # Said once at start-up: otherwise the desk just never hears of handoffs by e-mail.
            log.warning("staff.alert_emails_without_smtp", hint="set SMTP_HOST")
        workers = [
            turn_worker(
                self.sessions,
                self.dialogue,
                self.signals,
                self.settings.queue,
                alert_staff=self.alerts is not None,
                # Without an SMTP server there is nothing to send them through.
                staff_emails=(
                    self.settings.staff.alert_email_list() if self.mailer is not None else ()
                ),
                proactive=self.settings.proactive if self.settings.proactive.enabled else None,
                voice_notes=self.voice_notes(),
            )
            for _ in range(count)
        ]
        await asyncio.gather(*(worker.run(self._stop) for worker in workers))

    def voice_notes(self) -> VoiceNotes:
        """Voice notes heard through the configured speech-to-text (none: guests are asked
        to write), downloaded from the channels that serve media."""
        sources = {
            name: channel
            for name, channel in self.channels.items()
            if isinstance(channel, MediaSource)
        }
        return VoiceNotes(
            sources, self.speech_to_text, max_audio_bytes=self.settings.stt.max_audio_bytes
        )

    async def wait_stopped(self) -> None:
        await self._stop.wait()

    async def close(self) -> None:
        self._stop.set()
        self.signals.wake_inbox()
        self.signals.wake_outbox()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.rate_limiter.close()
        await self.pms.aclose()
        if self.llm is not None:
            await self.llm.aclose()
        if self.speech_to_text is not None:
            await self.speech_to_text.aclose()
        if self.redis is not None:
            await self.redis.aclose()
        await self.http.aclose()
        await self.ingest.engine.dispose()
        await self.probe_engine.dispose()
        await self.engine.dispose()

    async def check_database(self) -> None:
        """One round trip on the probe's own connection."""
        async with self.probe_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def check_pms(self) -> None:
        """The breaker and the last PMS check: no PMS call per probe (`recent_health`)."""
        health = await self.pms.recent_health()
        if not health.ok:
            raise RuntimeError(health.detail)

    async def check_redis(self) -> None:
        if self.redis is not None:
            await self.redis.ping()


def report_failure(task: asyncio.Task[None]) -> None:
    """Log a background task that died: its exception would otherwise wait, unseen, for
    `close` (a model that failed to load left a container "not ready" with no word why)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("background_task_failed", task=task.get_name(), exc_info=error)
