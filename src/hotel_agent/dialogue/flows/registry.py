"""Which task module carries each flow, and which intent starts it."""

from __future__ import annotations

from hotel_agent.dialogue.flows import booking, manage
from hotel_agent.dialogue.flows.port import TaskFlow
from hotel_agent.dialogue.state import DialogueState, Flow
from hotel_agent.nlu.types import Intent

TASKS: dict[Flow, TaskFlow] = {
    Flow.BOOKING: booking,
    Flow.MODIFY: manage,
    Flow.CANCEL: manage,
    Flow.STATUS: manage,
}
STARTED_BY: dict[Intent, Flow] = {
    Intent.NEW_BOOKING: Flow.BOOKING,
    Intent.MODIFY_BOOKING: Flow.MODIFY,
    Intent.CANCEL_BOOKING: Flow.CANCEL,
    Intent.BOOKING_STATUS: Flow.STATUS,
}


def task_in_progress(state: DialogueState) -> TaskFlow | None:
    return TASKS[state.flow] if state.flow is not None else None
