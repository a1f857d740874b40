"""NLU accuracy on the held-out test sets: `make eval-nlu`.

    python -m hotel_agent.dialogue.nlu.evaluate [--data tests/data/nlu] [--cross-validate]

Every message goes through the whole pipeline (`Understander.understand`), as in production.
intents_eval.yaml gives language, intent accuracy, FAQ topic accuracy, per-intent precision and
recall, and the confusions; entities_eval.yaml (when present) the exact-match rates of stay dates
and guest counts. Nothing here is used for training or tuning; `--cross-validate` adds the
training-data cross-validation the classifier's constants are tuned on.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from hotel_agent.dialogue.nlu.entities import RoomTypeName
from hotel_agent.dialogue.nlu.pipeline import Understander
from hotel_agent.dialogue.nlu.types import Entities, Intent, Topic

DEFAULT_DATA = Path("tests/data/nlu")
# A fixed moment, so that the intent figures never depend on the day they are computed.
INTENT_NOW = datetime.fromisoformat("2026-11-28T12:00:00+01:00")
DATE_FIELDS = ("check_in", "check_out", "nights")
GUEST_FIELDS = ("adults", "children")


@dataclass(frozen=True)
class Case:
    text: str
    section: str  # "es", "en" (the expected language) or "mixed" (language not scored)
    intent: Intent
    topic: Topic | None


def load_cases(path: Path) -> list[Case]:
    """intents_eval.yaml: {section: {"<intent>" or "faq/<topic>": [message, …]}}."""
    cases: list[Case] = []
    for section, labels in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for label, texts in labels.items():
            intent_name, _, topic_name = str(label).partition("/")
            intent, topic = Intent(intent_name), Topic(topic_name) if topic_name else None
            cases.extend(Case(str(text), str(section), intent, topic) for text in texts)
    return cases


def evaluate_intents(understander: Understander, cases: Sequence[Case]) -> list[str]:
    results = [(case, understander.understand(case.text, now=INTENT_NOW)) for case in cases]
    lines = [f"intents_eval: {len(cases)} messages"]
    scored = [(case, result) for case, result in results if case.section != "mixed"]
    right = sum(result.language == case.section for case, result in scored)
    lines.append(f"  language accuracy  {_rate(right, len(scored))} (es and en sections)")
    for section in ("es", "en", "mixed", None):
        chosen = [(c, r) for c, r in results if section is None or c.section == section]
        right = sum(result.intent is case.intent for case, result in chosen)
        name = "all" if section is None else section
        lines.append(f"  intent accuracy    {_rate(right, len(chosen))} ({name})")
    faq = [(case, result) for case, result in results if case.intent is Intent.FAQ]
    right = sum(result.intent is Intent.FAQ and result.topic is case.topic for case, result in faq)
    lines.append(
        f"  topic accuracy     {_rate(right, len(faq))} (FAQ messages; intent must be faq)"
    )
    found = [(case, result) for case, result in faq if result.intent is Intent.FAQ]
    right = sum(result.topic is case.topic for case, result in found)
    lines.append(f"  topic accuracy     {_rate(right, len(found))} (where faq was recognised)")
    lines.extend(_per_intent(results))
    lines.extend(_confusions(results))
    return lines


def _per_intent(results: Sequence[tuple[Case, Any]]) -> list[str]:
    lines = ["  per intent:          precision  recall  support"]
    for intent in Intent:
        support = sum(case.intent is intent for case, _ in results)
        predicted = sum(result.intent is intent for _, result in results)
        hits = sum(case.intent is intent and result.intent is intent for case, result in results)
        precision = f"{hits / predicted:.1%}" if predicted else "-"
        recall = f"{hits / support:.1%}" if support else "-"
        lines.append(f"    {intent.value:<16} {precision:>10} {recall:>7} {support:>8}")
    return lines


def _confusions(results: Sequence[tuple[Case, Any]]) -> list[str]:
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for case, result in results:
        expected = _label(case.intent, case.topic)
        got = _label(result.intent, result.topic)
        if expected != got:
            pairs[(expected, got)].append(f"{case.text!r} ({result.confidence:.2f})")
    lines = [f"  confusions (expected → got), {sum(map(len, pairs.values()))} messages:"]
    for (expected, got), texts in sorted(pairs.items(), key=lambda item: -len(item[1])):
        lines.append(f"    {expected} → {got}: {len(texts)}: " + "; ".join(texts))
    return lines


def _label(intent: Intent, topic: Topic | None) -> str:
    return f"faq/{topic}" if intent is Intent.FAQ else intent.value


def evaluate_entities(understander: Understander, path: Path) -> list[str]:
    """entities_eval.yaml through the full pipeline (the language is detected, not given)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_now = datetime.fromisoformat(str(document["default_now"]))
    room_types = [
        RoomTypeName(id=room["id"], names=room["names"]) for room in document["room_types"]
    ]
    counts: Counter[str] = Counter()
    misses: dict[str, list[str]] = defaultdict(list)
    for example in document["examples"]:
        now = datetime.fromisoformat(str(example["now"])) if "now" in example else default_now
        previous = Entities(**example["previous"]) if "previous" in example else None
        got = understander.understand(
            example["text"], now=now, room_types=room_types, previous_entities=previous
        ).entities
        expected = example.get("expected") or {}
        for group, fields in (("dates", DATE_FIELDS), ("guests", GUEST_FIELDS)):
            want = tuple(_value(expected.get(name)) for name in fields)
            have = tuple(_value(getattr(got, name)) for name in fields)
            counts[group] += want == have
            if want != have:
                misses[group].append(f"{example['text']!r}: want {want}, got {have}")
    total = len(document["examples"])
    lines = [f"entities_eval: {total} messages"]
    for group, fields in (("dates", DATE_FIELDS), ("guests", GUEST_FIELDS)):
        lines.append(f"  {group} exact match {_rate(counts[group], total)} ({', '.join(fields)})")
        lines.extend(f"    miss: {miss}" for miss in misses[group])
    return lines


def _value(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _rate(right: int, total: int) -> str:
    return f"{right / total:6.1%} ({right}/{total})" if total else "     - (0/0)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="eval files' folder")
    parser.add_argument(
        "--cross-validate", action="store_true", help="also cross-validate the training data"
    )
    args = parser.parse_args(argv)
    intents_file = args.data / "intents_eval.yaml"
    if not intents_file.is_file():
        parser.error(f"{intents_file} not found; run from the repository root or pass --data")
    understander = Understander()
    print("\n".join(evaluate_intents(understander, load_cases(intents_file))))
    entities_file = args.data / "entities_eval.yaml"
    if entities_file.is_file():
        print("\n".join(evaluate_entities(understander, entities_file)))
    if args.cross_validate:
        from hotel_agent.dialogue.nlu.cross_validation import cross_validate, report
        from hotel_agent.dialogue.nlu.training_data import load_examples

        print(report(cross_validate(load_examples())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
