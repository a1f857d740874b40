"""What an operator reads in the logs: JSON lines with request context, guest data masked."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import structlog
from hypothesis import assume, given
from hypothesis import strategies as st

from hotel_agent.observability.logging import configure_logging, mask_pii

WAMID = "wamid.HBgLMzQ2MTExMTExMTEVAgASGBQzQTBFQjQ1NkM3OEQ5RTBGMTIzNAA="


@pytest.fixture
def log_lines(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Parse the JSON lines written to stdout so far; restore logging after the test.

    Tests call configure_logging themselves: pytest swaps sys.stdout between fixture setup and
    the test body, and the handler writes to the stdout of the moment it was configured.
    """
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    yield read
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("34611111111", "346******11"),
        ("+34 611 111 111", "+346******11"),
        ("Mi móvil es 611-222-333, gracias", "Mi móvil es 611****33, gracias"),
        ("call +1 (202) 555-0143 today", "call +120******43 today"),
        ("ana.ruiz@example.com", "a***@example.com"),
        ("write to Ana.Ruiz@Example.COM or bob@x.io.", "write to A***@Example.COM or b***@x.io."),
    ],
)
def test_mask_pii_hides_phones_and_emails(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "2026-05-01T10:00:00.123456Z",
        "check-in 2026-05-01, check-out 2026-05-04",
        WAMID,
        "took 12345678ms",
        "duration 1234567.891 s",
        "2 adults, 1 child, room 204",
        "request 3f2b8c1e9a7d4e6f8b0c1d2e3f4a5b6c",
        "123e4567-e89b-12d3-a456-426614174000",
        "client 192.168.100.200",
    ],
)
def test_mask_pii_leaves_debugging_values_readable(text: str) -> None:
    assert mask_pii(text) == text


def test_json_line_masks_guest_data_in_nested_values(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    configure_logging("INFO", json=True)

    structlog.get_logger("hotel_agent.test").info(
        "guest wrote to 34611111111",
        guest={
            "phone": "+34 611 111 111",
            "contacts": ["ana.ruiz@example.com", {"alt": "622222222"}],
        },
        wamid=WAMID,
        nights=3,
    )

    (line,) = log_lines()
    assert line["event"] == "guest wrote to 346******11"
    assert line["guest"] == {
        "phone": "+346******11",
        "contacts": ["a***@example.com", {"alt": "622****22"}],
    }
    assert line["wamid"] == WAMID
    assert line["nights"] == 3


def test_json_line_carries_context_bound_anywhere(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    configure_logging("INFO", json=True)
    structlog.contextvars.bind_contextvars(request_id="req-123", conversation_id="conv-9")

    structlog.get_logger("hotel_agent.test").info("turn finished")

    (line,) = log_lines()
    assert line["request_id"] == "req-123"
    assert line["conversation_id"] == "conv-9"
    assert line["level"] == "info"
    assert line["logger"] == "hotel_agent.test"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", line["timestamp"])


def test_stdlib_loggers_share_the_pipeline(log_lines: Callable[[], list[dict[str, Any]]]) -> None:
    configure_logging("INFO", json=True)
    structlog.contextvars.bind_contextvars(request_id="req-456")

    logging.getLogger("uvicorn.error").warning("cannot reach %s", "ana.ruiz@example.com")
    logging.getLogger("httpx").info("HTTP Request: POST https://graph.example/v23.0/messages")

    uvicorn_line, httpx_line = log_lines()
    assert uvicorn_line["event"] == "cannot reach a***@example.com"
    assert uvicorn_line["level"] == "warning"
    assert uvicorn_line["logger"] == "uvicorn.error"
    assert uvicorn_line["request_id"] == "req-456"
    assert httpx_line["logger"] == "httpx"
    assert httpx_line["timestamp"].endswith("Z")


def test_tracebacks_are_rendered_and_masked(log_lines: Callable[[], list[dict[str, Any]]]) -> None:
    configure_logging("INFO", json=True)

    try:
        raise ValueError("no booking for 34611111111")
    except ValueError:
        structlog.get_logger("hotel_agent.test").exception("lookup failed")

    (line,) = log_lines()
    assert "Traceback (most recent call last)" in line["exception"]
    assert "ValueError: no booking for 346******11" in line["exception"]


def test_objects_passed_as_values_are_masked(log_lines: Callable[[], list[dict[str, Any]]]) -> None:
    configure_logging("INFO", json=True)

    structlog.get_logger("hotel_agent.test").warning(
        "send failed", error=RuntimeError("34611111111")
    )

    (line,) = log_lines()
    assert line["error"] == "RuntimeError('346******11')"


def test_level_filters_and_reconfiguring_does_not_duplicate_lines(
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    configure_logging("DEBUG", json=True)
    configure_logging("INFO", json=True)
    logger = structlog.get_logger("hotel_agent.test")

    logger.debug("hidden at info")
    logger.info("shown once")

    assert [line["event"] for line in log_lines()] == ["shown once"]


def test_console_output_is_masked_too(
    log_lines: Callable[[], list[dict[str, Any]]], capsys: pytest.CaptureFixture[str]
) -> None:
    # log_lines restores logging afterwards; console lines are read raw, they are not JSON.
    configure_logging("DEBUG", json=False)

    structlog.get_logger("hotel_agent.test").debug("guest", email="ana.ruiz@example.com")

    out = capsys.readouterr().out
    assert "a***@example.com" in out
    assert "ana.ruiz" not in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_log_json_unset_means_readable_on_a_terminal_and_json_elsewhere(
    log_lines: Callable[[], list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
    terminal: bool,
) -> None:
    out = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    configure_logging("INFO", json=None)

    structlog.get_logger("hotel_agent.test").info("ready to answer guests", url="http://x/")

    line = out.getvalue().strip()
    if terminal:
        assert "ready to answer guests" in line and not line.startswith("{")
    else:
        assert json.loads(line)["event"] == "ready to answer guests"


# An address whose local part is only asterisks (or one character and three asterisks) is
# indistinguishable from a masked one.
_LOOKS_MASKED = re.compile(r"\*{1,3}|.\*{3}")


@given(before=st.text(), email=st.emails(), after=st.text())
def test_mask_pii_never_leaves_an_email_intact(before: str, email: str, after: str) -> None:
    assume(not _LOOKS_MASKED.fullmatch(email.rsplit("@", 1)[0]))

    assert email not in mask_pii(f"{before}{email}{after}")


@given(phone=st.from_regex(r"\+?[1-9][0-9]{7,14}", fullmatch=True))
def test_mask_pii_hides_every_international_phone(phone: str) -> None:
    masked = mask_pii(f"tel {phone}, gracias")

    assert phone.lstrip("+") not in masked
    assert masked.endswith(f"{phone[-2:]}, gracias")


@given(st.text())
def test_mask_pii_accepts_any_text(text: str) -> None:
    assert isinstance(mask_pii(text), str)
