"""The privacy notice (dialogue/privacy.py): said once per conversation, just before the agent
first asks for a name, an e-mail or a phone number, in the hotel's own words when it wrote
some, with a link to its policy."""

from __future__ import annotations

from hotel_agent.dialogue.port import TurnOutput
from hotel_agent.dialogue.privacy import privacy_notice
from hotel_agent.dialogue.responses import Say
from hotel_agent.knowledge import DEMO_KNOWLEDGE_FILE, HotelKnowledge, load_knowledge
from tests.unit.dialogue.chat import Chat, said, text_of

POLICY_URL = "https://www.mirador.example/privacidad"
OWN_NOTICE = {
    "es": "Usamos tus datos solo para tu reserva. Responsable: Mirador SL.",
    "en": "We use your data only for your booking. Controller: Mirador SL.",
}


def hotel_with_own_notice() -> HotelKnowledge:
    demo = load_knowledge(DEMO_KNOWLEDGE_FILE)
    return HotelKnowledge(
        demo.entries, hotel_name=demo.hotel_name, privacy_notice=OWN_NOTICE,
        privacy_policy_url=POLICY_URL,
    )  # fmt: skip


def notices(out: TurnOutput, notice: str) -> list[int]:
    """Positions of the replies that are the notice."""
    return [n for n, reply in enumerate(out.replies) if reply.text.startswith(notice)]


def default_notice(language: str = "es") -> str:
    return Say(language)("privacy.notice", hotel="Hotel Mirador del Puerto")


def test_the_default_notice_names_the_hotel_in_the_guest_s_language() -> None:
    demo = load_knowledge(DEMO_KNOWLEDGE_FILE)
    spanish = privacy_notice(demo, "Hostal La Plaza", "es")
    english = privacy_notice(demo, "Hostal La Plaza", "en")
    assert "Hostal La Plaza" in spanish and "Hostal La Plaza" in english
    assert spanish != english and "datos" in spanish and "data" in english
    assert "http" not in spanish, "no policy link when the hotel gave none"


def test_the_hotel_s_own_text_and_policy_link_replace_the_default() -> None:
    knowledge = hotel_with_own_notice()
    english = privacy_notice(knowledge, "ignored", "en")
    assert english.startswith(OWN_NOTICE["en"]) and english.endswith(POLICY_URL)
    # A language the hotel did not write falls back to one it did, never to the default.
    spanish_only = HotelKnowledge(knowledge.entries, privacy_notice={"es": OWN_NOTICE["es"]})
    assert privacy_notice(spanish_only, "ignored", "en") == OWN_NOTICE["es"]


async def test_said_before_the_first_question_for_name_and_email() -> None:
    chat = Chat()
    out = await chat.send("quiero reservar del 10 al 12 de abril para 2 adultos")
    assert not notices(out, default_notice()), "no notice before any personal data is asked"

    out = await chat.send("la primera")

    [position] = notices(out, default_notice())
    assert said(out, "booking.ask_name_and_email")
    asked = next(n for n, r in enumerate(out.replies) if "nombre" in r.text and n != position)
    assert position < asked, text_of(out)
    assert chat.state["privacy_noticed"] is True


async def test_never_said_twice_in_a_conversation_even_in_a_later_task() -> None:
    chat = Chat()
    said_so_far = []
    for text in (
        "quiero reservar del 10 al 12 de abril para 2 adultos",
        "la primera",
        "Ana López",  # the e-mail is still missing: asked again, without the notice
        "ana@example.com",
        "sí",
        # A second booking: name and e-mail are asked again (a new task starts afresh)...
        "quiero otra reserva del 20 al 22 de abril para 1 adulto",
        "la primera",
        # ...and a booking to look up asks for an e-mail too.
        "quiero cancelar la reserva HS-NOPE00",
    ):
        out = await chat.send(text)
        said_so_far += notices(out, default_notice())
    assert len(said_so_far) == 1
    assert len(chat.pms.bookings) == 1


async def test_said_before_a_booking_lookup_asks_for_the_e_mail() -> None:
    chat = Chat()
    out = await chat.send("quiero cancelar mi reserva")

    assert said(out, "manage.ask_reference"), text_of(out)
    [position] = notices(out, default_notice())
    assert position == 0 and len(out.replies) >= 2


async def test_a_new_conversation_is_told_again() -> None:
    first, second = Chat(), Chat()
    await first.send("quiero cancelar mi reserva")
    out = await second.send("quiero cancelar mi reserva")
    assert notices(out, default_notice())


async def test_the_hotel_s_own_notice_is_said_in_english_with_its_link() -> None:
    chat = Chat(knowledge=hotel_with_own_notice())
    out = await chat.send("I'd like to cancel my booking")

    [notice] = [r.text for r in out.replies if r.text.startswith(OWN_NOTICE["en"])]
    assert POLICY_URL in notice
    assert said(out, "manage.ask_reference", "en")
