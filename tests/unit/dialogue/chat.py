"""The dialogue engine on in-memory fakes: one conversation, turn by turn, without a database.

The NLU is the real one (the shared trained classifier); a test may fix the intent and its
confidence of one message (`read_as`) to place it exactly on either side of a threshold.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotel_agent.channels.port import InboundMessage, Media
from hotel_agent.channels.traits import ChannelTraits
from hotel_agent.dialogue.engine import Engine
from hotel_agent.dialogue.port import HotelInfo, TurnInput, TurnOutput
from hotel_agent.dialogue.responses import Say
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.knowledge.hotel import HotelKnowledge
from hotel_agent.knowledge.loading import DEMO_KNOWLEDGE_FILE, load_knowledge
from hotel_agent.llm.port import IntentGuess
from hotel_agent.nlu.intents import shared_classifier
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.nlu.types import Intent, Understanding
from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL
from tests.fakes.memory_ledger import MemoryLedger
from tests.fakes.memory_pms import MemoryPms

ZONE = ZoneInfo(DEMO_HOTEL.timezone)
# A Monday in March: "del 10 al 12 de abril" is weeks ahead, inside every policy.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZONE)
HOTEL = HotelInfo(
    id=1, slug="demo", name=DEMO_HOTEL.name, timezone=DEMO_HOTEL.timezone, default_language="es"
)
_KNOWLEDGE = load_knowledge(DEMO_KNOWLEDGE_FILE)
_ids = itertools.count(1)


class ReadAs(Understander):
    """The real understanding, with the intent and confidence of the next message fixed."""

    def __init__(self) -> None:
        super().__init__(shared_classifier())
        self.next: tuple[Intent, float] | None = None

    def understand(self, text: str, **kwargs: Any) -> Understanding:
        understood = super().understand(text, **kwargs)
        if self.next is not None:
            understood.intent, understood.confidence = self.next
            self.next = None
        return understood


@dataclass
class ScriptedModel:
    """A language model that labels every message it is asked about as `intent`."""

    intent: str
    topic: str | None = None
    asked: list[str] = field(default_factory=list)

    async def classify(
        self, text: str, *, language: str, intents: Sequence[str], topics: Sequence[str]
    ) -> IntentGuess | None:
        self.asked.append(text)
        return IntentGuess(intent=self.intent, topic=self.topic)

    async def answer_from_facts(
        self, question: str, *, facts: str, language: str, hotel_name: str
    ) -> str | None:
        return None

    async def aclose(self) -> None:
        return None


@dataclass
class Chat:
    """One guest's conversation with the engine."""

    pms: MemoryPms = field(default_factory=lambda: MemoryPms(today=NOW.date))
    llm: ScriptedModel | None = None
    understander: ReadAs = field(default_factory=ReadAs)
    state: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    guest_name: str | None = "Ana"
    traits: ChannelTraits = field(default_factory=lambda: ChannelTraits(rich_replies=True))
    knowledge: HotelKnowledge = _KNOWLEDGE
    ledger: MemoryLedger = field(init=False)
    engine: Engine = field(init=False)

    def __post_init__(self) -> None:
        self.ledger = MemoryLedger(self.pms)
        services = DialogueServices(
            understander=self.understander,
            pms=self.pms,
            bookings=self.ledger,
            knowledge=self.knowledge,
            policy=StayPolicy(),
            llm=self.llm,
        )
        self.engine = Engine(services, clock=lambda zone: NOW.astimezone(zone))

    async def send(
        self,
        text: str = "",
        *,
        choice: str | None = None,
        read_as: tuple[Intent, float] | None = None,
        kind: str = "text",
        media: Media | None = None,
        message_id: str | None = None,
    ) -> TurnOutput:
        self.understander.next = read_as
        message = InboundMessage(
            channel="webchat",
            provider_message_id=message_id or f"m{next(_ids)}",
            sender_id="guest-1",
            type=kind,
            text=text,
            choice_id=choice,
            media=media,
            timestamp=NOW,
        )
        out = await self.engine.handle(
            TurnInput(
                hotel=HOTEL,
                conversation_id=1,
                message=message,
                language=self.language,
                state=self.state,
                guest_name=self.guest_name,
                supports_rich=self.traits.rich_replies,
                inline_choices=self.traits.inline_choices,
            )
        )
        self.state, self.language = out.state, out.language
        return out


def said(out: TurnOutput, key: str, language: str = "es") -> bool:
    """Whether a reply says the catalogue text of `key` (its fixed part, before any value)."""
    fixed = Say(language)(key).split("{")[0].strip()
    return any(fixed in reply.text for reply in out.replies)


def text_of(out: TurnOutput) -> str:
    return "\n".join(reply.text for reply in out.replies)


def april(day: int) -> date:
    return date(2026, 4, day)
