"""What every task the agent carries to the end offers the engine (`flows/registry.py`).

A task module (booking.py, manage.py) implements these as module functions: the engine never
asks which task is in progress, it asks the task. Adding a task is a new module with these
functions, a `Flow` value in state.py and its entries in the registry.
"""

from __future__ import annotations

from typing import Protocol

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import DialogueState, Flow
from hotel_agent.nlu.types import Entities


class TaskFlow(Protocol):
    def start(self, t: Turn, flow: Flow) -> None:
        """Begin the task afresh (what the guest proved and booked is kept)."""
        ...

    def can_take(self, t: Turn) -> bool:
        """Whether the message plainly answers the question the task just asked (a name, an
        e-mail, an option's number): it is then read as that before anything else."""
        ...

    def take(self, t: Turn) -> bool:
        """Take what the message says for the task: True when it filled or changed something.
        A task that replied itself ("what would you like to change?") is done with it."""
        ...

    async def ask_next(self, t: Turn, services: DialogueServices, *, confirm: bool = False) -> None:
        """Ask for the first thing missing; `confirm`: the guest said yes to the summary."""
        ...

    def reask(self, t: Turn) -> None:
        """The current question again, worded differently."""
        ...

    def miss(self, t: Turn) -> bool:
        """The message answered nothing and the engine understood nothing in it. True when the
        task counted it by its own rule and replied (the room options: other words, then
        reception offered, then a colleague); False leaves it to the engine's unclear rule."""
        ...

    def known_stay(self, state: DialogueState) -> Entities | None:
        """The stay the task holds, which a partial answer ("one more night") completes."""
        ...
