"""Rules the NLU applies around its models."""

from __future__ import annotations

import pytest

from hotel_agent.nlu import rules
from hotel_agent.nlu.types import Intent


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("y cuánto me costaría cancelar?", "cuánto me costaría cancelar?"),
        ("And, is there parking?", "is there parking?"),
        ("también quería saber el horario", "quería saber el horario"),
        ("y", "y"),  # nothing else: kept as said
        ("yoga classes?", "yoga classes?"),  # a word, not "y"
    ],
)
def test_a_leading_and_is_left_out_for_the_classifier(text: str, rest: str) -> None:
    assert rules.without_leading_and(text) == rest


def test_a_day_and_a_party_the_classifier_could_not_place_ask_for_a_room() -> None:
    assert rules.is_stay_request(Intent.UNKNOWN, 0.3, has_day=True, has_party=True)
    assert rules.is_stay_request(Intent.NEW_BOOKING, 0.24, has_day=True, has_party=True)
    assert not rules.is_stay_request(Intent.UNKNOWN, 0.3, has_day=True, has_party=False)
    assert not rules.is_stay_request(Intent.FAQ, 0.3, has_day=True, has_party=True)
