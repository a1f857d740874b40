"""Reference times and a hotel shared by the entity tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hotel_agent.nlu.entities import RoomTypeName

# Saturday noon in the hotel's time zone.
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))
WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
SUNDAY = datetime(2026, 12, 20, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))

# The demo hotel's room types as guests name them.
HOTEL = (
    RoomTypeName(
        "IND", {"es": ("Habitación Individual", "individual"), "en": ("Single Room", "single")}
    ),
    RoomTypeName(
        "DBL",
        {
            "es": ("Doble Estándar", "doble", "matrimonial", "habitación doble"),
            "en": ("Standard Double", "double", "double room", "twin"),
        },
    ),
    RoomTypeName(
        "DSV",
        {
            "es": ("Doble Superior con vista al mar", "vista al mar", "doble superior"),
            "en": ("Superior Double, Sea View", "sea view", "superior double"),
        },
    ),
    RoomTypeName("FAM", {"es": ("Habitación Familiar", "familiar"), "en": ("Family Room",)}),
    RoomTypeName("STE", {"es": ("Suite Mirador", "suite"), "en": ("Mirador Suite", "suite")}),
)
