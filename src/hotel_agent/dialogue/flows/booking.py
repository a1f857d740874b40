"""A new booking: dates and party → live offers → choice → name and e-mail → summary → an
explicit yes → the booking in the PMS → the confirmation.

Every turn first takes whatever the message says (several slots at once, corrections at any
step), then `advance` asks for the first thing still missing. So "actually 3 adults" at the
summary searches again and shows a new summary; nothing is written until a yes answers the
summary as shown.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from hotel_agent.channels.port import ListPicker, ListRow, ListSection
from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import CHANGE, HANDOFF, NO, OFFER_PREFIX, YES, Turn
from hotel_agent.dialogue.flows.pms_needs import ages_answer, missing_child_ages, needs_surname
from hotel_agent.dialogue.flows.stay_rules import explain_refusal, merge_entities
from hotel_agent.dialogue.nlu.text import normalize
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import Flow, OfferView, Slots, Step
from hotel_agent.pms.errors import InvalidStay, PmsOutcomeUnknown, RoomUnavailable
from hotel_agent.pms.policy import validate_party_fits, validate_stay
from hotel_agent.pms.port import BookingRequest, GuestDetails, Stay
from hotel_agent.pms.resilience import stale_answers

_OTHER_ROOM = re.compile(
    r"\b(otra habitacion|otro tipo|cambiar (la )?habitacion|other room|another room|"
    r"different room|change (the )?room)\b"
)
_SURE = 0.9  # classifier confidence above which a lower-case reply is not read as a name
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$")
_NOT_NAMES = frozenset({
    "si", "no", "vale", "ok", "hola", "gracias", "yes", "hello", "hi", "thanks", "sure", "perfecto",
    "claro", "bueno", "nada", "nothing", "please", "porfavor", "favor", "hey",
})  # fmt: skip


def start(t: Turn) -> None:
    t.state.reset_flow()
    t.state.flow = Flow.BOOKING
    t.state.step = Step.COLLECT


def consume(t: Turn) -> bool:
    """Take what the message says for this booking. False when it says nothing usable."""
    state = t.state
    entities = t.understanding.entities
    ages = ages_answer(t)
    if ages is not None:
        state.slots.children_ages = ages
        return True
    used = bool(merge_entities(state.slots, entities))
    if entities.email:
        state.guest_email = entities.email
        used = True
    if entities.phone:
        state.guest_phone = entities.phone
        used = True
    full_name = _full_name_answer(t) if needs_surname(t) else None
    if full_name:
        state.guest_name = full_name
        used = True
    elif entities.person_name:
        state.guest_name = entities.person_name
        used = True
    elif state.step is Step.DETAILS and state.guest_name is None:
        name = _bare_name(_without_contact(t.text, entities.email, entities.phone))
        if name:
            state.guest_name = name
            used = True
    if state.step is Step.CHOOSE:
        index = _picked_offer(t)
        if index is not None:
            state.chosen = state.offers[index].room_type_id
            used = True
    elif state.step is Step.CONFIRM and not used and (t.choice in (CHANGE, NO) or t.says_no()):
        t.reply(t.say("booking.what_to_change"))
        state.step = Step.COLLECT
        return True
    if state.step is not Step.CHOOSE and _OTHER_ROOM.search(normalize(t.text)):
        state.chosen = None
        state.slots.room_type = None
        used = True
    offered = any(o.room_type_id == entities.room_type for o in state.offers)
    if entities.room_type and offered and state.step is not Step.CHOOSE:
        # "mejor la suite" at the summary: switch to it.
        state.chosen = entities.room_type
    return used


async def advance(t: Turn, services: DialogueServices, *, confirm: bool = False) -> None:
    """Ask for the first thing missing, or book when the guest said yes to the summary."""
    state = t.state
    slots = state.slots
    try:
        # What is already known is checked now: "del 20 al 18" is refused at once, not after
        # the party has been asked for.
        provisional = provisional_stay(slots, t.today)
        validate_stay(provisional, today=t.today, policy=services.policy)
        if slots.adults is not None and t.room_types:
            validate_party_fits(provisional, t.room_types)
        stay = slots.stay()
    except InvalidStay as error:
        state.step = Step.COLLECT
        state.offers, state.offers_for, state.chosen = [], None, None
        if error.reason == "party_too_big" and _beyond_any_split(slots, t, services):
            # No number of rooms can hold them: a group booking is for reception.
            t.reply(
                t.say("invalid.group", guests=(slots.adults or 0) + (slots.children or 0)),
                buttons=[t.button(HANDOFF, "buttons.talk_to_staff")],
            )
            slots.adults = slots.children = slots.rooms = None
            return
        explain_refusal(t, error, slots)
        return
    if stay is None:
        _ask_stay(t)
        return
    if missing_child_ages(t, stay):
        state.step = Step.COLLECT
        t.reply(t.say("booking.ask_children_ages"))
        return
    if state.offers_for != stay:
        had_choice = state.chosen
        with stale_answers() as stale:
            offers = await services.pms.search(stay)
        state.offers = [
            OfferView(
                room_type_id=o.room_type.id,
                names=o.room_type.names,
                nightly=o.nightly_price,
                total=o.total_price,
                currency=o.currency,
            )
            for o in offers
        ]
        state.offers_for = stay
        if not any(o.room_type_id == state.chosen for o in state.offers):
            state.chosen = None
        if stale:
            t.reply(t.say("booking.stale_prices"))
        if not state.offers:
            t.reply(t.say("booking.none", stay=_stay(t), party=_party(t)))
            slots.check_in = slots.check_out = None
            state.offers_for = None
            state.step = Step.COLLECT
            return
        if had_choice and state.chosen is None:
            t.reply(t.say("booking.choice_gone", room=t.room_name(had_choice)))
    if state.chosen is None:
        requested = slots.room_type
        if requested and any(o.room_type_id == requested for o in state.offers):
            state.chosen = requested
        else:
            if requested:
                t.reply(t.say("booking.requested_unavailable", room=t.room_name(requested)))
                slots.room_type = None
            _show_offers(t)
            return
    if state.guest_name is None or state.guest_email is None:
        _ask_details(t)
        return
    if t.input.message.channel == "whatsapp" and state.guest_phone is None:
        state.guest_phone = "+" + t.input.message.sender_id.lstrip("+")
    # What this PMS refuses a booking without (QloApps: a surname and a phone).
    if needs_surname(t):
        state.step = Step.DETAILS
        t.reply(t.say("booking.ask_surname"))
        return
    if t.hotel is not None and t.hotel.phone_required and state.guest_phone is None:
        state.step = Step.DETAILS
        t.reply(t.say("booking.ask_phone"))
        return
    if confirm:
        await _book(t, services)
        return
    _show_summary(t)


def reask(t: Turn) -> None:
    """The current question again, worded differently (the guest did not understand it)."""
    state = t.state
    if state.step is Step.CHOOSE and state.offers:
        example = state.offers[0].name(t.language).lower()
        t.reply(t.say("booking.choose_again", example=example))
        _show_offers(t, intro=False)
    elif state.step is Step.DETAILS:
        t.reply(t.say("booking.details_again"))
    elif state.step is Step.CONFIRM:
        t.reply(
            t.say("booking.confirm_again"),
            buttons=[t.button(YES, "buttons.confirm_booking"), t.button(CHANGE, "buttons.change")],
        )
    else:
        t.reply(t.say("booking.stay_again"))


async def _book(t: Turn, services: DialogueServices) -> None:
    state = t.state
    stay = state.slots.stay()
    assert stay is not None
    assert state.chosen
    assert state.guest_name
    assert state.guest_email
    message = t.input.message
    request = BookingRequest(
        stay=stay,
        room_type_id=state.chosen,
        guest=GuestDetails(name=state.guest_name, email=state.guest_email, phone=state.guest_phone),
        # The guest's "yes" message: a retried turn or a redelivered webhook books nothing new.
        idempotency_key=f"turn:{message.channel}:{message.provider_message_id}",
    )
    try:
        booking = await services.bookings.book(
            request, hotel_id=t.input.hotel.id, conversation_id=t.input.conversation_id
        )
    except RoomUnavailable:
        t.reply(t.say("booking.room_taken", room=t.room_name(state.chosen)))
        state.chosen = None
        state.offers_for = None
        await advance(t, services)
        return
    except PmsOutcomeUnknown:
        t.reply(t.say("handoff.booking_unknown"))
        t.hand_off("booking_outcome_unknown")
        return
    except InvalidStay as error:
        explain_refusal(t, error, state.slots)
        if error.reason == "child_ages":
            state.slots.children_ages = []
        if error.reason in {"email", "name", "phone"}:
            state.guest_email = None if error.reason == "email" else state.guest_email
            state.guest_name = None if error.reason == "name" else state.guest_name
            state.guest_phone = None if error.reason == "phone" else state.guest_phone
        state.step = Step.COLLECT
        return
    check_in_time = t.say.clock(t.hotel.check_in_time) if t.hotel else "15:00"
    t.reply(
        t.say(
            "booking.confirmed",
            reference=booking.reference,
            room=t.room_name(booking.room_type_id),
            stay=t.stay_text(booking.stay),
            party=t.party_text(booking.stay),
            total=t.say.money(booking.total_price, booking.currency),
            email=booking.guest.email,
            check_in_time=check_in_time,
            hotel=t.hotel_name,
        )
    )
    state.reset_flow()
    state.my_bookings.append(booking.pms_id)


def provisional_stay(slots: Slots, today: date) -> Stay:
    """The stay as known so far, unknown parts filled with values no rule refuses, so that the
    agent's policy (`validate_stay`) judges what the guest did say."""
    check_in = slots.check_in or (
        slots.check_out - timedelta(days=1) if slots.check_out else today + timedelta(days=1)
    )
    check_out = slots.check_out or check_in + timedelta(days=1)
    return Stay(
        check_in=check_in,
        check_out=check_out,
        adults=1 if slots.adults is None else slots.adults,
        children=slots.children or 0,
        rooms=slots.rooms or 1,
    )


def _beyond_any_split(slots: Slots, t: Turn, services: DialogueServices) -> bool:
    largest = max((rt.max_guests for rt in t.room_types), default=0)
    guests = (slots.adults or 0) + (slots.children or 0)
    return guests > largest * services.policy.max_rooms


def _ask_stay(t: Turn) -> None:
    slots = t.state.slots
    t.state.step = Step.COLLECT
    if slots.check_in is None and slots.check_out is None:
        key = "booking.ask_dates_and_guests" if slots.adults is None else "booking.ask_dates"
        t.reply(t.say(key))
    elif slots.check_in is None:
        t.reply(t.say("booking.ask_check_in"))
    elif slots.check_out is None:
        t.reply(t.say("booking.ask_check_out", check_in=t.say.day(slots.check_in, today=t.today)))
    else:
        t.reply(t.say("booking.ask_guests"))


def _ask_details(t: Turn) -> None:
    state = t.state
    state.step = Step.DETAILS
    if state.guest_name is None and state.guest_email is None:
        t.reply(t.say("booking.ask_name_and_email", room=t.room_name(state.chosen or "")))
    elif state.guest_name is None:
        t.reply(t.say("booking.ask_name"))
    else:
        t.reply(t.say("booking.ask_email"))


def _show_offers(t: Turn, *, intro: bool = True) -> None:
    state = t.state
    state.step = Step.CHOOSE
    rows = []
    lines = []
    for n, offer in enumerate(state.offers, 1):
        name = offer.name(t.language)
        prices = t.say(
            "booking.offer_prices",
            nightly=t.say.money(offer.nightly, offer.currency),
            total=t.say.money(offer.total, offer.currency),
        )
        lines.append(f"{n}. {name}: {prices}")
        rows.append(
            ListRow(
                id=f"{OFFER_PREFIX}{offer.room_type_id}",
                title=name,
                description=prices,
            )
        )
    text = "\n".join(lines)
    if intro:
        text = t.say("booking.offers", stay=_stay(t), party=_party(t)) + "\n\n" + text
    text += "\n\n" + t.say("booking.which_one")
    picker = ListPicker(button=t.say("buttons.see_rooms"), sections=[ListSection(rows=rows)])
    if t.input.supports_rich:
        t.reply(text, list_picker=picker)
    else:
        t.reply(text)


def _show_summary(t: Turn) -> None:
    state = t.state
    offer = next(o for o in state.offers if o.room_type_id == state.chosen)
    state.step = Step.CONFIRM
    t.reply(
        t.say(
            "booking.summary",
            room=offer.name(t.language),
            stay=_stay(t),
            party=_party(t),
            name=state.guest_name,
            email=state.guest_email,
            total=t.say.money(offer.total, offer.currency),
        ),
        buttons=[t.button(YES, "buttons.confirm_booking"), t.button(CHANGE, "buttons.change")],
    )


def _picked_offer(t: Turn) -> int | None:
    offers = t.state.offers
    if t.choice and t.choice.startswith(OFFER_PREFIX):
        wanted = t.choice.removeprefix(OFFER_PREFIX)
        return next((i for i, o in enumerate(offers) if o.room_type_id == wanted), None)
    wanted_type = t.understanding.entities.room_type
    if wanted_type:
        found = next((i for i, o in enumerate(offers) if o.room_type_id == wanted_type), None)
        if found is not None:
            return found
    index = choices.pick_index(t.text, len(offers))
    if index is None:
        index = choices.pick_by_price(t.text, [o.total for o in offers])
    return index


def answers_question(t: Turn) -> bool:
    """Whether the message plainly answers the question just asked (an e-mail, a capitalised
    name, an option's number): then it is read as that answer before anything else, so that
    "Pilar Vega, pilar@example.com" is a name and not a question about housekeeping."""
    state = t.state
    entities = t.understanding.entities
    if ages_answer(t) is not None:
        return True
    if state.step is Step.DETAILS:
        if entities.email or entities.person_name or entities.phone:
            return True
        if needs_surname(t) and _full_name_answer(t):
            return True
        typed = _without_contact(t.text, entities.email, entities.phone)
        if state.guest_name is not None or _bare_name(typed) is None:
            return False
        words = typed.split()
        # A capitalised name is one; in lower case ("pilar vega") two words or more, unless
        # the classifier is sure it is something else ("hablar con recepción").
        capitalised = all(word[:1].isupper() for word in words)
        return capitalised or (len(words) >= 2 and t.understanding.confidence < _SURE)
    if state.step is Step.CHOOSE:
        return _picked_offer(t) is not None
    return False


def _full_name_answer(t: Turn) -> str | None:
    """The full name once the surname just asked for is given: "Sarkisian" after "Cher", or
    "Cher Sarkisian" again. None when the message gives no surname."""
    entities = t.understanding.entities
    said = entities.person_name or _bare_name(
        _without_contact(t.text, entities.email, entities.phone)
    )
    first = t.state.guest_name or ""
    if not said or said.lower() == first.lower():
        return None
    return said if said.split()[0].lower() == first.lower() else f"{first} {said}"


def _bare_name(text: str) -> str | None:
    """A reply that is only a name ("Ana García Pérez"), when we just asked for one."""
    words = text.strip().split()
    if not 1 <= len(words) <= 5:
        return None
    if not all(_NAME_WORD.match(word) for word in words):
        return None
    if any(normalize(word) in _NOT_NAMES for word in words):
        return None
    return " ".join(word if word[:1].isupper() else word.capitalize() for word in words)


def _without_contact(text: str, email: str | None, phone: str | None) -> str:
    """ "Ana García, ana@example.com" → "Ana García"."""
    for value in (email, phone):
        if value:
            text = text.replace(value, " ")
    text = re.sub(r"\S+@\S+|\+?\d[\d\s().-]{5,}", " ", text)
    return re.sub(r"[,;:/]+|\b(y|and)\b\s*$", " ", text).strip(" .")


def _stay(t: Turn) -> str:
    slots = t.state.slots
    assert slots.check_in
    assert slots.check_out
    return t.say.stay(slots.check_in, slots.check_out, today=t.today)


def _party(t: Turn) -> str:
    slots = t.state.slots
    return t.say.party(slots.adults or 1, slots.children or 0, slots.rooms or 1)
