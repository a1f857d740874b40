"""Helpers shared by the test suites: settings that ignore the developer's `.env`, and the
rule for real servers (fail on CI when missing, skip with a reason elsewhere)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
from hypothesis import settings as hypothesis_settings

from hotel_agent.app import create_app
from hotel_agent.channels.whatsapp.signature import sign
from hotel_agent.nlu.intents import CACHE_PREFIX
from hotel_agent.runtime import Runtime
from hotel_agent.settings import (
    DatabaseSettings,
    HotelSettings,
    PmsSettings,
    QueueSettings,
    RedisSettings,
    Settings,
    WebChatSettings,
    WhatsAppSettings,
)

APP_SECRET = "test-app-secret-0123456789"
VERIFY_TOKEN = "test-verify-token-0123"
ACCESS_TOKEN = "test-access-token-0123456789"
PHONE_NUMBER_ID = "106540352242922"  # the number in the WhatsApp fixtures


def make_settings(
    database_url: str,
    *,
    redis_url: str | None = None,
    graph_base_url: str = "http://127.0.0.1:9/v23.0",
    queue: dict[str, Any] | None = None,
    webchat: dict[str, Any] | None = None,
    pms: dict[str, Any] | None = None,
    hotel: dict[str, Any] | None = None,
    **overrides: Any,
) -> Settings:
    """Settings for a test: explicit values only, never the environment's `.env`."""
    no_env: dict[str, Any] = {"_env_file": None}
    return Settings(
        **no_env,
        db=DatabaseSettings(**no_env, url=database_url),
        redis=RedisSettings(**no_env, url=redis_url),
        whatsapp=WhatsAppSettings(
            **no_env,
            verify_token=VERIFY_TOKEN,
            app_secret=APP_SECRET,
            access_token=ACCESS_TOKEN,
            phone_number_id=PHONE_NUMBER_ID,
            api_base_url=graph_base_url,
            timeout_seconds=5,
        ),
        hotel=HotelSettings(
            **no_env, **{"name": "Hotel Prueba", "slug": "prueba", **(hotel or {})}
        ),
        queue=QueueSettings(
            **no_env,
            **{"poll_interval_seconds": 0.05, "retry_base_seconds": 0.05, **(queue or {})},
        ),
        webchat=WebChatSettings(**no_env, **(webchat or {})),
        pms=PmsSettings(**no_env, **(pms or {})),
        log_json=True,
        **overrides,
    )


def server_missing(what: str, reason: str) -> NoReturn:
    """On CI a missing PostgreSQL/Redis is a failure; on a laptop, a clear skip."""
    message = f"{what} is not reachable ({reason})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI must provide it", pytrace=False)
    pytest.skip(f"{message}; start it or set the TEST_* URL to run this test")


def examples(times: int) -> int:
    """`times` as many examples as the Hypothesis profile gives a property (tests/conftest.py),
    for a property whose inputs are wider than most."""
    return times * hypothesis_settings.default.max_examples


def seed_nlu_cache(cache: Path, data_dir: Path) -> None:
    """Put the run's trained intent model (the `nlu_model_cache` fixture) into an install's
    DATA_DIR: its CLI processes load it, as on any start after the first, instead of training."""
    target = data_dir / "nlu"
    target.mkdir(parents=True, exist_ok=True)
    for model in cache.glob(f"{CACHE_PREFIX}*.npz"):
        shutil.copyfile(model, target / model.name)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


WHATSAPP_FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"


def whatsapp_fixture(name: str, *, fresh: bool = True) -> dict[str, Any]:
    """A fixture payload; `fresh` moves its message times to now (inside the reply window)."""
    data: dict[str, Any] = json.loads((WHATSAPP_FIXTURES / f"{name}.json").read_text())
    if fresh:
        now = str(int(time.time()))
        for entry in data.get("entry", []):
            for change in entry.get("changes", []):
                for message in change.get("value", {}).get("messages", []):
                    message["timestamp"] = now
    return data


def signed_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"X-Hub-Signature-256": sign(secret, body), "Content-Type": "application/json"}


@asynccontextmanager
async def asgi_client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The app around a test's runtime, called in-process (no sockets)."""
    app = create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield http
