"""What this process can do right now beyond its dependencies: the background loops tell it,
`/health/ready` reads it. One object, so the runtime itself holds no flags that change."""

from __future__ import annotations

import asyncio


class Readiness:
    def __init__(self) -> None:
        self._runs_turns = False
        self._dialogue_loaded = False
        self._turns_ready = asyncio.Event()

    def runs_turns(self) -> None:
        """This process runs dialogue turns: readiness waits for the understanding models."""
        self._runs_turns = True

    def dialogue_loaded(self) -> None:
        """The understanding models are loaded: the first turn is answered at full speed."""
        self._dialogue_loaded = True
        self._turns_ready.set()

    @property
    def running_turns(self) -> bool:
        return self._runs_turns

    async def turns_ready(self) -> None:
        """Wait until a guest's message would really be answered (the "ready" log line)."""
        await self._turns_ready.wait()

    def dialogue_check(self) -> dict[str, str] | None:
        """The readiness check of the dialogue; None where this process runs no turns."""
        if not self._runs_turns:
            return None
        if self._dialogue_loaded:
            return {"status": "ok"}
        return {"status": "fail", "error": "loading the understanding models"}
