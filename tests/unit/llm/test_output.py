"""What the model answered is checked before anyone uses it: only allowed labels, only short
answers that do not carry the "facts do not say" sentinel."""

from __future__ import annotations

import pytest

from hotel_agent.llm.output import (
    MAX_ANSWER_CHARS,
    checked_answer,
    parse_intent_guess,
    says_no_answer,
)
from hotel_agent.llm.port import IntentGuess
from hotel_agent.llm.prompts import NO_ANSWER

INTENTS = ("greet", "new_booking", "cancel_booking", "faq", "unknown")
TOPICS = ("wifi", "parking", "breakfast", "other")


def guess(content: str) -> IntentGuess | None:
    return parse_intent_guess(content, intents=INTENTS, topics=TOPICS)


def test_a_plain_json_reply_is_the_guess() -> None:
    assert guess('{"intent": "new_booking", "topic": null}') == IntentGuess("new_booking", None)
    assert guess('{"intent": "faq", "topic": "parking"}') == IntentGuess("faq", "parking")


@pytest.mark.parametrize(
    "content",
    [
        '```json\n{"intent": "faq", "topic": "wifi"}\n```',
        'Sure! Here it is: {"intent": "faq", "topic": "wifi"} Hope that helps.',
        '  {"intent": " FAQ ", "topic": "WiFi"}  ',
    ],
)
def test_replies_that_bend_the_format_still_count_when_the_labels_are_allowed(
    content: str,
) -> None:
    assert guess(content) == IntentGuess("faq", "wifi"), "labels come back spelled as offered"


@pytest.mark.parametrize(
    "content",
    [
        '{"intent": "delete_all_bookings", "topic": null}',  # not an offered intent
        '{"intent": "faq", "topic": "casino"}',  # not an offered topic
        '{"intent": "faq", "topic": null}',  # faq without its topic
        '{"intent": "faq"}',
        '{"intent": ["faq"], "topic": "wifi"}',
        '{"intent": 3}',
        '{"label": "greet"}',
        '["greet"]',
        '"greet"',
        "greet",
        "",
        '{"intent": "greet", ',
        "I cannot help with that.",
        "Here: {intent: greet}",
    ],
)
def test_anything_outside_the_allowed_labels_is_no_guess(content: str) -> None:
    assert guess(content) is None


def test_a_topic_on_another_intent_is_dropped_not_trusted() -> None:
    assert guess('{"intent": "greet", "topic": "casino"}') == IntentGuess("greet", None)


def test_without_topics_offered_faq_needs_no_topic() -> None:
    parsed = parse_intent_guess('{"intent": "faq", "topic": "wifi"}', intents=INTENTS, topics=())
    assert parsed == IntentGuess("faq", None)


def test_a_short_answer_is_sent_trimmed() -> None:
    assert checked_answer("  El wifi es gratuito en todo el hotel.\n") == (
        "El wifi es gratuito en todo el hotel."
    )


@pytest.mark.parametrize(
    "content",
    [
        "",
        "   \n ",
        NO_ANSWER,
        f"{NO_ANSWER}.",
        f"Lo siento, no lo sé. {NO_ANSWER}",
        "no_answer",
        "x" * (MAX_ANSWER_CHARS + 1),
    ],
)
def test_empty_overlong_or_sentinel_answers_are_refused(content: str) -> None:
    assert checked_answer(content) is None


def test_an_answer_at_the_length_limit_is_kept() -> None:
    assert checked_answer("x" * MAX_ANSWER_CHARS) == "x" * MAX_ANSWER_CHARS


def test_the_sentinel_is_recognised_inside_other_words() -> None:
    assert says_no_answer(f'"{NO_ANSWER}"')
    assert says_no_answer(f"Sorry. {NO_ANSWER}")
    assert not says_no_answer("Breakfast is served from 7:30 to 10:30.")
