"""What the staff API and the `hotel-agent staff` command show and accept."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hotel_agent.blank_text import NOT_BLANK_SCHEMA, storable, strip_blank

# Who answers: the conversations waiting for staff (the default), the bot's, or every one.
OwnerFilter = Literal["staff", "bot", "all"]
REPLY_MAX_CHARS = 4096  # WhatsApp's text limit, the strictest of our channels


class ConversationSummary(BaseModel):
    id: int
    hotel_id: int
    channel: str = Field(description="whatsapp or webchat")
    guest_name: str | None = Field(description="The name the guest's channel gave, if any")
    phone: str | None = Field(description="The guest's phone number, masked")
    language: str | None
    owner: str = Field(description="bot or staff: who answers the guest")
    handoff_reason: str | None = Field(
        description="Why staff own it (the engine's reason, or staff_takeover)"
    )
    handoff_at: datetime | None = Field(description="Since when staff own it")
    assignee: str | None = Field(
        default=None, description="The staff member who took it in the console, if any"
    )
    unread: int = Field(
        default=0,
        description="The guest's messages no staff member has seen yet in the console (in "
        "the console: since the signed-in member last opened it)",
    )
    last_message_text: str | None
    last_message_author: str | None = Field(description="guest, bot or staff")
    last_message_at: datetime | None


class ConversationList(BaseModel):
    owner: OwnerFilter
    conversations: list[ConversationSummary]
    older: str | None = Field(
        default=None,
        description="More conversations follow: pass this as `before` for the next page",
    )


class TranscriptMessage(BaseModel):
    id: int
    direction: str = Field(description="in (from the guest) or out (to the guest)")
    author: str = Field(description="guest, bot or staff")
    type: str
    text: str
    status: str = Field(
        description="received, queued, sent, delivered, read, failed or dead (never sent)"
    )
    error: str | None = Field(description="Why a delivery failed, when it did")
    attachments: list[str] = Field(
        default_factory=list,
        description="Files the guest attached to an e-mail: name and type (content not kept)",
    )
    voice_note: str | None = Field(
        default=None,
        description="A guest's voice note: `transcribed` (`text` is what speech-to-text heard), "
        "or why it has no transcript (not_configured, too_large, download_failed, "
        "transcription_failed, silent); null for anything else",
    )
    created_at: datetime


class ConversationTranscript(BaseModel):
    conversation: ConversationSummary
    messages: list[TranscriptMessage]


class StaffReplyIn(BaseModel):
    text: str = Field(
        max_length=REPLY_MAX_CHARS,
        json_schema_extra=NOT_BLANK_SCHEMA,
        description="What to send to the guest: not blank",
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        # NUL and lone surrogates cannot be stored (PostgreSQL refuses them): drop them here
        # rather than fail the transaction as if the database were down.
        value = strip_blank(storable(value))
        if not value:
            raise ValueError("the reply is empty")
        return str(value)


class StaffReplyOut(BaseModel):
    message: TranscriptMessage
    conversation: ConversationSummary
    took_over: bool = Field(
        description="The bot owned the conversation: replying made staff its owner"
    )


class GuestBooking(BaseModel):
    """A booking the agent asked the PMS for in a conversation, as the agent recorded it."""

    model_config = ConfigDict(from_attributes=True)  # read from the ledger's records

    reference: str | None
    status: str = Field(description="pending, confirmed, cancelled, failed or unknown")
    check_in: date
    check_out: date
    adults: int
    children: int
    rooms: int
    total_price: Decimal | None
    currency: str | None
