"""Jittered exponential backoff shared by the worker and the sender."""

from __future__ import annotations

import random
from datetime import datetime, timedelta


def next_attempt_at(now: datetime, attempts: int, *, base: float, cap: float) -> datetime:
    """Full jitter (AWS style): spreads retries so a recovering provider is not stampeded."""
    ceiling = min(cap, base * (2 ** max(0, attempts - 1)))
    return now + timedelta(seconds=random.uniform(base / 2, max(base / 2, ceiling)))  # noqa: S311
