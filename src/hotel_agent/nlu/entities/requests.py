"""Special requests a guest makes for their stay: "we're coming by car", "can we add breakfast?",
"necesitamos una cuna", "llegaremos tarde". The hotel's answers invite them ("tell us when you
book that you're coming by car and we'll note it"), so the agent passes them on with the booking.

Only what is said as a wish or a plan counts, not a question about the hotel: "do you have
parking?" asks; "we'll need a parking space" requests. Folded text (lower case, no accents).
"""

from __future__ import annotations

import re
from typing import Literal

RequestKind = Literal[
    "parking",
    "cot",
    "extra_bed",
    "breakfast",
    "late_arrival",
    "early_check_in",
    "late_check_out",
    "separate_beds",
    "quiet_room",
    "accessible",
    "celebration",
]

# A wish or a plan: what comes before the thing asked for.
_WISH = (
    r"(?:need|needs|needing|want|would\s+like|we'd\s+like|i'd\s+like|add|adding|include|please"
    r"|request|reserve|book|with|can\s+(?:we|i|you)\s+(?:have|get|add|book|reserve)"
    r"|could\s+(?:we|i|you)\s+(?:have|get|add|book|reserve)|necesit\w*|quier\w*|querriamos"
    r"|queremos|gustaria|anad\w*|incluir|incluid\w*|incluya\w*|reserv\w*|con|pon\w*|solicit\w*"
    r"|por\s+favor)"
)
_NEAR = r"(?:\s+[\w']+){0,3}?\s+"
_PATTERNS: tuple[tuple[RequestKind, re.Pattern[str]], ...] = (
    (
        "parking",
        re.compile(
            r"\b(?:(?:venimos|vamos|iremos|vendremos|llegamos|llegaremos|viajamos|voy|vengo)\s+"
            r"(?:en|con)\s+(?:el\s+|nuestro\s+|mi\s+)?(?:coche|carro|auto|furgoneta|moto)"
            r"|(?:coming|driving|arriving|travelling|traveling|come|arrive)\s+(?:by|with|in)\s+"
            r"(?:a\s+|the\s+|our\s+|my\s+)?(?:car|van|motorbike)|we(?:'ll|\s+will)?\s+drive"
            rf"|{_WISH}{_NEAR}(?:(?:a|una|the|el|la)\s+)?(?:parking(?:\s+space|\s+spot)?"
            r"|aparcamiento|plaza\s+de\s+(?:garaje|parking|aparcamiento)|garaje|garage))\b"
        ),
    ),
    (
        "cot",
        re.compile(rf"\b{_WISH}{_NEAR}(?:(?:a|una|the|la)\s+)?(?:baby\s+)?(?:cot|crib|cuna)\b"),
    ),
    (
        "extra_bed",
        re.compile(
            rf"\b{_WISH}{_NEAR}(?:(?:an|a|una|the|la)\s+)?(?:extra\s+bed|cama\s+(?:supletoria|extra)"
            r"|supletoria|sofa\s+bed|sofa\s+cama)\b"
        ),
    ),
    (
        "breakfast",
        # Not "is it with breakfast?", "¿es con desayuno?": those ask what the price includes.
        re.compile(
            rf"\b(?<!\bis\s)(?<!\bit\s)(?<!\bes\s){_WISH}{_NEAR}(?:(?:the|el)\s+)?"
            r"(?:breakfast|desayunos?)\b"
        ),
    ),
    (
        "late_arrival",
        re.compile(
            r"\b(?:lleg\w*|arriv\w*|get\s+(?:there|in)|check(?:ing)?[\s-]?in)\s+(?:muy\s+|very\s+"
            r"|quite\s+|bastante\s+|a\s+bit\s+|un\s+poco\s+)?(?:tarde|late)\b|\blate\s+(?:arrival"
            r"|check[\s-]?in)\b|\bllegada\s+tard\w*"
        ),
    ),
    (
        "early_check_in",
        re.compile(
            r"\b(?:early\s+check[\s-]?in|check[\s-]?in\s+(?:temprano|early|antes)|(?:lleg\w*|arriv\w*)"
            r"\s+(?:muy\s+|very\s+)?(?:temprano|pronto|early)|entrar\s+(?:antes|temprano|pronto))\b"
        ),
    ),
    (
        "late_check_out",
        re.compile(
            r"\b(?:late\s+check[\s-]?out|check[\s-]?out\s+(?:tarde|late|mas\s+tarde|later)"
            r"|salir\s+(?:mas\s+)?tarde|(?:leave|leaving)\s+(?:a\s+bit\s+)?later?)\b"
        ),
    ),
    (
        "separate_beds",
        re.compile(
            r"\b(?:camas\s+separadas|dos\s+camas(?:\s+individuales)?|separate\s+beds|twin\s+beds"
            r"|two\s+(?:single\s+)?beds)\b"
        ),
    ),
    (
        "quiet_room",
        re.compile(
            r"\b(?:habitacion\s+(?:tranquila|silenciosa)|(?:a\s+)?quiet\s+room|planta\s+alta|piso\s+alto"
            r"|high(?:er)?\s+floor|lejos\s+del\s+ascensor|away\s+from\s+the\s+(?:lift|elevator))\b"
        ),
    ),
    (
        "accessible",
        re.compile(
            r"\b(?:silla\s+de\s+ruedas|wheelchair|movilidad\s+reducida|reduced\s+mobility"
            r"|(?:habitacion|room)\s+(?:adaptada|accesible|accessible|adapted))\b"
        ),
    ),
    (
        "celebration",
        re.compile(
            r"\b(?:(?:nuestro|our|mi|my|su|her|his)\s+(?:\w+\s+)?(?:aniversario|anniversary"
            r"|cumpleanos|birthday)|luna\s+de\s+miel|honeymoon)\b"
        ),
    ),
)


def find_requests(folded: str) -> list[RequestKind]:
    """The kinds of request `folded` makes, in the order of the table, each once."""
    return [kind for kind, pattern in _PATTERNS if pattern.search(folded)]
