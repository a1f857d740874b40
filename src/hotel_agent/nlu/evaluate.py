"""NLU accuracy on the held-out test sets: `make eval-nlu`.

    python -m hotel_agent.nlu.evaluate [--data tests/data/nlu] [--cross-validate]

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

from hotel_agent.nlu.entities import RoomTypeName
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.nlu.public_corpora import CORPORA, Corpus, CorpusCase
from hotel_agent.nlu.types import Entities, Intent, Topic

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


def evaluate_intents(
    understander: Understander, cases: Sequence[Case], scores: Scores | None = None
) -> list[str]:
    results = [(case, understander.understand(case.text, now=INTENT_NOW)) for case in cases]
    if scores is not None:
        for case, result in results:
            scores.add("intent", result.intent is case.intent)
            if case.intent is Intent.FAQ:
                scores.add("topic", result.intent is Intent.FAQ and result.topic is case.topic)
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


def evaluate_entities(
    understander: Understander, path: Path, scores: Scores | None = None
) -> list[str]:
    """entities_eval.yaml through the full pipeline (the language is detected, not given);
    `scores` collects the dates, party and rooms figures for the side-by-side table."""
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
        if scores is not None:
            scores.add("rooms", expected.get("rooms") == got.rooms)
        for group, fields in (("dates", DATE_FIELDS), ("guests", GUEST_FIELDS)):
            want = tuple(_value(expected.get(name)) for name in fields)
            have = tuple(_value(getattr(got, name)) for name in fields)
            counts[group] += want == have
            if scores is not None:
                scores.add("dates" if group == "dates" else "party", want == have)
            if want != have:
                misses[group].append(f"{example['text']!r}: want {want}, got {have}")
    total = len(document["examples"])
    lines = [f"entities_eval: {total} messages"]
    for group, fields in (("dates", DATE_FIELDS), ("guests", GUEST_FIELDS)):
        lines.append(f"  {group} exact match {_rate(counts[group], total)} ({', '.join(fields)})")
        lines.extend(f"    miss: {miss}" for miss in misses[group])
    return lines


class Scores:
    """Right/total per measure (intent, topic, dates, party, rooms), and the misses seen."""

    def __init__(self) -> None:
        self.right: Counter[str] = Counter()
        self.total: Counter[str] = Counter()
        self.misses: dict[str, list[str]] = defaultdict(list)

    def add(self, measure: str, right: bool, miss: str = "") -> None:
        self.total[measure] += 1
        self.right[measure] += right
        if not right and miss:
            self.misses[measure].append(miss)

    def cell(self, measure: str) -> str:
        total = self.total[measure]
        return f"{self.right[measure] / total:6.1%} ({total})" if total else "     -"


def evaluate_corpus(understander: Understander, cases: Sequence[CorpusCase]) -> Scores:
    """A public corpus mapped to our labels (see public_corpora): only what a case states."""
    scores = Scores()
    for case in cases:
        got = understander.understand(case.text, now=case.now)
        said = f"{case.text!r}"
        if case.intents:
            label = _label(got.intent, got.topic)
            wanted = "/".join(sorted(case.intents))
            scores.add("intent", got.intent in case.intents, f"{said}: want {wanted}, got {label}")
            if case.topics and got.intent is Intent.FAQ:
                topics = "/".join(sorted(case.topics))
                scores.add("topic", got.topic in case.topics, f"{said}: want {topics}, got {label}")
        if case.dates:
            have = {name: _value(getattr(got.entities, name)) for name in case.dates}
            want = {name: _value(value) for name, value in case.dates.items()}
            scores.add("dates", have == want, f"{said}: want {want}, got {have}")
        if case.party:
            have = {name: getattr(got.entities, name) for name in case.party}
            scores.add("party", have == case.party, f"{said}: want {case.party}, got {have}")
        if case.rooms is not None:
            rooms = got.entities.rooms
            scores.add("rooms", rooms == case.rooms, f"{said}: want {case.rooms}, got {rooms}")
    return scores


MEASURES = ("intent", "topic", "dates", "party", "rooms")


def side_by_side(own: Scores, corpora: Sequence[tuple[Corpus, Scores | None]]) -> list[str]:
    """One column per data set: the own held-out set, then each public corpus."""
    names = ["own held-out", *(corpus.name for corpus, _ in corpora)]
    columns = [own, *(scores for _, scores in corpora)]
    lines = [
        "side by side (rate (messages scored)):",
        "  " + " " * 8 + "".join(f"{n:>18}" for n in names),
    ]
    for measure in MEASURES:
        cells = [s.cell(measure) if s is not None else "not available" for s in columns]
        lines.append(f"  {measure:<8}" + "".join(f"{cell:>18}" for cell in cells))
    for corpus, scores in corpora:
        if scores is None:
            lines.append(f"  {corpus.name}: not available: {corpus.how_to_get}")
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
    parser.add_argument(
        "--misses", type=int, default=0, metavar="N", help="print N misses per corpus measure"
    )
    args = parser.parse_args(argv)
    intents_file = args.data / "intents_eval.yaml"
    if not intents_file.is_file():
        parser.error(f"{intents_file} not found; run from the repository root or pass --data")
    understander = Understander()
    own = Scores()
    print("\n".join(evaluate_intents(understander, load_cases(intents_file), own)))
    entities_file = args.data / "entities_eval.yaml"
    if entities_file.is_file():
        print("\n".join(evaluate_entities(understander, entities_file, own)))
    corpora: list[tuple[Corpus, Scores | None]] = []
    for corpus in CORPORA:
        cases = corpus.load(corpus.location()) if corpus.location().is_dir() else []
        scores = evaluate_corpus(understander, cases) if cases else None
        corpora.append((corpus, scores))
        for measure, misses in (scores.misses if scores else {}).items():
            for miss in misses[: args.misses]:
                print(f"  {corpus.name} {measure} miss: {miss}")
    print("\n".join(side_by_side(own, corpora)))
    if args.cross_validate:
        from hotel_agent.nlu.cross_validation import cross_validate, report
        from hotel_agent.nlu.training_data import load_examples

        print(report(cross_validate(load_examples())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
