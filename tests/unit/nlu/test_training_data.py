"""The shipped training data: it parses, covers every intent and topic in both languages, and
never contains a sentence of the held-out evaluation set."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from hotel_agent.nlu.text import normalize, words
from hotel_agent.nlu.training_data import LANGUAGES, Example, load_examples, parse_examples
from hotel_agent.nlu.types import Intent, Topic

EVAL_FILE = Path(__file__).parents[3] / "tests" / "data" / "nlu" / "intents_eval.yaml"
MIN_PER_INTENT = 30  # per language
MIN_PER_TOPIC = 20


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples()


def _key(text: str) -> str:
    return " ".join(words(normalize(text)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_has_examples_in_each_language(examples: list[Example], language: str) -> None:
    counts = Counter(example.intent for example in examples if example.language == language)
    assert {intent: counts[intent] for intent in Intent if counts[intent] < MIN_PER_INTENT} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_faq_topic_has_examples_in_each_language(
    examples: list[Example], language: str
) -> None:
    counts = Counter(example.topic for example in examples if example.language == language)
    assert {topic: counts[topic] for topic in Topic if counts[topic] < MIN_PER_TOPIC} == {}


def test_a_topic_is_given_exactly_for_faq_examples(examples: list[Example]) -> None:
    assert all(
        (example.topic is not None) == (example.intent is Intent.FAQ) for example in examples
    )


def test_every_example_has_words_for_the_model(examples: list[Example]) -> None:
    # Messages without words never reach the model (the rules answer them): no dead examples.
    assert [example.text for example in examples if not _key(example.text)] == []


def test_no_example_is_repeated(examples: list[Example]) -> None:
    counts = Counter((example.language, _key(example.text)) for example in examples)
    assert [key for key, count in counts.items() if count > 1] == []


def test_no_sentence_of_the_evaluation_set_is_trained_on(examples: list[Example]) -> None:
    held_out = {
        _key(text)
        for labels in yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8")).values()
        for texts in labels.values()
        for text in texts
    }
    assert sorted({example.text for example in examples if _key(example.text) in held_out}) == []


def _document(**sections: Any) -> dict[str, Any]:
    return {"intents": {"greet": ["hola"]}, "faq": {"wifi": ["wifi?"]}} | sections


def test_a_valid_document_gives_labelled_examples() -> None:
    parsed = parse_examples(_document(), language="es", source="x.yaml")
    assert parsed == [
        Example("hola", Intent.GREET, None, "es"),
        Example("wifi?", Intent.FAQ, Topic.WIFI, "es"),
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_document(intents={"greeting": ["hola"]}), "unknown intent 'greeting'"),
        (_document(faq={"wi-fi": ["wifi?"]}), "unknown FAQ topic 'wi-fi'"),
        (_document(intents={"faq": ["wifi?"]}), "go under 'faq'"),
        (_document(intents={"deny": [False]}), "quote it as text"),  # an unquoted `no`
        (_document(intents={"deny": ["  "]}), "quote it as text"),
        (_document(intents={"deny": []}), "non-empty list"),
        (_document(faq=["wifi?"]), "must map labels"),
        ({"intents": {}}, "exactly the keys"),
        (["hola"], "exactly the keys"),
    ],
)
def test_a_broken_document_is_refused_with_the_reason(document: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_examples(document, language="es", source="x.yaml")
