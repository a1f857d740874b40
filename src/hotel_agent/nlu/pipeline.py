"""Understanding one guest message: language, then intent and FAQ topic, then entities."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from hotel_agent.nlu import rules
from hotel_agent.nlu.entities import RoomTypeName, extract_entities
from hotel_agent.nlu.intents import IntentClassifier, shared_classifier
from hotel_agent.nlu.language import SUPPORTED, detect_language
from hotel_agent.nlu.text import for_models, normalize
from hotel_agent.nlu.types import Entities, Intent, Understanding

# No evidence of a language: addresses, and codes such as booking references ("HS-4JQCPU" made
# "cancela la reserva HS-4JQCPU" English).
_ADDRESSES = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|(?-i:\b[A-Z]{2,}-[A-Z0-9]{3,}\b)|\S*\d\S*", re.IGNORECASE
)


class Understander:
    """Build one per process and share it: after training (on first use, or `warm_up`) it only
    reads, so any number of threads may call `understand` at once."""

    def __init__(
        self, classifier: IntentClassifier | None = None, *, model_cache: Path | None = None
    ) -> None:
        """`classifier` defaults to the process's shared one, trained on first use; with
        `model_cache`, a folder, the trained model is kept there and later processes load it."""
        self._classifier = classifier
        self._model_cache = model_cache
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Train the models and load the language models now rather than on the first message."""
        self.understand("hola, quiero reservar una habitación", now=datetime.now().astimezone())
        self.understand("hello, I'd like to book a room", now=datetime.now().astimezone())

    def understand(
        self,
        text: str,
        *,
        now: datetime,
        language_hint: str | None = None,
        previous_language: str | None = None,
        default_language: str = "es",
        room_types: Sequence[RoomTypeName] = (),
        previous_entities: Entities | None = None,
    ) -> Understanding:
        """What a guest message means.

        `now` is the hotel's current time (relative dates are read against it). A supported
        `language_hint` is taken as the language; otherwise the language is detected, with
        `previous_language` (the conversation's so far) and `default_language` (the hotel's)
        deciding messages that show none. `room_types` are the hotel's, as guests name them;
        `previous_entities` the conversation's slots, for corrections ("one more night").
        """
        # Only the head of a very long message is read; the Understanding keeps all of it.
        head = for_models(text)
        if language_hint in SUPPORTED:
            language = language_hint
        else:
            # "ana@example.com" is no evidence of English: addresses and codes are left out.
            language = detect_language(
                _ADDRESSES.sub(" ", head), previous=previous_language, default=default_language
            )
        classification = self._intent_classifier().classify(rules.without_leading_and(head))
        entities = extract_entities(
            head, language=language, now=now, room_types=room_types, previous=previous_entities
        )
        intent, confidence = classification.intent, classification.confidence
        stay_details = (
            entities.check_in,
            entities.check_out,
            entities.nights,
            entities.adults,
            entities.rooms,
        )
        if rules.is_stay_answer(normalize(head), intent, any(v is not None for v in stay_details)):
            intent = Intent.NEW_BOOKING  # "hasta el viernes", "from tomorrow": not a farewell
        has_day = entities.check_in is not None or entities.check_out is not None
        if rules.is_stay_request(intent, confidence, has_day, entities.adults is not None):
            # A day and a party: what a booking needs, whatever the words around them.
            intent, confidence = Intent.NEW_BOOKING, 1.0
        return Understanding(
            text=text,
            language=language,
            intent=intent,
            topic=classification.topic,
            confidence=confidence,
            entities=entities,
        )

    def _intent_classifier(self) -> IntentClassifier:
        if self._classifier is None:
            with self._lock:
                if self._classifier is None:
                    self._classifier = shared_classifier(self._model_cache)
        return self._classifier
