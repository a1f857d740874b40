"""How the long-running processes (`serve`, `worker`) run their event loop."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_event_loop(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on uvloop when it is installed (a dependency of the agent on Linux
    and macOS): its loop and transports cost about half the CPU of asyncio's per request."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def freeze_startup_objects() -> None:
    """Move everything built at start-up (modules, models, the app) out of the garbage
    collector's sight: collections then only walk what requests allocate, instead of the
    hundreds of thousands of long-lived objects, on every full pass."""
    gc.collect()
    gc.freeze()
