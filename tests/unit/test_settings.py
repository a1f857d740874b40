"""Settings: the operator's env names, safe defaults, and a production that refuses to start
with placeholder secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hotel_agent.settings import Settings, normalize_database_url


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in (
        "ENVIRONMENT", "DEBUG", "DATABASE_URL", "POSTGRES_URL", "REDIS_URL",
        "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_API_BASE_URL", "QUEUE_IN_PROCESS_WORKER",
        "SMTP_HOST", "SMTP_TLS", "SMTP_FROM", "IMAP_HOST", "IMAP_TLS",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no developer .env is read


def test_defaults_run_on_one_machine() -> None:
    settings = Settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.database_url.endswith("/data/hotel_agent.db")
    assert settings.redis.url is None
    assert settings.runs_worker_in_process
    assert settings.whatsapp.api_base_url == "https://graph.facebook.com/v23.0"
    assert settings.max_body_bytes == 3 * 1024 * 1024


def test_speech_to_text_is_off_until_a_base_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not Settings().stt.enabled
    monkeypatch.setenv("STT_BASE_URL", "https://api.openai.com/v1")
    monkeypatch.setenv("STT_MODEL", "gpt-4o-mini-transcribe")
    settings = Settings()
    assert settings.stt.enabled and settings.stt.model == "gpt-4o-mini-transcribe"
    assert settings.stt.max_audio_bytes == 16 * 1024 * 1024, "what WhatsApp allows"


def test_a_transcription_must_fit_in_the_turns_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STT_BASE_URL", "https://api.openai.com/v1")
    monkeypatch.setenv("STT_TIMEOUT_SECONDS", "55")
    with pytest.raises(ValidationError, match="QUEUE_LEASE_SECONDS"):
        Settings()
    monkeypatch.setenv("QUEUE_LEASE_SECONDS", "120")
    assert Settings().stt.timeout_seconds == 55


def test_operator_env_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_URL", "postgresql://u@db:5432/hotel")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "123")
    monkeypatch.setenv("WHATSAPP_API_BASE_URL", "http://127.0.0.1:9999/v23.0")
    settings = Settings()
    assert settings.database_url == "postgresql+asyncpg://u@db:5432/hotel"
    assert not settings.runs_worker_in_process, "PostgreSQL deployments run separate workers"
    assert settings.redis.url == "redis://cache:6379/0"
    assert settings.whatsapp.phone_number_id == "123"
    assert settings.whatsapp.api_base_url == "http://127.0.0.1:9999/v23.0"


def test_database_url_wins_over_postgres_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///tmp/x.db")
    monkeypatch.setenv("POSTGRES_URL", "postgresql://u@db/hotel")
    assert Settings().database_url == "sqlite+aiosqlite:///tmp/x.db"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///a.db", "sqlite+aiosqlite:///a.db"),
    ],
)
def test_urls_get_the_async_driver(url: str, expected: str) -> None:
    assert normalize_database_url(url) == expected


def test_production_refuses_placeholder_secrets_and_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "changeme")
    with pytest.raises(ValidationError) as error:
        Settings()
    message = str(error.value)
    assert "DEBUG must be off" in message
    assert "WHATSAPP_APP_SECRET is missing or a placeholder" in message
    assert "WHATSAPP_ACCESS_TOKEN is missing or a placeholder" in message


def test_production_refuses_the_compose_example_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unedited copy of deploy/compose/.env.example (its `change-me-…` values are long
    enough to pass a length check) must not start in production."""
    example = Path(__file__).resolve().parents[2] / "deploy" / "compose" / ".env.example"
    values = dict(
        line.split("=", 1)
        for line in example.read_text().splitlines()
        if line and not line.startswith("#") and "=" in line
    )
    monkeypatch.setenv("ENVIRONMENT", values["ENVIRONMENT"])
    for name in ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN",
                 "HTTP_METRICS_TOKEN"):  # fmt: skip
        monkeypatch.setenv(name, values[name])
    with pytest.raises(ValidationError) as error:
        Settings()
    message = str(error.value)
    for name in ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN"):
        assert f"{name} is missing or a placeholder" in message
    assert "HTTP_METRICS_TOKEN is a placeholder or shorter than 16 characters" in message


def test_production_starts_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "9f1c2e7a5b3d4c6e8f0a")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "a-long-verify-token")
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-real-looking-token")
    assert Settings().environment == "production"


def test_http_exposure_defaults_are_safe_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_TRUSTED_PROXIES", "HTTP_DOCS", "HTTP_METRICS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    development = Settings()
    assert development.http.trusted_proxy_list() == [], "nobody's X-Forwarded-For by default"
    assert development.docs_enabled and development.metrics_open
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "9f1c2e7a5b3d4c6e8f0a")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "a-long-verify-token")
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-real-looking-token")
    production = Settings()
    assert not production.docs_enabled and not production.metrics_open
    monkeypatch.setenv("HTTP_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    monkeypatch.setenv("HTTP_METRICS_TOKEN", "short")
    with pytest.raises(ValidationError, match="HTTP_METRICS_TOKEN is a placeholder or shorter"):
        Settings()
    monkeypatch.setenv("HTTP_METRICS_TOKEN", "m" * 24)
    assert Settings().http.trusted_proxy_list() == ["127.0.0.1", "10.0.0.0/8"]


def production_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "9f1c2e7a5b3d4c6e8f0a")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "a-long-verify-token")
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-real-looking-token")


@pytest.mark.parametrize("host", ["mail.example.com", "10.0.0.5", "mailrelay"])
def test_production_refuses_plain_text_mail_to_another_machine(
    monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv("SMTP_HOST", host)
    monkeypatch.setenv("SMTP_FROM", "reservas@example.com")
    monkeypatch.setenv("SMTP_TLS", "none")
    assert Settings().smtp.tls == "none", "outside production a plain relay is the operator's call"
    production_with_real_secrets(monkeypatch)
    with pytest.raises(ValidationError) as error:
        Settings()
    assert (
        f"SMTP_TLS=none sends mail to {host} unencrypted: set SMTP_TLS=starttls or tls, or "
        "relay through a server on this machine (SMTP_HOST=127.0.0.1)"
    ) in str(error.value)
    monkeypatch.setenv("SMTP_TLS", "starttls")
    monkeypatch.setenv("IMAP_HOST", host)
    monkeypatch.setenv("IMAP_TLS", "none")
    with pytest.raises(ValidationError, match=f"IMAP_TLS=none sends mail to {host} unencrypted"):
        Settings()
    monkeypatch.setenv("IMAP_TLS", "tls")
    assert Settings().imap.host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_production_allows_a_plain_text_relay_on_this_machine(
    monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    production_with_real_secrets(monkeypatch)
    for group in ("SMTP", "IMAP"):
        monkeypatch.setenv(f"{group}_HOST", host)
        monkeypatch.setenv(f"{group}_TLS", "none")
    monkeypatch.setenv("SMTP_FROM", "reservas@example.com")
    settings = Settings()
    assert settings.smtp.tls == settings.imap.tls == "none"
