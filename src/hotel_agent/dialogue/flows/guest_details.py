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
# Agreement that is also a first name ("Vale", for Valentina or Valeria): a name when a
# surname follows ("Vale Rodríguez") or the e-mail bears it ("Vale, vale@…"); alone, "ok".
_AGREEMENT_NAMES = frozenset({"vale"})
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


def bare_name(text: str, *, email: str | None = None) -> str | None:
    """A reply that is only a name ("Ana García Pérez"), title-cased where typed lower-case.
    A first name that is also agreement ("Vale") needs a surname, or the `email` bearing it."""
    words = text.strip().split()
    if not 1 <= len(words) <= 5:
        return None
    if not all(_NAME_WORD.match(word) for word in words):
        return None
    first = normalize(words[0])
    named = first in _AGREEMENT_NAMES and (len(words) > 1 or _bears(email, first))
    rest = words[1:] if named else words
    if any(normalize(word) in _NOT_NAMES for word in rest) or first in _NOT_FIRST:
        return None
    return " ".join(
        word if word[:1].isupper() or (i and word in NAME_PARTICLES) else word.capitalize()
        for i, word in enumerate(words)
    )


def _bears(email: str | None, name: str) -> bool:
    """Whether the e-mail's local part starts with the name ("vale.rojas@…" for "Vale")."""
    return email is not None and normalize(email.split("@")[0]).startswith(name)


def _ok_before_name(typed: str, email: str | None) -> str:
    """ "vale Ana García": agreement, then the name; "Vale Rodríguez" (one word after it) or an
    e-mail bearing it is the name itself."""
    words = typed.split()
    first = normalize(words[0]) if words else ""
    if first in _AGREEMENT_NAMES and len(words) > 2 and not _bears(email, first):
        return " ".join(words[1:])
    return typed


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
        typed = _ok_before_name(_INTRO.sub("", (part or "").strip(" .-–—")), email)
        capitalised = all(w[:1].isupper() for w in typed.split())
        if bare_name(typed, email=email) and (not unprompted or capitalised):
            return typed
    return None
