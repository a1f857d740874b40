"""The `hotel-agent` command: serve, worker, migrate, chat, doctor, pms, nlu, staff."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from hotel_agent import __version__
from hotel_agent.cli import doctor
from hotel_agent.cli import nlu as nlu_cli
from hotel_agent.cli import pms as pms_cli
from hotel_agent.cli import privacy as privacy_cli
from hotel_agent.cli import staff as staff_cli
from hotel_agent.event_loop import freeze_startup_objects, run_event_loop
from hotel_agent.settings import Settings

if TYPE_CHECKING:
    from hotel_agent.runtime import Runtime

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "doctor":
        return doctor.run(args)
    try:
        # Invalid settings are an operator's typo: one line naming the variable, no traceback.
        settings = doctor.load_settings()
    except doctor.CheckFailed as exc:
        print(f"hotel-agent: invalid settings: {exc.problem}", file=sys.stderr)
        return 2
    handler = {
        "serve": _serve,
        "worker": _worker,
        "migrate": _migrate,
        "chat": _chat,
        "pms": _operator(pms_cli.run),
        "nlu": nlu_cli.run,
        "staff": _operator(staff_cli.run),
        "guest": _operator(privacy_cli.run_guest),
        "retention": _operator(privacy_cli.run_retention),
    }
    return handler[args.command](args, settings)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotel-agent", description="Agente Hotelero: an AI receptionist for hotels."
    )
    parser.add_argument("--version", action="version", version=f"hotel-agent {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="run the API (and, on SQLite, the worker)",
        epilog="Examples: `hotel-agent serve`, `hotel-agent serve --host 0.0.0.0 --port 8080`, "
        "`hotel-agent serve --workers 2` (PostgreSQL). "
        "It runs `hotel-agent doctor`'s start checks first and exits 2 with one line on a "
        "misconfiguration.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="API processes sharing the port (PostgreSQL only; default 1)",
    )
    worker = commands.add_parser(
        "worker",
        help="run worker and sender loops (PostgreSQL)",
        epilog="Example: `hotel-agent worker --concurrency 8 --senders 2`.",
    )
    worker.add_argument("--concurrency", type=int, default=4, help="parallel turns")
    worker.add_argument("--senders", type=int, default=2, help="parallel outbox senders")
    migrate = commands.add_parser(
        "migrate",
        help="apply database migrations",
        epilog="Examples: `hotel-agent migrate`, "
        "`hotel-agent migrate --downgrade --revision 0006`.",
    )
    migrate.add_argument("--revision", default="head", help="target revision (default: head)")
    migrate.add_argument("--downgrade", action="store_true", help="downgrade to --revision")
    commands.add_parser(
        "chat",
        help="chat with the agent in this terminal",
        epilog="Example: `hotel-agent chat` (type as a guest; Ctrl-D ends).",
    )
    doctor.add_parser(commands)
    pms_cli.add_parser(commands)
    nlu_cli.add_parser(commands)
    staff_cli.add_parser(commands)
    privacy_cli.add_parsers(commands)
    return parser


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.workers > 1 and settings.is_sqlite:
        print(
            f"hotel-agent: --workers {args.workers} needs PostgreSQL (DATABASE_URL): SQLite "
            "has a single writer, and its embedded worker must run in exactly one process. "
            "Run `hotel-agent serve` without --workers, or point DATABASE_URL at PostgreSQL.",
            file=sys.stderr,
            flush=True,
        )
        return 2
    problem = doctor.preflight(settings, doctor.SERVE_CHECKS, host=args.host, port=args.port)
    if problem:
        print(problem, file=sys.stderr, flush=True)
        return 2
    # After the checks: a refusal answers in a moment, without importing the whole service.
    import uvicorn

    from hotel_agent.app import create_app

    # The embedded default must work from a fresh clone: create the schema on start.
    _ensure_sqlite_schema(settings)
    url = f"http://{args.host}:{args.port}/"
    docs = f"  (API docs: {url}docs)" if settings.docs_enabled else ""
    print(f"Agente Hotelero {__version__} — web chat at {url}{docs}", flush=True)
    if args.workers > 1:
        # uvicorn's supervisor starts the processes, each building its own app (and pools)
        # from the same environment, all accepting on one socket.
        uvicorn.run(
            "hotel_agent.app:create_app",
            factory=True,
            workers=args.workers,
            **_uvicorn_options(args),
        )
        return 0
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, **_uvicorn_options(args)))

    async def serve() -> None:
        announcer = asyncio.create_task(_announce_ready(server, app, url))
        try:
            await server.serve()
        finally:
            announcer.cancel()

    run_event_loop(serve())
    return 0


def _uvicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "host": args.host,
        "port": args.port,
        "log_config": None,
        "access_log": False,  # the request middleware writes one structured line per request
        "proxy_headers": False,  # the app believes HTTP_TRUSTED_PROXIES only (see app.py)
        "server_header": False,
        "http": "auto",  # httptools when installed (a dependency of the agent): a faster parser
        "loop": "auto",  # uvloop likewise, in the processes of --workers
    }


async def _announce_ready(server: Any, app: Any, url: str) -> None:
    """One line when a guest's message would be answered: listening, and (when this process
    runs turns) the understanding models loaded, which a first start spends seconds training."""
    import structlog

    while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, no event)
        await asyncio.sleep(0.1)
    runtime = getattr(app.state, "runtime", None)
    if runtime is not None and runtime.readiness.running_turns:
        await runtime.readiness.turns_ready()
    structlog.get_logger("hotel_agent").info(f"ready to answer guests on {url}", url=url)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    problem = doctor.preflight(settings, doctor.WORKER_CHECKS)
    if problem:
        print(problem, file=sys.stderr, flush=True)
        return 2
    # After the checks, as in `serve`: a refusal does not import the whole service.
    from hotel_agent.observability.logging import configure_logging
    from hotel_agent.runtime import Runtime

    configure_logging(settings.log_level, json=settings.log_json)

    async def run() -> None:
        runtime = Runtime.build(settings)
        await runtime.load_hotels()
        runtime.start_background(workers=args.concurrency, senders=args.senders)
        asyncio.create_task(_announce_worker_ready(runtime))  # noqa: RUF006 (ends by itself)
        freeze_startup_objects()
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runtime.close()

    run_event_loop(run())
    return 0


async def _announce_worker_ready(runtime: Runtime) -> None:
    import structlog

    await runtime.readiness.turns_ready()
    structlog.get_logger("hotel_agent").info("ready to answer guests (worker)")


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_apply_migrations(settings, args.revision, downgrade=args.downgrade))
    print(f"database at revision {args.revision}", flush=True)
    return 0


def _ensure_sqlite_schema(settings: Settings) -> None:
    """On SQLite (the embedded default), create or upgrade the schema unless it is current."""
    from hotel_agent.db.schema_version import sqlite_at_head

    if settings.is_sqlite and not sqlite_at_head(settings.database_url):
        asyncio.run(_apply_migrations(settings, "head", downgrade=False))


async def _apply_migrations(settings: Settings, revision: str, *, downgrade: bool) -> None:
    from hotel_agent.db import migrate
    from hotel_agent.db.engine import create_engine

    engine = create_engine(settings)
    try:
        if downgrade:
            await migrate.downgrade(engine, revision)
        else:
            await migrate.upgrade(engine, revision)
    finally:
        await engine.dispose()


def _operator(command: Callable[[argparse.Namespace, Settings], int]) -> Handler:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        _prepare_operator_command(settings)
        return command(args, settings)

    return handler


def _prepare_operator_command(settings: Settings) -> None:
    """Quiet logs (warnings, such as the privacy audit line, still show), and on SQLite a
    schema, so each command works from a fresh install."""
    from hotel_agent.observability.logging import configure_logging

    configure_logging("WARNING", json=settings.log_json)
    _ensure_sqlite_schema(settings)


def _chat(_: argparse.Namespace, settings: Settings) -> int:
    from hotel_agent.cli.chat import run_terminal_chat

    _ensure_sqlite_schema(settings)
    return asyncio.run(run_terminal_chat(settings, sys.stdin, sys.stdout))


if __name__ == "__main__":
    sys.exit(main())
