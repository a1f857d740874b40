"""Outbound content degrades to plain text with numbered choices the guest can type."""

from __future__ import annotations

from hotel_agent.channels.port import Button, ListPicker, ListRow, ListSection, OutboundMessage


def test_plain_text_numbers_the_choices() -> None:
    message = OutboundMessage(
        text="¿Qué habitación prefieres?",
        list_picker=ListPicker(
            button="Ver",
            sections=[
                ListSection(
                    rows=[
                        ListRow(id="rt_1", title="Doble", description="120 €/noche"),
                        ListRow(id="rt_2", title="Suite"),
                    ]
                )
            ],
        ),
    )
    assert message.type == "interactive"
    assert message.plain_text() == "¿Qué habitación prefieres?\n\n1. Doble — 120 €/noche\n2. Suite"


def test_plain_text_without_choices_is_the_text() -> None:
    message = OutboundMessage(text="Hola", buttons=[])
    assert message.type == "text"
    assert message.plain_text() == "Hola"
    with_buttons = OutboundMessage(text="¿Confirmas?", buttons=[Button(id="y", title="Sí")])
    assert with_buttons.plain_text().endswith("1. Sí")
