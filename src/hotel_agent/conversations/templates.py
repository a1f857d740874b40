"""Filling the hotel's approved WhatsApp templates for one conversation's guest: used when the
channel's reply window has closed (staff replies, pre-arrival and post-stay messages)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.channels.port import OutboundMessage
from hotel_agent.db.models import Conversation, Guest, Hotel
from hotel_agent.errors import Conflict
from hotel_agent.knowledge.templates import TemplatePurpose, TemplateRegistry

# What {guest_name} says when the guest never gave a name (a parameter cannot be empty).
_UNNAMED = {"es": "cliente", "en": "guest"}


class MissingTemplate(Conflict):
    """The window has closed and the hotel has no approved template for this purpose in the
    guest's language: nothing can be sent to the guest until they write again."""

    def __init__(self, purpose: TemplatePurpose, language: str, channel: str) -> None:
        super().__init__(
            f"the guest last wrote more than 24 hours ago, so {channel} only delivers an "
            f"approved template, and the hotel has no {purpose} template in language "
            f"'{language}' (whatsapp_templates in the knowledge file). Nothing was queued."
        )
        self.purpose = purpose
        self.language = language


async def guest_language(session: AsyncSession, conversation: Conversation) -> str:
    """The conversation's language, else the hotel's default."""
    if conversation.language:
        return conversation.language
    hotel = await session.get(Hotel, conversation.hotel_id)
    return hotel.default_language if hotel is not None else "es"


async def template_message(
    session: AsyncSession,
    conversation: Conversation,
    templates: TemplateRegistry,
    purpose: TemplatePurpose,
    values: Mapping[str, str],
) -> OutboundMessage:
    """The hotel's `purpose` template in the guest's language, filled with `values` (and the
    guest's name and the hotel's). Raises MissingTemplate when the hotel has none."""
    language = await guest_language(session, conversation)
    template = templates.find(purpose, language)
    if template is None:
        raise MissingTemplate(purpose, language, conversation.channel)
    hotel = await session.get(Hotel, conversation.hotel_id)
    guest = await session.get(Guest, conversation.guest_id)
    known = {
        "hotel": hotel.name if hotel is not None else "",
        "guest_name": (guest.display_name if guest is not None else None)
        or _UNNAMED.get(language, _UNNAMED["en"]),
    }
    return template.fill(known | dict(values))
