"""Liveness, readiness and Prometheus metrics endpoints."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from hotel_agent.db.repositories.inbox import InboxRepository
from hotel_agent.db.repositories.leased_queue import QueueStats
from hotel_agent.db.repositories.outbox import OutboxRepository
from hotel_agent.db.types import utcnow
from hotel_agent.deps import RuntimeDep
from hotel_agent.observability.metrics import DEAD_LETTER_ROWS, QUEUE_DEPTH, QUEUE_OLDEST_AGE
from hotel_agent.runtime import Runtime

log = structlog.get_logger(__name__)
router = APIRouter(tags=["operations"])
CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/health/live", summary="The process is up (no I/O)")
async def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/health/ready",
    summary="Dependencies answer: database, and Redis when configured",
    responses={503: {"description": "A check failed; the body names it"}},
)
async def ready(runtime: RuntimeDep) -> JSONResponse:
    checks: dict[str, dict[str, Any]] = {"database": await _timed(runtime.check_database())}
    if runtime.redis is not None:
        checks["redis"] = await _timed(runtime.check_redis())
    if runtime.settings.pms.check_in_readiness:
        checks["pms"] = await _timed(runtime.check_pms(), runtime.settings.pms.timeout)
    if runtime.runs_turns:
        checks["dialogue"] = (
            {"status": "ok"}
            if runtime.dialogue_ready
            else {"status": "fail", "error": "loading the understanding models"}
        )
    failing = [name for name, check in checks.items() if check["status"] != "ok"]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": checks,
        # No I/O: whether this process currently fails PMS calls fast.
        "pms_breaker": runtime.pms.breaker_state.name.lower(),
    }
    return JSONResponse(body, status_code=503 if failing else 200)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(runtime: RuntimeDep) -> Response:
    try:
        await _refresh_queue_gauges(runtime)
    except Exception as exc:
        # Still serve process metrics when the database is down; the gauges keep old values.
        log.warning("metrics.queue_gauges_failed", error=repr(exc)[:300])
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _timed(check: Any, timeout: float = CHECK_TIMEOUT_SECONDS) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check, timeout)
    except Exception as exc:
        return {"status": "fail", "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


async def _refresh_queue_gauges(runtime: Runtime) -> None:
    async with runtime.sessions() as session:
        inbox = await InboxRepository(session).stats()
        outbox_repo = OutboxRepository(session)
        outbox = await outbox_repo.stats()
        dead = await outbox_repo.dead_letter_count()
    for name, stats in (("inbox", inbox), ("outbox", outbox)):
        QUEUE_DEPTH.labels(name).set(stats.depth)
        QUEUE_OLDEST_AGE.labels(name).set(_age(stats))
    DEAD_LETTER_ROWS.set(dead)


def _age(stats: QueueStats) -> float:
    if stats.oldest is None:
        return 0.0
    return max(0.0, (utcnow() - stats.oldest).total_seconds())
