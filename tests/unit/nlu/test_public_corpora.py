"""Public corpora mapped to our labels. The dialogues here are written for these tests in each
corpus's file layout; no corpus text is in the repository."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from hotel_agent.nlu import evaluate
from hotel_agent.nlu.intents import shared_classifier
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.nlu.public_corpora import (
    ANSWER_INTENTS,
    CORPORA,
    SGD_NOW,
    load_massive,
    load_multiwoz,
    load_sgd,
    resolve_day,
)
from hotel_agent.nlu.types import Intent, Topic

FRIDAY = datetime.fromisoformat("2019-03-01T10:00:00+00:00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("March 3rd", date(2019, 3, 3)),
        ("3rd of March", date(2019, 3, 3)),
        ("the 7th", date(2019, 3, 7)),
        ("7th of this month", date(2019, 3, 7)),
        ("today", date(2019, 3, 1)),
        ("tomorrow", date(2019, 3, 2)),
        ("day after tomorrow", date(2019, 3, 3)),
        ("Tuesday next week", date(2019, 3, 5)),
        ("next Monday", date(2019, 3, 4)),
        ("this Sunday", date(2019, 3, 3)),
        ("wednesday", date(2019, 3, 6)),
        ("next Saturday", None),  # said on a Friday: this week's or next week's
        ("friday", None),
        ("sometime soon", None),
    ],
)
def test_annotated_days_are_resolved_on_the_corpus_clock(value: str, expected: date | None) -> None:
    assert resolve_day(value, FRIDAY) == expected


def _sgd_turn(text: str, service: str, *actions: tuple[str, str, list[str]]) -> dict[str, object]:
    return {
        "speaker": "USER",
        "utterance": text,
        "frames": [
            {
                "service": service,
                "actions": [{"act": a, "slot": s, "values": v} for a, s, v in actions],
            }
        ],
    }


def _write_sgd(root: Path) -> None:
    turns = [
        _sgd_turn("I want a room somewhere quiet", "Hotels_1", ("INFORM_INTENT", "intent", [])),
        {"speaker": "SYSTEM", "utterance": "When?", "frames": []},
        _sgd_turn(
            "arriving March 3rd for four days",
            "Hotels_1",
            ("INFORM", "check_in_date", ["March 3rd"]),
            ("INFORM", "stay_length", ["four"]),
        ),
        _sgd_turn("two rooms", "Hotels_1", ("INFORM", "number_of_rooms", ["2"])),
        _sgd_turn("for 3 people", "Hotels_2", ("INFORM", "number_of_adults", ["3"])),
        _sgd_turn(
            "yes. and their wifi?",
            "Hotels_1",
            ("AFFIRM", "", []),
            ("REQUEST", "has_wifi", []),
        ),
        _sgd_turn("cheers, bye", "Hotels_1", ("THANK_YOU", "", []), ("GOODBYE", "", [])),
        _sgd_turn("in Paris", "Hotels_1", ("INFORM", "destination", ["Paris"])),
        _sgd_turn("a movie then", "Movies_1", ("INFORM_INTENT", "intent", [])),
        _sgd_turn("some day", "Hotels_1", ("INFORM", "check_in_date", ["some day"])),
    ]
    dialogues = [{"dialogue_id": "1", "services": ["Hotels_1"], "turns": turns}]
    (root / "dev").mkdir(parents=True)
    (root / "dev" / "dialogues_001.json").write_text(json.dumps(dialogues), encoding="utf-8")
    (root / "train").mkdir()  # never read
    (root / "train" / "dialogues_001.json").write_text("not json", encoding="utf-8")


def test_sgd_hotel_turns_are_mapped_to_our_labels(tmp_path: Path) -> None:
    _write_sgd(tmp_path)
    cases = {case.text: case for case in load_sgd(tmp_path)}
    assert set(cases) == {
        "I want a room somewhere quiet",
        "arriving March 3rd for four days",
        "two rooms",
        "for 3 people",
        "yes. and their wifi?",
        "cheers, bye",
    }  # a city, another service and an unresolvable day are left out
    assert cases["I want a room somewhere quiet"].intents == {Intent.NEW_BOOKING}
    stay = cases["arriving March 3rd for four days"]
    assert (stay.dates, stay.intents, stay.now) == (
        {"check_in": date(2019, 3, 3), "nights": 4},
        ANSWER_INTENTS,
        SGD_NOW,
    )
    assert cases["two rooms"].rooms == 2
    assert cases["for 3 people"].party == {"adults": 3}
    question = cases["yes. and their wifi?"]
    assert (question.intents, question.topics) == ({Intent.FAQ, Intent.AFFIRM}, {Topic.WIFI})
    assert cases["cheers, bye"].intents == {Intent.THANKS, Intent.GOODBYE}


def _multiwoz_turn(
    text: str, active: str, values: dict[str, list[str]], requested: list[str]
) -> object:
    state = {"active_intent": active, "requested_slots": requested, "slot_values": values}
    return {"speaker": "USER", "utterance": text, "frames": [{"service": "hotel", "state": state}]}


def test_multiwoz_turns_state_what_changed(tmp_path: Path) -> None:
    booked = {"hotel-bookday": ["friday"], "hotel-bookstay": ["2"], "hotel-bookpeople": ["3"]}
    turns = [
        _multiwoz_turn("I need a place to stay", "find_hotel", {}, []),
        _multiwoz_turn("does it have parking?", "find_hotel", {}, ["hotel-parking"]),
        _multiwoz_turn("from friday, 2 nights, 3 of us", "book_hotel", booked, []),
        _multiwoz_turn("what is the postcode?", "book_hotel", booked, ["hotel-postcode"]),
    ]
    folder = tmp_path / "data" / "MultiWOZ_2.2" / "test"
    folder.mkdir(parents=True)
    document = [{"dialogue_id": "x", "services": ["hotel"], "turns": turns}]
    (folder / "dialogues_001.json").write_text(json.dumps(document), encoding="utf-8")
    cases = load_multiwoz(tmp_path)
    assert [(c.text, c.intents, c.topics) for c in cases] == [
        ("I need a place to stay", {Intent.NEW_BOOKING}, set()),
        ("does it have parking?", {Intent.FAQ}, {Topic.PARKING}),
        ("from friday, 2 nights, 3 of us", ANSWER_INTENTS, set()),
        ("what is the postcode?", {Intent.FAQ}, {Topic.LOCATION}),
    ]
    assert cases[2].dates == {"check_in": date(2017, 5, 5), "nights": 2}
    assert cases[2].party == {"adults": 3}
    assert cases[3].dates == {}  # nothing changed since the turn before


def test_massive_keeps_the_test_utterances_with_an_equivalent(tmp_path: Path) -> None:
    records = [
        {"locale": "es-ES", "partition": "test", "intent": "general_greet", "utt": "hola, qué tal"},
        {"locale": "es-ES", "partition": "train", "intent": "general_greet", "utt": "buenas"},
        {"locale": "es-ES", "partition": "test", "intent": "alarm_set", "utt": "pon una alarma"},
    ]
    (tmp_path / "data").mkdir()
    lines = "\n".join(json.dumps(record) for record in records)
    (tmp_path / "data" / "es-ES.jsonl").write_text(lines, encoding="utf-8")
    cases = load_massive(tmp_path)
    assert [(c.text, c.language, c.intents) for c in cases] == [
        ("hola, qué tal", "es", {Intent.GREET})
    ]


def test_a_corpus_not_present_is_reported_with_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_sgd(tmp_path / "sgd")
    monkeypatch.setenv("SGD_DIR", str(tmp_path / "sgd"))
    monkeypatch.setenv("MULTIWOZ_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("MASSIVE_DIR", str(tmp_path / "missing"))
    understander = Understander(shared_classifier())
    own = evaluate.Scores()
    own.add("intent", True)
    corpora = []
    for corpus in CORPORA:
        present = corpus.location().is_dir()
        scores = (
            evaluate.evaluate_corpus(understander, corpus.load(corpus.location()))
            if present
            else None
        )
        corpora.append((corpus, scores))
    lines = evaluate.side_by_side(own, corpora)
    assert "sgd-hotels" in lines[1] and "multiwoz-hotel" in lines[1]
    assert "not available" in lines[2]
    assert any(line.startswith("  multiwoz-hotel: not available: clone") for line in lines)
    assert any(line.startswith("  massive-es-en: not available: unpack") for line in lines)
    sgd = corpora[0][1]
    assert sgd is not None and sgd.total["intent"] == 6 and sgd.total["rooms"] == 1
