"""The engine until full understanding lands: it greets, and says honestly what it cannot do.

It never invents availability or prices; it offers a colleague instead.
"""

from __future__ import annotations

import re

from hotel_agent.channels.port import Button, OutboundMessage
from hotel_agent.dialogue.port import TurnInput, TurnOutput

_SPANISH_HINTS = re.compile(
    r"[ñ¿¡áéíóú]|\b(hola|buen[oa]s|gracias|quiero|quisiera|reserva\w*|habitaci\w+|tienen|"
    r"para|noches?|cu[aá]nto|d[ií]as?|por favor|s[ií]|precio|hay)\b",
    re.IGNORECASE,
)
_ENGLISH_HINTS = re.compile(
    r"\b(hi|hello|hey|thanks|thank you|please|room|book\w*|night|how much|want|would|"
    r"do you|yes|the)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\W*(hola|buen[oa]s( d[ií]as| tardes| noches)?|hi|hello|hey|good (morning|afternoon|"
    r"evening))\b",
    re.IGNORECASE,
)

_TEXT = {
    "es": {
        "greeting": "¡Hola{name}! Soy el asistente virtual de {hotel}.",
        "cannot_yet": (
            "Todavía no puedo gestionar esa consulta por aquí. "
            "Si quieres, un compañero de recepción te responde en este mismo chat."
        ),
        "unsupported": "Por ahora solo entiendo mensajes de texto. ¿Me lo escribes?",
        "talk_to_staff": "Hablar con recepción",
    },
    "en": {
        "greeting": "Hello{name}! I'm the virtual assistant of {hotel}.",
        "cannot_yet": (
            "I can't handle that request here yet. "
            "If you like, a colleague from reception will answer you in this chat."
        ),
        "unsupported": "For now I only understand text messages. Could you type it?",
        "talk_to_staff": "Talk to reception",
    },
}
_HANDOFF_CHOICE = "handoff"


def guess_language(text: str, previous: str | None, default: str) -> str:
    spanish = len(_SPANISH_HINTS.findall(text))
    english = len(_ENGLISH_HINTS.findall(text))
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return previous or default


class MinimalEngine:
    async def handle(self, turn: TurnInput) -> TurnOutput:
        message = turn.message
        language = guess_language(message.text, turn.language, turn.hotel.default_language)
        text = _TEXT[language if language in _TEXT else "en"]
        if message.choice_id == _HANDOFF_CHOICE:
            return TurnOutput(replies=[], state=turn.state, language=language, handoff=True)
        if message.type not in {"text", "interactive", "button"} or not message.text.strip():
            return TurnOutput(
                replies=[OutboundMessage(text=text["unsupported"])],
                state=turn.state,
                language=language,
            )
        replies: list[OutboundMessage] = []
        if _GREETING.match(message.text):
            name = f" {turn.guest_name.split()[0]}" if turn.guest_name else ""
            replies.append(
                OutboundMessage(text=text["greeting"].format(name=name, hotel=turn.hotel.name))
            )
        replies.append(
            OutboundMessage(
                text=text["cannot_yet"],
                buttons=[Button(id=_HANDOFF_CHOICE, title=text["talk_to_staff"])],
            )
        )
        return TurnOutput(replies=replies, state=turn.state, language=language)
