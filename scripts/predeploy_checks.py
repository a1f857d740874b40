"""One pre-deployment check, run with the agent's own Python and settings (the environment,
`.env`): `python3 predeploy_checks.py settings|database|redis|whatsapp`. Prints one line;
exits 1 when the check fails. Driven by scripts/pre-deployment-validation.sh, which also runs
it inside the image (`docker run -i IMAGE python3 - CHECK < predeploy_checks.py`).
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable

from pydantic import ValidationError

from hotel_agent.settings import Environment, Settings


def check_settings() -> str:
    # Constructing Settings runs its validators: in production, placeholder or missing
    # WhatsApp secrets, DEBUG, a short staff token and missing QloApps credentials refuse.
    settings = Settings()
    if settings.environment is not Environment.PRODUCTION:
        raise CheckFailed(f"ENVIRONMENT is {settings.environment.value}, not production")
    if settings.is_sqlite:
        return "production settings (SQLite: an embedded single-process install)"
    return "production settings, secrets set and not placeholders"


def check_database() -> str:
    return asyncio.run(_database())


async def _database() -> str:
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from hotel_agent.db.engine import create_engine
    from hotel_agent.db.migrate import alembic_config

    settings = Settings()
    expected = set(ScriptDirectory.from_config(alembic_config("")).get_heads())
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            try:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                current = {row[0] for row in rows}
            except Exception as exc:  # no alembic_version table: never migrated
                raise CheckFailed("not migrated (run `hotel-agent migrate`)") from exc
    except CheckFailed:
        raise
    except Exception as exc:
        raise CheckFailed(f"unreachable: {type(exc).__name__}: {first_line(exc)}") from exc
    finally:
        await engine.dispose()
    if current != expected:
        found = ",".join(sorted(current)) or "none"
        raise CheckFailed(
            f"at revision {found}, the code needs {','.join(sorted(expected))} "
            "(run `hotel-agent migrate`)"
        )
    return f"reachable, at migration head {','.join(sorted(expected))}"


def check_redis() -> str:
    settings = Settings()
    if not settings.redis.url:
        return "not configured (rate limits are per process)"
    return asyncio.run(_redis(settings.redis.url))


async def _redis(url: str) -> str:
    import redis.asyncio as redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except Exception as exc:
        raise CheckFailed(f"unreachable: {type(exc).__name__}: {first_line(exc)}") from exc
    finally:
        await client.aclose()
    return "answers PING"


def check_whatsapp() -> str:
    """The access token and phone number id, asked of the Graph API (the phone number node)."""
    settings = Settings().whatsapp
    if not settings.enabled:
        return "not configured (web chat only)"
    if not settings.phone_number_id:
        raise CheckFailed("WHATSAPP_PHONE_NUMBER_ID is empty")
    request = urllib.request.Request(  # noqa: S310 (the operator's configured Graph URL)
        f"{settings.api_base_url.rstrip('/')}/{settings.phone_number_id}",
        headers={"Authorization": f"Bearer {settings.access_token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as answer:  # noqa: S310
            body = json.load(answer)
    except urllib.error.HTTPError as exc:
        try:
            error = json.load(exc).get("error", {})
        except ValueError:
            error = {}
        if exc.code == 401 or error.get("code") == 190:
            raise CheckFailed(f"the access token is refused: {error.get('message', exc)}") from exc
        raise CheckFailed(f"Graph API answered {exc.code}: {error.get('message', '')}") from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise CheckFailed(f"Graph API unreachable: {exc}") from exc
    return f"token valid for {body.get('display_phone_number') or body.get('id')}"


class CheckFailed(Exception):
    pass


def first_line(exc: BaseException) -> str:
    """Drivers' messages run over lines; the summary has one line per check."""
    return (str(exc).strip().splitlines() or [""])[0]


CHECKS: dict[str, Callable[[], str]] = {
    "settings": check_settings,
    "database": check_database,
    "redis": check_redis,
    "whatsapp": check_whatsapp,
}


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        print(f"usage: predeploy_checks.py {'|'.join(CHECKS)}", file=sys.stderr)
        return 2
    try:
        print(CHECKS[sys.argv[1]]())
    except CheckFailed as exc:
        print(exc)
        return 1
    except ValidationError as exc:  # the settings' own validation
        print("; ".join(error["msg"] for error in exc.errors()))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
