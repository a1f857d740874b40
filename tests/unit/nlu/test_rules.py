"""Rules the NLU applies around its models."""

from __future__ import annotations

import pytest

from hotel_agent.nlu import rules


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
