"""The guest's own words out of an e-mail body: HTML to text, quotes and signatures cut."""

from __future__ import annotations

import pytest

from hotel_agent.channels.email.text import html_to_text, strip_reply


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        # Gmail / Apple Mail, English and Spanish, on one line or wrapped over two.
        ("Two adults, please.\n\nOn Tue, 1 Dec 2026 at 10:00, Hotel <h@x.example> wrote:\n> Hi",
         "Two adults, please."),
        ("Dos adultos.\n\nEl mar, 1 dic 2026 a las 10:00, Hotel <h@x.example> escribió:\n> Hola",
         "Dos adultos."),
        ("Yes\n\nOn Tue, 1 Dec 2026 at 10:00, Hotel Prueba\n<h@x.example> wrote:\n\n> Hi",
         "Yes"),
        # Outlook's quoted headers, in both languages.
        ("Thanks\n\n-----Original Message-----\nFrom: Hotel\nSent: today", "Thanks"),
        ("Gracias\n\n________________________________\nDe: Hotel\nEnviado: hoy", "Gracias"),
        ("Vale\n-----Mensaje original-----\nDe: Hotel", "Vale"),
        # Signatures and phone adverts.
        ("I arrive at 22:00.\n-- \nAna Ruiz\n+34 600 000 000", "I arrive at 22:00."),
        ("Llego tarde.\n\nEnviado desde mi iPhone", "Llego tarde."),
        ("See you\n\nSent from my Galaxy", "See you"),
        ("Ok\n\nGet Outlook for iOS", "Ok"),
        # Bottom-posted quote: the first quoted line ends the new text.
        ("> earlier\nnew", ""),
        # Nothing to cut.
        ("Is breakfast included?\nAnd parking?", "Is breakfast included?\nAnd parking?"),
        ("On Monday I would like a late check-out.", "On Monday I would like a late check-out."),
    ],
)  # fmt: skip
def test_strip_reply_keeps_only_the_new_words(body: str, kept: str) -> None:
    assert strip_reply(body) == kept


def test_html_becomes_lines_without_quotes_styles_or_entities() -> None:
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<div>Hola,&nbsp;quiero <b>2</b> noches</div><p>para 2 adultos&amp;1 ni&ntilde;o</p>"
        "<br><div class='gmail_quote'>El lunes escribió:<blockquote>Hola Ana</blockquote></div>"
        "<script>alert(1)</script></body></html>"
    )
    assert html_to_text(html) == "Hola, quiero 2 noches\n\npara 2 adultos&1 niño"


def test_outlook_quoted_message_in_html_is_left_out() -> None:
    html = '<p>Sí, confirmo</p><div id="divRplyFwdMsg"><b>De:</b> Hotel</div><p>old</p>'
    # Outlook writes the quoted mail after its divider, not inside it.
    assert strip_reply(html_to_text(html)) == "Sí, confirmo"
