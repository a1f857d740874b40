"""The Chatwoot connector's settings: all three or none, a real URL, no placeholder secret in
production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hotel_agent.settings import ChatwootSettings, Environment
from tests.support import make_settings

TOKEN = "9f8e7d6c5b4a39281706aabbccdd"  # pragma: allowlist secret


def chatwoot(**values: object) -> ChatwootSettings:
    return ChatwootSettings(_env_file=None, **values)  # type: ignore[arg-type]


def test_off_by_default_and_on_with_its_three_values() -> None:
    assert not chatwoot().enabled
    on = chatwoot(base_url="https://chat.example.com/", bot_token="b", webhook_token=TOKEN)
    assert on.enabled and on.base_url == "https://chat.example.com"


@pytest.mark.parametrize(
    "values",
    [
        {"base_url": "https://chat.example.com"},
        {"bot_token": "b", "webhook_token": TOKEN},
        {"base_url": "chat.example.com", "bot_token": "b", "webhook_token": TOKEN},
    ],
)
def test_half_configured_is_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        chatwoot(**values)


def test_production_refuses_a_short_webhook_token() -> None:
    weak = chatwoot(base_url="https://chat.example.com", bot_token="b", webhook_token="secret")
    with pytest.raises(ValidationError, match="CHATWOOT_WEBHOOK_TOKEN"):
        make_settings("sqlite+aiosqlite:///x.db", environment=Environment.PRODUCTION, chatwoot=weak)
