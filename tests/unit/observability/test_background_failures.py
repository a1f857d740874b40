"""A background task of the runtime that dies says so in the log at once (found running the
image: a model that failed to load left the container "not ready" without a word)."""

from __future__ import annotations

import asyncio

from structlog.testing import capture_logs

from hotel_agent.runtime import report_failure


async def test_a_failed_task_is_logged_with_its_name_and_error() -> None:
    async def fails() -> None:
        raise PermissionError("the model file is not readable")

    task = asyncio.create_task(fails(), name="workers")
    with capture_logs() as logs:
        await asyncio.wait([task])
        report_failure(task)
    assert [(entry["event"], entry["log_level"], entry["task"]) for entry in logs] == [
        ("background_task_failed", "error", "workers")
    ]
    assert isinstance(logs[0]["exc_info"], PermissionError)


async def test_finished_and_cancelled_tasks_log_nothing() -> None:
    async def works() -> None:
        return None

    done = asyncio.create_task(works())
    cancelled = asyncio.create_task(asyncio.sleep(60))
    cancelled.cancel()
    with capture_logs() as logs:
        await asyncio.wait([done, cancelled])
        report_failure(done)
        report_failure(cancelled)
    assert logs == []
