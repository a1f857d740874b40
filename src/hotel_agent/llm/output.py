"""What the model answered, checked before anyone uses it.

Models do not always keep to the format they are asked for, even in JSON mode: replies come
wrapped in code fences or prose, with labels in another case, or with labels that were never
offered. Anything that is not clearly one of the allowed labels is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from hotel_agent.llm.port import IntentGuess
from hotel_agent.llm.prompts import NO_ANSWER

FAQ = "faq"
# A three-sentence answer fits comfortably; anything longer ignored the instructions.
MAX_ANSWER_CHARS = 700

_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_intent_guess(
    content: str, *, intents: Sequence[str], topics: Sequence[str]
) -> IntentGuess | None:
    """The guess in a classification reply, or None when it is not one of the allowed labels.

    The topic is required for "faq" (when topics were offered) and dropped for other intents.
    """
    data = _json_object(content)
    if data is None:
        return None
    intent = _allowed(data.get("intent"), intents)
    if intent is None:
        return None
    if intent != FAQ or not topics:
        return IntentGuess(intent, None)
    topic = _allowed(data.get("topic"), topics)
    return None if topic is None else IntentGuess(intent, topic)


def checked_answer(content: str) -> str | None:
    """The reply to send, or None when it is empty, too long or says the facts lack the answer."""
    answer = content.strip()
    if not answer or len(answer) > MAX_ANSWER_CHARS or says_no_answer(answer):
        return None
    return answer


def says_no_answer(content: str) -> bool:
    """The reply holds the sentinel: even around other words, the facts did not suffice."""
    return NO_ANSWER.casefold() in content.casefold()


def _json_object(content: str) -> dict[str, object] | None:
    text = content.strip()
    try:
        data = json.loads(text)
    except ValueError:
        # A fenced block or a sentence around the object: take the outermost braces.
        match = _OBJECT.search(text)
        if match is None:
            return None
        try:
            data = json.loads(match.group(0))
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def _allowed(value: object, labels: Sequence[str]) -> str | None:
    """`value` as spelled in `labels`, tolerating case and surrounding spaces."""
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    for label in labels:
        if label.casefold() == wanted:
            return label
    return None
