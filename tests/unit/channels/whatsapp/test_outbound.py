from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotel_agent.channels.port import Button, ListPicker, ListRow, ListSection, OutboundMessage
from hotel_agent.channels.whatsapp.outbound import (
    message_payload,
    read_receipt_payload,
    shorten,
)
from tests.fakes.graph_rules import message_problem

ENVELOPE = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34611111111"}


def payload(message: OutboundMessage) -> dict[str, Any]:
    return message_payload("34611111111", message)


def buttons(*titles: str) -> list[Button]:
    return [Button(id=f"b{n}", title=title) for n, title in enumerate(titles, 1)]


def test_plain_text_is_sent_without_link_previews() -> None:
    assert payload(OutboundMessage(text="Hola, ¿en qué puedo ayudarle?")) == {
        **ENVELOPE,
        "type": "text",
        "text": {"preview_url": False, "body": "Hola, ¿en qué puedo ayudarle?"},
    }


def test_text_over_4096_characters_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = " ".join(["habitación"] * 600)

    body = payload(OutboundMessage(text=text))["text"]["body"]

    assert len(body) <= 4096
    assert body.endswith("habitación…")
    assert text.startswith(body.removesuffix("…"))


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Confirmar", 20, "Confirmar"),
        ("Confirmar la reserva ahora", 20, "Confirmar la…"),
        ("Supercalifragilisticexpialidocious", 20, "Supercalifragilisti…"),
        ("Doble superior con vistas", 24, "Doble superior con…"),
        ("abcdefghij klmnopqrstu", 12, "abcdefghij…"),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_up_to_three_buttons_are_reply_buttons() -> None:
    message = OutboundMessage(text="¿Confirmo la reserva?", buttons=buttons("Sí", "No"))

    assert payload(message) == {
        **ENVELOPE,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "¿Confirmo la reserva?"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": "b1", "title": "Sí"}},
                    {"type": "reply", "reply": {"id": "b2", "title": "No"}},
                ]
            },
        },
    }


def test_long_button_titles_are_shortened() -> None:
    message = OutboundMessage(text="¿Qué prefiere?", buttons=buttons("Hablar con recepción ahora"))

    reply = payload(message)["interactive"]["action"]["buttons"][0]["reply"]

    assert reply == {"id": "b1", "title": "Hablar con…"}


def test_more_than_three_buttons_become_a_list() -> None:
    message = OutboundMessage(text="Elija", buttons=buttons("Uno", "Dos", "Tres", "Cuatro"))

    interactive = payload(message)["interactive"]

    assert interactive["type"] == "list"
    assert interactive["action"] == {
        "button": "☰",
        "sections": [
            {
                "rows": [
                    {"id": f"b{n}", "title": t}
                    for n, t in enumerate(["Uno", "Dos", "Tres", "Cuatro"], 1)
                ]
            }
        ],
    }


def test_a_list_picker_becomes_a_list_within_every_limit() -> None:
    picker = ListPicker(
        button="Ver todas las habitaciones",
        sections=[
            ListSection(
                title="Habitaciones disponibles hoy",
                rows=[
                    ListRow(id="rt_1", title="Doble", description="120 €/noche"),
                    ListRow(id="rt_2", title="Doble superior con terraza", description="x " * 50),
                ],
            ),
            ListSection(title="Suites", rows=[ListRow(id="rt_3", title="Suite")]),
            ListSection(title="Vacía", rows=[]),
        ],
    )

    interactive = payload(OutboundMessage(text="Estas son las opciones:", list_picker=picker))[
        "interactive"
    ]

    assert interactive["body"] == {"text": "Estas son las opciones:"}
    assert interactive["action"] == {
        "button": "Ver todas las…",
        "sections": [
            {
                "title": "Habitaciones…",
                "rows": [
                    {"id": "rt_1", "title": "Doble", "description": "120 €/noche"},
                    {"id": "rt_2", "title": "Doble superior con…", "description": "x " * 35 + "x…"},
                ],
            },
            {"title": "Suites", "rows": [{"id": "rt_3", "title": "Suite"}]},
        ],
    }


def test_a_list_picker_without_a_label_gets_the_menu_glyph() -> None:
    picker = ListPicker(button=" ", sections=[ListSection(rows=[ListRow(id="a", title="A")])])

    assert (
        payload(OutboundMessage(text="Elija", list_picker=picker))["interactive"]["action"][
            "button"
        ]
        == "☰"
    )


def rows(n: int) -> list[ListRow]:
    return [ListRow(id=f"r{i}", title=f"Opción {i}") for i in range(1, n + 1)]


@pytest.mark.parametrize(
    "message",
    [
        OutboundMessage(text="x" * 1025, buttons=buttons("Sí", "No")),
        OutboundMessage(text="   ", buttons=buttons("Sí", "No")),
        OutboundMessage(text="Elija", buttons=buttons(*(f"Opción {i}" for i in range(11)))),
        OutboundMessage(
            text="Elija",
            list_picker=ListPicker(button="Ver", sections=[ListSection(rows=rows(11))]),
        ),
        OutboundMessage(
            text="Elija", buttons=[Button(id="x" * 201, title="Sí"), Button(id="n", title="No")]
        ),
        OutboundMessage(
            text="Elija",
            buttons=buttons("Habitación doble estándar A", "Habitación doble estándar B"),
        ),
        OutboundMessage(
            text="Elija", buttons=[Button(id="a", title="Sí"), Button(id="a", title="No")]
        ),
        OutboundMessage(text="Elija", buttons=buttons("Sí", "")),
        OutboundMessage(
            text="Elija",
            buttons=buttons("Recepción"),
            list_picker=ListPicker(
                button="Ver", sections=[ListSection(title="Hab.", rows=rows(2))]
            ),
        ),
        OutboundMessage(text="Elija", list_picker=ListPicker(button="Ver", sections=[])),
    ],
    ids=[
        "body over 1024",
        "blank body",
        "eleven buttons",
        "eleven rows",
        "id over 200",
        "titles equal once shortened",
        "repeated ids",
        "blank title",
        "untitled section beside others",
        "no rows",
    ],
)
def test_content_that_cannot_be_interactive_is_sent_as_numbered_plain_text(
    message: OutboundMessage,
) -> None:
    assert payload(message) == {
        **ENVELOPE,
        "type": "text",
        "text": {"preview_url": False, "body": shorten(message.plain_text(), 4096)},
    }


def test_read_receipt_also_shows_the_typing_indicator() -> None:
    assert read_receipt_payload("wamid.IN1") == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.IN1",
        "typing_indicator": {"type": "text"},
    }


WORDS = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40
)
CHOICE_IDS = st.text("abcdefghijklmnopqrstuvwxyz0123456789_:", min_size=1, max_size=210)
MESSAGES = st.builds(
    OutboundMessage,
    text=WORDS.filter(str.strip) | st.text(min_size=1000, max_size=1100).filter(str.strip),
    buttons=st.lists(st.builds(Button, id=CHOICE_IDS, title=WORDS), max_size=5),
    list_picker=st.none()
    | st.builds(
        ListPicker,
        button=WORDS,
        sections=st.lists(
            st.builds(
                ListSection,
                title=st.none() | WORDS,
                rows=st.lists(
                    st.builds(ListRow, id=CHOICE_IDS, title=WORDS, description=st.none() | WORDS),
                    max_size=6,
                ),
            ),
            max_size=3,
        ),
    ),
)


@given(MESSAGES)
def test_every_message_is_valid_for_graph_and_keeps_every_choice(message: OutboundMessage) -> None:
    body = payload(message)

    assert message_problem(body) is None
    choices = [b.id for b in message.buttons]
    if message.list_picker is not None:
        choices += [row.id for row in message.list_picker.rows()]
    if body["type"] == "interactive":
        action = body["interactive"]["action"]
        sent = [b["reply"]["id"] for b in action.get("buttons", [])] + [
            row["id"] for section in action.get("sections", []) for row in section["rows"]
        ]
        assert sent == choices
    else:
        assert body["text"]["body"] == shorten(message.plain_text(), 4096)
