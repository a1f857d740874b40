"""`hotel-agent doctor`: is this installation configured and able to run? One line per check.

The same checks guard `serve` and `worker` at start (`preflight`): a misconfiguration stops the
process with one line naming the setting and the fix, never a traceback. External services the
agent can live without for a while (Redis, the PMS, the providers of its channels and models)
only warn, except with `--production`, where every check must pass
(scripts/pre-deployment-validation.sh runs them).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from hotel_agent.cli.doctor.base import (
    Check,
    CheckFailed,
    CheckWarning,
    Context,
    Result,
    Status,
    run_check,
)
from hotel_agent.cli.doctor.chatwoot import check_chatwoot
from hotel_agent.cli.doctor.machine import (
    check_data_dir,
    check_knowledge,
    check_nlu,
    check_port,
    check_production,
    check_settings,
    describe_settings_error,
    load_settings,
)
from hotel_agent.cli.doctor.providers import (
    check_imap,
    check_llm,
    check_smtp,
    check_stt,
    check_whatsapp,
)
from hotel_agent.cli.doctor.services import check_database, check_pms, check_redis
from hotel_agent.settings import Settings

__all__ = [
    "CHECKS",
    "SERVE_CHECKS",
    "WORKER_CHECKS",
    "CheckFailed",
    "CheckWarning",
    "add_parser",
    "describe_settings_error",
    "load_settings",
    "preflight",
    "run",
]

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
        Check(
            "imap",
            "the e-mail channel's mailbox opens when IMAP_HOST is set",
            check_imap,
            external=True,
        ),
        Check(
            "stt",
            "the speech-to-text API accepts the key when STT_BASE_URL is set",
            check_stt,
            external=True,
        ),
        Check("chatwoot", "Chatwoot answers when it is configured", check_chatwoot, external=True),
        Check(
            "llm",
            "the model API accepts the key and offers LLM_MODEL when LLM_BASE_URL is set",
            check_llm,
            external=True,
        ),
    )
}
# What stops `serve` / `worker` at start: their own misconfiguration, not a peer's outage.
SERVE_CHECKS = ("settings", "data-dir", "port", "knowledge", "database")
WORKER_CHECKS = ("settings", "data-dir", "knowledge", "database")


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
        "`hotel-agent doctor --production --fail-fast --check database --check pms`, "
        "`hotel-agent doctor --host 0.0.0.0 --port 8080` (the address serve will use).",
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
    doctor.add_argument(
        "--fail-fast",
        action="store_true",
        help="stop at the first failed check; the later ones are listed as not run",
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
        results = []
        for name in names:
            if args.fail_fast and any(r.status is Status.FAIL for r in results):
                # One process for every check (scripts/pre-deployment-validation.sh), yet
                # nothing is asked of a service after the first failure.
                results.append(Result(name, Status.SKIP, "not run: an earlier check failed"))
            else:
                results.append(asyncio.run(run_check(CHECKS[name], ctx)))
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
