"""The evaluation report and the training-data cross-validation behind the tuned constants."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotel_agent.nlu import evaluate, pipeline
from hotel_agent.nlu.cross_validation import TEMPERATURES, cross_validate, report
from hotel_agent.nlu.intents import IntentClassifier, shared_classifier
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.nlu.training_data import load_examples
from hotel_agent.nlu.types import Intent, Topic

INTENTS_EVAL = """\
es:
  new_booking:
    - ¿os queda una doble para el sábado?
  faq/parking:
    - ¿el garaje cuesta aparte?
en:
  complaint:
    - the kettle in our room is broken
mixed:
  faq/wifi:
    - wifi password porfavor
"""
ENTITIES_EVAL = """\
default_now: "2026-11-28T12:00:00+01:00"
room_types:
  - id: DBL
    names: {es: [doble], en: [double]}
examples:
  - text: "una doble del 3 al 5 de diciembre para dos"
    language: es
    expected: {check_in: 2026-12-03, check_out: 2026-12-05, nights: 2, adults: 2, rooms: 1}
  - text: "one more adult"
    language: en
    previous: {adults: 2}
    expected: {adults: 3}
"""


def test_eval_cases_are_read_with_their_section_intent_and_topic(tmp_path: Path) -> None:
    path = tmp_path / "intents_eval.yaml"
    path.write_text(INTENTS_EVAL, encoding="utf-8")
    cases = evaluate.load_cases(path)
    assert [(case.section, case.intent, case.topic) for case in cases] == [
        ("es", Intent.NEW_BOOKING, None),
        ("es", Intent.FAQ, Topic.PARKING),
        ("en", Intent.COMPLAINT, None),
        ("mixed", Intent.FAQ, Topic.WIFI),
    ]


def test_the_report_has_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "intents_eval.yaml").write_text(INTENTS_EVAL, encoding="utf-8")
    (tmp_path / "entities_eval.yaml").write_text(ENTITIES_EVAL, encoding="utf-8")
    assert evaluate.main(["--data", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for figure in (
        "language accuracy",
        "intent accuracy",
        "topic accuracy",
        "per intent:",
        "confusions",
        "dates exact match",
        "guests exact match",
    ):
        assert figure in printed
    assert "intent accuracy    100.0% (4/4) (all)" in printed
    assert "guests exact match 100.0% (2/2)" in printed


def test_a_missing_eval_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        evaluate.main(["--data", str(tmp_path)])


def test_cross_validation_reports_accuracy_and_a_calibrating_temperature() -> None:
    examples = load_examples()[::3]  # a third of the data keeps the test quick
    result = cross_validate(examples, folds=3)
    assert 0.5 < result.intent_accuracy <= 1.0
    assert 0.5 < result.topic_accuracy <= 1.0
    assert result.temperature in TEMPERATURES
    assert 0.0 <= result.calibration_error < 0.1
    shares = [outcome.unknown_share for outcome in result.thresholds]
    assert shares == sorted(shares)
    assert "best softmax temperature" in report(result)


def test_warm_up_builds_everything_before_the_first_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[IntentClassifier] = []

    def counting(cache_dir: Path | None = None) -> IntentClassifier:
        built.append(shared_classifier(cache_dir))
        return built[-1]

    monkeypatch.setattr(pipeline, "shared_classifier", counting)
    understander = Understander()
    understander.warm_up()
    assert len(built) == 1
    understander.understand("hola", now=evaluate.INTENT_NOW)
    assert len(built) == 1
