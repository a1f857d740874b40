"""One turn in progress: what the guest said and meant, the state, and the replies so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hotel_agent.channels.port import Button, ListPicker, OutboundMessage
from hotel_agent.dialogue import choices
from hotel_agent.dialogue.port import TurnInput
from hotel_agent.dialogue.responses import Say
from hotel_agent.dialogue.state import ChoiceView, DialogueState, Step
from hotel_agent.dialogue.thresholds import DEFAULTS, Thresholds
from hotel_agent.nlu.entities.room_types import RoomTypeName
from hotel_agent.nlu.types import Intent, Understanding
from hotel_agent.pms.port import HotelProfile, RoomType, Stay

# Ids of the buttons the engine offers; a typed answer works as well.
YES = "yes"
NO = "no"
CHANGE = "change"
HANDOFF = "handoff"
BOOK = "book"
MY_BOOKING = "my_booking"
OFFER_PREFIX = "offer:"
BOOKING_PREFIX = "booking:"


@dataclass
class Turn:
    input: TurnInput
    understanding: Understanding
    state: DialogueState
    say: Say
    now: datetime  # in the hotel's time zone
    hotel: HotelProfile | None  # None when the PMS could not tell
    room_types: list[RoomType]
    room_type_names: tuple[RoomTypeName, ...] = ()  # as guests may name them
    thresholds: Thresholds = DEFAULTS
    # The option the guest picked: tapped, or typed as its number or its title.
    choice: str | None = None
    replies: list[OutboundMessage] = field(default_factory=list)
    handoff_reason: str | None = None
    unclear_before: int = 0  # unclear messages in a row before this one
    resuming: bool = False  # the task is taken up again after a question was answered
    party_unsure: bool = False  # the guest spoke of people but the count is not sure
    # The message gave a name, e-mail or phone not known before: at the option step that is
    # progress (needed for the booking), not a miss.
    gave_details: bool = False
    # Said by the task before its next question: a `take` that explains what it did with the
    # message (replying there would end the turn before that question).
    said_first: list[str] = field(default_factory=list)
    greeted: bool = False  # the greeting is said at most once a turn
    step_before: Step | None = None  # the step the conversation was at before this message
    privacy_notice: str = ""  # said before the first question for personal data (privacy.py)

    @property
    def language(self) -> str:
        return self.say.language

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def text(self) -> str:
        return self.input.message.text

    @property
    def write_key(self) -> str:
        """The idempotency key of a PMS write made on this message (the guest's "yes"): a
        retried turn or a redelivered webhook writes nothing new."""
        message = self.input.message
        return f"turn:{message.channel}:{message.provider_message_id}"

    def remember_choices(self) -> None:
        """Keep the options of this turn's last reply that had any, so that "3" or "Hablar
        con recepción" typed next picks one (plain-text channels show them numbered)."""
        offered: list[ChoiceView] = []
        for reply in self.replies:
            rows = reply.list_picker.rows() if reply.list_picker else []
            options = [ChoiceView(id=b.id, title=b.title) for b in reply.buttons]
            options += [ChoiceView(id=r.id, title=r.title) for r in rows]
            if options:
                offered = options
        if self.state.step is Step.CHOOSE and self.state.offers:
            # While the room options are the question, "2" is the second room, even when the
            # last reply's only button was "talk to reception" (which "1" used to pick).
            offered = [
                ChoiceView(id=f"{OFFER_PREFIX}{o.room_type_id}", title=o.name(self.language))
                for o in self.state.offers
            ]
        self.state.last_choices = offered

    def notice_privacy(self) -> None:
        """Say how personal data is used, once per conversation, before the agent first asks
        for a name, an e-mail or a phone number."""
        if self.state.privacy_noticed or not self.privacy_notice:
            return
        self.reply(self.privacy_notice)
        self.state.privacy_noticed = True

    @property
    def hotel_name(self) -> str:
        return self.hotel.name if self.hotel else self.input.hotel.name

    def says_yes_to_summary(self) -> bool:
        """A plain yes (tap or typed) to the summary the guest was shown: the only thing that
        lets a flow write to the PMS."""
        if self.state.step is not Step.CONFIRM:
            return False
        return self.choice == YES or (
            self.choice is None
            and (self.understanding.intent is Intent.AFFIRM or choices.is_yes(self.text))
        )

    def introduces_self(self) -> bool:
        """ "me llamo Ana López", "my name is Tom": a name, never a request for a person (the
        classifier reads "llamar" as "call me"), unless a person is asked for in words too."""
        named = self.understanding.entities.person_name is not None
        return named and not choices.wants_a_person(self.text)

    def says_no(self) -> bool:
        return self.understanding.intent is Intent.DENY or choices.is_no(self.text)

    def stay_text(self, stay: Stay) -> str:
        """ "del martes 15 al viernes 18 de diciembre (3 noches)" in the guest's language."""
        return self.say.stay(stay.check_in, stay.check_out, today=self.today)

    def party_text(self, stay: Stay) -> str:
        return self.say.party(stay.adults, stay.children, stay.rooms)

    def reply(
        self,
        text: str,
        *,
        buttons: list[Button] | None = None,
        list_picker: ListPicker | None = None,
    ) -> None:
        self.replies.append(
            OutboundMessage(text=text, buttons=buttons or [], list_picker=list_picker)
        )

    def offer_choices(
        self,
        picker: ListPicker,
        numbered: list[str],
        *,
        lead: str = "",
        listed_lead: str | None = None,
        question: str = "",
    ) -> None:
        """Options to pick from, shown once: as the channel's list where it shows one on screen
        (`listed_lead` introduces it there, when the lead would point at lines not in the text),
        else numbered in the text, with the list behind a button where the channel has one."""
        rich = self.input.supports_rich
        inline = rich and self.input.inline_choices
        lines = "\n".join(f"{n}. {line}" for n, line in enumerate(numbered, 1))
        if inline:
            parts = [lead if listed_lead is None else listed_lead, question]
        else:
            parts = [lead, lines, question]
        self.replies.append(
            OutboundMessage(
                text="\n\n".join(part for part in parts if part),
                list_picker=picker if rich else None,
                choices_in_text=not inline,
            )
        )

    def button(self, id_: str, key: str) -> Button:
        return Button(id=id_, title=self.say(key))

    def hand_off(self, reason: str) -> None:
        """Staff take the conversation from here: the bot stays silent until handed back."""
        self.handoff_reason = reason
        self.state.reset_flow()

    def room_name(self, room_type_id: str) -> str:
        for room_type in self.room_types:
            if room_type.id == room_type_id:
                return room_type.name(self.language)
        for offer in self.state.offers:
            if offer.room_type_id == room_type_id:
                return offer.name(self.language)
        return room_type_id
