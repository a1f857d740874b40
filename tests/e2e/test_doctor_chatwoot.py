"""`hotel-agent doctor --check chatwoot`: the real command against the fake Chatwoot."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import fresh_env, hotel_agent
from tests.fakes.chatwoot import FakeChatwoot

TOKEN = "cw-bot-token-0123456789"  # pragma: allowlist secret


def test_doctor_asks_chatwoot_when_it_is_configured(tmp_path: Path) -> None:
    with FakeChatwoot(bot_token=TOKEN, account_id=3, version="4.1.0") as chatwoot:
        env = {
            **fresh_env(tmp_path),
            "CHATWOOT_BASE_URL": chatwoot.origin,
            "CHATWOOT_BOT_TOKEN": TOKEN,
            "CHATWOOT_WEBHOOK_TOKEN": "cw-hook-9f8e7d6c5b4a39281706",  # pragma: allowlist secret
            "CHATWOOT_ACCOUNT_ID": "3",
        }
        up = hotel_agent(tmp_path, "doctor", "--check", "chatwoot", env=env)
        assert up.returncode == 0 and up.stdout.startswith("ok    chatwoot"), up.stdout
        assert "Chatwoot 4.1.0 answers; account 3" in up.stdout
    # Chatwoot gone: a warning (the agent keeps answering its other channels), fatal only
    # with --production.
    down = hotel_agent(tmp_path, "doctor", "--check", "chatwoot", env=env)
    assert down.returncode == 0 and down.stdout.startswith("warn  chatwoot"), down.stdout
    assert "fix: check CHATWOOT_BASE_URL" in down.stdout
    unset = hotel_agent(tmp_path, "doctor", "--check", "chatwoot", env=fresh_env(tmp_path))
    assert unset.returncode == 0 and "not configured" in unset.stdout
