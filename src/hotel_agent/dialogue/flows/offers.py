"""The offers of a booking: shown, picked, asked again in other words, and the summary that
restates every difference from the offer the guest picked.

While the list is the question pending, a number, an ordinal, "the cheaper one", "la de
arriba" or a room's name answers it; such an answer is never also read as dates or a party
("the first one" is not the 1st of the month).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from hotel_agent.channels.port import ListPicker, ListRow, ListSection
from hotel_agent.dialogue import choices
from hotel_agent.dialogue.context import CHANGE, HANDOFF, OFFER_PREFIX, YES, Turn
from hotel_agent.dialogue.flows import multi_room, special_requests
from hotel_agent.dialogue.state import OfferView, Picked, Step
from hotel_agent.nlu.text import normalize
from hotel_agent.nlu.types import Intent, Understanding

# A message's clauses: a question runs from "¿" or the last stop to its "?".
_CLAUSES = re.compile(r"¿[^?¿.!\n]*\?*|[^?¿.!\n]*\?+|[^?¿.!\n]+")
_PRICE = re.compile(
    r"\b(how much|price|prices|cost|costs|total|cuanto|cuesta|cuestan|precio|precios|sale)\b"
)

# "What's the difference between them?", "¿cómo es la familiar?": a question about the rooms
# offered, answered from the PMS's own descriptions (an FAQ entry knows nothing of the offers).
_COMPARE = re.compile(
    r"\b(?:differences?|different|compare|comparison|which (?:one )?is (?:better|bigger|best)"
    r"|what(?:'?s| is| are) (?:the |they |it |each )?(?:\w+ )?(?:\w+ )?like|tell me (?:more )?about"
    r"|describe|details? (?:of|about|on)|more (?:info|information|details)"
    r"|diferencias?|compar(?:ar|a|as|acion)|cual (?:es|sale) mejor|como (?:es|son)"
    r"|que (?:tiene|tienen|incluye|incluyen|trae|traen)|cuentame|describ(?:e|eme|irme)"
    r"|mas (?:info|informacion|detalles)|detalles? de)\b"
)

# "esta caro, mejor no", "too pricey, no thanks", "lo pensaré": none of the rooms, for now.
_DECLINE = re.compile(
    r"(?:^|[,;.!]\s*)(?:no|nop|nope|nah)\s*(?:[,.!]|$)"
    r"|\b(?:mejor\s+no|no\s+(?:gracias|thanks|thank\s+you|me\s+interesa|nos\s+interesa)"
    r"|not\s+interested|ninguna|none\s+of\s+(?:them|these|those)|neither\s+of"
    r"|(?:demasiado|muy|bastante|algo|un\s+poco|super)\s+car[oa]s?"
    r"|(?:esta|es|son|estan)\s+car[oa]s?|too\s+(?:expensive|pricey|much)"
    r"|(?:lo|la|las|los)\s+pensare(?:mos)?|me\s+lo\s+pienso"
    r"|(?:i|we)(?:'ll|\s+will)\s+think\s+(?:about\s+it|it\s+over)|let\s+me\s+think"
    r"|dejalo|olvidalo|leave\s+it|forget\s+it)\b"
)


# "no sé", "no idea", "not sure": undecided, not a no (the option step's misses answer them).
_UNDECIDED = re.compile(
    r"\b(?:no\s+se|no\s+lo\s+se|ni\s+idea|no\s+idea|not\s+sure|no\s+estoy\s+segur[oa]"
    r"|dunno|(?:i\s+)?don'?t\s+know|no\s+sabria|no\s+lo\s+tengo\s+claro)\b"
)


def declines(t: Turn) -> bool:
    """None of the rooms offered, said in words (a room picked or new dates come first)."""
    text = normalize(t.text)
    if _UNDECIDED.search(text):
        return False
    return choices.is_no(t.text) or _DECLINE.search(text) is not None


_WORDS = re.compile(r"[a-z]+")
# What may stand beside "¿qué incluye?" when it asks about the room chosen: "y qué incluye
# la habitación?", "what's it like?"; any other word names what is asked ("el desayuno").
_ABOUT_IT = frozenset(
    {
        "y", "e", "and", "pues", "so", "ok", "vale", "la", "el", "lo", "esta", "este", "eso",
        "it", "its", "s", "the", "this", "that", "one", "room", "rooms", "habitacion",
        "habitaciones", "hab", "exactamente", "exactly",
    }
)  # fmt: skip


def picked_offer(t: Turn) -> int | None:
    """The index of the offer this message picks, if it picks one."""
    offers = t.state.offers
    if t.choice and t.choice.startswith(OFFER_PREFIX):
        wanted = t.choice.removeprefix(OFFER_PREFIX)
        return next((i for i, o in enumerate(offers) if o.room_type_id == wanted), None)
    if says_new_dates(t):
        return None  # "mejor del 21 al 24 de abril": a new search, not the best room
    wanted_type = t.understanding.entities.room_type
    if wanted_type:
        found = next((i for i, o in enumerate(offers) if o.room_type_id == wanted_type), None)
        if found is not None:
            return found
    if len(offers) == 1 and choices.is_yes(t.text):
        return 0  # "Shall I book the family room?" "yes"
    index = choices.pick_index(t.text, len(offers))
    if index is None:
        index = choices.pick_by_price(t.text, [o.total for o in offers])
    return index


def says_new_dates(t: Turn) -> bool:
    """Whether the message moves the stay the offers are for: other dates said in words
    ("mejor del 21 al 24 de abril", "actually from the 21st"), not a bare option number."""
    entities = t.understanding.entities
    stay = t.state.offers_for
    if stay is None or not choices.says_a_date(t.text):
        return False
    if choices.pick_index(t.text, len(t.state.offers)) is not None:
        return False  # "the 2nd", "la 3": an option's number
    said = (entities.check_in, entities.check_out)
    return any(day is not None for day in said) and said != (stay.check_in, stay.check_out)


@dataclass
class Beside:
    """What a message says beside (or instead of) the answer to "which room?"."""

    questions: list[str] = field(default_factory=list)  # hotel questions, as asked
    priced: list[int] = field(default_factory=list)  # offers whose price is asked
    described: list[int] = field(default_factory=list)  # offers asked about ("how is it?")
    pick: int | None = None  # the offer picked outside the questions ("la familiar, ¿…?")


def clauses(text: str) -> list[str]:
    """The message cut at its sentence ends and question marks: "la familiar, ¿hay cuna?"
    is "la familiar," and "¿hay cuna?"."""
    return [c.strip(" ,;") for c in _CLAUSES.findall(text) if c.strip(" ,;¿?")]


def asks_about_rooms(text: str) -> bool:
    """ "whats the difference between them", "tell me about the suite": a question about the
    rooms offered, also when written without a question mark."""
    return _COMPARE.search(normalize(text)) is not None


def questions_beside(t: Turn, understand: Callable[[str], Understanding]) -> Beside:
    """The hotel questions (and prices of offers) asked at the option step, and the offer
    picked in the rest of the message: "how much is the family one in total? and is
    breakfast included?" asks two things and picks nothing; "la familiar, ¿hay cama
    supletoria?" picks the family room and asks one."""
    beside = Beside()
    offers = t.state.offers
    statements = []
    for clause in clauses(t.text):
        if asks_about_rooms(clause):
            # Asked with or without a "?": "whats the difference between them"
            said = understand(clause)
            named = [i for i, o in enumerate(offers) if o.room_type_id == said.entities.room_type]
            beside.described.extend(
                i for i in named or range(len(offers)) if i not in beside.described
            )
            continue
        if "?" not in clause and "¿" not in clause:
            statements.append(clause)
            continue
        said = understand(clause)
        named = [i for i, o in enumerate(offers) if o.room_type_id == said.entities.room_type]
        if _PRICE.search(normalize(clause)) and (named or len(offers) == 1):
            beside.priced.extend(i for i in named or [0] if i not in beside.priced)
        elif said.intent is Intent.FAQ and said.confidence >= t.thresholds.act:
            beside.questions.append(clause)
    if beside.questions or beside.priced or beside.described:
        for statement in statements:
            said = understand(statement)
            named = [i for i, o in enumerate(offers) if o.room_type_id == said.entities.room_type]
            index = choices.pick_index(statement, len(offers))
            if index is None:
                index = choices.pick_by_price(statement, [o.total for o in offers])
            beside.pick = named[0] if named else index
            if beside.pick is not None:
                break
    return beside


def tell_price(t: Turn, offer: OfferView) -> None:
    """ "How much is the family one in total?": the total of that offer for the stay."""
    t.reply(price_text(t, offer))


def asks_price(text: str) -> bool:
    """ "how much is it per night?", "¿cuánto sale?"."""
    return _PRICE.search(normalize(text)) is not None


def nightly_price_text(t: Turn, offer: OfferView) -> str:
    """ "The Standard Double is €95.84 a night, €191.68 in total, …": asked after choosing."""
    return t.say(
        "booking.offer_nightly_total",
        room=offer.name(t.language),
        nightly=t.say.money(offer.nightly, offer.currency),
        total=t.say.money(offer.total, offer.currency),
        stay=stay_text(t),
    )


def price_text(t: Turn, offer: OfferView) -> str:
    return t.say(
        "booking.offer_total",
        room=offer.name(t.language),
        total=t.say.money(offer.total, offer.currency),
        stay=stay_text(t),
    )


def describe(t: Turn, indexes: list[int]) -> None:
    """ "What's the difference between them?": each offer asked about, in the PMS's own words
    for its rooms (beds, view), with its total for the stay, one paragraph each."""
    t.reply(described(t, indexes))


def asks_about_chosen(t: Turn) -> bool:
    """ "¿qué incluye?", "what's it like?" once a room is chosen: a question about that room
    (a short one: "¿qué incluye el desayuno?" names what it asks about and is the FAQ's)."""
    state = t.state
    if state.chosen is None or not any(o.room_type_id == state.chosen for o in state.offers):
        return False
    text = normalize(t.text)
    asked = _COMPARE.search(text)
    if asked is None:
        return False
    rest = _WORDS.findall(text[: asked.start()] + " " + text[asked.end() :])
    return all(word in _ABOUT_IT for word in rest)


def described(t: Turn, indexes: list[int]) -> str:
    types = {room_type.id: room_type for room_type in t.room_types}
    paragraphs = []
    for index in indexes:
        offer = t.state.offers[index]
        ids = list(dict.fromkeys(room.room_type_id for room in offer.rooms)) or [offer.room_type_id]
        about = []
        for room_type_id in ids:
            room_type = types.get(room_type_id)
            if room_type is None or not room_type.descriptions:
                continue
            text = room_type.descriptions.get(t.language) or next(
                iter(room_type.descriptions.values())
            )
            about.append(f"{room_type.name(t.language)}: {text}" if len(ids) > 1 else text)
        paragraphs.append(
            t.say(
                "booking.room_described",
                room=offer.name(t.language),
                about=" ".join(about),
                total=t.say.money(offer.total, offer.currency),
            ).replace("  ", " ")
        )
    return "\n\n".join(paragraphs)


def answers_choice(t: Turn) -> bool:
    """Whether the message answers the pending "which room?": a pick, "that one", or a room
    type by name (offered or not)."""
    return (
        picked_offer(t) is not None
        or choices.points_at_option(t.text)
        or t.understanding.entities.room_type is not None
    )


def remember_pick(t: Turn, offer: OfferView) -> None:
    """What the guest chose, as they saw it: the summary restates any difference from it."""
    state = t.state
    state.chosen = offer.room_type_id
    state.picked = Picked(
        room_type_id=offer.room_type_id,
        stay=state.offers_for,
        total=offer.total,
        currency=offer.currency,
    )


def show(t: Turn, *, intro: bool = True) -> None:
    state = t.state
    state.step = Step.CHOOSE
    rows = []
    lines = []
    for offer in state.offers:
        name = offer.name(t.language)
        prices = _prices(t, offer)
        lines.append(f"{name}: {prices}")
        rows.append(
            ListRow(id=f"{OFFER_PREFIX}{offer.room_type_id}", title=name, description=prices)
        )
    picker = ListPicker(button=t.say("buttons.see_rooms"), sections=[ListSection(rows=rows)])
    stay, party = stay_text(t), party_text(t)
    t.offer_choices(
        picker,
        lines,
        lead=t.say("booking.offers", stay=stay, party=party) if intro else "",
        listed_lead=t.say("booking.offers_listed", stay=stay, party=party) if intro else "",
        question=t.say("booking.which_one"),
    )


def missed(t: Turn, *, kept: list[str], not_understood: bool = False) -> None:
    """The message did not pick a room: say what was kept (details given instead are kept,
    and still count), ask again in other words, after the second miss in a row offer
    reception, after the third hand over; never the identical list again. A message not
    understood at all (`not_understood`) is first told how to choose."""
    state = t.state
    state.step = Step.CHOOSE
    state.misunderstood = t.unclear_before + 1
    names = [offer.name(t.language) for offer in state.offers]
    options = t.say.options(names)
    text = t.say("booking.kept", what=t.say.together(kept)) + " " if kept else ""
    if state.misunderstood > t.thresholds.offer_misses:
        # Reception was offered and the guest still did not choose: a colleague takes over.
        t.reply(text + t.say("handoff.misunderstood"))
        t.hand_off("misunderstood")
        return
    if state.misunderstood == t.thresholds.offer_misses:
        text += t.say("booking.choose_or_staff", options=options)
        t.reply(text, buttons=[t.button(HANDOFF, "buttons.talk_to_staff")])
        return
    if not_understood:
        example = state.offers[0].name(t.language).lower()
        text += t.say("booking.choose_again", example=example)
    elif len(names) == 1:
        text += t.say("booking.choose_the_one", options=options)
    else:
        text += t.say("booking.choose_by_name", options=options, count=len(names))
    t.reply(text)


def not_offered(t: Turn, room_type_id: str) -> None:
    """A room type asked for by name that is not among the offers (full, or too small)."""
    t.reply(t.say("booking.requested_unavailable", room=t.room_name(room_type_id)))
    missed(t, kept=[])
    t.state.misunderstood = 0  # a clear answer, not a misunderstanding


def summary(t: Turn) -> None:
    state = t.state
    offer = next(o for o in state.offers if o.room_type_id == state.chosen)
    state.step = Step.CONFIRM
    text = t.say(
        "booking.summary",
        room=multi_room.rooms_text(t, offer),
        stay=stay_text(t),
        party=party_text(t),
        name=state.guest_name,
        email=state.guest_email,
        total=t.say.money(offer.total, offer.currency),
        requests=special_requests.summary_line(t),
    )
    changes = differences(t, offer)
    if changes:
        text = t.say("booking.changed", changes="\n".join(changes)) + "\n\n" + text
    t.reply(
        text, buttons=[t.button(YES, "buttons.confirm_booking"), t.button(CHANGE, "buttons.change")]
    )


def differences(t: Turn, offer: OfferView) -> list[str]:
    """Each way the summary differs from the offer the guest picked, one line each."""
    picked = t.state.picked
    stay = t.state.offers_for
    if picked is None or picked.stay is None or stay is None:
        return []
    lines = []
    before, now = picked.stay, stay
    if (before.check_in, before.check_out) != (now.check_in, now.check_out):
        lines.append(
            t.say("booking.changed_dates", before=t.stay_text(before), now=t.stay_text(now))
        )
    if (before.adults, before.children, before.rooms) != (now.adults, now.children, now.rooms):
        lines.append(
            t.say("booking.changed_party", before=t.party_text(before), now=t.party_text(now))
        )
    if picked.room_type_id != offer.room_type_id:
        lines.append(
            t.say(
                "booking.changed_room",
                before=t.room_name(picked.room_type_id),
                now=offer.name(t.language),
            )
        )
    if picked.total != offer.total:
        lines.append(
            t.say(
                "booking.changed_total",
                before=t.say.money(picked.total, picked.currency),
                now=t.say.money(offer.total, offer.currency),
            )
        )
    return lines


def stay_text(t: Turn) -> str:
    slots = t.state.slots
    assert slots.check_in
    assert slots.check_out
    return t.say.stay(slots.check_in, slots.check_out, today=t.today)


def party_text(t: Turn) -> str:
    slots = t.state.slots
    return t.say.party(slots.adults or 1, slots.children or 0, slots.rooms or 1)


def _prices(t: Turn, offer: OfferView) -> str:
    if offer.rooms:
        return multi_room.prices(t, offer)
    rooms = t.state.offers_for.rooms if t.state.offers_for else 1
    nightly = t.say.money(offer.nightly, offer.currency)
    total = t.say.money(offer.total, offer.currency)
    if rooms == 1:
        return t.say("booking.offer_prices", nightly=nightly, total=total)
    return t.say(
        "booking.offer_prices_rooms",
        per_room=t.say.money(offer.nightly / rooms, offer.currency),
        total=total,
        rooms=t.say.count("units.rooms", rooms),
    )
