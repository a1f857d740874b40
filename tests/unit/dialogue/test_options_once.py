"""Options are shown once: as the channel's on-screen list where it has one (web chat), else
numbered in the text (WhatsApp, whose list hides behind a button; plain-text channels)."""

from __future__ import annotations

import re

from hotel_agent.channels.port import ListPicker, ListRow, ListSection, OutboundMessage
from hotel_agent.channels.traits import PLAIN, traits_for
from hotel_agent.dialogue.port import TurnOutput
from tests.unit.dialogue.chat import Chat, said

ASK = "quiero reservar del 10 al 12 de abril para 2 adultos"
NUMBERED = re.compile(r"^\d+\. ", re.MULTILINE)


def offers_reply(out: TurnOutput) -> OutboundMessage:
    assert said(out, "booking.which_one"), [r.text for r in out.replies]
    return out.replies[-1]  # the offers end the turn


async def test_the_web_chat_shows_the_rooms_as_its_list_and_not_again_in_the_text() -> None:
    out = await Chat(traits=traits_for("webchat")).send(ASK)
    reply = offers_reply(out)

    assert reply.list_picker is not None
    rows = reply.list_picker.rows()
    assert len(rows) >= 2
    assert not NUMBERED.search(reply.text), reply.text
    for row in rows:
        assert row.title not in reply.text, "each room is shown once, in the list"
        assert row.description, "the list row carries the prices the text no longer repeats"
    assert said(out, "booking.offers_listed"), "the stay and party are still restated"


async def test_whatsapp_numbers_the_rooms_in_the_text_beside_its_list_button() -> None:
    out = await Chat(traits=traits_for("whatsapp")).send(ASK)
    reply = offers_reply(out)

    assert reply.list_picker is not None
    titles = [row.title for row in reply.list_picker.rows()]
    numbered = NUMBERED.findall(reply.text)
    assert len(numbered) == len(titles)
    # Its text fallback (a list WhatsApp cannot show) numbers each room once, not twice.
    plain = reply.plain_text()
    for title in titles:
        assert plain.count(title) == 1, plain


async def test_a_plain_text_channel_gets_the_numbered_rooms_and_no_list() -> None:
    out = await Chat(traits=PLAIN).send(ASK)
    reply = offers_reply(out)

    assert reply.list_picker is None
    assert len(NUMBERED.findall(reply.text)) >= 2
    assert reply.plain_text() == reply.text


def test_the_plain_text_form_numbers_a_list_the_text_does_not_already_number() -> None:
    picker = ListPicker(button="Ver", sections=[ListSection(rows=[ListRow(id="a", title="Doble")])])
    bare = OutboundMessage(text="¿Cuál?", list_picker=picker)
    numbered = OutboundMessage(text="1. Doble\n\n¿Cuál?", list_picker=picker, choices_in_text=True)

    assert bare.plain_text() == "¿Cuál?\n\n1. Doble"
    assert numbered.plain_text() == numbered.text
