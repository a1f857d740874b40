"""How long wrong passwords lock a console account: nothing below the limit, then the base
length, doubling with each further failure, capped."""

from __future__ import annotations

from hotel_agent.settings import StaffSettings
from hotel_agent.staff.accounts import lockout_seconds


def test_the_lockout_starts_at_the_limit_and_doubles_up_to_the_cap() -> None:
    settings = StaffSettings(
        **{"_env_file": None},
        login_max_failures=5,
        login_lockout_seconds=60,
        login_lockout_max_seconds=600,
    )
    assert [lockout_seconds(n, settings) for n in range(1, 11)] == [
        None,
        None,
        None,
        None,
        60,
        120,
        240,
        480,
        600,
        600,
    ]
    # However many failures pile up, the number stays finite.
    assert lockout_seconds(10_000, settings) == 600
