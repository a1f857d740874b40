"""The conversation events the manager's dashboard counts (handoffs, hand backs, checks)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import Conversation, ConversationEvent, ConversationEventKind


class ConversationEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(
        self,
        conversation: Conversation,
        kind: ConversationEventKind,
        *,
        now: datetime,
        reason: str | None = None,
    ) -> None:
        """Record the event in the caller's transaction."""
        self.session.add(
            ConversationEvent(
                conversation_id=conversation.id,
                channel=conversation.channel,
                kind=kind.value,
                reason=reason,
                created_at=now,
            )
        )
