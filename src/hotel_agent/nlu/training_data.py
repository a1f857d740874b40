"""The intent and FAQ-topic training examples shipped in `data/intents_<language>.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from hotel_agent.nlu.types import Intent, Topic

LANGUAGES = ("es", "en")


@dataclass(frozen=True)
class Example:
    text: str
    intent: Intent
    topic: Topic | None  # set exactly when intent is FAQ
    language: str


def load_examples(languages: tuple[str, ...] = LANGUAGES) -> list[Example]:
    """Every training example of the package, in file order (so training is deterministic)."""
    examples: list[Example] = []
    data = resources.files("hotel_agent.nlu") / "data"
    for language in languages:
        name = f"intents_{language}.yaml"
        document = yaml.safe_load((data / name).read_text(encoding="utf-8"))
        examples.extend(parse_examples(document, language=language, source=name))
    return examples


def parse_examples(document: Any, *, language: str, source: str) -> list[Example]:
    """Examples from one file's document: {intents: {intent: [text]}, faq: {topic: [text]}}.

    Raises ValueError naming the file and label for anything else, so a typo in a label or an
    unquoted `no` (which YAML reads as false) fails loudly instead of training on garbage.
    """
    if not isinstance(document, dict) or set(document) != {"intents", "faq"}:
        raise ValueError(f"{source}: expected exactly the keys 'intents' and 'faq'")
    examples: list[Example] = []
    for label, texts in _sections(document["intents"], source, "intents"):
        try:
            intent = Intent(label)
        except ValueError:
            raise ValueError(f"{source}: unknown intent {label!r}") from None
        if intent is Intent.FAQ:
            raise ValueError(f"{source}: faq examples go under 'faq', by topic")
        examples.extend(Example(text, intent, None, language) for text in texts)
    for label, texts in _sections(document["faq"], source, "faq"):
        try:
            topic = Topic(label)
        except ValueError:
            raise ValueError(f"{source}: unknown FAQ topic {label!r}") from None
        examples.extend(Example(text, Intent.FAQ, topic, language) for text in texts)
    return examples


def _sections(section: Any, source: str, name: str) -> list[tuple[str, list[str]]]:
    if not isinstance(section, dict):
        raise ValueError(f"{source}: '{name}' must map labels to lists of messages")
    found: list[tuple[str, list[str]]] = []
    for label, texts in section.items():
        if not isinstance(texts, list) or not texts:
            raise ValueError(f"{source}: {name}.{label} must be a non-empty list")
        for text in texts:
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{source}: {name}.{label} has {text!r}; quote it as text")
        found.append((str(label), texts))
    return found
