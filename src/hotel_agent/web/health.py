"""Liveness, readiness and Prometheus metrics endpoints."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.repositories.leased_queue import QueueStats
from hotel_agent.db.repositories.outbox import OutboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.observability.metrics import DEAD_LETTER_ROWS, QUEUE_DEPTH, QUEUE_OLDEST_AGE
from hotel_agent.runtime import Runtime
from hotel_agent.web.bearer import bearer_token, check_bearer_token
from hotel_agent.web.deps import RuntimeDep
from hotel_agent.web.errors import ErrorOut

log = structlog.get_logger(__name__)
router = APIRouter(tags=["operations"])
_OPTIONAL = frozenset({"redis"})  # reported in `degraded`; readiness stays 200 without it


@router.get("/health/live", summary="The process is up (no I/O)")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/health/ready",
    summary="Dependencies answer within HTTP_READY_BUDGET_SECONDS: the database; Redis "
    "(reported, not required); the PMS's breaker and last check when CHECK_PMS_IN_READINESS",
    responses={503: {"description": "A required check failed or timed out; the body names it"}},
)
async def ready(runtime: RuntimeDep) -> JSONResponse:
    body = await readiness(runtime, check_pms=runtime.settings.pms.check_in_readiness)
    return JSONResponse(body, status_code=503 if body["failing"] else 200)


async def readiness(runtime: Runtime, *, check_pms: bool) -> dict[str, Any]:
    """Each dependency's check (status, latency or error), which failed and why, and the PMS
    breaker: `/health/ready`'s body, and the staff console's health page.

    The checks run at once under one budget (HTTP_READY_BUDGET_SECONDS), so a dependency that
    hangs costs the probe the budget, not a timeout per check, and is named as timed out.
    """
    pending: dict[str, Coroutine[Any, Any, None]] = {"database": runtime.check_database()}
    if runtime.redis is not None:
        # Reported, never failing: the rate limits fail open and the PMS cache falls back to
        # this process's memory, so guests are still answered while Redis is away.
        pending["redis"] = runtime.check_redis()
    if check_pms:
        pending["pms"] = runtime.check_pms()  # no PMS call per probe: breaker + last check
    checks = await _run_checks(pending, runtime.settings.http.ready_budget_seconds)
    dialogue = runtime.readiness.dialogue_check()
    if dialogue is not None:
        checks["dialogue"] = dialogue
    down = [name for name, check in checks.items() if check["status"] != "ok"]
    failing = [name for name in down if name not in _OPTIONAL]
    return {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "reason": "; ".join(f"{name}: {checks[name]['error']}" for name in failing) or None,
        "degraded": [name for name in down if name in _OPTIONAL],
        "checks": checks,
        # No I/O: whether this process currently fails PMS calls fast.
        "pms_breaker": runtime.pms.breaker_state.name.lower(),
    }


@dataclass(frozen=True)
class Queue:
    depth: int  # messages waiting or being handled
    oldest_age_seconds: float  # how long the oldest of them has waited (0: none waits)


@dataclass(frozen=True)
class QueueFigures:
    inbox: Queue  # guests' messages to answer
    outbox: Queue  # sends to make
    dead_letters: int  # every dead letter kept (re-sent or not)


async def queue_figures(runtime: Runtime) -> QueueFigures:
    """The queues' depth and oldest wait: `/metrics`' gauges and the console's health page."""
    async with runtime.sessions() as session:
        inbox = await InboxRepository(session).stats()
        outbox_repo = OutboxRepository(session)
        outbox = await outbox_repo.stats()
        dead = await outbox_repo.dead_letter_count()
    return QueueFigures(
        inbox=Queue(inbox.depth, _age(inbox)),
        outbox=Queue(outbox.depth, _age(outbox)),
        dead_letters=dead,
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics (HTTP_METRICS_TOKEN as a bearer token when set)",
    response_class=Response,
    responses={
        401: {"model": ErrorOut, "description": "Missing or wrong bearer token"},
        404: {"model": ErrorOut, "description": "Off: production without HTTP_METRICS_TOKEN"},
    },
)
async def metrics(runtime: RuntimeDep, request: Request) -> Response:
    if not runtime.settings.metrics_open:
        check_bearer_token(
            runtime.settings.http.metrics_token,
            bearer_token(request.headers.get("authorization")),
        )
    try:
        await _refresh_queue_gauges(runtime)
    except Exception as exc:
        # Still serve process metrics when the database is down; the gauges keep old values.
        log.warning("metrics.queue_gauges_failed", error=repr(exc)[:300])
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _run_checks(
    pending: dict[str, Coroutine[Any, Any, None]], budget: float
) -> dict[str, dict[str, Any]]:
    """Run the checks concurrently; those unanswered after `budget` seconds are cancelled and
    reported as timed out."""
    tasks = {name: asyncio.create_task(_timed(check)) for name, check in pending.items()}
    done, late = await asyncio.wait(tasks.values(), timeout=budget)
    for task in late:
        task.cancel()
    late_error = f"timed out: no answer within {budget:g} s"
    return {
        name: task.result() if task in done else {"status": "fail", "error": late_error}
        for name, task in tasks.items()
    }


async def _timed(check: Coroutine[Any, Any, None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await check
    except Exception as exc:
        return {"status": "fail", "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


async def _refresh_queue_gauges(runtime: Runtime) -> None:
    figures = await queue_figures(runtime)
    for name, queue in (("inbox", figures.inbox), ("outbox", figures.outbox)):
        QUEUE_DEPTH.labels(name).set(queue.depth)
        QUEUE_OLDEST_AGE.labels(name).set(queue.oldest_age_seconds)
    DEAD_LETTER_ROWS.set(figures.dead_letters)


def _age(stats: QueueStats) -> float:
    if stats.oldest is None:
        return 0.0
    return max(0.0, (utcnow() - stats.oldest).total_seconds())
