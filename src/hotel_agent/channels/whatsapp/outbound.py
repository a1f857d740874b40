"""Render an `OutboundMessage` as a Cloud API `/messages` request body within WhatsApp's limits.

Titles that are too long are shortened with an ellipsis; content that cannot be shown as reply
buttons or a list at all (long body, too many choices, ids that cannot be cut) is sent as the
message's plain-text form instead, so the guest never loses a choice.
"""

from __future__ import annotations

import re
from typing import Any

from hotel_agent.channels.port import (
    Button,
    ListRow,
    ListSection,
    OutboundMessage,
    TemplateCall,
)

TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024
MAX_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
MAX_LIST_ROWS = 10
MAX_LIST_SECTIONS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
SECTION_TITLE_LIMIT = 24
LIST_BUTTON_LIMIT = 20
CHOICE_ID_LIMIT = 200
# Opens a list built from more than three buttons; a glyph reads the same in every language.
DEFAULT_LIST_BUTTON = "☰"


def message_payload(recipient: str, message: OutboundMessage) -> dict[str, Any]:
    """The JSON body that sends `message` to `recipient` (a wa_id or a business-scoped user id)."""
    content: dict[str, Any] | None = None
    if message.template is not None:
        content = _template(message.template)
    elif message.list_picker is not None or len(message.buttons) > MAX_BUTTONS:
        content = _list(message)
    elif message.buttons:
        content = _buttons(message.text, message.buttons)
    if content is None:
        content = {
            "type": "text",
            "text": {"preview_url": False, "body": shorten(message.plain_text(), TEXT_LIMIT)},
        }
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient} | (
        content
    )


def template_parameter(value: str) -> str:
    """`value` as Meta accepts a template parameter: no line breaks or tabs, no run of more
    than four spaces (the request is refused otherwise), within the body's length."""
    flat = re.sub(r"\s*[\r\n\t]+\s*", " ", value.strip())
    return shorten(re.sub(r" {4,}", "   ", flat), INTERACTIVE_BODY_LIMIT)


def _template(call: TemplateCall) -> dict[str, Any]:
    template: dict[str, Any] = {"name": call.name, "language": {"code": call.language}}
    if call.body_parameters:
        template["components"] = [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": template_parameter(value)}
                    for value in call.body_parameters
                ],
            }
        ]
    return {"type": "template", "template": template}


def read_receipt_payload(provider_message_id: str) -> dict[str, Any]:
    """Marks the guest's message read and shows them a typing indicator while we answer."""
    return {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": provider_message_id,
        "typing_indicator": {"type": "text"},
    }


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, at a word boundary when one is near, ending in "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace():
        boundary = max(head.rfind(" "), head.rfind("\n"))
        if boundary >= limit // 2:
            head = head[:boundary]
    return head.rstrip() + "…"


def _buttons(body: str, buttons: list[Button]) -> dict[str, Any] | None:
    titles = [shorten(button.title, BUTTON_TITLE_LIMIT) for button in buttons]
    # Meta rejects reply buttons whose titles repeat, which shortening can cause.
    if (
        not _body_fits(body)
        or not _ids_fit([b.id for b in buttons])
        or not _distinct_non_blank(titles)
    ):
        return None
    return _interactive(
        "button",
        body,
        {
            "buttons": [
                {"type": "reply", "reply": {"id": button.id, "title": title}}
                for button, title in zip(buttons, titles, strict=True)
            ]
        },
    )


def _list(message: OutboundMessage) -> dict[str, Any] | None:
    sections: list[ListSection] = []
    if message.buttons:
        sections.append(
            ListSection(rows=[ListRow(id=b.id, title=b.title) for b in message.buttons])
        )
    picker = message.list_picker
    if picker is not None:
        sections += [section for section in picker.sections if section.rows]
    rows = [row for section in sections for row in section.rows]
    if (
        not _body_fits(message.text)
        or not 0 < len(rows) <= MAX_LIST_ROWS
        or len(sections) > MAX_LIST_SECTIONS
        or not _ids_fit([row.id for row in rows])
        # With more than one section Meta requires each to have a title.
        or (len(sections) > 1 and not all(section.title for section in sections))
    ):
        return None
    label = picker.button if picker is not None and picker.button.strip() else DEFAULT_LIST_BUTTON
    return _interactive(
        "list",
        message.text,
        {
            "button": shorten(label, LIST_BUTTON_LIMIT),
            "sections": [_section(section) for section in sections],
        },
    )


def _section(section: ListSection) -> dict[str, Any]:
    rendered: dict[str, Any] = {"rows": [_row(row) for row in section.rows]}
    if section.title:
        rendered["title"] = shorten(section.title, SECTION_TITLE_LIMIT)
    return rendered


def _row(row: ListRow) -> dict[str, Any]:
    rendered = {"id": row.id, "title": shorten(row.title, ROW_TITLE_LIMIT)}
    if row.description:
        rendered["description"] = shorten(row.description, ROW_DESCRIPTION_LIMIT)
    return rendered


def _interactive(kind: str, body: str, action: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {"type": kind, "body": {"text": body}, "action": action},
    }


def _body_fits(body: str) -> bool:
    return bool(body.strip()) and len(body) <= INTERACTIVE_BODY_LIMIT


def _ids_fit(ids: list[str]) -> bool:
    # An id cannot be shortened: the guest's choice would come back unrecognisable.
    return all(0 < len(i) <= CHOICE_ID_LIMIT for i in ids) and _distinct_non_blank(ids)


def _distinct_non_blank(values: list[str]) -> bool:
    return all(v.strip() for v in values) and len(set(values)) == len(values)
