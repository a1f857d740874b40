"""The sender: delivers outbox rows through their channel, retrying what can succeed later.

A row is leased (so two senders never send it at once), sent outside any transaction, then
marked sent with the provider's message id; or, after a transient error, rescheduled with
jittered backoff (that row, and with it every pending send of the same channel: the provider
is what failed) until QUEUE_SEND_RETRY_HOURS have passed; or dead-lettered with its reason.
A free-form message is never sent outside the channel's reply window (WhatsApp's 24 hours):
it is dead-lettered instead, for staff to follow up (an approved template goes anytime).
Alerts for staff (ALERT rows) go to the staff webhook, e-mails (EMAIL rows) to the SMTP
mailer, and changes of hands (STATUS rows) to a channel that is also staff's inbox (Chatwoot),
with the same retries and dead letters.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.backoff import next_attempt_at
from hotel_agent.channels.email.message import Email, Mailer
from hotel_agent.channels.port import (
    Channel,
    OutboundMessage,
    SendError,
    SendReceipt,
    SharedInbox,
    reply_window_closed,
)
from hotel_agent.channels.staff_webhook import StaffWebhook
from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import OutboxItem, OutboxKind
from hotel_agent.db.repositories.conversations import ConversationRepository
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.db.repositories.outbox import OutboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.inbox.signals import Signals, wait_event
from hotel_agent.observability.metrics import DEAD_LETTERS, OUTBOUND_MESSAGES
from hotel_agent.settings import QueueSettings

log = structlog.get_logger(__name__)
# Outbox rows one sender claims at once (and then sends concurrently).
CLAIM_BATCH = 8


class Sender:
    def __init__(
        self,
        sessions: SessionFactory,
        channels: Mapping[str, Channel],
        signals: Signals,
        settings: QueueSettings,
        *,
        name: str | None = None,
        alerts: StaffWebhook | None = None,
        mailer: Mailer | None = None,
    ) -> None:
        self.sessions = sessions
        self.channels = channels
        self.signals = signals
        self.settings = settings
        self.name = name or f"sender-{uuid.uuid4().hex[:12]}"
        self.alerts = alerts  # None: no staff webhook configured in this process
        self.mailer = mailer  # None: no SMTP server configured
        self.lease = timedelta(seconds=settings.lease_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        log.info("sender.started", sender=self.name)
        while not stop.is_set():
            try:
                worked = await self.send_next()
            except Exception:
                log.exception("sender.loop_error", sender=self.name)
                worked = False
            if not worked:
                await wait_event(self.signals.outbox, self.settings.poll_interval_seconds)
        log.info("sender.stopped", sender=self.name)

    async def send_next(self) -> bool:
        """Claim up to CLAIM_BATCH due rows and deliver them. False when nothing was due.

        One transaction claims them all (and loads what each needs), instead of one per row;
        they are then sent one after the other, as before. When a send fails transiently the
        channel is held (see `_retry`): the batch's later rows of that channel are not tried
        but handed back, due when the channel is, as if never claimed."""
        now = utcnow()
        async with self.sessions() as session, session.begin():
            items = await OutboxRepository(session).claim(
                owner=self.name, now=now, lease=self.lease, limit=CLAIM_BATCH
            )
            if not items:
                return False
            loaded = [
                await self._load(session, item)
                if item.kind == OutboxKind.MESSAGE
                else (None, False)
                for item in items
            ]
        held: dict[str, datetime] = {}  # channels held by a transient failure, until when
        handed_back: list[tuple[OutboxItem, datetime]] = []
        for item, (content, outside_window) in zip(items, loaded, strict=True):
            if item.kind != OutboxKind.ALERT and item.channel in held:
                handed_back.append((item, held[item.channel]))
                continue
            with structlog.contextvars.bound_contextvars(
                outbox_id=item.id, conversation_id=item.conversation_id
            ):
                if outside_window:
                    error = SendError(
                        "outside_window",
                        retryable=False,
                        detail="the guest's last message is older than the reply window",
                    )
                    await self._dead(item, error)
                    continue
                until = await self._deliver(item, content)
            if until is not None:
                held[item.channel] = until
        if handed_back:
            await self._hand_back(handed_back)
        return True

    async def _hand_back(self, items: list[tuple[OutboxItem, datetime]]) -> None:
        async with self.sessions() as session, session.begin():
            outbox = OutboxRepository(session)
            for item, until in items:
                await outbox.hand_back(item.id, owner=self.name, available_at=until)

    async def _load(self, session: AsyncSession, item: OutboxItem) -> tuple[OutboundMessage, bool]:
        """The message to send, and whether the channel's reply window has closed."""
        assert item.message_id is not None
        message = await MessageRepository(session).get(item.message_id)
        conversation = await ConversationRepository(session).get(item.conversation_id)
        if message is None or conversation is None:
            raise LookupError(f"outbox {item.id} points at a missing message")
        content = OutboundMessage.model_validate({"text": message.body, **message.payload})
        channel = self.channels.get(item.channel)
        # An approved template is what may be sent once the window has closed.
        closed = content.template is None and reply_window_closed(
            channel, conversation.last_inbound_at, utcnow()
        )
        return content, closed

    async def _deliver(self, item: OutboxItem, content: OutboundMessage | None) -> datetime | None:
        """Send one row and record the outcome; the time its channel is held until when the
        send failed transiently (see `_retry`), else None."""
        channel = self.channels.get(item.channel)
        try:
            receipt: SendReceipt | None = None
            if item.kind == OutboxKind.ALERT:
                if self.alerts is None:
                    raise SendError(
                        "alerts_disabled", retryable=False, detail="no staff alert webhook is set"
                    )
                await self.alerts.post(item.payload)
            elif item.kind == OutboxKind.EMAIL:
                if self.mailer is None:
                    raise SendError(
                        "email_disabled", retryable=False, detail="no SMTP server is set"
                    )
                receipt = await self.mailer.send(Email.model_validate(item.payload))
            elif channel is None:
                raise SendError("channel_disabled", retryable=False, detail=item.channel)
            elif item.kind == OutboxKind.MARK_READ:
                await channel.mark_read(str(item.payload["provider_message_id"]))
            elif item.kind == OutboxKind.STATUS:
                if not isinstance(channel, SharedInbox):
                    raise SendError("no_status", retryable=False, detail=item.channel)
                await channel.set_owner(item.recipient, str(item.payload["owner"]))
            else:
                assert content is not None
                receipt = await channel.send(item.recipient, content)
        except SendError as error:
            return await self._failed(item, error)
        except Exception as exc:
            # An unexpected bug in an adapter: retried like a transient error, dead-lettered
            # with the details once the budget is spent.
            log.exception("send.unexpected_error")
            return await self._failed(
                item, SendError("unexpected_error", retryable=True, detail=repr(exc))
            )
        await self._record_sent(item, receipt)
        return None

    async def _record_sent(self, item: OutboxItem, receipt: SendReceipt | None) -> None:
        """The provider accepted the message: record it, retrying through a database outage.

        Until this commits the row looks unsent, and once its lease expires it is sent again:
        giving up at the first database error turned every send in flight during a database
        blip into a duplicate for the guest. So keep trying while the lease is ours (less a
        margin); only a longer outage or a crash here still sends twice (DEVELOPERS.md)."""
        assert item.lease_until is not None
        deadline = item.lease_until - self.lease * 0.2
        pause = 0.1
        while True:
            try:
                await self._mark_sent(item, receipt)
                return
            except Exception:
                if utcnow() + timedelta(seconds=pause) >= deadline:
                    raise
                log.warning("send.record_retry", exc_info=True)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)

    async def _mark_sent(self, item: OutboxItem, receipt: SendReceipt | None) -> None:
        now = utcnow()
        async with self.sessions() as session, session.begin():
            await OutboxRepository(session).mark_sent(item.id, owner=self.name, now=now)
            if item.message_id is not None:
                await MessageRepository(session).mark_sent(
                    item.message_id,
                    provider_message_id=receipt.provider_message_id if receipt else None,
                    at=now,
                )
                await ConversationRepository(session).note_outbound(item.conversation_id, at=now)
        OUTBOUND_MESSAGES.labels(item.channel, "sent").inc()
        log.info("send.ok", kind=item.kind, attempts=item.attempts)

    async def _failed(self, item: OutboxItem, error: SendError) -> datetime | None:
        if error.retryable and self._within_budget(item):
            return await self._retry(item, error)
        await self._dead(item, error)
        return None

    def _within_budget(self, item: OutboxItem) -> bool:
        """Whether a retryable failure is tried again: until `send_retry_hours` after the row
        was queued (or re-queued by staff, see `hotel-agent staff resend`)."""
        settings = self.settings
        age = utcnow() - item.created_at
        return item.attempts < settings.max_send_attempts and age < timedelta(
            hours=settings.send_retry_hours
        )

    async def _retry(self, item: OutboxItem, error: SendError) -> datetime | None:
        """Try the row again later; the time its channel is now held until (None for alerts,
        whose failure says nothing about the channel)."""
        when = next_attempt_at(
            utcnow(),
            item.attempts,
            base=self.settings.retry_base_seconds,
            cap=self.settings.retry_max_seconds,
        )
        async with self.sessions() as session, session.begin():
            outbox = OutboxRepository(session)
            await outbox.retry_later(item.id, owner=self.name, available_at=when, error=str(error))
            if item.kind != OutboxKind.ALERT:
                # Global backoff: the channel (the provider) is what failed, not just this row.
                await outbox.postpone_channel(item.channel, until=when)
        OUTBOUND_MESSAGES.labels(item.channel, "retry").inc()
        log.warning("send.retry", reason=error.reason, code=error.code, attempts=item.attempts)
        return None if item.kind == OutboxKind.ALERT else when

    async def _dead(self, item: OutboxItem, error: SendError) -> None:
        now = utcnow()
        async with self.sessions() as session, session.begin():
            outbox = OutboxRepository(session)
            fresh = await session.get(OutboxItem, item.id)
            assert fresh is not None
            await outbox.dead_letter(
                fresh, reason=error.reason, code=error.code, detail=error.detail
            )
            if item.message_id is not None:
                await MessageRepository(session).mark_dead(
                    item.message_id,
                    code=error.code,
                    detail=f"{error.reason}: {error.detail}",
                    at=now,
                )
        OUTBOUND_MESSAGES.labels(item.channel, "dead").inc()
        DEAD_LETTERS.labels("outbox", item.channel, error.reason).inc()
        log.error("send.dead_lettered", reason=error.reason, code=error.code)
