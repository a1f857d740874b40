"""Answers typed to a question with options: "2", "la segunda", "the cheaper one", "sí".

Buttons and lists send an id; a guest may always type instead, so every question with options
also accepts these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from hotel_agent.nlu.entities.numbers import NUMBER, to_int
from hotel_agent.nlu.text import normalize

_ORDINALS = {
    "primer": 1, "primera": 1, "primero": 1, "first": 1, "1st": 1, "uno": 1,
    "segunda": 2, "segundo": 2, "second": 2, "2nd": 2, "dos": 2, "two": 2,
    "tercera": 3, "tercer": 3, "tercero": 3, "third": 3, "3rd": 3, "tres": 3, "three": 3,
    "cuarta": 4, "cuarto": 4, "fourth": 4, "4th": 4, "cuatro": 4, "four": 4,
    "quinta": 5, "quinto": 5, "fifth": 5, "5th": 5, "cinco": 5, "five": 5,
    "sexta": 6, "sexto": 6, "sixth": 6, "6th": 6, "seis": 6, "six": 6,
}  # fmt: skip
_LAST = re.compile(r"\b(ultima|ultimo|last)\b")
_CHEAPEST = re.compile(
    r"\b(mas barat[oa]s?|barat[oa]s?|economic[oa]s?|cheap(er|est)?|less expensive|lowest)\b"
)
# "la mejor", "the best one", "la cara"; a bare "mejor" is "rather" ("mejor otro correo") and
# "está caro" a complaint: no pick.
_DEAREST = re.compile(
    r"\b(mas car[oa]s?|(?:la|el|lo) car[oa]s?|(?:most|the|more) expensive|dearest|priciest"
    r"|(?:the|la|el) best|best one|(?:la|el|lo) mejor)\b"
)
_NUMBER = re.compile(r"^\D{0,12}?(\d{1,2})\D{0,3}$")
# A list read top to bottom: "la de arriba" is the first option, "la de abajo" the last.
_TOP = re.compile(r"\b(de arriba|primera de la lista|top( one)?|above|at the top)\b")
_BOTTOM = re.compile(r"\b(de abajo|bottom( one)?|below|at the bottom)\b")
# Pointing at an option without saying which: an answer, but only clear with one option.
_POINTING = re.compile(
    r"^(esa|ese|esta|este|esa misma|ese mismo|la misma|el mismo|that|this|that one|this one|"
    r"the same|same one|me quedo con esa|i'?ll take that one|i'?ll take it)\b"
)
_SHORT = 5  # words: "la segunda, por favor"
# Chat courtesy after an answer: "la 1 xfa", "2 pls" are still a bare number.
_COURTESY = re.compile(r"[\s,]*\b(?:xfa|xf|porfa|porfis|pls|plz|please|por favor)\b[\s!.]*$")
_ORDINAL_WORDS = "|".join(
    word for word in _ORDINALS if not word.isdigit() and word not in {
        "uno", "dos", "tres", "cuatro", "cinco", "seis", "two", "three", "four", "five", "six",
    }
)  # fmt: skip
_BARE_PICK = re.compile(
    r"^(?:(?:el|la|los|las|the|option|opcion|numero|number|n)\s+)?"
    rf"(\d{{1,2}}|{_ORDINAL_WORDS})(?:\s+(?:one|opcion|option|please|por favor))?$"
)

_YES = re.compile(
    r"^(si|sip|vale|ok|okay|okey|oki|claro|perfecto|correcto|confirmo|confirmar|confirmado|adelante|"
    r"de acuerdo|dale|listo|de una|hagale|hagamoslo|exacto|eso es|reserva(la)?|hazla|"
    r"acepto|i accept|yes|yep|yup|yeah|sure|confirm(?:ed)?|go ahead|please do|book it|do it|"
    r"let'?s do it|go for it|sounds good|perfect|great"
    r"|that(?:'?s| is) (?:confirmed|fine|right|correct|perfect|good))\b"
)
_NO = re.compile(r"^(no|nop|nope|nah|mejor no|todavia no|not yet|no gracias|no thanks)\b")
_WANTS_PERSON = re.compile(
    r"\b(hablar|habla|atienda|speak|talk|human|humano|real person|persona real|recepcion|"
    r"reception|agente|agent|operador|operator)\b"
)
_COMPANY = re.compile(
    r"\b(y|e|and|con|with|plus|mas)\s+(mi|mis|my|nuestr[oa]s?|our)\s+\w+|"
    r"\b(nosotros|nosotras|we|us|pareja|couple|familia|family|amigos|friends)\b"
)
# A sentence that only says how many: "seríamos dos", "we'll be 3", and, when the agent has
# just asked how many, a bare "2", "dos" or "2 pax".
_PARTY_LEAD = (
    r"(?:somos|seriamos|seremos|vamos|vamos a ser|iriamos|we are|we're|we'd be|we will be|"
    r"we'll be|we would be)"
)
_PARTY_TAIL = (
    r"(?:\s+(?:pax|ppl|people|persons|personas|guests|huespedes|adultos|adults|of us|"
    r"de nosotros|en total|in total))?"
)
_PARTY_SENTENCE = re.compile(rf"^(?:{_PARTY_LEAD}\s+)({NUMBER}){_PARTY_TAIL}$")
_BARE_COUNT = re.compile(rf"^(?:(?:solo|just|only)\s+)?({NUMBER}){_PARTY_TAIL}$")
_SENTENCES = re.compile(r"[.!?¿¡,;\n]+")
# What a date is said with: a digit, a month, a weekday or a relative word. "the first one"
# has none of them, so it corrects no date.
_DATE_WORDS = re.compile(
    r"\d|\b(ene|feb|mar|abr|may|jun|jul|ago|sep|set|oct|nov|dic|jan|apr|aug|dec)[a-z]*\b|"
    r"\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|hoy|manana|pasado|today|"
    r"tomorrow|tonight|weekend|finde|semana|week|noches?|nights?|dias?|days?|proxim[oa]|"
    r"siguiente|next|mid|mediados|principios|finales|end|beginning|navidad|christmas|easter|"
    r"semana santa|puente|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|"
    r"catorce|quince|dieci\w+|veinti\w+|treinta|seventh|eighth|ninth|tenth|\w+teenth|"
    r"twent\w+|thirt\w+)\b"
)
_CHILDREN = re.compile(
    r"\b(kids?|child(ren)?|little ones?|toddlers?|bab(y|ies)|infants?|sons?|daughters?|"
    r"\w+-year-olds?|year olds?|nin[oa]s?|nenes?|nenas?|bebes?|peques?|hij[oa]s?|crios?|"
    r"chicos?|chicas?|menores|anos)\b"
)
_NO_CHILDREN = re.compile(
    r"\b(no|sin|without|zero|0|ningun|ningunos?)\s+(kids?|child(ren)?|nin[oa]s?|hij[oa]s?|"
    r"menores|bebes?|babies)\b"
)
# "somos dos chicas": the travellers themselves, grown-ups, not children spoken of.
_WE_ARE_YOUNG = re.compile(rf"\b(?:{_PARTY_LEAD})\s+{NUMBER}\s+chic[oa]s\b")
_PER_ROOM = re.compile(
    rf"\b({NUMBER})\s+(?:adults?|adultos|people|personas|persons|guests|pax)\s+"
    r"(?:each|in each|per room|in every room|por habitacion|en cada una|cada una|"
    r"en cada habitacion)\b"
)
_START_OVER = re.compile(
    r"\b(empeza(r|mos) de (nuevo|cero)|empieza de nuevo|volver a empezar|desde el principio|"
    r"start (over|again)|from (the )?(start|scratch|beginning)|reset|restart|reiniciar)\b"
)


def pick_index(text: str, count: int) -> int | None:
    """The 0-based option a short typed answer points at, among `count` options."""
    said = _COURTESY.sub("", normalize(text)).strip()
    if not said or len(said.split()) > _SHORT or count == 0:
        return None
    number = _NUMBER.match(said)
    if number:
        index = int(number.group(1)) - 1
        return index if 0 <= index < count else None
    if _LAST.search(said) or _BOTTOM.search(said):
        return count - 1
    if _TOP.search(said) or (count == 1 and _POINTING.match(said)):
        return 0
    for word in said.replace(",", " ").split():
        if word in _ORDINALS and _ORDINALS[word] <= count:
            return _ORDINALS[word] - 1
    return None


def pick_by_price(text: str, prices: Sequence[Decimal]) -> int | None:
    """ "the cheaper one" / "la más cara": the index of the lowest or highest price."""
    said = normalize(text)
    if not prices or len(said.split()) > _SHORT + 2:
        return None
    if _CHEAPEST.search(said):
        return min(range(len(prices)), key=prices.__getitem__)
    if _DEAREST.search(said):
        return max(range(len(prices)), key=prices.__getitem__)
    return None


def points_at_option(text: str) -> bool:
    """ "that one", "esa": an answer to a question with options, though not which one."""
    said = normalize(text)
    return len(said.split()) <= _SHORT and bool(_POINTING.match(said))


def wants_a_person(text: str) -> bool:
    """ "hablar con una persona": a request for staff, not a party of one."""
    return bool(_WANTS_PERSON.search(normalize(text)))


def mentions_company(text: str) -> bool:
    """ "para mí y mi mujer", "me and my kids": the guest travels with others, so a party of
    one read from it is not to be trusted."""
    return bool(_COMPANY.search(normalize(text)))


def party_answer(text: str, *, asked: bool) -> int | None:
    """How many guests a short sentence says ("seríamos dos" anywhere in the message); with
    `asked` (the agent's question was "how many?") also a bare number ("2", "dos", "2 pax")."""
    sentences = [part.strip() for part in _SENTENCES.split(normalize(text)) if part.strip()]
    for sentence in sentences:
        match = _PARTY_SENTENCE.match(sentence)
        if match is None and asked and len(sentences) == 1:
            match = _BARE_COUNT.match(sentence)
        if match is not None:
            count = to_int(match.group(1))
            if count:
                return count
    return None


def says_a_date(text: str) -> bool:
    """Whether the message has anything a date is said with (a correction must)."""
    return bool(_DATE_WORDS.search(normalize(text)))


def mentions_children(text: str) -> bool:
    """ "2 adults and a 5-year-old": children are spoken of (and not denied)."""
    said = _WE_ARE_YOUNG.sub(" ", normalize(text))
    return bool(_CHILDREN.search(said)) and not _NO_CHILDREN.search(said)


def adults_per_room(text: str) -> int | None:
    """ "2 rooms with 2 adults each": how many adults in each room, when said so."""
    match = _PER_ROOM.search(normalize(text))
    return to_int(match.group(1)) if match else None


def is_yes(text: str) -> bool:
    return bool(_YES.match(normalize(text)))


def is_no(text: str) -> bool:
    return bool(_NO.match(normalize(text)))


def wants_start_over(text: str) -> bool:
    return bool(_START_OVER.search(normalize(text)))


class _Option(Protocol):
    id: str
    title: str


def typed_choice(text: str, options: Sequence[_Option]) -> str | None:
    """The id of the option a typed answer names: its number ("3"), its ordinal ("la
    tercera") or its whole title ("Hablar con recepción")."""
    if not options:
        return None
    said = normalize(text).strip(" .!¡?¿")
    for option in options:
        if said and said == normalize(option.title).strip(" .!¡?¿"):
            return option.id
    # Only an answer that is nothing but the number or ordinal: "somos dos" is a party,
    # "el 3 de mayo" a date.
    match = _BARE_PICK.match(said)
    if match is None:
        return None
    word = match.group(1)
    number = int(word) if word.isdigit() else _ORDINALS.get(word, 0)
    return options[number - 1].id if 1 <= number <= len(options) else None
