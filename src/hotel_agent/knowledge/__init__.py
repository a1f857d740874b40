"""The hotel's own knowledge, per hotel, from a YAML file: FAQ answers in each language (found
by topic or by keywords) and the names guests give its room types.

`knowledge_for(settings)` is what the dialogue calls on every turn; the demo hotel's file,
`data/mirador-del-puerto.yaml`, documents the schema for hotel operators.
"""

from __future__ import annotations

from hotel_agent.knowledge.entries import FaqEntry
from hotel_agent.knowledge.hotel import HotelKnowledge
from hotel_agent.knowledge.loading import (
    DEMO_KNOWLEDGE_FILE,
    KnowledgeError,
    knowledge_for,
    load_knowledge,
)

__all__ = [
    "DEMO_KNOWLEDGE_FILE",
    "FaqEntry",
    "HotelKnowledge",
    "KnowledgeError",
    "knowledge_for",
    "load_knowledge",
]
