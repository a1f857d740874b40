"""scripts/pre-deployment-validation.sh against a real PostgreSQL database, the real Redis and
the fake Graph API: it passes a ready deployment and stops at the first thing that is not."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotel_agent.db import migrate
from hotel_agent.db.engine import create_engine
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.openai_api import DEFAULT_API_KEY, FakeOpenAiApi
from tests.support import ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN, make_settings

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "pre-deployment-validation.sh"
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    with FakeGraphApi(access_token=ACCESS_TOKEN) as fake:
        fake.phone_numbers[PHONE_NUMBER_ID] = {
            "id": PHONE_NUMBER_ID,
            "display_phone_number": "+34 600 000 000",
            "verified_name": "Hotel Prueba",
        }
        yield fake


@pytest.fixture
def llm() -> Iterator[FakeOpenAiApi]:
    with FakeOpenAiApi() as fake:
        yield fake


@pytest.fixture
def production_env(
    empty_postgres_url: str, redis_url: str, graph: FakeGraphApi, llm: FakeOpenAiApi, tmp_path: Path
) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "ENVIRONMENT": "production",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": empty_postgres_url,
        "REDIS_URL": redis_url,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE_URL": graph.base_url,
        "LLM_BASE_URL": llm.base_url,
        "LLM_API_KEY": DEFAULT_API_KEY,
        "HOTEL_AGENT_CMD": f"{sys.executable} -m hotel_agent",
    }


async def migrated(url: str) -> None:
    engine = create_engine(make_settings(url))
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


def validate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), "--min-free-mb", "1", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def line(output: str, check: str) -> str:
    return next(row.strip() for row in output.splitlines() if f" {check}" in row)


async def test_a_ready_deployment_passes_every_check(
    production_env: dict[str, str], empty_postgres_url: str
) -> None:
    await migrated(empty_postgres_url)
    done = validate(production_env)
    assert done.returncode == 0, done.stdout + done.stderr
    for check in ("settings", "disk", "database", "redis", "pms", "whatsapp", "llm", "stt"):
        assert line(done.stdout, check).startswith("ok "), done.stdout
    assert "+34 600 000 000" in line(done.stdout, "whatsapp")
    assert "accepts the key and offers gpt-4o-mini" in line(done.stdout, "llm")
    assert "not configured" in line(done.stdout, "stt"), "nothing to check: it passes"
    assert "ready to deploy." in done.stdout


def test_an_unmigrated_database_stops_the_validation(production_env: dict[str, str]) -> None:
    done = validate(production_env)
    assert done.returncode == 1
    assert "not migrated" in line(done.stdout, "database")
    assert line(done.stdout, "pms").startswith("----"), "nothing runs after a failure"
    assert "NOT ready to deploy" in done.stdout


async def test_a_refused_whatsapp_token_fails(
    production_env: dict[str, str], empty_postgres_url: str
) -> None:
    await migrated(empty_postgres_url)
    done = validate({**production_env, "WHATSAPP_ACCESS_TOKEN": "an-expired-token-0123"})
    assert done.returncode == 1
    assert "access token is refused" in line(done.stdout, "whatsapp")


async def test_a_model_the_llm_api_does_not_offer_fails(
    production_env: dict[str, str], empty_postgres_url: str
) -> None:
    await migrated(empty_postgres_url)
    done = validate({**production_env, "LLM_MODEL": "gpt-5-turbo"})
    assert done.returncode == 1
    assert "does not offer the model 'gpt-5-turbo'" in line(done.stdout, "llm")
    assert "set LLM_MODEL to one it offers" in line(done.stdout, "llm")


def test_placeholder_secrets_fail_first(production_env: dict[str, str]) -> None:
    done = validate({**production_env, "WHATSAPP_APP_SECRET": "changeme"})
    assert done.returncode == 1
    assert "WHATSAPP_APP_SECRET is missing or a placeholder" in line(done.stdout, "settings")
    assert line(done.stdout, "database").startswith("----")


def test_help() -> None:
    done = subprocess.run(["bash", str(SCRIPT), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "Usage: scripts/pre-deployment-validation.sh" in done.stdout
