"""What the dialogue engine works with, built once per process by the runtime."""

from __future__ import annotations

from dataclasses import dataclass

from hotel_agent.bookings.port import BookingLedger
from hotel_agent.dialogue.thresholds import DEFAULTS, Thresholds
from hotel_agent.knowledge import HotelKnowledge
from hotel_agent.knowledge.edits import EditedKnowledge
from hotel_agent.llm.port import LanguageModel
from hotel_agent.nlu.pipeline import Understander
from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import Pms


@dataclass(frozen=True)
class DialogueServices:
    understander: Understander
    pms: Pms
    bookings: BookingLedger
    knowledge: HotelKnowledge  # the knowledge file's, when staff's edits are not looked up
    policy: StayPolicy
    llm: LanguageModel | None = None
    thresholds: Thresholds = DEFAULTS
    # The hotel sends booking e-mails (SMTP is configured): only then are they promised.
    booking_emails: bool = False
    # Staff's edits of the FAQ answers (console): each turn answers with the hotel's current
    # knowledge instead of `knowledge`.
    edited_knowledge: EditedKnowledge | None = None
