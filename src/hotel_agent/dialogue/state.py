"""The dialogue's memory of one conversation, kept as JSON in `conversations.state`.

Only what the next turn needs: the flow and its step, the stay being collected, the offers
shown (so "the second one" means what the guest saw), the booking being managed, and which
bookings this conversation made (a guest may manage those without proving anything more).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from hotel_agent.nlu.types import Holiday
from hotel_agent.pms.port import Stay

# What a conversation keeps across tasks: what the guest booked here and what they proved,
# and that they were told how their personal data is used (told once per conversation).
_PROOFS = ("my_bookings", "verified_emails", "proven_bookings", "privacy_noticed")


class Flow(StrEnum):
    BOOKING = "booking"
    MODIFY = "modify"
    CANCEL = "cancel"
    STATUS = "status"


class Step(StrEnum):
    COLLECT = "collect"  # dates and party
    CHOOSE = "choose"  # an offer, or one of several bookings
    DETAILS = "details"  # the guest's name and e-mail
    CONFIRM = "confirm"  # the summary is shown: only an explicit yes writes to the PMS
    FIND = "find"  # a booking reference and/or e-mail
    CHANGE = "change"  # what to change in a booking


class Slots(BaseModel):
    check_in: date | None = None
    check_out: date | None = None
    adults: int | None = None
    children: int | None = None
    children_ages: list[int] = Field(default_factory=list)
    rooms: int | None = None
    room_type: str | None = None  # the type the guest asked for by name
    # "4 nights for 2 adults" before any day: the length, until a day fixes the stay.
    nights: int | None = None
    event_day: date | None = None  # "the wedding is on 17 April": the nights are around it
    holiday: Holiday | None = None  # "para carnaval": the nights are around its days

    def stay(self) -> Stay | None:
        if self.check_in is None or self.check_out is None or self.adults is None:
            return None
        return Stay(
            check_in=self.check_in,
            check_out=self.check_out,
            adults=self.adults,
            children=self.children or 0,
            rooms=self.rooms or 1,
            child_ages=self.children_ages if self.children else [],
        )


class RoomView(BaseModel):
    """One room of an offer of several rooms: its type, who sleeps there, its price."""

    room_type_id: str
    names: dict[str, str]
    adults: int
    children: int = 0
    child_ages: list[int] = Field(default_factory=list)
    total: Decimal  # this room, whole stay

    def name(self, language: str) -> str:
        return self.names.get(language) or next(iter(self.names.values()))


class RoomAsk(BaseModel):
    """A room the guest asked for: its type (None once that type proved unable to take it),
    and who sleeps there (adults None until known)."""

    room_type: str | None = None
    adults: int | None = None
    children: int = 0
    child_ages: list[int] = Field(default_factory=list)


class OfferView(BaseModel):
    """An offer as shown to the guest: one room type, or a set of rooms booked together
    (`rooms`; then `room_type_id` names the set: "DBL+IND", or "DBL" for rooms of one type)."""

    room_type_id: str
    names: dict[str, str]
    nightly: Decimal
    total: Decimal
    currency: str
    rooms: list[RoomView] = Field(default_factory=list)

    def name(self, language: str) -> str:
        return self.names.get(language) or next(iter(self.names.values()))


class Picked(BaseModel):
    """The offer the guest picked, as shown: the summary restates any difference from it."""

    room_type_id: str
    stay: Stay | None
    total: Decimal
    currency: str


class ChoiceView(BaseModel):
    """A button or list row shown to the guest."""

    id: str
    title: str


class DialogueState(BaseModel):
    flow: Flow | None = None
    step: Step | None = None
    slots: Slots = Field(default_factory=Slots)
    offers: list[OfferView] = Field(default_factory=list)
    offers_for: Stay | None = None  # the stay the offers were searched for
    chosen: str | None = None  # room type id
    picked: Picked | None = None
    # The rooms the guest named, each with its type and (once known) its guests: "a double
    # and a single", "a family room for 2 adults and 2 kids plus a double for the grandparents".
    rooms_asked: list[RoomAsk] = Field(default_factory=list)
    guest_name: str | None = None
    guest_email: str | None = None
    guest_phone: str | None = None
    # The e-mail channel's sender address was taken as guest_email (once per task: if the PMS
    # refuses it, the guest is asked for another).
    sender_email_taken: bool = False
    booking_id: str | None = None  # PMS id of the booking being changed / cancelled
    booking_ref: str | None = None  # what the guest quoted
    candidates: list[str] = Field(default_factory=list)  # PMS ids to choose from
    change: Slots | None = None  # the change being confirmed
    # What the guest said of the change before the booking's stay was known ("one more night,
    # leave on Monday"): read again against that stay once it is.
    change_said: list[str] = Field(default_factory=list)
    misunderstood: int = 0  # unclear answers in a row
    my_bookings: list[str] = Field(default_factory=list)  # PMS ids booked in this chat
    verified_emails: list[str] = Field(default_factory=list)  # e-mails the guest proved
    # PMS ids of bookings the guest proved (reference + e-mail): "cancel it" then needs no proof.
    proven_bookings: list[str] = Field(default_factory=list)
    last_choices: list[ChoiceView] = Field(default_factory=list)  # options of the last reply
    privacy_noticed: bool = False  # the privacy notice was said before asking for personal data
    # Special requests for the stay ("parking", "cot"…) and the guest's words that made them:
    # passed to the PMS with the booking (`special_requests`).
    requests: list[str] = Field(default_factory=list)
    request_words: list[str] = Field(default_factory=list)
    # The stay whose offers the guest turned down ("too pricey, no thanks"): other dates said
    # next ("and from the 17th to the 19th?") are read beside it and searched for its party.
    turned_down: Slots | None = None

    @classmethod
    def load(cls, raw: dict[str, Any]) -> DialogueState:
        """The state of the previous turn; a state from an older version starts afresh
        (keeping what proves ownership) rather than failing every turn of the conversation."""
        try:
            return cls.model_validate(raw)
        except ValidationError:
            keep = {k: raw[k] for k in _PROOFS if k in raw}
            try:
                return cls.model_validate(keep)
            except ValidationError:
                return cls()

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=True)

    def reset_flow(self) -> None:
        """Forget the task in progress, keep what the guest proved and booked."""
        fresh = DialogueState(**{name: getattr(self, name) for name in _PROOFS})
        for name in type(self).model_fields:
            setattr(self, name, getattr(fresh, name))
