from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from hotel_agent.backoff import next_attempt_at

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@given(attempts=st.integers(min_value=0, max_value=60))
def test_retries_wait_at_least_half_the_base_and_never_past_the_cap(attempts: int) -> None:
    delay = (next_attempt_at(NOW, attempts, base=1.0, cap=300.0) - NOW).total_seconds()
    assert 0.5 <= delay <= 300.0


def test_later_attempts_can_wait_longer() -> None:
    early = max((next_attempt_at(NOW, 1, base=1, cap=300) - NOW).total_seconds() for _ in range(50))
    late = max((next_attempt_at(NOW, 8, base=1, cap=300) - NOW).total_seconds() for _ in range(50))
    assert early <= 1.0 < late
