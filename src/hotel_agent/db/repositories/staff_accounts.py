"""Staff accounts, their console sessions and the audit of their actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import Conversation, Guest, StaffAuditEntry, StaffSession, StaffUser


class StaffAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> StaffUser | None:
        return await self.session.get(StaffUser, user_id)

    async def by_username(self, username: str, *, lock: bool = False) -> StaffUser | None:
        """The account; `lock` holds it until the transaction ends (PostgreSQL), so that
        concurrent wrong passwords each count."""
        query = select(StaffUser).where(StaffUser.username == username)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return await self.session.scalar(query)

    async def add(self, *, username: str, password_hash: str, role: str) -> StaffUser:
        user = StaffUser(username=username, password_hash=password_hash, role=role)
        self.session.add(user)
        await self.session.flush()
        return user

    # Sessions

    def add_session(
        self, *, token_hash: str, user_id: int, csrf_token: str, expires_at: datetime
    ) -> StaffSession:
        login = StaffSession(
            token_hash=token_hash, user_id=user_id, csrf_token=csrf_token, expires_at=expires_at
        )
        self.session.add(login)
        return login

    async def live_session(
        self, token_hash: str, now: datetime
    ) -> tuple[StaffSession, StaffUser] | None:
        """The session and its account, unless it expired or the account is disabled."""
        row = (
            await self.session.execute(
                select(StaffSession, StaffUser)
                .join(StaffUser, StaffUser.id == StaffSession.user_id)
                .where(
                    StaffSession.token_hash == token_hash,
                    StaffSession.expires_at > now,
                    StaffUser.disabled_at.is_(None),
                )
            )
        ).one_or_none()
        return None if row is None else (row[0], row[1])

    async def end_session(self, token_hash: str) -> None:
        await self.session.execute(
            delete(StaffSession).where(StaffSession.token_hash == token_hash)
        )

    async def end_sessions_of(self, user_id: int) -> None:
        await self.session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))

    async def end_expired_sessions(self, now: datetime) -> None:
        await self.session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))

    # Audit

    def audit(
        self,
        *,
        user_id: int | None,
        username: str,
        action: str,
        conversation_id: int | None = None,
        detail: dict[str, Any] | None = None,
        now: datetime,
    ) -> None:
        self.session.add(
            StaffAuditEntry(
                user_id=user_id,
                username=username,
                action=action,
                conversation_id=conversation_id,
                detail=detail or {},
                created_at=now,
            )
        )

    async def audit_of_conversation(
        self, conversation_id: int, *, limit: int = 50
    ) -> list[StaffAuditEntry]:
        """The latest staff actions on a conversation, oldest first."""
        rows = await self.session.scalars(
            select(StaffAuditEntry)
            .where(StaffAuditEntry.conversation_id == conversation_id)
            .order_by(StaffAuditEntry.id.desc())
            .limit(limit)
        )
        return list(reversed(rows.all()))

    async def recent_audit(
        self, *, limit: int = 200, hotel_id: int | None = None
    ) -> list[tuple[StaffAuditEntry, str | None]]:
        """The latest staff actions of all kinds (logins included), newest first, each with
        the name of its conversation's guest (None: no conversation, or no name known).
        `hotel_id`: only that hotel's — actions on its conversations, and edits of its own
        content (those record the hotel in their detail); None: every action."""
        query = (
            select(StaffAuditEntry, Guest.display_name)
            .outerjoin(Conversation, Conversation.id == StaffAuditEntry.conversation_id)
            .outerjoin(Guest, Guest.id == Conversation.guest_id)
        )
        if hotel_id is not None:
            query = query.where(
                or_(
                    Conversation.hotel_id == hotel_id,
                    and_(
                        StaffAuditEntry.conversation_id.is_(None),
                        StaffAuditEntry.detail["hotel_id"].as_integer() == hotel_id,
                    ),
                )
            )
        rows = await self.session.execute(query.order_by(StaffAuditEntry.id.desc()).limit(limit))
        return [(entry, name) for entry, name in rows.all()]
