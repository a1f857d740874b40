"""`hotel-agent nlu` as an operator runs it: a real process, arguments or stdin, JSON lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.support import seed_nlu_cache

CONTRACT_KEYS = [
    "text", "language", "intent", "topic", "check_in", "check_out", "nights", "adults",
    "children", "rooms", "party_uncertain", "room_type", "person_name", "email", "phone",
    "booking_ref", "confidence",
]  # fmt: skip
# What an operator's shell might hold that would change the hotel or its defaults.
_FOREIGN_ENV = ("WHATSAPP_", "DATABASE_", "DB_", "POSTGRES_", "REDIS_", "PMS_", "HOTEL_")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, nlu_model_cache: Path) -> Path:
    # One DATA_DIR for the module, holding the run's trained model: every process loads it.
    folder = tmp_path_factory.mktemp("nlu-cli")
    seed_nlu_cache(nlu_model_cache, folder / "data")
    return folder


def nlu(
    data_dir: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV)}
    environment.update(DATA_DIR=str(data_dir / "data"), LOG_LEVEL="WARNING", **env)
    return subprocess.run(
        [sys.executable, "-m", "hotel_agent", "nlu", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=data_dir,  # no developer `.env` is read
        timeout=120,
        check=False,
    )


def lines(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_each_argument_is_one_message_and_one_json_line(data_dir: Path) -> None:
    result = nlu(
        data_dir,
        "--now",
        "2026-03-14T10:00",
        "Quiero reservar una habitación para mañana, somos 2 adultos",
        "Can I pay con tarjeta?",
        "ok",
    )
    booking, payment, reply = lines(result)
    assert [list(line) for line in (booking, payment, reply)] == [CONTRACT_KEYS] * 3
    assert booking == {
        "text": "Quiero reservar una habitación para mañana, somos 2 adultos",
        "language": "es",
        "intent": "new_booking",
        "topic": None,
        "check_in": "2026-03-15",
        "check_out": None,
        "nights": None,
        "adults": 2,
        "children": None,
        "rooms": 1,  # "una habitación"
        "party_uncertain": False,
        "room_type": None,
        "person_name": None,
        "email": None,
        "phone": None,
        "booking_ref": None,
        "confidence": booking["confidence"],
    }
    assert 0.4 <= booking["confidence"] <= 1.0
    assert (payment["intent"], payment["topic"]) == ("faq", "payment")
    # Each message stands alone: "ok" shows no language, so it takes the hotel's default.
    assert (reply["language"], reply["intent"], reply["confidence"]) == ("es", "affirm", 0.99)


def test_stdin_gives_one_line_per_line_in_order(data_dir: Path) -> None:
    result = nlu(
        data_dir,
        stdin="hola\n\nthe room is dirty\r\n👍\n¿Tenéis parking?\nis the Mirador Suite free?\n",
    )
    greeting, empty, complaint, thumbs, parking, suite = lines(result)
    assert (greeting["intent"], greeting["language"]) == ("greet", "es")
    assert (empty["text"], empty["intent"], empty["topic"], empty["confidence"]) == (
        "",
        "unknown",
        None,
        0.0,
    )
    assert (complaint["text"], complaint["intent"]) == ("the room is dirty", "complaint")
    assert (thumbs["intent"], thumbs["topic"]) == ("affirm", None)
    assert (parking["text"], parking["topic"]) == ("¿Tenéis parking?", "parking")
    assert suite["room_type"] == "STE"  # the demo hotel's room types, as the simulator serves


def test_now_without_offset_is_hotel_time_and_with_offset_is_converted(data_dir: Path) -> None:
    (naive,) = lines(nlu(data_dir, "--now", "2026-03-14T23:30", "habitación para mañana"))
    # 23:30 in New York is 05:30 the next day in Madrid, the demo hotel's zone.
    (aware,) = lines(nlu(data_dir, "--now", "2026-03-14T23:30-05:00", "habitación para mañana"))
    assert naive["check_in"] == "2026-03-15"
    assert aware["check_in"] == "2026-03-16"


def test_lang_sets_the_language_and_the_hotel_default_applies_otherwise(
    data_dir: Path,
) -> None:
    (forced,) = lines(nlu(data_dir, "--lang", "en", "hola"))
    assert (forced["language"], forced["intent"]) == ("en", "greet")
    (default,) = lines(nlu(data_dir, "--lang", "auto", "ok", HOTEL_DEFAULT_LANGUAGE="en"))
    assert default["language"] == "en"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--now", "next tuesday", "hola"], "not an ISO 8601 date-time"),
        (["--lang", "fr", "hola"], "invalid choice"),
    ],
)
def test_bad_options_fail_with_a_message(data_dir: Path, args: list[str], message: str) -> None:
    result = nlu(data_dir, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
