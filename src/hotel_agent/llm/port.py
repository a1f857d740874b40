"""The optional language model, as the dialogue engine sees it.

Both operations return None rather than raising: the model is an aid to understanding and
wording, and the deterministic NLU and catalogue replies are always there to fall back on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class IntentGuess:
    intent: str  # one of the allowed intent names
    topic: str | None  # one of the allowed topics, only when intent == "faq"


class LanguageModel(Protocol):
    async def classify(
        self, text: str, *, language: str, intents: Sequence[str], topics: Sequence[str]
    ) -> IntentGuess | None:
        """The intent (and FAQ topic) of a guest message; None when the model is unavailable
        or answers anything outside the allowed labels."""
        ...

    async def answer_from_facts(
        self, question: str, *, facts: str, language: str, hotel_name: str
    ) -> str | None:
        """A short reply to the guest's question worded from `facts` only; None when the model
        is unavailable, when the facts do not contain the answer, or when the reply fails the
        sanity checks."""
        ...

    async def aclose(self) -> None:
        """Release the connections (the runtime calls it once, at shutdown)."""
        ...
