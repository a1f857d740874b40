"""`hotel-agent doctor`, and the same checks stopping `serve` / `worker` at start: real
processes, one clear line on misconfiguration, never a traceback."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.test_cli import fresh_env, hotel_agent
from tests.fakes.imap_server import PASSWORD, USER, ImapServer
from tests.fakes.mail_server import SENDER, Certificate, MailServer
from tests.fakes.openai_api import DEFAULT_API_KEY, FakeOpenAiApi
from tests.fakes.transcription_api import FakeTranscriptionApi

from hotel_agent.settings import SmtpTls


def refused_to_start(done: subprocess.CompletedProcess[str]) -> str:
    """The one line a process that must not start prints; it exits 2 without a traceback."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_serve_refuses_a_port_in_use(tmp_path: Path, listening_port: int) -> None:
    line = refused_to_start(
        hotel_agent(tmp_path, "serve", "--port", str(listening_port), env=fresh_env(tmp_path))
    )
    assert f"127.0.0.1:{listening_port} is in use" in line
    assert "--port" in line, "the line says how to fix it"


def test_worker_refuses_an_unreachable_database(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "DATABASE_URL": "postgresql://agent@127.0.0.1:1/hotel"}
    line = refused_to_start(hotel_agent(tmp_path, "worker", env=env))
    assert "database unreachable" in line and "DATABASE_URL" in line


def test_serve_refuses_a_malformed_database_url(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "DATABASE_URL": "not a url"}
    line = refused_to_start(hotel_agent(tmp_path, "serve", "--port", "0", env=env))
    assert "DATABASE_URL is not usable" in line


def test_serve_refuses_an_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {**fresh_env(tmp_path), "DATA_DIR": str(blocker / "data")}
    line = refused_to_start(hotel_agent(tmp_path, "serve", "--port", "0", env=env))
    assert f"DATA_DIR {blocker / 'data'} is not writable" in line


def test_a_read_only_data_dir_only_warns_with_postgresql(tmp_path: Path) -> None:
    # Kubernetes runs the image on a read-only root: DATA_DIR then only holds the NLU model.
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {
        **fresh_env(tmp_path),
        "DATA_DIR": str(blocker / "data"),
        "DATABASE_URL": "postgresql://agent@127.0.0.1:1/hotel",
    }
    done = hotel_agent(tmp_path, "doctor", "--check", "data-dir", env=env)
    assert done.returncode == 0 and done.stdout.startswith("warn  data-dir"), done.stdout


def test_production_without_secrets_refuses_to_start(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "ENVIRONMENT": "production"}
    line = refused_to_start(hotel_agent(tmp_path, "serve", env=env))
    assert "WHATSAPP_APP_SECRET is missing or a placeholder" in line


def production_env(tmp_path: Path) -> dict[str, str]:
    """ENVIRONMENT=production with secrets that are not placeholders."""
    return {
        **fresh_env(tmp_path),
        "ENVIRONMENT": "production",
        "WHATSAPP_APP_SECRET": "a-real-app-secret-123",  # pragma: allowlist secret
        "WHATSAPP_VERIFY_TOKEN": "a-real-verify-token",
        "WHATSAPP_ACCESS_TOKEN": "a-real-access-token-456",
    }


def test_production_refuses_plain_text_mail_to_another_machine(tmp_path: Path) -> None:
    env = {
        **production_env(tmp_path),
        "SMTP_HOST": "mail.example.com",
        "SMTP_TLS": "none",
        "SMTP_FROM": SENDER,
    }
    line = refused_to_start(hotel_agent(tmp_path, "serve", "--port", "0", env=env))
    assert line == (
        "hotel-agent: invalid settings: refusing to start in production: SMTP_TLS=none sends "
        "mail to mail.example.com unencrypted: set SMTP_TLS=starttls or tls, or relay through "
        "a server on this machine (SMTP_HOST=127.0.0.1)"
    )
    imap = {**env, "SMTP_TLS": "starttls", "IMAP_HOST": "mail.example.com", "IMAP_TLS": "none"}
    line = refused_to_start(hotel_agent(tmp_path, "worker", env=imap))
    assert "IMAP_TLS=none sends mail to mail.example.com unencrypted: set IMAP_TLS=" in line
    # A relay on this machine carries the mail only locally: production starts far enough for
    # doctor to judge the rest.
    local = {**env, "SMTP_HOST": "127.0.0.1"}
    done = hotel_agent(tmp_path, "doctor", "--check", "settings", env=local)
    assert done.returncode == 0 and done.stdout.startswith("ok    settings"), done.stdout


def test_qloapps_without_its_url_and_key_refuses_to_start(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "PMS_TYPE": "qloapps"}
    line = refused_to_start(hotel_agent(tmp_path, "serve", "--port", "0", env=env))
    assert "PMS_TYPE=qloapps needs PMS_BASE_URL and PMS_API_KEY" in line


def test_a_missing_knowledge_file_refuses_to_start(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "HOTEL_KNOWLEDGE_FILE": str(tmp_path / "nope.yaml")}
    line = refused_to_start(hotel_agent(tmp_path, "worker", env=env))
    assert "HOTEL_KNOWLEDGE_FILE" in line and "no such file" in line


def test_an_invalid_knowledge_file_refuses_to_start_naming_the_key(tmp_path: Path) -> None:
    knowledge = tmp_path / "hotel.yaml"
    knowledge.write_text("privacy_policy_url: www.hotel.example/privacy\n", encoding="utf-8")
    env = {**fresh_env(tmp_path), "HOTEL_KNOWLEDGE_FILE": str(knowledge)}
    line = refused_to_start(hotel_agent(tmp_path, "worker", env=env))
    assert str(knowledge) in line and "privacy_policy_url:" in line
    assert "is not a web address: write it in full, starting with https://" in line


def test_a_typo_in_a_setting_names_the_variable(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "PMS_TIMEOUT": "ten"}
    line = refused_to_start(hotel_agent(tmp_path, "migrate", env=env))
    assert line.startswith("hotel-agent: invalid settings: PMS_TIMEOUT:")


@pytest.fixture(scope="module")
def fresh_install_doctor(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, str]]:
    """`hotel-agent doctor` on a fresh install, run once for the module (each process imports
    the whole agent): its exit status and its line per check, by check name."""
    folder = tmp_path_factory.mktemp("fresh-install")
    done = hotel_agent(folder, "doctor", "--port", "0", env=fresh_env(folder))
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, {line.split()[1]: line for line in done.stdout.splitlines()[:-1]}


def test_doctor_on_a_fresh_install_warns_and_passes(
    fresh_install_doctor: tuple[int, dict[str, str]],
) -> None:
    status, lines = fresh_install_doctor
    assert status == 0, lines
    rows = {name: line.split()[0] for name, line in lines.items()}
    assert rows["settings"] == "ok" and rows["data-dir"] == "ok"
    assert rows["database"] == "warn", "no database yet: serve or migrate creates it"
    assert "production" not in rows, "only with --production"


def test_doctor_after_migrate_is_all_green(tmp_path: Path) -> None:
    env = fresh_env(tmp_path)
    assert hotel_agent(tmp_path, "migrate", env=env).returncode == 0
    done = hotel_agent(tmp_path, "doctor", "--check", "database", "--check", "pms", env=env)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[0].startswith("ok    database   reachable, at migration head")
    assert "Hotel Mirador del Puerto, 5 room types" in done.stdout.splitlines()[1]


def test_doctor_production_refuses_sqlite_and_plain_http(tmp_path: Path) -> None:
    env = {
        **production_env(tmp_path),
        "WHATSAPP_API_BASE_URL": "http://graph.example/v23.0",
        # An internal service name (compose, Kubernetes) needs no TLS.
        "PMS_TYPE": "qloapps",
        "PMS_BASE_URL": "http://qloapps/api",
        "PMS_API_KEY": "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
    }
    done = hotel_agent(tmp_path, "doctor", "--production", "--check", "production", env=env)
    assert done.returncode == 1
    assert done.stdout.startswith("FAIL  production")
    assert "SQLite" in done.stdout and "WHATSAPP_API_BASE_URL is not https" in done.stdout
    assert "PMS_BASE_URL" not in done.stdout


def test_doctor_warns_about_an_unreachable_service_but_fails_it_in_production(
    tmp_path: Path,
) -> None:
    env = {**fresh_env(tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0"}
    relaxed = hotel_agent(tmp_path, "doctor", "--check", "redis", env=env)
    assert relaxed.returncode == 0 and relaxed.stdout.startswith("warn  redis")
    strict = hotel_agent(
        tmp_path,
        "doctor",
        "--production",
        "--fail-fast",
        "--check",
        "redis",
        "--check",
        "data-dir",
        env=env,
    )
    assert strict.returncode == 1 and strict.stdout.startswith("FAIL  redis")
    assert "Redis unreachable" in strict.stdout and "fix: check REDIS_URL" in strict.stdout
    assert "skip  data-dir   not run: an earlier check failed" in strict.stdout, "--fail-fast"


def test_doctor_checks_the_mail_server_when_one_is_set(
    tmp_path: Path, fresh_install_doctor: tuple[int, dict[str, str]]
) -> None:
    with MailServer() as server:
        env = {
            **fresh_env(tmp_path),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(server.port),
            "SMTP_TLS": "none",
            "SMTP_FROM": SENDER,
        }
        up = hotel_agent(tmp_path, "doctor", "--check", "smtp", env=env)
        assert up.returncode == 0 and up.stdout.startswith("ok    smtp"), up.stdout
        assert f"sending as {SENDER}" in up.stdout
        server.stop()
        down = hotel_agent(tmp_path, "doctor", "--check", "smtp", env=env)
    assert down.returncode == 0 and down.stdout.startswith("warn  smtp"), down.stdout
    assert "unusable" in down.stdout and "fix: check SMTP_HOST" in down.stdout
    status, unset = fresh_install_doctor
    assert status == 0 and "not configured" in unset["smtp"], unset


@pytest.mark.parametrize("tls", [SmtpTls.STARTTLS, SmtpTls.TLS])
def test_doctor_says_when_the_mail_server_certificate_is_not_trusted(
    tmp_path: Path, tls: SmtpTls
) -> None:
    certificate = Certificate.make(tmp_path)
    with MailServer(tls=tls, certificate=certificate) as server:
        env = {
            **fresh_env(tmp_path),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(server.port),
            "SMTP_TLS": tls.value,
            "SMTP_FROM": SENDER,
        }
        status, line = doctor(tmp_path, env, "--production", "--check", "smtp")
        assert status == 1, line
        assert line.startswith(
            f"FAIL  smtp       SMTP server 127.0.0.1:{server.port}: certificate not trusted by "
            "the system's CAs (self-signed certificate)"
        ), line
        assert "fix: set SMTP_CA_FILE to the PEM of the CA that signed it" in line

        trusting = {**env, "SMTP_CA_FILE": str(certificate.cert)}
        status, line = doctor(tmp_path, trusting, "--production", "--check", "smtp")
        assert status == 0 and line.startswith("ok    smtp"), line
        assert f"({tls.value}), sending as {SENDER}" in line


def test_a_mail_server_without_a_from_address_refuses_to_start(tmp_path: Path) -> None:
    env = {**fresh_env(tmp_path), "SMTP_HOST": "mail.example.com"}
    assert "SMTP_FROM" in refused_to_start(hotel_agent(tmp_path, "worker", env=env))


def doctor(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    """One doctor run as an operator types it: its exit status and its one line."""
    done = hotel_agent(tmp_path, "doctor", *args, env=env)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done.returncode, done.stdout.strip()


def email_channel_env(
    tmp_path: Path, smtp: MailServer, imap_port: int, imap_tls: str
) -> dict[str, str]:
    """The settings of the e-mail channel, replying through `smtp` in plain SMTP."""
    return {
        **fresh_env(tmp_path),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_TLS": "none",
        "SMTP_FROM": SENDER,
        "IMAP_HOST": "127.0.0.1",
        "IMAP_PORT": str(imap_port),
        "IMAP_TLS": imap_tls,
        "IMAP_USERNAME": USER,
        "IMAP_PASSWORD": PASSWORD,
    }


def test_doctor_opens_the_mailbox_of_the_email_channel(
    tmp_path: Path, fresh_install_doctor: tuple[int, dict[str, str]]
) -> None:
    with MailServer() as smtp, ImapServer.start() as imap:
        env = email_channel_env(tmp_path, smtp, imap.port, "none")
        status, line = doctor(tmp_path, env, "--check", "imap")
        assert status == 0 and line.startswith("ok    imap"), line
        assert f"127.0.0.1:{imap.port} (none), folder INBOX open (IDLE)" in line

        wrong_password = {**env, "IMAP_PASSWORD": "not-the-password"}  # pragma: allowlist secret
        status, line = doctor(tmp_path, wrong_password, "--production", "--check", "imap")
        assert status == 1 and line.startswith("FAIL  imap"), line
        assert f"refused the login of '{USER}'" in line
        assert "fix: check IMAP_USERNAME and IMAP_PASSWORD" in line

        status, line = doctor(tmp_path, {**env, "IMAP_FOLDER": "Reservas"}, "--check", "imap")
        assert status == 0 and line.startswith("warn  imap"), "a peer's problem only warns"
        assert "no folder 'Reservas'" in line and "fix: set IMAP_FOLDER" in line

        imap.stop()
        status, line = doctor(tmp_path, env, "--check", "imap")
    assert line.startswith("warn  imap") and "unreachable" in line, line
    assert "fix: check IMAP_HOST, IMAP_PORT and IMAP_TLS" in line
    status, unset = fresh_install_doctor
    assert status == 0 and unset["imap"] == "ok    imap       not configured (no e-mail channel)"


def test_doctor_says_in_one_line_that_the_mailbox_certificate_is_not_trusted(
    tmp_path: Path,
) -> None:
    certificate = Certificate.make(tmp_path)
    with MailServer() as smtp, ImapServer.start(certificate) as imap:
        env = email_channel_env(tmp_path, smtp, imap.tls_port, "tls")
        trusting = {**env, "IMAP_CA_FILE": str(certificate.cert)}
        status, line = doctor(tmp_path, trusting, "--production", "--check", "imap")
        assert status == 0, line
        assert line.startswith(f"ok    imap       127.0.0.1:{imap.tls_port} (tls), folder INBOX")

        status, line = doctor(tmp_path, env, "--production", "--check", "imap")
        assert status == 1 and "\n" not in line, line
        assert line.startswith(
            f"FAIL  imap       IMAP server 127.0.0.1:{imap.tls_port}: certificate not trusted by "
            "the system's CAs (self-signed certificate)"
        ), line
        assert "fix: set IMAP_CA_FILE to the PEM of the CA that signed it" in line

        starttls = {**env, "IMAP_PORT": str(imap.port), "IMAP_TLS": "starttls"}
        status, line = doctor(tmp_path, starttls, "--check", "imap")
        assert status == 0 and line.startswith("warn  imap"), "a peer's problem only warns"
        assert "certificate not trusted" in line and "IMAP_CA_FILE" in line


def test_doctor_asks_the_speech_to_text_api_for_its_models_without_sending_audio(
    tmp_path: Path,
) -> None:
    with FakeTranscriptionApi() as stt:
        env = {**fresh_env(tmp_path), "STT_BASE_URL": stt.base_url, "STT_API_KEY": DEFAULT_API_KEY}
        status, line = doctor(tmp_path, env, "--production", "--check", "stt")
        assert status == 0, line
        assert line == f"ok    stt        {stt.base_url} accepts the key and offers whisper-1"

        wrong_key = {**env, "STT_API_KEY": "sk-revoked-key"}  # pragma: allowlist secret
        status, line = doctor(tmp_path, wrong_key, "--production", "--check", "stt")
        assert status == 1 and line.startswith("FAIL  stt"), line
        assert "refuses the key (401: Incorrect API key provided" in line
        assert "fix: set STT_API_KEY" in line

        no_version = {**env, "STT_BASE_URL": stt.origin}
        status, line = doctor(tmp_path, no_version, "--check", "stt")
        assert line.startswith("warn  stt") and f"{stt.origin}/models is not found (404)" in line
        assert "STT_BASE_URL ends with the API version" in line
        assert stt.requests == [], "no audio was sent"
        stt.stop()
        status, line = doctor(tmp_path, env, "--check", "stt")
    assert line.startswith("warn  stt") and "unreachable" in line and "STT_BASE_URL" in line


def test_doctor_checks_that_the_language_model_api_offers_the_configured_model(
    tmp_path: Path, fresh_install_doctor: tuple[int, dict[str, str]]
) -> None:
    with FakeOpenAiApi() as llm:
        env = {
            **fresh_env(tmp_path),
            "LLM_BASE_URL": llm.base_url,
            "LLM_API_KEY": DEFAULT_API_KEY,
            "LLM_MODEL": "gpt-4o-mini",
        }
        status, line = doctor(tmp_path, env, "--production", "--check", "llm")
        assert line == f"ok    llm        {llm.base_url} accepts the key and offers gpt-4o-mini"

        other_model = {**env, "LLM_MODEL": "gpt-5-turbo"}
        status, line = doctor(tmp_path, other_model, "--production", "--check", "llm")
        assert status == 1 and line.startswith("FAIL  llm"), line
        assert "does not offer the model 'gpt-5-turbo' (it offers gpt-4o, gpt-4o-mini)" in line
        assert "fix: set LLM_MODEL to one it offers" in line

        wrong_key = {**env, "LLM_API_KEY": "sk-revoked-key"}  # pragma: allowlist secret
        status, line = doctor(tmp_path, wrong_key, "--check", "llm")
        assert status == 0 and line.startswith("warn  llm") and "fix: set LLM_API_KEY" in line
        assert llm.requests == [], "no prompt was sent"
    status, unset = fresh_install_doctor
    assert status == 0, unset
    assert "not configured (the agent answers without a language model)" in unset["llm"]
