"""Canned replies: administrators keep a list of ready answers (a title and a text, in one
language); staff insert one into the reply composer and may edit it before sending. Every
change is in the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import CannedReply
from hotel_agent.db.repositories.canned_replies import CannedReplyRepository
from hotel_agent.db.types import utcnow
from hotel_agent.errors import BadRequest, NotFound
from hotel_agent.staff.accounts import StaffMember, record
from hotel_agent.staff.schemas import REPLY_MAX_CHARS

LANGUAGES = ("es", "en")
TITLE_MAX_CHARS = 80


@dataclass(frozen=True)
class CannedReplyIn:
    language: str
    title: str
    text: str


def from_form(values: Mapping[str, object]) -> CannedReplyIn:
    """The form's fields, trimmed; BadRequest (with what is wrong) when one is not usable."""

    def field(name: str) -> str:
        value = values.get(name)
        return value.strip() if isinstance(value, str) else ""

    given = CannedReplyIn(field("language"), field("title"), field("text"))
    if given.language not in LANGUAGES:
        raise BadRequest("canned_language_bad")
    if not given.title or len(given.title) > TITLE_MAX_CHARS:
        raise BadRequest("canned_title")
    if not given.text or len(given.text) > REPLY_MAX_CHARS:
        raise BadRequest("canned_text")
    return given


async def listed(session: AsyncSession, hotel_id: int) -> list[CannedReply]:
    return list(await CannedReplyRepository(session).of_hotel(hotel_id))


async def one(session: AsyncSession, hotel_id: int, reply_id: int) -> CannedReply:
    found = await CannedReplyRepository(session).get(hotel_id, reply_id)
    if found is None:
        raise NotFound(f"canned reply {reply_id} does not exist")
    return found


async def create(
    sessions: SessionFactory, hotel_id: int, given: CannedReplyIn, *, by: StaffMember
) -> int:
    now = utcnow()
    async with sessions() as session, session.begin():
        row = CannedReplyRepository(session).add(
            hotel_id,
            language=given.language,
            title=given.title,
            text=given.text,
            by=by.username,
            now=now,
        )
        await session.flush()
        record(session, by, "canned_reply_create", detail=_detail(row), now=now)
        return row.id


async def update(
    sessions: SessionFactory,
    hotel_id: int,
    reply_id: int,
    given: CannedReplyIn,
    *,
    by: StaffMember,
) -> None:
    now = utcnow()
    async with sessions() as session, session.begin():
        row = await one(session, hotel_id, reply_id)
        before = _detail(row)
        row.language, row.title, row.text = given.language, given.title, given.text
        row.edited_by, row.updated_at = by.username, now
        detail = {**_detail(row), "before": before}
        record(session, by, "canned_reply_edit", detail=detail, now=now)


async def delete(
    sessions: SessionFactory, hotel_id: int, reply_id: int, *, by: StaffMember
) -> None:
    now = utcnow()
    async with sessions() as session, session.begin():
        row = await one(session, hotel_id, reply_id)
        record(session, by, "canned_reply_delete", detail=_detail(row), now=now)
        await CannedReplyRepository(session).delete(row)


def _detail(row: CannedReply) -> dict[str, object]:
    return {
        "hotel_id": row.hotel_id,  # the audit log of that hotel's staff shows it
        "id": row.id,
        "language": row.language,
        "title": row.title,
        "text": row.text,
    }
