"""One guest's data: found by id, phone, e-mail or channel identity; exported; forgotten."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.repositories.guest_data import GuestDataRepository
from hotel_agent.errors import BadRequest

log = structlog.get_logger(__name__)

_IDENTITY = re.compile(r"^(whatsapp|webchat|email):(.+)$")
_PHONE_SEPARATORS = re.compile(r"[\s().-]")


@dataclass(frozen=True)
class GuestQuery:
    """How the operator names the guest: `42` (guest id), `+34 611 111 111` (phone, as
    WhatsApp gives it), `ana@example.com`, or `webchat:SESSION` / `whatsapp:WA_ID`."""

    kind: str
    value: str

    @classmethod
    def parse(cls, text: str) -> GuestQuery:
        text = text.strip()
        identity = _IDENTITY.match(text)
        if identity:
            return cls("identity", text)
        if "@" in text:
            return cls("email", text)
        digits = _PHONE_SEPARATORS.sub("", text)
        if (digits.startswith("+") and digits[1:].isdigit()) or (
            digits.isdigit() and len(digits) >= 7
        ):
            return cls("phone", digits.lstrip("+"))
        if text.isdigit():
            return cls("id", text)
        raise BadRequest(
            f"cannot tell what {text!r} is: give a guest id, a phone number with its country "
            "code, an e-mail address, or CHANNEL:ID (webchat:…, whatsapp:…)"
        )

    async def guest_ids(self, repo: GuestDataRepository) -> list[int]:
        if self.kind == "id":
            return await repo.guest_ids_by_id(int(self.value))
        if self.kind == "email":
            return await repo.guest_ids_by_email(self.value)
        if self.kind == "phone":
            return await repo.guest_ids_by_phone(self.value)
        channel, external_id = self.value.split(":", 1)
        return await repo.guest_ids_by_identity(channel, external_id)


async def export_guest(session: AsyncSession, query: GuestQuery) -> dict[str, Any]:
    """Everything held about the guest (the subject access request), as JSON-ready data."""
    repo = GuestDataRepository(session)
    guest_ids = await query.guest_ids(repo)
    conversations = await repo.conversations(guest_ids)
    conversation_ids = [conversation.id for conversation in conversations]
    messages = await repo.messages(conversation_ids)
    identities = await repo.identities(guest_ids)
    bookings = await repo.bookings(conversation_ids)
    inbox = await repo.inbox_events(identities)
    return {
        "query": query.value,
        "guests": [
            {
                **_columns(guest),
                "identities": [_columns(i) for i in identities if i.guest_id == guest.id],
                "conversations": [
                    {
                        **_columns(conversation),
                        "messages": [
                            _columns(m) for m in messages if m.conversation_id == conversation.id
                        ],
                        "bookings": [
                            _columns(b) for b in bookings if b.conversation_id == conversation.id
                        ],
                    }
                    for conversation in conversations
                    if conversation.guest_id == guest.id
                ],
            }
            for guest in await repo.guests(guest_ids)
        ],
        "received_payloads": [_columns(event) for event in inbox],
    }


@dataclass(frozen=True)
class Forgotten:
    guest_ids: list[int]
    counts: dict[str, int]  # rows erased or anonymized, by kind
    # The bookings the agent made for the guest ("qloapps HS-7K2Q9D"): the PMS keeps its copy,
    # with the guest's name, e-mail and phone, as the hotel's record of the stay (docs/privacy.md).
    kept_in_pms: list[str] = field(default_factory=list)

    def audit(self) -> None:
        """The audit line, once the erasure is committed: which records, never whose."""
        log.warning("privacy.guest_forgotten", guest_ids=self.guest_ids, **self.counts)


async def forget_guest(session: AsyncSession, query: GuestQuery) -> Forgotten:
    """Erase the guest's messages, conversations, identities and raw payloads; keep the booking
    references the hotel must keep (invoicing, tax), without name, e-mail or phone."""
    repo = GuestDataRepository(session)
    guest_ids = await query.guest_ids(repo)
    if not guest_ids:
        return Forgotten([], {})
    conversations = await repo.conversations(guest_ids)
    inbox = await repo.inbox_events(await repo.identities(guest_ids))
    bookings = await repo.bookings([c.id for c in conversations])
    kept = [f"{b.pms_type} {b.reference or b.pms_id}" for b in bookings if b.reference or b.pms_id]
    counts = await repo.erase(
        guest_ids, [c.id for c in conversations], [event.id for event in inbox]
    )
    return Forgotten(guest_ids, counts, kept)


def _columns(row: Any) -> dict[str, Any]:
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in _INTERNAL
    }


# Queue bookkeeping: nothing about the guest.
_INTERNAL = {"lease_owner", "lease_until", "available_at", "attempts", "status_rank"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
