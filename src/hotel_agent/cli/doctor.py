"""`hotel-agent doctor`: is this installation configured and able to run? One line per check.

The same checks guard `serve` and `worker` at start (`preflight`): a misconfiguration stops the
process with one line naming the setting and the fix, never a traceback. External services the
agent can live without for a while (Redis, the PMS, the Graph API) only warn, except with
`--production`, where every check must pass (scripts/pre-deployment-validation.sh runs them).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import ipaddress
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from hotel_agent.settings import Environment, PmsType, Settings

# A check that waits longer than this on a network peer reports it as unreachable.
_TIMEOUT_SECONDS = 10.0


class CheckFailed(Exception):
    """The check found a problem; `fix` says what the operator should do."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


class CheckWarning(CheckFailed):
    """A problem that does not stop the agent (it degrades, or fixes itself)."""


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class Result:
    name: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        fix = f" — fix: {self.fix}" if self.fix else ""
        return f"{self.status.value:<5} {self.name:<10} {self.message}{fix}"


@dataclass(frozen=True)
class Context:
    settings: Settings
    production: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    starting: bool = False  # run by serve/worker at start, not by the operator


@dataclass(frozen=True)
class Check:
    name: str
    summary: str
    run: Callable[[Context], Awaitable[str]]
    # A service the agent degrades without: its failure warns, except with --production.
    external: bool = False


# --- settings -----------------------------------------------------------------------------


def load_settings() -> Settings:
    """Read the settings; CheckFailed with one line naming the variable when they are wrong."""
    try:
        settings = Settings()
    except ValidationError as exc:
        raise CheckFailed(
            describe_settings_error(exc), "correct it in the environment or .env"
        ) from None
    return settings


def describe_settings_error(exc: ValidationError) -> str:
    """`PMS_TIMEOUT: Input should be a valid number (got 'abc')`, for each error, on one line."""
    prefix = _env_prefixes().get(exc.title, "")
    problems = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        name = "_".join(str(part) for part in error["loc"]).upper()
        if name:
            got = error.get("input")
            shown = f" (got {got!r})" if isinstance(got, str | int | float) else ""
            problems.append(f"{prefix}{name}: {message}{shown}")
        else:
            problems.append(message)
    return "; ".join(problems)


def _env_prefixes() -> dict[str, str]:
    """The env prefix of each settings group, by the class name pydantic titles its errors."""
    prefixes = {"Settings": ""}
    for field in Settings.model_fields.values():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseSettings):
            prefixes[group.__name__] = str(group.model_config.get("env_prefix", ""))
    return prefixes


async def check_settings(ctx: Context) -> str:
    settings = ctx.settings
    if settings.pms.type is PmsType.QLOAPPS and not (
        settings.pms.base_url and settings.pms.api_key
    ):
        raise CheckFailed(
            "PMS_TYPE=qloapps needs PMS_BASE_URL and PMS_API_KEY",
            "set both (docs/qloapps.md), or PMS_TYPE=simulator for the demo hotel",
        )
    database = "SQLite" if settings.is_sqlite else settings.database_url.split("://")[0]
    whatsapp = "on" if settings.whatsapp.enabled else "off (web chat only)"
    return (
        f"{settings.environment.value}, database {database}, PMS {settings.pms.type.value}, "
        f"WhatsApp {whatsapp}"
    )


async def check_production(ctx: Context) -> str:
    settings = ctx.settings
    if settings.environment is not Environment.PRODUCTION:
        raise CheckFailed(
            f"ENVIRONMENT is {settings.environment.value}", "set ENVIRONMENT=production"
        )
    # The settings' own validator refused placeholder secrets and DEBUG when they were read.
    problems = []
    if settings.is_sqlite:
        problems.append("the database is SQLite (one process, no replicas)")
    for name, url in (
        ("PMS_BASE_URL", settings.pms.base_url if settings.pms.type is PmsType.QLOAPPS else ""),
        ("WHATSAPP_API_BASE_URL", settings.whatsapp.api_base_url),
        ("STAFF_ALERT_WEBHOOK_URL", settings.staff.alert_webhook_url),
        ("LLM_BASE_URL", settings.llm.base_url),
        ("STT_BASE_URL", settings.stt.base_url),
    ):
        if url and not _uses_tls(url):
            problems.append(f"{name} is not https")
    if problems:
        raise CheckFailed(
            "; ".join(problems),
            "DATABASE_URL=postgresql://…, and https:// for every service across the internet",
        )
    return "production settings, secrets set and not placeholders, TLS to remote services"


def _uses_tls(url: str) -> bool:
    """https, or a host that never crosses the internet: this machine (a local proxy, a test
    double), a private address, or a single-label name (a compose or Kubernetes service such
    as `http://qloapps/api`)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = parts.hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host
    return address.is_loopback or address.is_private


# --- this machine ---------------------------------------------------------------------------


async def check_data_dir(ctx: Context) -> str:
    data_dir = ctx.settings.data_dir.absolute()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        problem = f"DATA_DIR {data_dir} is not writable ({exc.strerror})"
        if not ctx.settings.is_sqlite:
            # With PostgreSQL only the NLU model cache lives there, and the image ships the
            # model (Kubernetes runs it on a read-only root): a miss costs a training run.
            raise CheckWarning(problem, "fine when the NLU check is ok") from None
        raise CheckFailed(
            problem,
            "point DATA_DIR at a writable directory (the SQLite file and NLU models live there)",
        ) from None
    return f"{data_dir} writable"


async def check_port(ctx: Context) -> str:
    address = f"{ctx.host}:{ctx.port}"
    family = socket.AF_INET6 if ":" in ctx.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a previous run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ctx.host, ctx.port))
        except OSError as exc:
            in_use = exc.errno == errno.EADDRINUSE
            problem = f"{address} is in use" if in_use else f"cannot listen on {address}"
            fix = "stop the other process, or choose another --port"
            if not ctx.starting and in_use:
                raise CheckWarning(problem + " (is the agent already running?)", fix) from None
            raise CheckFailed(f"{problem} ({exc.strerror})", fix) from None
    return f"{address} free"


async def check_knowledge(ctx: Context) -> str:
    from hotel_agent.knowledge.loading import DEMO_KNOWLEDGE_FILE, KnowledgeError, load_knowledge

    path = ctx.settings.hotel.knowledge_file or DEMO_KNOWLEDGE_FILE
    try:
        knowledge = load_knowledge(path)
    except KnowledgeError as exc:
        raise CheckFailed(
            f"HOTEL_KNOWLEDGE_FILE: {exc.detail}",
            "correct the file (the demo hotel's file documents the format)",
        ) from None
    which = "the demo hotel's" if ctx.settings.hotel.knowledge_file is None else str(path)
    return f"{which}: {len(knowledge.entries)} answers"


async def check_nlu(ctx: Context) -> str:
    from hotel_agent.nlu.intent_model import cache_key
    from hotel_agent.nlu.intents import CACHE_PREFIX, bundled_model

    if bundled_model().is_file():
        return f"intent model {bundled_model().name}, trained when this install was built"
    model = ctx.settings.data_dir.absolute() / "nlu" / f"{CACHE_PREFIX}{cache_key()}.npz"
    if not model.is_file():
        raise CheckWarning(
            "intent model not trained yet: the first start trains it (about 15 s)",
            "`hotel-agent nlu hola` trains and stores it now",
        )
    return f"intent model {model.name}"


# --- services -------------------------------------------------------------------------------


async def check_database(ctx: Context) -> str:
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from hotel_agent.db.engine import create_engine
    from hotel_agent.db.migrate import alembic_config

    settings = ctx.settings
    sqlite_file = Path(settings.database_url.split("///", 1)[-1]) if settings.is_sqlite else None
    if sqlite_file is not None and not sqlite_file.exists():
        if ctx.starting:
            return "SQLite file created by the migrations"
        raise CheckWarning(
            f"no database yet at {sqlite_file}",
            "`hotel-agent migrate` creates it (`hotel-agent serve` does on start)",
        )
    expected = set(ScriptDirectory.from_config(alembic_config("")).get_heads())
    fix_url = "check DATABASE_URL (host, port, user, password, database name)"
    try:
        engine = create_engine(settings)
    except Exception as exc:  # a malformed URL: SQLAlchemy refuses it before connecting
        raise CheckFailed(f"DATABASE_URL is not usable: {first_line(exc)}", fix_url) from None
    try:
        async with asyncio.timeout(_TIMEOUT_SECONDS), engine.connect() as connection:
            try:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                current = {row[0] for row in rows}
            except Exception:  # no alembic_version table: never migrated
                current = set()
    except Exception as exc:
        raise CheckFailed(f"database unreachable: {describe(exc)}", fix_url) from None
    finally:
        await engine.dispose()
    if settings.is_sqlite and ctx.starting:
        return "reachable (serve applies migrations on SQLite)"
    if not current:
        raise CheckFailed("database not migrated", "run `hotel-agent migrate`")
    if current != expected:
        raise CheckFailed(
            f"database at revision {','.join(sorted(current))}, "
            f"the code needs {','.join(sorted(expected))}",
            "run `hotel-agent migrate`",
        )
    return f"reachable, at migration head {','.join(sorted(expected))}"


async def check_redis(ctx: Context) -> str:
    import redis.asyncio as redis

    url = ctx.settings.redis.url
    if not url:
        return "not configured (rate limits and caches are per process)"
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        await client.ping()
    except Exception as exc:
        raise CheckFailed(f"Redis unreachable: {describe(exc)}", "check REDIS_URL") from None
    finally:
        await client.aclose()
    return "answers PING"


async def check_pms(ctx: Context) -> str:
    import httpx

    from hotel_agent.db.engine import create_engine, create_session_factory
    from hotel_agent.pms.factory import build_pms

    settings = ctx.settings
    fix = (
        "`hotel-agent pms check` shows the details (docs/qloapps.md)"
        if settings.pms.type is PmsType.QLOAPPS
        else "the simulator lives in the database: run `hotel-agent migrate`"
    )
    engine = create_engine(settings)
    try:
        async with httpx.AsyncClient(timeout=settings.pms.timeout) as http:
            pms = build_pms(
                settings, sessions=create_session_factory(engine), http=http, redis=None
            )
            async with asyncio.timeout(_TIMEOUT_SECONDS + settings.pms.timeout):
                health = await pms.health()
    except Exception as exc:
        raise CheckFailed(f"PMS unreachable: {describe(exc)}", fix) from None
    finally:
        await engine.dispose()
    if not health.ok:
        raise CheckFailed(f"PMS ({settings.pms.type.value}) failing: {health.detail}", fix)
    return (
        f"{settings.pms.type.value}: {health.detail}, {health.hotel}, "
        f"{health.room_types} room types"
    )


async def check_whatsapp(ctx: Context) -> str:
    """The access token and phone number id, asked of the Graph API (the phone number node)."""
    import httpx

    whatsapp = ctx.settings.whatsapp
    if not whatsapp.enabled:
        return "not configured (web chat only)"
    if not (whatsapp.access_token and whatsapp.phone_number_id):
        raise CheckFailed(
            "WHATSAPP_ACCESS_TOKEN or WHATSAPP_PHONE_NUMBER_ID is empty: replies cannot be sent",
            "docs/whatsapp-setup.md, step 4",
        )
    url = f"{whatsapp.api_base_url.rstrip('/')}/{whatsapp.phone_number_id}"
    try:
        async with httpx.AsyncClient(timeout=whatsapp.timeout_seconds) as http:
            answer = await http.get(
                url, headers={"Authorization": f"Bearer {whatsapp.access_token}"}
            )
    except httpx.HTTPError as exc:
        raise CheckFailed(
            f"Graph API unreachable: {describe(exc)}", "check WHATSAPP_API_BASE_URL"
        ) from None
    try:
        body: dict[str, Any] = answer.json()
    except ValueError:
        body = {}
    if answer.status_code != 200:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        if answer.status_code == 401 or error.get("code") == 190:
            raise CheckFailed(
                f"the access token is refused: {error.get('message', answer.status_code)}",
                "create a permanent System User token (docs/whatsapp-setup.md)",
            )
        raise CheckFailed(
            f"Graph API answered {answer.status_code}: {error.get('message', '')}",
            "check WHATSAPP_PHONE_NUMBER_ID",
        )
    return f"token valid for {body.get('display_phone_number') or body.get('id')}"


async def check_smtp(ctx: Context) -> str:
    """The mail server of booking e-mails: connected, greeted, TLS and login as configured."""
    from hotel_agent.channels.email.smtp import SmtpMailer

    smtp = ctx.settings.smtp
    if not smtp.enabled:
        return "not configured (no booking e-mails; the agent does not promise any)"
    try:
        async with asyncio.timeout(_TIMEOUT_SECONDS + smtp.timeout_seconds):
            await SmtpMailer(smtp).check()
    except Exception as exc:
        raise CheckFailed(
            f"SMTP server {smtp.host}:{smtp.port} unusable: {describe(exc)}",
            "check SMTP_HOST, SMTP_PORT, SMTP_TLS, SMTP_USERNAME and SMTP_PASSWORD",
        ) from None
    return f"{smtp.host}:{smtp.port} accepts us ({smtp.tls.value}), sending as {smtp.sender}"


async def check_chatwoot(ctx: Context) -> str:
    """Chatwoot answers, when its connector is configured (cli/doctor_chatwoot.py)."""
    from hotel_agent.cli.doctor_chatwoot import chatwoot_status

    return await chatwoot_status(ctx)


def describe(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {_TIMEOUT_SECONDS:.0f} s"
    message = first_line(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def first_line(exc: BaseException) -> str:
    """Drivers' messages run over lines; doctor prints one line per check."""
    return (str(exc).strip().splitlines() or [""])[0]


CHECKS: dict[str, Check] = {
    check.name: check
    for check in (
        Check("settings", "the settings can be read; QloApps has its URL and key", check_settings),
        Check("production", "production only: ENVIRONMENT, not SQLite, TLS", check_production),
        Check("data-dir", "DATA_DIR exists and is writable", check_data_dir),
        Check("knowledge", "the hotel's knowledge file loads", check_knowledge),
        Check("database", "reachable and at the migration head", check_database),
        Check("redis", "answers when REDIS_URL is set", check_redis, external=True),
        Check("nlu", "the intent model is trained (else the first start trains it)", check_nlu),
        Check("port", "--host/--port free to listen on", check_port),
        Check("pms", "the PMS answers (hotel, room types)", check_pms, external=True),
        Check("whatsapp", "the Graph API accepts the token", check_whatsapp, external=True),
        Check(
            "smtp", "the mail server accepts us when SMTP_HOST is set", check_smtp, external=True
        ),
        Check("chatwoot", "Chatwoot answers when it is configured", check_chatwoot, external=True),
    )
}
# What stops `serve` / `worker` at start: their own misconfiguration, not a peer's outage.
SERVE_CHECKS = ("settings", "data-dir", "port", "knowledge", "database")
WORKER_CHECKS = ("settings", "data-dir", "knowledge", "database")


async def run_check(check: Check, ctx: Context) -> Result:
    try:
        message = await check.run(ctx)
    except CheckWarning as exc:
        return Result(check.name, Status.WARN, exc.problem, exc.fix)
    except CheckFailed as exc:
        lenient = check.external and not ctx.production
        return Result(check.name, Status.WARN if lenient else Status.FAIL, exc.problem, exc.fix)
    return Result(check.name, Status.OK, message)


def preflight(settings: Settings, names: Sequence[str], **context: Any) -> str | None:
    """Run the start checks; the first failure as one line for stderr, or None."""
    ctx = Context(settings, starting=True, **context)
    for name in names:
        result = asyncio.run(run_check(CHECKS[name], ctx))
        if result.status is Status.FAIL:
            return f"hotel-agent: cannot start: {result.message}" + (
                f" — fix: {result.fix}" if result.fix else ""
            )
    return None


def add_parser(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check the configuration, database, services and this machine",
        description="One line per check with the fix. Exit status 1 when a check fails.",
        epilog="checks: "
        + "; ".join(f"{check.name} ({check.summary})" for check in CHECKS.values())
        + ".  Examples: `hotel-agent doctor`, `hotel-agent doctor --production`, "
        "`hotel-agent doctor --check database --check redis`, "
        "`hotel-agent doctor --port 8080`.",
    )
    doctor.add_argument(
        "--production",
        action="store_true",
        help="strict: production settings, no SQLite, TLS; unreachable services fail",
    )
    doctor.add_argument(
        "--check",
        action="append",
        choices=list(CHECKS),
        metavar="NAME",
        help="run only this check (repeatable)",
    )
    doctor.add_argument("--host", default="127.0.0.1", help="the address serve will listen on")
    doctor.add_argument("--port", type=int, default=8000, help="the port serve will listen on")


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    names: list[str] = args.check or [
        name for name in CHECKS if args.production or name != "production"
    ]
    try:
        settings = load_settings()
    except CheckFailed as exc:
        results = [Result("settings", Status.FAIL, exc.problem, exc.fix)]
        results += [
            Result(name, Status.SKIP, "needs the settings") for name in names if name != "settings"
        ]
    else:
        ctx = Context(settings, production=args.production, host=args.host, port=args.port)
        results = [asyncio.run(run_check(CHECKS[name], ctx)) for name in names]
    for result in results:
        out.write(result.line() + "\n")
    counts = {status: sum(r.status is status for r in results) for status in Status}
    if len(results) > 1:
        out.write(
            f"{counts[Status.OK]} ok, {counts[Status.WARN]} warnings, {counts[Status.FAIL]} failed"
            + (f", {counts[Status.SKIP]} not run" if counts[Status.SKIP] else "")
            + "\n"
        )
    return 1 if counts[Status.FAIL] else 0
