"""Jittered exponential backoff shared by the worker, the sender and the e-mail poller."""

from __future__ import annotations

import random
from datetime import datetime, timedelta


def backoff_delay(attempts: int, *, base: float, cap: float) -> float:
    """Seconds to wait after `attempts` failures. Full jitter (AWS style): spreads retries so
    a recovering provider is not stampeded."""
    ceiling = min(cap, base * (2 ** max(0, attempts - 1)))
    return random.uniform(base / 2, max(base / 2, ceiling))  # noqa: S311


def next_attempt_at(now: datetime, attempts: int, *, base: float, cap: float) -> datetime:
    return now + timedelta(seconds=backoff_delay(attempts, base=base, cap=cap))
