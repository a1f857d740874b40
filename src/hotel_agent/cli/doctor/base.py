"""What every doctor check shares: how it reports (ok, a warning, a failure with its fix),
what it is given, and how a peer's exception becomes one line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from hotel_agent.settings import Settings

# A check that waits longer than this on a network peer reports it as unreachable.
TIMEOUT_SECONDS = 10.0


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


def describe(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {TIMEOUT_SECONDS:.0f} s"
    message = first_line(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def first_line(exc: BaseException) -> str:
    """Drivers' messages run over lines; doctor prints one line per check."""
    return (str(exc).strip().splitlines() or [""])[0]


async def run_check(check: Check, ctx: Context) -> Result:
    try:
        message = await check.run(ctx)
    except CheckWarning as exc:
        return Result(check.name, Status.WARN, exc.problem, exc.fix)
    except CheckFailed as exc:
        lenient = check.external and not ctx.production
        return Result(check.name, Status.WARN if lenient else Status.FAIL, exc.problem, exc.fix)
    return Result(check.name, Status.OK, message)
