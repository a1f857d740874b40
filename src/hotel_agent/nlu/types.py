"""What understanding one message yields. Its JSON form is the `hotel-agent nlu` contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal


class Intent(StrEnum):
    GREET = "greet"
    GOODBYE = "goodbye"
    THANKS = "thanks"
    AFFIRM = "affirm"
    DENY = "deny"
    NEW_BOOKING = "new_booking"
    MODIFY_BOOKING = "modify_booking"
    CANCEL_BOOKING = "cancel_booking"
    BOOKING_STATUS = "booking_status"
    FAQ = "faq"
    HANDOFF = "handoff"
    COMPLAINT = "complaint"
    UNKNOWN = "unknown"


class Topic(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    BREAKFAST = "breakfast"
    RESTAURANT = "restaurant"
    PARKING = "parking"
    PETS = "pets"
    WIFI = "wifi"
    POOL = "pool"
    GYM = "gym"
    SPA = "spa"
    ACCESSIBILITY = "accessibility"
    ROOM_AMENITIES = "room_amenities"
    HOUSEKEEPING = "housekeeping"
    ROOM_SERVICE = "room_service"
    LOCATION = "location"
    PAYMENT = "payment"
    CANCELLATION_POLICY = "cancellation_policy"
    OTHER = "other"


HolidayName = Literal["carnival", "holy_week", "easter", "december_bridge"]


@dataclass(frozen=True)
class Holiday:
    """A holiday said by name: where in the text, which, and its days, first to last."""

    start: int
    end: int
    name: HolidayName
    first: date
    last: date


@dataclass
class Entities:
    """Slots found in one message; None means "not said"."""

    check_in: date | None = None
    check_out: date | None = None
    nights: int | None = None
    adults: int | None = None
    children: int | None = None
    children_ages: list[int] = field(default_factory=list)
    rooms: int | None = None
    # People were mentioned without a sure count ("me and some friends", "my wife and kids"):
    # adults and children are left None and the dialogue asks rather than guess a party.
    party_uncertain: bool = False
    # rooms is 1 only because a room was named with an article ("is there a room with a
    # balcony?"): it answers "how many rooms?" but does not undo "2 rooms" said before.
    # Not part of the `hotel-agent nlu` line.
    rooms_implied: bool = False
    room_type: str | None = None  # a room type id of the hotel
    person_name: str | None = None
    email: str | None = None
    phone: str | None = None
    booking_ref: str | None = None
    # A day its month lacks ("31 de febrero") and no usable date: the guest is told why.
    # Not part of the `hotel-agent nlu` line.
    impossible_date: bool = False
    # The day of the event the guest comes for ("the wedding is on 17 April"): no stay date.
    # Not part of the `hotel-agent nlu` line.
    event_day: date | None = None
    # A holiday the guest comes for by name ("el finde largo de carnaval"): its days, no stay.
    # Not part of the `hotel-agent nlu` line.
    holiday: Holiday | None = None


@dataclass
class Understanding:
    text: str
    language: str  # "es" | "en"
    intent: Intent
    topic: Topic | None  # only for Intent.FAQ
    confidence: float
    entities: Entities = field(default_factory=Entities)

    def to_json(self) -> dict[str, Any]:
        """The stable `hotel-agent nlu` line: dates as YYYY-MM-DD, absent values as null."""
        entities = asdict(self.entities)
        entities.pop("children_ages")
        entities.pop("impossible_date")
        entities.pop("event_day")
        entities.pop("holiday")
        entities.pop("rooms_implied")
        for key in ("check_in", "check_out"):
            value = entities[key]
            entities[key] = value.isoformat() if value is not None else None
        return {
            "text": self.text,
            "language": self.language,
            "intent": self.intent.value,
            "topic": self.topic.value if self.intent is Intent.FAQ and self.topic else None,
            **entities,
            "confidence": round(self.confidence, 4),
        }
