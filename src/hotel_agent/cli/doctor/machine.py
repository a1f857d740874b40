"""Checks of the configuration and this machine: settings, production rules, DATA_DIR, the
port, the knowledge file, the NLU model."""

from __future__ import annotations

import errno
import ipaddress
import socket
import tempfile
from urllib.parse import urlsplit

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from hotel_agent.cli.doctor.base import CheckFailed, CheckWarning, Context
from hotel_agent.settings import Environment, PmsType, Settings


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
