"""Special requests: what is said as a wish or a plan counts, a question about the hotel not."""

from __future__ import annotations

import pytest

from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.requests import find_requests


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("we are coming by car", ["parking"]),
        ("venimos en coche", ["parking"]),
        ("we need a parking space", ["parking"]),
        ("Actually, can we add breakfast?", ["breakfast"]),
        ("quiero reservar con desayuno", ["breakfast"]),
        ("necesitamos una cuna para el bebé", ["cot"]),
        ("we would like an extra bed", ["extra_bed"]),
        ("llegaremos tarde, sobre las 23h", ["late_arrival"]),
        ("we will arrive late", ["late_arrival"]),
        ("late check-out please", ["late_check_out"]),
        ("una habitación con camas separadas", ["separate_beds"]),
        ("es para nuestro aniversario", ["celebration"]),
        ("a quiet room on a high floor if possible", ["quiet_room"]),
        ("mi padre va en silla de ruedas", ["accessible"]),
        ("venimos en coche y necesitamos una cuna", ["parking", "cot"]),
    ],
)
def test_requests_said_as_wishes_or_plans(text: str, kinds: list[str]) -> None:
    assert find_requests(fold(text)) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "do you have parking?",
        "¿tenéis parking?",
        "is breakfast included?",
        "¿el precio es con desayuno?",
        "is it with breakfast?",
        "Do you have a crib?",
        "hi i need a room for 2 from the 5th",
        "what time is check-in?",
    ],
)
def test_questions_about_the_hotel_request_nothing(text: str) -> None:
    assert find_requests(fold(text)) == []
