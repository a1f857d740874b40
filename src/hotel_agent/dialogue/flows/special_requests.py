"""Special requests ("we're coming by car", "can we add breakfast?", "necesitamos una cuna"):
kept from any message of the conversation, shown in the booking's summary and passed to the PMS
with the booking as its notes, in the guest's own words. The agent promises nothing more: the
hotel confirms them, and the guest is told so."""

from __future__ import annotations

from hotel_agent.dialogue.context import Turn
from hotel_agent.dialogue.responses import Say
from hotel_agent.dialogue.state import Flow, Step
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.requests import find_requests

# A guest's words passed on are cut here: notes are for staff to read, not a transcript.
_WORDS_MAX_CHARS = 300


def take(t: Turn) -> list[str]:
    """The requests this message makes that were not made before; kept in the state."""
    state = t.state
    new: list[str] = [k for k in find_requests(fold(t.text)) if k not in state.requests]
    if new:
        state.requests.extend(new)
        state.request_words.append(t.text.strip()[:_WORDS_MAX_CHARS])
    return new


def acknowledge(t: Turn, new: list[str]) -> None:
    """ "Noted for the hotel: parking…", when a booking is under way and its summary was not
    just shown (the summary lists them)."""
    state = t.state
    if new and state.flow is Flow.BOOKING and state.step is not Step.CONFIRM and t.replies:
        # Before the booking's question, which stays last: the next message answers it.
        pending = t.replies.pop()
        t.reply(t.say("requests.noted", what=what(t.say, new)))
        t.replies.append(pending)


def summary_line(t: Turn) -> str:
    """The summary's line of requests, "" when there are none."""
    if not t.state.requests:
        return ""
    return "\n" + t.say("requests.line", what=what(t.say, t.state.requests))


def notes(t: Turn, hotel_language: str) -> str | None:
    """The booking's notes for the hotel's staff, in the hotel's language, with the guest's
    own words."""
    state = t.state
    if not state.requests:
        return None
    say = Say(hotel_language)
    words = " / ".join(f"«{said}»" for said in state.request_words)
    return say("requests.notes", what=what(say, state.requests), words=words)


def what(say: Say, kinds: list[str]) -> str:
    return say.together([say(f"requests.kinds.{kind}") for kind in kinds])
