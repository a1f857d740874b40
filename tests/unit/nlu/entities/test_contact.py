"""E-mails, phones, booking references and names in guest messages."""

from __future__ import annotations

import pytest

from hotel_agent.nlu.entities.contact import Contact, extract_contact


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("escribidme a marta.lopez@correo.es.", "marta.lopez@correo.es"),
        ("My e-mail: j_o'neil@example.ie", "j_o'neil@example.ie"),
        ("contact: Bob-Smith99@sub.example.com thanks", "Bob-Smith99@sub.example.com"),
        ("no tengo correo", None),
        ("mi correo es ana@", None),
    ],
)
def test_email(text: str, email: str | None) -> None:
    assert extract_contact(text).email == email


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("mi número: 622.11.22.33", "622112233"),
        ("llámame al 622-112-233", "622112233"),
        ("WhatsApp +34 622 11 22 33", "+34622112233"),
        ("tel. 0034 91 123 45 67", "+34911234567"),
        ("UK mobile +44 7911 123456", "+447911123456"),
        ("US: +1 212-555-0199", "+12125550199"),
        ("(212) 555-0199", "2125550199"),
        ("+49 30 901820", "+4930901820"),
        ("del 15/12/2026 al 18/12/2026", None),
        ("cuesta 1.250 euros", None),
        ("la reserva 12345", None),
        ("mi tarjeta 4111 1111 1111 1111", None),  # 16 digits: not a phone
        ("son 2 adultos y 1 niño de 6 años", None),
    ],
)
def test_phone(text: str, phone: str | None) -> None:
    assert extract_contact(text).phone == phone


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Tengo la reserva HS-M4R7QZ", "HS-M4R7QZ"),
        ("hs-m4r7qz", "HS-M4R7QZ"),
        ("HS M4R7QZ", "HS-M4R7QZ"),
        ("HSM4R7QZ please", "HS-M4R7QZ"),
        ("order QWPLMZRTX", "QWPLMZRTX"),
        ("mi localizador es qwplmzrtx", "QWPLMZRTX"),
        ("Reference: ABC123XYZ", "ABC123XYZ"),
        ("booking number 48213", "48213"),
        ("referencia de la reserva: 7781", "7781"),
        ("My booking is BVCXZLKJH and I want to change it", "BVCXZLKJH"),
        ("QUIERO CANCELAR MI RESERVA", None),  # shouting, not a reference
        ("QWPLMZRTX QUIERO CANCELAR", None),  # shouting: no standalone reference trusted
        ("la reserva confirmada", None),
        ("mi reserva para 2026", None),
        ("booking for tomorrow", None),
        ("I watched BREAKFAST at Tiffany's", None),  # a word: too many vowels
        ("hs policy", None),
    ],
)
def test_booking_reference(text: str, reference: str | None) -> None:
    assert extract_contact(text).booking_ref == reference


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Buenas, me llamo Álvaro Núñez", "Álvaro Núñez"),
        ("mi nombre es carmen de la fuente", "Carmen de la Fuente"),
        ("Soy Inés, quería preguntar por el parking", "Inés"),
        ("soy Juan Carlos y llamo por la reserva", "Juan Carlos"),
        ("a nombre de Pablo Ruiz-Picasso, gracias", "Pablo Ruiz-Picasso"),
        ("Nombre: Marta Vidal", "Marta Vidal"),
        ("My name's Oliver Twist.", "Oliver Twist"),
        ("my name is olivia brown, room for two", "Olivia Brown"),
        ("Hello, I am Grace O'Malley", "Grace O'Malley"),
        ("This is Daniel from Leeds", "Daniel"),
        ("in the name of Hannah Lee", "Hannah Lee"),
        ("soy de Valencia", None),
        ("soy yo, la de ayer", None),
        ("soy cliente habitual", None),
        ("I'm from Dublin", None),
        ("I'm interested in a suite", None),
        ("I'm Travelling next week", None),
        ("I am French", None),
        ("Hola, quería reservar", None),
    ],
)
def test_person_name(text: str, name: str | None) -> None:
    assert extract_contact(text).person_name == name


def test_everything_in_one_message() -> None:
    text = "Soy Laura Gil (laura.gil@example.com, +34 655 44 33 22), reserva HS-7Q2W9E"
    assert extract_contact(text) == Contact(
        email="laura.gil@example.com",
        phone="+34655443322",
        booking_ref="HS-7Q2W9E",
        person_name="Laura Gil",
    )
