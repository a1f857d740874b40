"""A new booking: dates and party → live offers → choice → name and e-mail → summary → an
explicit yes → the booking in the PMS → the confirmation.

Every turn first takes whatever the message says (several slots at once, corrections at any
step), then `ask_next` asks for the first thing still missing. So "actually 3 adults" at the
summary searches again and shows a new summary; nothing is written until a yes answers the
summary as shown.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import CHANGE, HANDOFF, NO, YES, Turn
from hotel_agent.dialogue.flows import multi_room, party, room_request, special_requests
from hotel_agent.dialogue.flows import offers as offer_step
from hotel_agent.dialogue.flows.guest_details import bare_name, name_part
from hotel_agent.dialogue.flows.pms_needs import ages_answer, missing_child_ages, needs_surname
from hotel_agent.dialogue.flows.stay_rules import as_entities, explain_refusal, merge_entities
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import DialogueState, Flow, OfferView, Slots, Step
from hotel_agent.nlu.text import normalize
from hotel_agent.nlu.types import Entities
from hotel_agent.pms.errors import InvalidStay, PmsOutcomeUnknown, RoomUnavailable
from hotel_agent.pms.policy import validate_party_fits, validate_stay
from hotel_agent.pms.port import BookingRequest, GuestDetails, Stay
from hotel_agent.pms.resilience import stale_answers

_OTHER_ROOM = re.compile(
    r"\b(otra habitacion|otro tipo|cambiar (la )?habitacion|other room|another room|"
    r"different room|change (the )?room)\b"
)


def start(t: Turn, flow: Flow) -> None:
    # Said before the booking began ("me llamo Ana", "we're coming by car"): still theirs.
    name, requests, words = t.state.guest_name, t.state.requests, t.state.request_words
    party = t.state.turned_down
    t.state.reset_flow()
    t.state.guest_name = name
    t.state.requests, t.state.request_words = requests, words
    t.state.flow = flow
    t.state.step = Step.COLLECT
    if party is not None:
        # Said again in the offers' first line ("For 2 adults, …"), where it can be corrected.
        t.state.slots = Slots(
            adults=party.adults,
            children=party.children,
            children_ages=party.children_ages,
            rooms=party.rooms,
        )


def known_stay(state: DialogueState) -> Entities:
    """The stay collected so far: what a bare "3 nights" or "from the 5th" adds to."""
    return as_entities(state.slots)


def take(t: Turn) -> bool:
    """Take what the message says for this booking. False when it says nothing usable."""
    state = t.state
    entities = t.understanding.entities
    ages = ages_answer(t)
    if ages is not None:
        state.slots.children_ages = ages
        return True
    picked = offer_step.picked_offer(t) if state.step is Step.CHOOSE else None
    known_dates = state.slots.check_in is not None or state.slots.check_out is not None
    if known_dates and not choices.says_a_date(t.text):
        # A correction of the dates must say a date: "the second one" is not the 2nd.
        entities = replace(entities, check_in=None, check_out=None, nights=None)
    wanted = entities.room_type
    moved = state.step is Step.CHOOSE and offer_step.says_new_dates(t)
    if state.step is Step.CHOOSE and wanted and picked is None and not moved:
        # A room type by name that is not on offer (full, or too small for the party).
        offer_step.not_offered(t, wanted)
        return True
    if picked is not None:
        # An answer to "which room?" is not also a date or a party: "the first one" is not
        # the 1st of the month.
        entities = replace(
            entities,
            check_in=None,
            check_out=None,
            nights=None,
            adults=None,
            children=None,
            rooms=None,
            room_type=None,  # "Mirador Suite + Standard Double" is that pair, not the suite
            impossible_date=False,
        )
    # "the wedding is on 17 April" when the dates are asked: which nights is asked next.
    event = (
        (entities.event_day is not None or entities.holiday is not None)
        and not known_dates
        and picked is None
    )
    rooms_taken = False
    if picked is None:
        entities = party.read(t, entities)
        entities, rooms_taken = room_request.take(t, entities)
    used = bool(merge_entities(state.slots, entities)) or rooms_taken or event
    known = (state.guest_name, state.guest_email, state.guest_phone)
    used = _take_contact(t, entities) or used
    t.gave_details = known != (state.guest_name, state.guest_email, state.guest_phone)
    if picked is not None:
        offer_step.remember_pick(t, state.offers[picked])
        used = True
    elif state.step is Step.CONFIRM and not used and (t.choice in (CHANGE, NO) or t.says_no()):
        t.reply(t.say("booking.what_to_change"))
        state.step = Step.COLLECT
        return True
    elif state.step is Step.CHOOSE and not used and offer_step.declines(t):
        # Asked again, the list would only say what the guest turned down.
        name, slots = state.guest_name, state.slots
        state.reset_flow()
        state.guest_name, state.turned_down = name, slots
        t.reply(t.say("booking.declined_offers"))
        return True
    elif state.step is Step.CHOOSE and not used and choices.points_at_option(t.text):
        offer_step.missed(t, kept=[])  # "that one" among several: ask which
        return True
    elif (
        state.step in (Step.DETAILS, Step.CONFIRM) and not used and offer_step.asks_about_chosen(t)
    ):
        # "¿qué incluye?" after choosing: the room in the PMS's words, then the question pending
        # (it was answered with the payment terms).
        index = next(i for i, o in enumerate(state.offers) if o.room_type_id == state.chosen)
        t.said_first.append(offer_step.described(t, [index]))
        used = True
    elif (
        state.step in (Step.DETAILS, Step.CONFIRM)
        and not used
        and state.chosen
        and offer_step.asks_price(t.text)
    ):
        # "how much is it per night?" once the room is chosen: its price, then the question
        # pending again (it was the question again alone).
        chosen = next((o for o in state.offers if o.room_type_id == state.chosen), None)
        if chosen is not None:
            t.said_first.append(offer_step.nightly_price_text(t, chosen))
            used = True
    if state.step is not Step.CHOOSE and _OTHER_ROOM.search(normalize(t.text)):
        state.chosen = None
        state.slots.room_type = None
        used = True
    offered = any(o.room_type_id == entities.room_type for o in state.offers)
    if entities.room_type and offered and state.step is not Step.CHOOSE:
        # "mejor la suite" at the summary: switch to it.
        if state.step is Step.DETAILS and state.chosen != entities.room_type:
            # "uf q caro. y la doble normal?": its price, before the details asked again
            # (the summary shows the difference; before it nothing did).
            switched = next(o for o in state.offers if o.room_type_id == entities.room_type)
            t.said_first.append(offer_step.price_text(t, switched))
        state.chosen = entities.room_type
    return used


def _take_contact(t: Turn, entities: Entities) -> bool:
    """The guest's name, e-mail and phone, whenever they are given (even before choosing)."""
    state = t.state
    used = False
    if entities.email:
        state.guest_email = entities.email
        used = True
    if entities.phone:
        state.guest_phone = entities.phone
        used = True
    full_name = _full_name_answer(t) if needs_surname(t) else None
    if full_name:
        state.guest_name = full_name
        return True
    if entities.person_name:
        state.guest_name = entities.person_name
        return True
    if (
        state.guest_name is None
        and (state.step is Step.DETAILS or entities.email)
        # "la doble estandar" alone is a room, not a name ("the family room ..., name Sarah
        # Connor, sarah@…" still gives one)
        and (entities.room_type is None or entities.email is not None)
    ):
        # Asked for, or typed beside the e-mail ("name Sarah Connor, sarah@…").
        typed = name_part(
            t.text, entities.email, entities.phone, unprompted=state.step is not Step.DETAILS
        )
        if typed:
            state.guest_name = bare_name(typed, email=entities.email)
            used = True
    return used


async def ask_next(t: Turn, services: DialogueServices, *, confirm: bool = False) -> None:
    """Ask for the first thing missing, or book when the guest said yes to the summary."""
    state = t.state
    slots = state.slots
    for text in t.said_first:
        t.reply(text)
    t.said_first.clear()
    if slots.adults is None and slots.children is None and (slots.rooms or 1) == 1:
        # "una habitación individual": a room for one is one guest, not a question.
        asked = next((rt for rt in t.room_types if rt.id == slots.room_type), None)
        if asked is not None and asked.max_guests == 1:
            slots.adults = 1
    try:
        # What is already known is checked now: "del 20 al 18" is refused at once, not after
        # the party has been asked for.
        provisional = provisional_stay(slots, t.today)
        validate_stay(provisional, today=t.today, policy=services.policy)
        if slots.adults is not None and t.room_types and not state.rooms_asked:
            # Rooms named are judged room by room when they are priced (multi_room.search).
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
    if room_request.ask_party(t):
        return
    if stay is None:
        _say_kept(t)
        _ask_stay(t)
        return
    if missing_child_ages(t, stay):
        state.step = Step.COLLECT
        t.reply(t.say("booking.ask_children_ages"))
        return
    # The list was the question pending and this message did not move the search: a miss.
    was_choosing = state.step is Step.CHOOSE and state.offers_for == stay and not t.resuming
    if state.offers_for != stay:
        had_choice = state.chosen
        if multi_room.applies(state, stay):
            as_asked = await multi_room.search(t, services, stay)
            if as_asked is None:
                return
            if as_asked:
                # The rooms named, priced: each room and the total are shown before anything
                # else is asked.
                offer_step.remember_pick(t, state.offers[0])
                multi_room.show_priced(t, state.offers[0])
        elif not await _search(t, services, stay):
            return
        if had_choice and state.chosen is None:
            _choice_gone(t, had_choice, stay)
    if state.chosen is None:
        requested = next((o for o in state.offers if o.room_type_id == slots.room_type), None)
        if requested is not None:
            # The room asked for by name, free: its price is said before any detail is asked
            # ("precio de una doble… somos 2" was answered with "¡Perfecto, la Doble!" alone).
            offer_step.tell_price(t, requested)
            offer_step.remember_pick(t, requested)
        elif was_choosing:
            # "soy Ana López" before choosing: kept for the booking, and still a miss (a new
            # e-mail at every prompt must not keep the options open for ever).
            offer_step.missed(t, kept=_kept(t) if t.gave_details else [])
            return
        else:
            if slots.room_type:
                t.reply(t.say("booking.requested_unavailable", room=t.room_name(slots.room_type)))
                slots.room_type = None
            offer_step.show(t)
            return
    if state.guest_email is None and t.input.sender_email and not state.sender_email_taken:
        # A guest writing by e-mail is not asked for an address: the one they write from is
        # used, said when the name is asked and shown in the summary, where they may give another.
        state.guest_email = t.input.sender_email
        state.sender_email_taken = True
    if state.guest_name is None or state.guest_email is None:
        _ask_details(t)
        return
    if state.guest_phone is None and t.input.verified_phone is not None:
        state.guest_phone = t.input.verified_phone
    # What this PMS refuses a booking without (QloApps: a surname and a phone).
    if needs_surname(t):
        state.step = Step.DETAILS
        t.reply(t.say("booking.ask_surname"))
        return
    if t.hotel is not None and t.hotel.phone_required and state.guest_phone is None:
        state.step = Step.DETAILS
        t.notice_privacy()
        t.reply(t.say("booking.ask_phone"))
        return
    if confirm:
        await _book(t, services)
        return
    offer_step.summary(t)


async def _search(t: Turn, services: DialogueServices, stay: Stay) -> bool:
    """The live offers of one room type each for the stay; False when there are none (the
    guest was told)."""
    state = t.state
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
        t.reply(t.say("booking.none", stay=offer_step.stay_text(t), party=offer_step.party_text(t)))
        state.slots.check_in = state.slots.check_out = None
        state.offers_for = None
        state.step = Step.COLLECT
        return False
    return True


def _choice_gone(t: Turn, room_type_id: str, stay: Stay) -> None:
    """Why the room chosen is no longer offered: too small for the party now, or taken."""
    room_type = next((rt for rt in t.room_types if rt.id == room_type_id), None)
    if room_type is None and "+" in room_type_id:
        return  # a set of rooms ("DBL+IND") the guest changed: the new options say enough
    per_room = (-(-stay.adults // stay.rooms), -(-stay.children // stay.rooms))
    if room_type is not None and not room_type.fits(*per_room):
        t.reply(
            t.say(
                "booking.choice_too_small",
                room=room_type.name(t.language),
                party=t.party_text(stay),
            )
        )
    else:
        t.reply(t.say("booking.choice_gone", room=t.room_name(room_type_id)))


def _kept(t: Turn) -> list[str]:
    """What this message gave that the booking keeps, for "I've noted…"."""
    state = t.state
    entities = t.understanding.entities
    kept = []
    if state.guest_name and (entities.person_name or name_part(t.text, entities.email, None)):
        kept.append(t.say("booking.kept_name", name=state.guest_name))
    if entities.email:
        kept.append(t.say("booking.kept_email", email=entities.email))
    if entities.phone:
        kept.append(t.say("booking.kept_phone", phone=entities.phone))
    return kept


def _say_kept(t: Turn) -> None:
    """ "the single pls", "Marco Rossi, marco@…", "somos 2 adultos" while the dates are asked:
    what the message gave is acknowledged before the question, which would otherwise read as
    unheard (asked which nights of Holy Week, the question does not name the party)."""
    entities = t.understanding.entities
    slots = t.state.slots
    said_days = (
        entities.check_in,
        entities.check_out,
        entities.nights,
        entities.event_day,
        entities.holiday,
    )
    if any(value is not None for value in said_days) or t.state.step is not Step.COLLECT:
        return
    kept = _kept(t) if t.gave_details else []
    if entities.room_type is not None and slots.room_type == entities.room_type:
        kept.insert(0, t.say("booking.kept_room", room=t.room_name(entities.room_type)))
    if entities.adults is not None and slots.adults is not None and t.step_before is Step.COLLECT:
        # Only while the dates were already asked: "quiero reservar para 2" is heard in the
        # question that follows it, which no longer asks how many.
        kept.insert(0, t.say.party(slots.adults, slots.children or 0))
    if kept:
        t.reply(t.say("booking.kept", what=t.say.together(kept)))


def reask(t: Turn) -> None:
    """The current question again, worded differently (the guest did not understand it)."""
    state = t.state
    if state.step is Step.CHOOSE and state.offers:
        # A miss by the option step's rule, never the same list again.
        offer_step.missed(t, kept=[], not_understood=True)
    elif state.step is Step.DETAILS:
        t.reply(t.say("booking.details_again"))
    elif state.step is Step.CONFIRM:
        t.reply(
            t.say("booking.confirm_again"),
            buttons=[t.button(YES, "buttons.confirm_booking"), t.button(CHANGE, "buttons.change")],
        )
    elif _knows_dates(state.slots) and state.slots.adults is None:
        # "confirmo" while the party is asked: only the party is asked again.
        t.reply(t.say("booking.guests_again"))
    elif state.slots.adults is not None and not _knows_dates(state.slots):
        t.reply(t.say("booking.dates_again"))
    else:
        t.reply(t.say("booking.stay_again"))


def _knows_dates(slots: Slots) -> bool:
    return slots.check_in is not None and (slots.check_out is not None or slots.nights is not None)


def miss(t: Turn) -> bool:
    """Not understood while the room options are the question: the option step's count (its
    second miss offers reception), not the engine's (which hands over at the second)."""
    if t.state.step is Step.CHOOSE and t.state.offers:
        offer_step.missed(t, kept=[], not_understood=True)
        return True
    return False


async def _book(t: Turn, services: DialogueServices) -> None:
    state = t.state
    stay = state.slots.stay()
    assert stay is not None
    assert state.chosen
    assert state.guest_name
    assert state.guest_email
    guest = GuestDetails(name=state.guest_name, email=state.guest_email, phone=state.guest_phone)
    notes = special_requests.notes(t, t.input.hotel.default_language)
    offer = next((o for o in state.offers if o.room_type_id == state.chosen), None)
    if offer is not None and offer.rooms:
        # The rooms as the summary showed them: a retried "yes" sends the same rooms.
        request = BookingRequest.for_rooms(
            check_in=stay.check_in,
            check_out=stay.check_out,
            rooms=multi_room.booking_lines(offer),
            guest=guest,
            idempotency_key=t.write_key,
            notes=notes,
        )
    else:
        request = BookingRequest(
            stay=stay,
            room_type_id=state.chosen,
            guest=guest,
            idempotency_key=t.write_key,
            notes=notes,
        )
    try:
        booking = await services.bookings.book(
            request, hotel_id=t.input.hotel.id, conversation_id=t.input.conversation_id
        )
    except RoomUnavailable:
        t.reply(t.say("booking.room_taken", room=t.room_name(state.chosen)))
        state.chosen = None
        state.offers_for = None
        await ask_next(t, services)
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
            room=multi_room.booked_rooms(t, booking),
            stay=t.stay_text(booking.stay),
            party=t.party_text(booking.stay),
            total=t.say.money(booking.total_price, booking.currency),
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
    if t.party_unsure and slots.adults is None:
        t.reply(t.say("booking.party_unsure"))
        if slots.check_in is None and slots.check_out is None:
            t.reply(t.say("booking.ask_dates"))
        return
    event = slots.event_day
    holiday = slots.holiday
    if slots.check_in is None and slots.check_out is None and holiday is not None:
        # A holiday is days, not a stay: its days are named and the nights asked.
        day = t.say.day
        t.reply(
            t.say(
                "booking.ask_nights_in_holiday",
                holiday=t.say(f"holidays.{holiday.name}"),
                first=day(holiday.first, today=t.today),
                last=day(holiday.last, today=t.today),
            )
        )
    elif slots.check_in is None and slots.check_out is None and event is not None:
        # A day of the event is no stay: the nights are asked, around it.
        day = t.say.day
        t.reply(
            t.say(
                "booking.ask_nights_around",
                day=day(event, today=t.today),
                before=day(event - timedelta(days=1), today=t.today),
                after=day(event + timedelta(days=1), today=t.today),
            )
        )
    elif slots.check_in is None and slots.check_out is None and slots.nights is None:
        key = "booking.ask_dates_and_guests" if slots.adults is None else "booking.ask_dates"
        t.reply(t.say(key))
    elif slots.check_in is None and slots.check_out is None and slots.nights is not None:
        # "maybe 5 nights" said without a day: the nights are heard, the first day asked.
        t.reply(t.say("booking.ask_check_in_for_nights", nights=t.say.nights(slots.nights)))
    elif slots.check_in is None:
        t.reply(t.say("booking.ask_check_in"))
    elif slots.check_out is None:
        t.reply(t.say("booking.ask_check_out", check_in=t.say.day(slots.check_in, today=t.today)))
    else:
        t.reply(t.say("booking.ask_guests"))


def _ask_details(t: Turn) -> None:
    state = t.state
    state.step = Step.DETAILS
    t.notice_privacy()
    if state.guest_name is None and state.guest_email is None:
        t.reply(t.say("booking.ask_name_and_email", room=t.room_name(state.chosen or "")))
    elif state.guest_name is None and state.guest_email == t.input.sender_email:
        room = t.room_name(state.chosen or "")
        t.reply(t.say("booking.ask_name_sender_email", room=room, email=state.guest_email))
    elif state.guest_name is None:
        t.reply(t.say("booking.ask_name"))
    else:
        t.reply(t.say("booking.ask_email"))


def can_take(t: Turn) -> bool:
    """Whether the message plainly answers the question just asked (an e-mail, a capitalised
    name, an option's number): then it is read as that answer before anything else, so that
    "Pilar Vega, pilar@example.com" is a name and not a question about housekeeping."""
    state = t.state
    entities = t.understanding.entities
    if ages_answer(t) is not None:
        return True
    if state.step in (Step.DETAILS, Step.CONFIRM) and offer_step.asks_about_chosen(t):
        return True
    if state.step is Step.DETAILS:
        if entities.email or entities.person_name or entities.phone:
            return True
        if needs_surname(t) and _full_name_answer(t):
            return True
        typed = name_part(t.text, entities.email, entities.phone)
        if state.guest_name is not None or typed is None:
            return False
        words = typed.split()
        # A capitalised name is one; in lower case ("pilar vega") two words or more, unless
        # the classifier is sure it is something else ("hablar con recepción").
        capitalised = all(word[:1].isupper() for word in words)
        return capitalised or (
            len(words) >= 2 and t.understanding.confidence < t.thresholds.not_a_name
        )
    if state.step is Step.CHOOSE:
        contact = entities.email or entities.phone or t.introduces_self()
        return offer_step.answers_choice(t) or bool(contact)
    if state.step is Step.CONFIRM:
        # An address at the summary corrects the one shown ("mejor a mi correo personal,
        # lucia@…": not a request for the staff, "personal").
        return bool(entities.email)
    if state.step is Step.COLLECT:
        # Asked for dates and guests, "2 personas" is a party, not a request for a person.
        said = (
            _says_stay(entities)
            or party.said_in_a_sentence(t) is not None
            or party.rooms_answer(t) is not None
        )
        return said and not choices.wants_a_person(t.text)
    return False


def _full_name_answer(t: Turn) -> str | None:
    """The full name once the surname just asked for is given: "Sarkisian" after "Cher", or
    "Cher Sarkisian" again. None when the message gives no surname."""
    entities = t.understanding.entities
    typed = name_part(t.text, entities.email, entities.phone)
    said = entities.person_name or (bare_name(typed, email=entities.email) if typed else None)
    first = t.state.guest_name or ""
    if not said or said.lower() == first.lower():
        return None
    return said if said.split()[0].lower() == first.lower() else f"{first} {said}"


def _says_stay(entities: Entities) -> bool:
    return any(
        value is not None
        for value in (
            entities.check_in,
            entities.check_out,
            entities.nights,
            entities.adults,
            entities.children,
            entities.event_day,
            entities.holiday,
        )
    )
