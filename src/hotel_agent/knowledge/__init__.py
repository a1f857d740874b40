"""The hotel's own knowledge, per hotel, from a YAML file: FAQ answers in each language (found
by topic or by keywords) and the names guests give its room types.

`knowledge_for(settings)` is what the dialogue calls on every turn; the demo hotel's file,
`data/mirador-del-puerto.yaml`, documents the schema for hotel operators.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotel_agent.knowledge.entries import FaqEntry
    from hotel_agent.knowledge.hotel import HotelKnowledge
    from hotel_agent.knowledge.loading import (
        DEMO_KNOWLEDGE_FILE,
        KnowledgeError,
        knowledge_for,
        load_knowledge,
    )

# Loaded on first use: `knowledge.templates` (the WhatsApp template registry, which the staff
# commands need) must not pull in the FAQ search and with it the NLU.
_EXPORTS = {
    "DEMO_KNOWLEDGE_FILE": "loading",
    "FaqEntry": "entries",
    "HotelKnowledge": "hotel",
    "KnowledgeError": "loading",
    "knowledge_for": "loading",
    "load_knowledge": "loading",
}

__all__ = [
    "DEMO_KNOWLEDGE_FILE",
    "FaqEntry",
    "HotelKnowledge",
    "KnowledgeError",
    "knowledge_for",
    "load_knowledge",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
