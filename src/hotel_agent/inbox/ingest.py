"""Accept a guest message: one durable INSERT, deduplicated on the provider's message id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from hotel_agent.blank_text import storable
from hotel_agent.channels.port import InboundMessage
from hotel_agent.db.repositories.inbox import InboxRow, InboxWriter
from hotel_agent.db.repositories.inbox_batch import InboxGroupCommit
from hotel_agent.db.types import utcnow
from hotel_agent.inbox.signals import Signals
from hotel_agent.observability.metrics import INBOUND_MESSAGES


@dataclass(frozen=True)
class Accepted:
    event_id: int
    duplicate: bool


def conversation_key(hotel_id: int, message: dict[str, Any]) -> str:
    """One key per guest, whichever identity a message carries: a WhatsApp guest known by
    wa_id and business-scoped user id is keyed by the user id (`sender_alt_id`), which is
    also all a message carries once the guest hides their number; so turns stay in order
    across both. Messages with a wa_id alone (no user id yet) are keyed by the wa_id."""
    return f"{hotel_id}:{message['channel']}:{message.get('sender_alt_id') or message['sender_id']}"


class Ingest:
    def __init__(self, autocommit_engine: AsyncEngine, signals: Signals) -> None:
        # Each INSERT commits by itself (see InboxWriter); on PostgreSQL the inserts of
        # concurrent requests share one statement (see InboxGroupCommit).
        self.engine = autocommit_engine
        self.signals = signals
        self._group_commit = (
            InboxGroupCommit(autocommit_engine)
            if autocommit_engine.dialect.name == "postgresql"
            else None
        )

    async def accept(self, hotel_id: int, messages: list[InboundMessage]) -> list[Accepted]:
        """Store every message of one delivery, in order; each is committed when this returns.

        The caller acknowledges the provider only after this returns, so nothing acknowledged
        can be lost; a database error propagates and the provider retries the whole delivery
        (the messages already stored are then recognised as duplicates).
        """
        rows = [_row(hotel_id, message) for message in messages]
        if self._group_commit is not None:
            stored = await self._group_commit.insert(rows)
            results = [Accepted(event_id=s.event_id, duplicate=s.duplicate) for s in stored]
        else:
            results = await self._insert_one_by_one(rows)
        for message, result in zip(messages, results, strict=True):
            outcome = "duplicate" if result.duplicate else "stored"
            INBOUND_MESSAGES.labels(message.channel, message.type, outcome).inc()
        if any(not r.duplicate for r in results):
            self.signals.wake_inbox()
        return results

    async def _insert_one_by_one(self, rows: list[InboxRow]) -> list[Accepted]:
        now = utcnow()
        results: list[Accepted] = []
        async with self.engine.connect() as connection:
            inbox = InboxWriter(connection)
            for row in rows:
                event_id = await inbox.add(row, now=now)
                if event_id is None:
                    existing = await inbox.find_id(row.channel, row.provider_message_id)
                    results.append(Accepted(event_id=existing or 0, duplicate=True))
                else:
                    results.append(Accepted(event_id=event_id, duplicate=False))
        return results


def _row(hotel_id: int, message: InboundMessage) -> InboxRow:
    payload = storable(message.model_dump(mode="json"))
    return InboxRow(
        hotel_id=hotel_id,
        channel=message.channel,
        provider_message_id=payload["provider_message_id"],
        conversation_key=conversation_key(hotel_id, payload),
        sender_id=payload["sender_id"],
        message_type=payload["type"],
        payload=payload,
    )
