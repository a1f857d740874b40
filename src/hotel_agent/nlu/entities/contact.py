"""E-mail, phone, booking reference and the guest's name.

- Phones: 9 to 15 digits with spaces, dots, dashes or brackets; "00" becomes "+" and the
  separators go ("+34 612 345 678" -> "+34612345678"). No country code is added: a Spanish
  speaker is not necessarily in Spain.
- Booking references: our simulator's "HS-7K2Q9D" in any spacing or case; a QloApps order
  reference (9 random letters) written in capitals or after "reserva", "booking", "ref"...;
  after such a word also a letters-and-digits code or an order number. Words are told from
  random references by their vowels: "CANCELADA" is a word, "XKBKNABJK" is not.
- Names only after words that introduce one ("me llamo", "my name is", "a nombre de", "name:"),
  where lower case is accepted and title-cased; after "soy" / "I'm" only a capitalised name
  ("soy Pedro", not "soy de Madrid", "soy yo" or "I'm looking").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotel_agent.nlu.entities.folding import fold

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w+/.,-])(?:\+|00)?[\d(][\d\s().-]{6,22}\d(?![\w/])")
_SIMULATOR_REF = re.compile(r"\b[Hh][Ss][\s-]?([A-Za-z0-9]{6})\b")
_REF_WORD = re.compile(
    r"\b(?:reserva|reservation|booking|referencia|reference|ref|localizador|codigo|code"
    r"|confirmation|confirmacion|order|pedido)\b"
)
_FILLER = frozenset({
    "es", "is", "number", "numero", "no", "nº", "n°", "#", "la", "el", "mi", "my", "de", "of",
    "code", "codigo", "the", "reference", "referencia", "reserva", "booking", "ref", ":", "was",
    "era", "con", "with", "id",
})  # fmt: skip
_TOKEN = re.compile(r"[^\s,;:!?()\"']+|[:#]")
_STANDALONE_REF = re.compile(r"\b[A-Z]{9}\b")
_YEAR = re.compile(r"(?:19|20)\d\d")  # "mi reserva para 2027" names no order
_VOWELS = frozenset("AEIOU")

_INTRO = re.compile(
    r"\b(?:me\s+llamo|mi\s+nombre\s+es|my\s+name\s+is|my\s+name's|a\s+nombre\s+de"
    r"|(?:under|in)\s+the\s+name\s+(?:of\s+)?|name\s*:|nombre\s*:|les?\s+escribe)\s*"
)
_WEAK_INTRO = re.compile(r"\b(?:soy|i'm|i\s+am|this\s+is|aqui)\s+")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Lower-case words inside a name: "María de la Cruz", "Ludwig van Beethoven".
NAME_PARTICLES = frozenset({
    "de", "del", "la", "las", "los", "van", "von", "der", "da", "das", "di", "do", "dos", "du",
    "le",
})  # fmt: skip
_NAME_AFTER_PARTICLES = re.compile(
    r"(?:\s+(?:de|del|la|las|los|van|von|da|di|le)\b)*\s+(?P<word>[^\W\d_][\w'’-]*)",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset({
    "y", "e", "and", "que", "quiero", "quisiera", "queria", "i", "i'd", "i'm", "i'll", "would",
    "want", "like", "from", "de", "con", "with", "para", "for", "por", "mi", "my", "soy", "is",
    "es", "me", "te", "le", "hola", "hi", "hello", "gracias", "thanks", "please", "favor",
    "tambien", "also", "llamo", "nombre", "yo", "el", "la", "un", "una", "a", "the", "an", "not",
    "here", "so", "very", "sorry", "interested", "looking", "trying", "just", "only", "travelling",
    "traveling", "staying", "going", "coming", "calling", "writing", "back", "new", "guest",
    "client", "cliente", "huesped", "spanish", "english", "french", "german", "italian", "american",
    "british", "irish", "dutch", "espanol", "espanola", "ingles", "inglesa", "frances", "francesa",
    "aleman", "alemana", "italiano", "italiana", "otra", "otro", "vez", "again", "still", "sure",
    "ok", "okay", "fine", "bien", "tu", "your", "su",
})  # fmt: skip


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None
    booking_ref: str | None = None
    person_name: str | None = None


def _phone(text: str) -> str | None:
    for match in _PHONE.finditer(text):
        raw = match.group().strip()
        digits = re.sub(r"\D", "", raw)
        international = raw.startswith(("+", "00"))
        if international and raw.startswith("00"):
            digits = digits[2:]
        if 9 <= len(digits) <= 15 and (international or len(digits) <= 11):
            return ("+" if international else "") + digits
    return None


def _looks_random(letters: str, max_vowels: int) -> bool:
    return sum(char in _VOWELS for char in letters.upper()) <= max_vowels


def _reference(text: str, folded: str) -> str | None:
    simulator = _SIMULATOR_REF.search(text)
    if simulator and (any(c.isdigit() for c in simulator[1]) or simulator.group().isupper()):
        return "HS-" + simulator[1].upper()
    for word in _REF_WORD.finditer(folded):
        for token in list(_TOKEN.finditer(text, word.end(), min(len(text), word.end() + 60)))[:5]:
            value = token.group().strip(".-")
            if not value or fold(value) in _FILLER:
                continue
            if len(value) == 9 and value.isalpha() and _looks_random(value, 3):
                return value.upper()
            has_digit = any(c.isdigit() for c in value)
            if 6 <= len(value) <= 12 and value.isalnum() and has_digit and not value.isdigit():
                return value.upper()
            if value.isdigit() and 4 <= len(value) <= 10 and not _YEAR.fullmatch(value):
                return value  # an order number
            break
    shouting = sum(c.isupper() for c in text) > sum(c.islower() for c in text)
    for match in _STANDALONE_REF.finditer(text):
        if not shouting and _looks_random(match.group(), 2):
            return match.group()
    return None


def _name_after(text: str, start: int, *, capitals_only: bool) -> str | None:
    words: list[str] = []
    position = start
    for match in _NAME_WORD.finditer(text, start, min(len(text), start + 80)):
        if text[position : match.start()].strip() or len(words) == 4:
            break  # punctuation between words ends the name
        word = match.group()
        folded = fold(word)
        capital = word[0].isupper()
        if folded in NAME_PARTICLES and words:
            # "de la Fuente" continues a name when a name word follows the particles
            following = _NAME_AFTER_PARTICLES.match(text, match.end())
            if following is None or fold(following["word"]) in _NOT_NAMES:
                break
            if capitals_only and not following["word"][0].isupper():
                break
        elif folded in _NOT_NAMES or (capitals_only and (not capital or folded.endswith("ing"))):
            break
        words.append(word if folded in NAME_PARTICLES else word[0].upper() + word[1:])
        position = match.end()
    return " ".join(words) or None


def _name(text: str, folded: str) -> str | None:
    for match in _INTRO.finditer(folded):
        name = _name_after(text, match.end(), capitals_only=False)
        if name:
            return name
    for match in _WEAK_INTRO.finditer(folded):
        name = _name_after(text, match.end(), capitals_only=True)
        if name:
            return name
    return None


def extract_contact(text: str) -> Contact:
    """Contact details and booking reference said in `text`; None where absent."""
    folded = fold(text)
    email = EMAIL.search(text)
    return Contact(
        email=email.group().rstrip(".") if email else None,
        phone=_phone(EMAIL.sub(" ", text)),
        booking_ref=_reference(text, folded),
        person_name=_name(text, folded),
    )
