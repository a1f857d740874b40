"""An existing booking: its status, a change of dates or guests, a cancellation.

A booking is the guest's when this conversation made it, when it was booked with the WhatsApp
number writing to us (WhatsApp verified that number), or when the guest quotes its reference
together with the e-mail it was booked with (once proved, "cancel it" later needs no proof).
Nothing else is shown or changed: a reference alone is not proof, and "cancel all bookings"
finds nothing to cancel.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hotel_agent.channels.port import Button, ListPicker, ListRow, ListSection
from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import BOOKING_PREFIX, HANDOFF, NO, YES, Turn
from hotel_agent.dialogue.flows import multi_room
from hotel_agent.dialogue.flows.stay_rules import as_entities, explain_refusal, merge_entities
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.dialogue.state import DialogueState, Flow, Slots, Step
from hotel_agent.nlu.types import Entities
from hotel_agent.pms.errors import InvalidStay, PmsOutcomeUnknown, RoomUnavailable
from hotel_agent.pms.policy import validate_stay
from hotel_agent.pms.port import Booking, BookingStatus, Stay, StayChange


def start(t: Turn, flow: Flow) -> None:
    t.state.reset_flow()
    t.state.flow = flow
    t.state.step = Step.FIND


def known_stay(state: DialogueState) -> Entities | None:
    """The stay as the change being confirmed would leave it (what "one more night" adds to);
    None before the booking is found."""
    if state.flow is Flow.MODIFY and state.step in (Step.CHANGE, Step.CONFIRM):
        return as_entities(requested_stay(state.slots, state.change))
    return None


def take(t: Turn) -> bool:
    state = t.state
    entities = t.understanding.entities
    used = False
    if entities.booking_ref:
        if entities.booking_ref != state.booking_ref:
            state.booking_ref = entities.booking_ref
            state.booking_id = None
        used = True
    if entities.email:
        email = entities.email.lower()
        if email not in state.verified_emails:
            state.guest_email = email
        used = True
    if state.step is Step.CHOOSE and state.candidates:
        index = _picked_candidate(t)
        if index is not None:
            state.booking_id = state.candidates[index]
            used = True
    if state.flow is Flow.MODIFY and state.step is not Step.CHOOSE:
        # What to change may come with the request ("move HS-7K2Q9D to the 16th"), on its own,
        # or as a correction at the summary; it is kept apart from the booking's stay.
        if known_stay(state) is None:
            # Read without the booking's stay ("leave on Monday" from today): read again
            # against it once the booking is known.
            state.change_said.append(t.text)
        change = state.change or Slots()
        if merge_entities(change, _change_said(t.text, entities)):
            state.change = change
            used = True
    if not used and state.step is Step.CONFIRM and (t.choice == NO or t.says_no()):
        key = "cancel.kept" if state.flow is Flow.CANCEL else "modify.kept"
        t.reply(t.say(key, reference=state.booking_ref or ""))
        state.reset_flow()
        return True
    return used


def _change_said(text: str, entities: Entities) -> Entities:
    """What a message says of a change: a new date must be said with a date ("the second one"
    moves nothing)."""
    if choices.says_a_date(text):
        return entities
    return replace(entities, check_in=None, check_out=None, nights=None)


def _read_change_again(t: Turn, services: DialogueServices) -> None:
    """The change the guest said before the booking was found, read again message by message
    against the booking's stay (in `state.slots` now): "one more night" adds to that stay."""
    state = t.state
    said, state.change_said = state.change_said, []
    change: Slots | None = None
    for text in said:
        understood = services.understander.understand(
            text,
            now=t.now,
            language_hint=t.language,
            room_types=t.room_type_names,
            previous_entities=as_entities(requested_stay(state.slots, change)),
        )
        read = change or Slots()
        if merge_entities(read, _change_said(text, understood.entities)):
            change = read
    state.change = change


def requested_stay(state_slots: Slots, change: Slots | None) -> Slots:
    """The booking's stay with the change applied; moving the arrival keeps the nights."""
    if change is None:
        return state_slots.model_copy()
    said = {k: v for k, v in change.model_dump().items() if v is not None and v != []}
    merged = state_slots.model_copy(update=said)
    if (
        change.check_in is not None
        and change.check_out is None
        and state_slots.check_in is not None
        and state_slots.check_out is not None
    ):
        merged.check_out = change.check_in + (state_slots.check_out - state_slots.check_in)
    return merged


def can_take(t: Turn) -> bool:
    """Whether the message plainly answers the question just asked (a reference, an e-mail,
    an option's number): then it is read as that answer before anything else."""
    state = t.state
    entities = t.understanding.entities
    if state.step is Step.FIND:
        return bool(entities.booking_ref or entities.email)
    if state.step is Step.CHOOSE:
        return _picked_candidate(t) is not None
    return False


async def ask_next(t: Turn, services: DialogueServices, *, confirm: bool = False) -> None:
    state = t.state
    if confirm and state.flow in (Flow.MODIFY, Flow.CANCEL):
        made = await services.bookings.change_made(t.write_key)
        if made is not None:
            # This "yes" was already carried out (the turn is running again): say so.
            _report_done(t, made)
            return
    booking = await _the_booking(t, services)
    if booking is None:
        return
    if state.flow is Flow.STATUS:
        _show_status(t, booking)
        state.reset_flow()
    elif state.flow is Flow.CANCEL:
        await _cancel(t, services, booking, confirm=confirm)
    else:
        await _modify(t, services, booking, confirm=confirm)


def reask(t: Turn) -> None:
    state = t.state
    if state.step is Step.CHOOSE:
        t.reply(t.say("manage.choose_again"))
    elif state.step is Step.CHANGE:
        t.reply(t.say("modify.change_again"))
    elif state.step is Step.CONFIRM:
        key = "cancel.confirm_again" if state.flow is Flow.CANCEL else "modify.confirm_again"
        t.reply(t.say(key), buttons=_yes_no(t))
    else:
        t.notice_privacy()
        t.reply(t.say("manage.find_again"))


def miss(t: Turn) -> bool:
    return False  # the engine's unclear rule applies to every step of a change or a cancel


async def _the_booking(t: Turn, services: DialogueServices) -> Booking | None:
    """The booking this flow is about, once the guest has shown it is theirs; else ask."""
    state = t.state
    pms = services.pms
    if state.booking_id is not None:
        return await pms.get_booking(state.booking_id)
    if state.booking_ref:
        found = await pms.find_bookings(reference=state.booking_ref)
        mine = [b for b in found if _is_theirs(t, b)]
        if mine:
            _take(t, mine[0])
            return mine[0]
        if found and state.guest_email is None:
            state.step = Step.FIND
            t.notice_privacy()
            t.reply(t.say("manage.ask_email", reference=state.booking_ref))
            return None
        # Not found, or found under another e-mail: the same answer, so that guessing
        # references tells nothing about other guests' bookings (the notice too: it is said
        # before this answer as before the question for the e-mail).
        t.notice_privacy()
        t.reply(t.say("manage.not_found", reference=state.booking_ref))
        state.booking_ref = None
        state.guest_email = None
        state.step = Step.FIND
        return None
    known = await _bookings_of_guest(t, services)
    if len(known) == 1:
        _take(t, known[0])
        return known[0]
    if len(known) > 1:
        _offer_candidates(t, known)
        return None
    state.step = Step.FIND
    t.notice_privacy()  # the question asks for the e-mail the booking was made with
    t.reply(t.say("manage.ask_reference"))
    return None


async def _bookings_of_guest(t: Turn, services: DialogueServices) -> list[Booking]:
    """Upcoming bookings this guest provably holds: made here, or under their WhatsApp number."""
    found: dict[str, Booking] = {}
    for pms_id in dict.fromkeys(t.state.my_bookings + t.state.proven_bookings):
        booking = await services.pms.get_booking(pms_id)
        found[booking.pms_id] = booking
    if t.input.verified_phone is not None:
        for booking in await services.pms.find_bookings(phone=t.input.verified_phone):
            found[booking.pms_id] = booking
    upcoming = [
        b
        for b in found.values()
        if b.status is BookingStatus.CONFIRMED and b.stay.check_out >= t.today
    ]
    if t.state.flow is Flow.STATUS and not upcoming:
        upcoming = list(found.values())
    return sorted(upcoming, key=lambda b: b.stay.check_in)


def _is_theirs(t: Turn, booking: Booking) -> bool:
    state = t.state
    if booking.pms_id in state.my_bookings:
        return True
    email = booking.guest.email.lower()
    if email in state.verified_emails or email == (state.guest_email or ""):
        if email not in state.verified_emails:
            state.verified_emails.append(email)
        return True
    verified = t.input.verified_phone
    phone = booking.guest.phone
    return verified is not None and phone is not None and _digits(phone) == _digits(verified)


def _take(t: Turn, booking: Booking) -> None:
    state = t.state
    if booking.pms_id not in state.my_bookings + state.proven_bookings:
        state.proven_bookings.append(booking.pms_id)
    state.booking_id = booking.pms_id
    state.booking_ref = booking.reference
    state.candidates = []
    state.slots = Slots(
        check_in=booking.stay.check_in,
        check_out=booking.stay.check_out,
        adults=booking.stay.adults,
        children=booking.stay.children,
        rooms=booking.stay.rooms,
        room_type=booking.room_type_id,
    )


def _offer_candidates(t: Turn, bookings: list[Booking]) -> None:
    state = t.state
    state.step = Step.CHOOSE
    state.candidates = [b.pms_id for b in bookings]
    lines = []
    rows = []
    for booking in bookings:
        when = t.stay_text(booking.stay)
        room = multi_room.room_types_text(t, booking)
        lines.append(f"{booking.reference}: {room}, {when}")
        rows.append(
            ListRow(
                id=f"{BOOKING_PREFIX}{booking.pms_id}",
                title=booking.reference,
                description=f"{room}, {when}",
            )
        )
    picker = ListPicker(button=t.say("buttons.see_bookings"), sections=[ListSection(rows=rows)])
    t.offer_choices(picker, lines, lead=t.say("manage.which_booking"))


def _show_status(t: Turn, booking: Booking) -> None:
    t.reply(
        t.say(
            "status.show",
            reference=booking.reference,
            room=multi_room.booked_rooms(t, booking),
            stay=t.stay_text(booking.stay),
            party=t.party_text(booking.stay),
            total=t.say.money(booking.total_price, booking.currency),
            status=t.say(f"status.{booking.status.value}"),
            check_in_time=_check_in_time(t),
        )
    )


async def _cancel(t: Turn, services: DialogueServices, booking: Booking, *, confirm: bool) -> None:
    state = t.state
    if booking.status is not BookingStatus.CONFIRMED:
        t.reply(t.say(f"cancel.not_open_{booking.status.value}", reference=booking.reference))
        state.reset_flow()
        return
    if not confirm:
        policy = services.knowledge.answer("cancellation_policy", t.language)
        policy = policy or t.say("cancel.policy_unknown")
        deadline = _cancellation_deadline(t, services, booking)
        state.step = Step.CONFIRM
        t.reply(
            t.say(
                "cancel.confirm",
                reference=booking.reference,
                room=multi_room.room_types_text(t, booking),
                stay=t.stay_text(booking.stay),
                policy=f"{policy}\n\n{deadline}" if deadline else policy,
            ),
            buttons=_yes_no(t, yes="buttons.confirm_cancel", no="buttons.keep_booking"),
        )
        return
    try:
        cancelled = await services.bookings.cancel(booking.pms_id, idempotency_key=t.write_key)
    except PmsOutcomeUnknown:
        t.reply(t.say("handoff.change_unknown"))
        t.hand_off("cancel_outcome_unknown")
        return
    except InvalidStay as error:
        explain_refusal(t, error)
        state.reset_flow()
        return
    _report_done(t, cancelled)


async def _modify(t: Turn, services: DialogueServices, booking: Booking, *, confirm: bool) -> None:
    state = t.state
    if booking.status is not BookingStatus.CONFIRMED:
        t.reply(t.say("invalid.not_changeable"))
        state.reset_flow()
        return
    if state.change_said:
        _read_change_again(t, services)
    current = booking.stay
    change = state.change
    wanted = requested_stay(state.slots, change)
    new_stay = wanted.stay() if change is not None else None
    if new_stay is None or new_stay == current:
        if change is not None and new_stay == current:
            t.reply(t.say("modify.same"))
        state.change = None
        state.step = Step.CHANGE
        t.reply(
            t.say(
                "modify.ask",
                reference=booking.reference,
                stay=t.stay_text(current),
                party=t.party_text(current),
            )
        )
        return
    try:
        validate_stay(new_stay, today=t.today, policy=services.policy)
    except InvalidStay as error:
        explain_refusal(t, error)
        state.change = None
        state.step = Step.CHANGE
        return
    new_party = t.party_text(new_stay)
    new_dates = t.stay_text(new_stay)
    if booking.mixed and _party(new_stay) != _party(current):
        # Which room the guests join or leave is not the agent's to guess: dates only.
        t.reply(
            t.say("invalid.occupancy_not_changeable"),
            buttons=[t.button(HANDOFF, "buttons.talk_to_staff")],
        )
        state.change = None
        state.step = Step.CHANGE
        return
    room_type = next((rt for rt in t.room_types if rt.id == booking.room_type_id), None)
    if (
        not booking.mixed
        and room_type is not None
        and not room_type.fits(
            -(-new_stay.adults // new_stay.rooms), -(-new_stay.children // new_stay.rooms)
        )
    ):
        t.reply(
            t.say(
                "modify.does_not_fit",
                room=room_type.name(t.language),
                # "takes 3 guests at most, so not 3 adults" contradicted itself: the limit that
                # refuses is the adults' (or children's), said as such.
                limit=t.say.party(room_type.max_adults, room_type.max_children),
                party=new_party,
            ),
            buttons=[t.button(HANDOFF, "buttons.talk_to_staff")],
        )
        state.change = None
        state.step = Step.CHANGE
        return
    if not confirm:
        total = await multi_room.price_for_dates(services, booking, new_stay)
        # No price may only mean that this booking holds the last room: the PMS decides when
        # the change is made, so the guest is told the price will be checked then.
        price = (
            t.say(
                "modify.new_price",
                before=t.say.money(booking.total_price, booking.currency),
                total=t.say.money(*total),
            )
            if total is not None
            else t.say("modify.price_on_confirm")
        )
        state.step = Step.CONFIRM
        t.reply(
            t.say(
                "modify.summary",
                reference=booking.reference,
                old_stay=t.stay_text(current),
                old_party=t.party_text(current),
                new_stay=new_dates,
                new_party=new_party,
                price=price,
            ),
            buttons=_yes_no(t, yes="buttons.confirm_change", no="buttons.keep_booking"),
        )
        return
    stay_change = StayChange(
        check_in=new_stay.check_in if new_stay.check_in != current.check_in else None,
        check_out=new_stay.check_out if new_stay.check_out != current.check_out else None,
        adults=new_stay.adults if new_stay.adults != current.adults else None,
        children=new_stay.children if new_stay.children != current.children else None,
    )
    try:
        changed = await services.bookings.modify(
            booking.pms_id, stay_change, idempotency_key=t.write_key
        )
    except RoomUnavailable:
        room = multi_room.room_types_text(t, booking)
        t.reply(t.say("modify.unavailable", room=room, stay=new_dates))
        state.change = None
        state.step = Step.CHANGE
        return
    except PmsOutcomeUnknown:
        t.reply(t.say("handoff.change_unknown"))
        t.hand_off("modify_outcome_unknown")
        return
    except InvalidStay as error:
        explain_refusal(t, error)
        state.change = None
        state.step = Step.CHANGE
        return
    _report_done(t, changed)


def _party(stay: Stay) -> tuple[int, int, int]:
    return stay.adults, stay.children, stay.rooms


def _report_done(t: Turn, booking: Booking) -> None:
    if t.state.flow is Flow.CANCEL:
        t.reply(t.say("cancel.done", reference=booking.reference))
    else:
        t.reply(
            t.say(
                "modify.done",
                reference=booking.reference,
                stay=t.stay_text(booking.stay),
                party=t.party_text(booking.stay),
                total=t.say.money(booking.total_price, booking.currency),
            )
        )
    t.state.reset_flow()


def _picked_candidate(t: Turn) -> int | None:
    candidates = t.state.candidates
    if t.choice and t.choice.startswith(BOOKING_PREFIX):
        wanted = t.choice.removeprefix(BOOKING_PREFIX)
        return candidates.index(wanted) if wanted in candidates else None
    return choices.pick_index(t.text, len(candidates))


def _yes_no(t: Turn, *, yes: str = "buttons.yes", no: str = "buttons.no") -> list[Button]:
    return [t.button(YES, yes), t.button(NO, no)]


def _cancellation_deadline(t: Turn, services: DialogueServices, booking: Booking) -> str | None:
    """ "Cancelling now is free (until Sunday 6 December at 15:00)" or, past it, what it costs:
    from the hotel's terms and the PMS's check-in time; None when either is unknown."""
    terms = services.knowledge.cancellation
    if terms is None or t.hotel is None:
        return None
    arrival = datetime.combine(booking.stay.check_in, t.hotel.check_in_time, tzinfo=t.now.tzinfo)
    free_until = arrival - timedelta(hours=terms.free_until_hours_before_check_in)
    when = t.say(
        "cancel.deadline",
        day=t.say.day(free_until.date(), today=t.today),
        time=t.say.clock(free_until.time()),
    )
    if t.now < free_until:
        return t.say("cancel.free_until", when=when)
    amount = terms.charge_amount(booking.total_price, booking.stay.nights)
    if amount is None:
        return t.say("cancel.late", when=when, charge=terms.charge(t.language))
    return t.say(
        "cancel.late_amount",
        when=when,
        charge=terms.charge(t.language),
        amount=t.say.money(amount, booking.currency),
    )


def _check_in_time(t: Turn) -> str:
    return t.say.clock(t.hotel.check_in_time) if t.hotel else "15:00"


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())
