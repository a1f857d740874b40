from __future__ import annotations

import pytest

from hotel_agent.dialogue.flows.guest_details import bare_name, name_part


@pytest.mark.parametrize(
    ("text", "email", "phone", "expected"),
    [
        ("Valentina Rojas, mi mail es vale.rojas@example.com", "vale.rojas@example.com", None,
         "Valentina Rojas"),
        ("Hannah Moore - hannah.moore@example.com", "hannah.moore@example.com", None,
         "Hannah Moore"),
        ("Pilar Vega, pilar.vega@example.com, tel +34 622 333 444", "pilar.vega@example.com",
         "+34622333444", "Pilar Vega"),
        ("Ana-María Ruiz ana@example.com", "ana@example.com", None, "Ana-María Ruiz"),
        ("john doe john.doe@example.com", "john.doe@example.com", None, "john doe"),
        ("mi correo es ana@example.com", "ana@example.com", None, None),
    ],
)  # fmt: skip
def test_the_name_beside_contact_details(
    text: str, email: str, phone: str | None, expected: str | None
) -> None:
    assert name_part(text, email, phone) == expected


def test_a_name_typed_in_lower_case_is_title_cased() -> None:
    assert bare_name("john doe") == "John Doe"
    assert bare_name("mail es") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Book the family room for 2 adults, name Sarah Connor, sarah.c@example.com",
         "Sarah Connor"),
        ("Hola, quiero reservar, ana@example.com", None),
        ("la suite a nombre de Lola Flores, lola@example.com", None),
        ("Lola Flores lola@example.com", "Lola Flores"),
    ],
)  # fmt: skip
def test_a_name_not_asked_for_is_only_a_capitalised_one_before_the_email(
    text: str, expected: str | None
) -> None:
    email = text.split()[-1]
    assert name_part(text, email, None, unprompted=True) == expected


@pytest.mark.parametrize(
    ("text", "email", "expected"),
    [
        # Issue 8: "Vale" (Valentina, Valeria) is a name when a surname or her e-mail follows.
        ("Vale Rodríguez, vale@example.com", "vale@example.com", "Vale Rodríguez"),
        ("Vale Rodríguez", None, "Vale Rodríguez"),
        ("Vale Rodríguez López, vale.rl@example.com", "vale.rl@example.com",
         "Vale Rodríguez López"),
        ("Vale, vale@example.com", "vale@example.com", "Vale"),
        # ... and agreement otherwise.
        ("vale", None, None),
        ("Vale", None, None),
        ("vale, ana@example.com", "ana@example.com", None),
        ("vale perfecto", None, None),
        ("vale Ana García, ana@example.com", "ana@example.com", "Ana García"),
        ("Vale, Ana García, ana@example.com", "ana@example.com", "Ana García"),
    ],
)  # fmt: skip
def test_vale_is_a_name_with_a_surname_or_her_email(
    text: str, email: str | None, expected: str | None
) -> None:
    typed = name_part(text, email, None)
    assert (bare_name(typed, email=email) if typed else None) == expected
