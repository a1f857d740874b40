"""The `X-Hub-Signature-256` header Meta puts on every webhook POST."""

from __future__ import annotations

import hashlib
import hmac
import re

_PREFIX = "sha256="
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


def sign(app_secret: str, raw_body: bytes) -> str:
    """The header value Meta would send for `raw_body`: `sha256=<hex HMAC-SHA256>`."""
    digest = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return _PREFIX + digest


def verify_signature(app_secret: str, raw_body: bytes, header_value: str | None) -> bool:
    """Whether `header_value` is the HMAC-SHA256 of the exact raw bytes under `app_secret`."""
    # An empty secret would make every forged body "verifiable" by anyone who guesses that.
    if not app_secret or not header_value or not header_value.startswith(_PREFIX):
        return False
    received = header_value[len(_PREFIX) :]
    if not _HEX_DIGEST.fullmatch(received):
        return False
    expected = sign(app_secret, raw_body)[len(_PREFIX) :]
    return hmac.compare_digest(expected, received.lower())
