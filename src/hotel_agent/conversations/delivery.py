"""Delivery statuses from the providers (sent, delivered, read, failed) onto the transcript."""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import DeliveryStatus
from hotel_agent.db.repositories.messages import MessageRepository
from hotel_agent.observability.metrics import DELIVERY_STATUS_UPDATES

log = structlog.get_logger(__name__)


async def record_statuses(session: AsyncSession, statuses: Sequence[DeliveryStatus]) -> int:
    """Apply each status to the message it is about, in the caller's transaction; how many
    were about a message we know."""
    messages = MessageRepository(session)
    updated = 0
    for status in statuses:
        known = await messages.record_status(
            channel=status.channel,
            provider_message_id=status.provider_message_id,
            status=status.status,
            at=status.timestamp,
            error_code=status.error_code,
            error_detail=status.error_detail,
        )
        DELIVERY_STATUS_UPDATES.labels(status.channel, status.status).inc()
        if known:
            updated += 1
        else:
            log.info(
                "delivery.status_for_unknown_message", channel=status.channel, status=status.status
            )
    return updated
