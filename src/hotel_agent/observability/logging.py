"""Structured logs: one JSON line per event on stdout, guest personal data masked.

structlog loggers and the standard library's (uvicorn, SQLAlchemy, httpx) end in the same
handler and formatter, so every line carries the same ISO UTC timestamp, level, logger name and
request context (`request_id`, `conversation_id`, bound with `structlog.contextvars`), and every
line goes through the same PII masking, tracebacks included.

What is masked, in every string value of every event (nested dicts and lists too):
- e-mail addresses keep the first character of the local part and the domain:
  "ana.ruiz@example.com" -> "a***@example.com";
- phone numbers (8-15 digits, optional "+", single spaces, dashes or parentheses between
  digits) keep a short prefix (the country code, roughly) and the last two digits:
  "34611111111" -> "346******11", "+34 611 111 111" -> "+346******11". At least half of the
  digits are always hidden.
Masking errs on the side of hiding: a 9-digit sequence that is not a phone gets masked too.
It leaves alone what has to stay readable for debugging: ISO dates and timestamps, decimals,
durations ("12345678ms"), IP addresses, UUIDs and digits glued to letters, dots or slashes.

WhatsApp message ids ("wamid.HBgL...") are left intact on purpose. They embed the guest's phone
number base64-encoded, so they are pseudonymous, not anonymous; but they are the one key that
joins our inbox rows, the provider's status callbacks and Meta support tickets, and a masked or
hashed id would break exactly that debugging. The price, accepted: a log reader who
deliberately decodes one learns that guest's number.

Values that are not JSON scalars are turned into their repr() before masking, as the JSON
renderer would print them, so an exception or object passed as a value is masked as well.
"""

from __future__ import annotations

import logging
import re
import sys

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

# RFC 5322 "atext" plus dots: every character an unquoted local part may hold.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]"
# Only the local part is consumed; the domain is a lookahead, so in "a@b.c@d.ef" the domain of
# the first address cannot swallow the local part of the second.
_EMAIL_RE = re.compile(rf"(?<!{_LOCAL})({_LOCAL}){_LOCAL}*@(?=[A-Za-z0-9-]+\.[A-Za-z0-9])")
_ISO_DATE = r"\d{4}-\d\d-\d\d"
_PHONE_RE = re.compile(
    # Not the tail of a word, decimal, id, path or e-mail domain; not an ISO date, which has
    # 8 digits and dashes too.
    rf"(?<![\w.+\-/@])(?!{_ISO_DATE})"
    # 8-15 digits, grouped by single dashes, spaces or parentheses ("+1 (202) 555-0143"); a
    # space never joins the number to a date that follows it.
    rf"[+(]?\d(?:(?:-|[ ](?!{_ISO_DATE})|\)[ ]?|[ ]?\()?\d){{7,14}}"
    # Not followed by letters or digits, a decimal part or a time ("...:30").
    r"(?!\w|[.,:]\d)"
)
_PHONE_SEPARATORS = " -+()"
_HANDLER_NAME = "hotel_agent"


def mask_pii(text: str) -> str:
    """Mask e-mail addresses and phone numbers in free text (see the module docstring)."""
    if "@" in text:
        text = _EMAIL_RE.sub(r"\1***@", text)
    return _PHONE_RE.sub(_mask_phone, text)


def _mask_phone(match: re.Match[str]) -> str:
    number = match.group()
    digits = [char for char in number if char not in _PHONE_SEPARATORS]
    hidden = max(len(digits) - 5, len(digits) // 2)
    shown = len(digits) - 2 - hidden
    sign = "+" if number.startswith("+") else ""
    return sign + "".join(digits[:shown]) + "*" * hidden + "".join(digits[-2:])


def _mask_value(value: object) -> object:
    if isinstance(value, str):
        return mask_pii(value)
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, dict):
        return {key: _mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(item) for item in value]
    return mask_pii(repr(value))


def mask_pii_processor(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: mask PII in every value of the event, recursively."""
    return {key: _mask_value(value) for key, value in event_dict.items()}


def configure_logging(level: str = "INFO", json: bool | None = None) -> None:
    """Send structlog and stdlib logging to stdout as JSON lines (or console lines).

    `json=None` (LOG_JSON unset) decides by where the lines go: readable lines on a terminal,
    JSON for a log collector (a container, systemd, a file).

    Idempotent: calling it again replaces the handler it installed instead of adding one.
    Run uvicorn with `log_config=None, access_log=False`: the first keeps these handlers, the
    second its raw-path access lines out (RequestContextMiddleware writes one per request).
    """
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if json is None:
        json = not sys.stdout.isatty()
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(
            colors=sys.stdout.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.StackInfoRenderer(),
                # Tracebacks become text before masking: exception messages carry guest data.
                structlog.processors.format_exc_info,
                mask_pii_processor,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for existing in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.propagate = True
    # RequestContextMiddleware writes the access lines, with the route template instead of the
    # raw path (which may carry guest data in its query string).
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a cached logger ignores later configuration, so structlog.testing's
        # capture_logs would miss it. Caching would save ~40 µs a line, not worth that surprise.
        cache_logger_on_first_use=False,
    )
