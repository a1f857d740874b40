"""The guest's name as typed beside their contact details, when the agent asked for them.

"Valentina Rojas, mi mail es vale.rojas@…", "Hannah Moore - hannah.moore@…" and "Pilar Vega,
pilar.vega@example.com, tel +34 622 333 444" all name the guest in their first part; what follows
the separator ("mi mail es", "tel") is not part of the name.
"""

from __future__ import annotations

import re

from hotel_agent.nlu.entities.contact import NAME_PARTICLES
from hotel_agent.nlu.text import normalize

_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$")
_NOT_NAMES = frozenset({
    "si", "no", "vale", "ok", "hola", "gracias", "yes", "hello", "hi", "thanks", "sure", "perfecto",
    "claro", "bueno", "nada", "nothing", "please", "porfavor", "favor", "hey", "mail", "email",
    "e-mail", "correo", "tel", "tlf", "telefono", "phone", "movil", "mobile", "es", "is",
    "for", "para",
    # what a guest says of a room, not a name: "la más barata", "the cheaper one", "esa"
    "mas", "more", "barata", "barato", "cheap", "cheaper", "cheapest", "mejor", "better",
    "primera", "primero", "segunda", "segundo", "tercera", "first", "second", "third", "last",
    "ultima", "option", "opcion", "one", "that", "this", "esa", "ese", "esta", "este", "room",
    "habitacion", "doble", "double", "vista", "view",
    # agreement and go-ahead, not a name: "sounds good, book it", "dale, resérvala"
    "sounds", "good", "great", "perfect", "book", "it", "go", "ahead", "cool", "nice", "fine",
    "confirm", "lets", "let's", "do", "genial", "dale", "reservala", "reserva", "confirma",
    "listo", "adelante", "perfecta",
})  # fmt: skip
# A name does not start with an article ("la de arriba", "the sea view"); inside one it may
# ("María de la Cruz").
_NOT_FIRST = frozenset({"la", "el", "los", "las", "lo", "the", "a", "an", "un", "una", "de"})
_CONTACT = re.compile(r"\S+@\S+|\+?\d[\d\s().-]{5,}")
# Between the name and the rest: a comma, a semicolon, a dash with spaces around it (a
# hyphen inside "Ana-María" is part of the name), a slash, a new line, or a final "y"/"and".
_SEPARATOR = re.compile(r"[,;:/|\n]+|\s[-–—]+\s|\s[-–—]+$|\b(?:y|and)\s*$")
# Words that introduce a name without being part of it: "name Sarah Connor", "a nombre de…".
_INTRO = re.compile(
    r"^(?:(?:my\s+)?name(?:'s|\s+is)?|under(?:\s+the\s+name(?:\s+of)?)?|(?:mi\s+)?nombre(?:\s+es)?"
    r"|a\s+nombre\s+de|me\s+llamo|soy|i'?m|(?:(?:it'?s|its|es)\s+)?(?:for|para)|it'?s|its)\s+",
    re.IGNORECASE,
)


def bare_name(text: str) -> str | None:
    """A reply that is only a name ("Ana García Pérez"), title-cased where typed lower-case."""
    words = text.strip().split()
    if not 1 <= len(words) <= 5:
        return None
    if not all(_NAME_WORD.match(word) for word in words):
        return None
    if any(normalize(word) in _NOT_NAMES for word in words) or normalize(words[0]) in _NOT_FIRST:
        return None
    return " ".join(
        word if word[:1].isupper() or (i and word in NAME_PARTICLES) else word.capitalize()
        for i, word in enumerate(words)
    )


def without_contact(text: str, email: str | None, phone: str | None) -> str:
    """The text with its e-mail and phone taken out."""
    for value in (email, phone):
        if value:
            text = text.replace(value, " ")
    return _CONTACT.sub(" ", text)


def name_part(
    text: str, email: str | None, phone: str | None, *, unprompted: bool = False
) -> str | None:
    """The part of a reply giving contact details that is a name, as typed. `unprompted`
    (the name was not asked for): only a capitalised name right before the e-mail."""
    before = text.split(email)[0] if unprompted and email else text
    parts = _SEPARATOR.split(without_contact(before, email, phone))
    if unprompted:
        parts = [part for part in parts if part.strip()][-1:]
    for part in parts:
        typed = _INTRO.sub("", (part or "").strip(" .-–—"))
        if bare_name(typed) and (not unprompted or all(w[:1].isupper() for w in typed.split())):
            return typed
    return None
