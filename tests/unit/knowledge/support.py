"""The demo hotel's knowledge and room types, as the dialogue sees them."""

from __future__ import annotations

from hotel_agent.knowledge import DEMO_KNOWLEDGE_FILE, HotelKnowledge, load_knowledge
from hotel_agent.pms.port import RoomType
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL


def demo_knowledge() -> HotelKnowledge:
    return load_knowledge(DEMO_KNOWLEDGE_FILE)


def demo_room_types() -> list[RoomType]:
    """The simulator's room types: ids and names straight from the demo hotel's specs."""
    return [
        RoomType(
            id=spec.code,
            names=dict(spec.names),
            max_adults=spec.max_adults,
            max_children=spec.max_children,
            max_guests=spec.max_guests,
        )
        for spec in DEMO_HOTEL.room_types
    ]
