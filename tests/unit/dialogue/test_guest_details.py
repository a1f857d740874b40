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
