"""Every confidence threshold and patience limit of the dialogue, in one place.

The intent classifier's probabilities are calibrated (`nlu/intent_model.py`), so the numbers
read as "how sure": a request for a person, a complaint or a hotel question at `interrupt` or
above is acted on before the task in progress reads the message; any intent at `act` or above
is acted on once the task in progress has found nothing in the message; below
`ask_model_below` the language model, when configured, is asked for its reading.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    interrupt: float = 0.6
    act: float = 0.5
    # From the settings (LLM_MIN_CONFIDENCE): the runtime passes its value.
    ask_model_below: float = 0.55
    # Above this a lower-case two-word reply to "your name?" is what the classifier says it is
    # ("hablar con recepción"), not a name.
    not_a_name: float = 0.9
    # Unclear messages in a row before a colleague takes over.
    unclear_limit: int = 2
    # Replies in a row that pick no offer before reception is offered (and then taken over).
    offer_misses: int = 2


DEFAULTS = Thresholds()
