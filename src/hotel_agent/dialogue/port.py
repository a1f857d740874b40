"""The one small interface between the worker and the dialogue engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from hotel_agent.channels.email.message import Email
from hotel_agent.channels.port import InboundMessage, OutboundMessage


@dataclass(frozen=True)
class HotelInfo:
    id: int
    slug: str
    name: str
    timezone: str
    default_language: str
    # Moves with every edit of the FAQ answers in the console (the knowledge is reloaded).
    knowledge_version: int = 0


@dataclass(frozen=True)
class TurnInput:
    hotel: HotelInfo
    conversation_id: int
    message: InboundMessage
    language: str | None  # the conversation's language so far
    state: dict[str, Any]  # the engine's own state from the previous turn
    guest_name: str | None
    supports_rich: bool  # buttons and lists render natively on this channel
    # A list's rows are shown on screen beside the text (web chat): the text does not number them.
    inline_choices: bool = False
    # The guest's phone number in E.164 ("+34600111222") when the channel proves it (WhatsApp
    # delivers from the number itself); None where anyone could type any number.
    verified_phone: str | None = None
    # The address the guest writes from, on the e-mail channel: the booking's e-mail unless
    # they give another (not proof of owning it: look-ups still ask).
    sender_email: str | None = None


@dataclass
class TurnOutput:
    replies: list[OutboundMessage]
    state: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    handoff: bool = False  # hand the conversation to staff: the bot stays silent afterwards
    # Why (requested, complaint, misunderstood, pms_unavailable, ...): for staff and metrics.
    handoff_reason: str | None = None
    # The step of the decision order (dialogue/decisions.py) that answered: for logs and tests.
    decided_by: str | None = None
    # Booking e-mails (confirmation, change, cancellation) to queue with the turn's replies.
    emails: list[Email] = field(default_factory=list)


class DialogueEngine(Protocol):
    async def handle(self, turn: TurnInput) -> TurnOutput:
        """Run one turn: understand the message, act, and say what to reply."""
        ...
