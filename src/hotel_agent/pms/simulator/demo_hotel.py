"""The demo hotel the simulator starts with: everything a hotel operator would set, in one place.

Rates are per room and night before tax; the quoted price adds the tax. Amenities are
language-neutral codes the agent's responses translate. Edit this file (before the first
start, or on a fresh database) to simulate another hotel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from hotel_agent.pms.port import RoomType
from hotel_agent.pms.simulator.rates import RatePlan, Season


@dataclass(frozen=True)
class RoomTypeSpec:
    code: str  # the room type id the agent sees
    names: dict[str, str]
    descriptions: dict[str, str]
    max_adults: int
    max_children: int
    max_guests: int
    amenities: tuple[str, ...]
    base_rate: Decimal
    inventory: int  # rooms of this type in the hotel

    def room_type(self) -> RoomType:
        """The room type as the port shows it."""
        return RoomType(
            id=self.code,
            names=dict(self.names),
            descriptions=dict(self.descriptions),
            max_adults=self.max_adults,
            max_children=self.max_children,
            max_guests=self.max_guests,
            amenities=list(self.amenities),
        )


@dataclass(frozen=True)
class HotelSpec:
    code: str
    name: str
    address: str
    city: str
    check_in_time: time
    check_out_time: time
    currency: str
    timezone: str
    rates: RatePlan
    room_types: tuple[RoomTypeSpec, ...]


DEMO_HOTEL = HotelSpec(
    code="mirador-del-puerto",
    name="Hotel Mirador del Puerto",
    address="Avenida del Puerto 12, 03001 Alicante, España",
    city="Alicante",
    check_in_time=time(15, 0),
    check_out_time=time(12, 0),
    currency="EUR",
    timezone="Europe/Madrid",
    rates=RatePlan(
        # Monday … Sunday nights: Friday and Saturday are the seaside weekend, Sunday is quiet.
        weekday_multipliers=(
            Decimal("1.00"),
            Decimal("1.00"),
            Decimal("1.00"),
            Decimal("1.05"),
            Decimal("1.20"),
            Decimal("1.25"),
            Decimal("0.90"),
        ),
        seasons=(
            Season("Temporada media (junio)", "06-01", "06-30", Decimal("1.15")),
            Season("Temporada alta de verano", "07-01", "08-31", Decimal("1.40")),
            Season("Temporada media (septiembre)", "09-01", "09-30", Decimal("1.15")),
            Season("Navidad y Año Nuevo", "12-22", "01-06", Decimal("1.25")),
        ),
        tax_rate=Decimal("0.10"),  # IVA reducido del alojamiento
    ),
    room_types=(
        RoomTypeSpec(
            code="IND",
            names={"es": "Habitación Individual", "en": "Single Room"},
            descriptions={
                "es": "Habitación tranquila con cama de 105 cm y vistas al patio interior.",
                "en": "Quiet room with a 105 cm bed overlooking the inner courtyard.",
            },
            max_adults=1,
            max_children=0,
            max_guests=1,
            amenities=("wifi", "air_conditioning", "tv", "desk", "private_bathroom"),
            base_rate=Decimal("62.00"),
            inventory=4,
        ),
        RoomTypeSpec(
            code="DBL",
            names={"es": "Doble Estándar", "en": "Standard Double"},
            descriptions={
                "es": "Cama de matrimonio o dos camas, y cama supletoria para un niño.",
                "en": "A double bed or two singles, with an extra bed for one child.",
            },
            max_adults=2,
            max_children=1,
            max_guests=3,
            amenities=("wifi", "air_conditioning", "tv", "minibar", "private_bathroom"),
            base_rate=Decimal("85.00"),
            inventory=10,
        ),
        RoomTypeSpec(
            code="DSV",
            names={"es": "Doble Superior con vista al mar", "en": "Superior Double, Sea View"},
            descriptions={
                "es": "Balcón sobre el puerto, cama king size y sofá cama para niños.",
                "en": "Balcony over the harbour, king-size bed and a sofa bed for children.",
            },
            max_adults=2,
            max_children=2,
            max_guests=3,
            amenities=(
                "wifi",
                "air_conditioning",
                "tv",
                "minibar",
                "sea_view",
                "balcony",
                "coffee_maker",
            ),
            base_rate=Decimal("118.00"),
            inventory=6,
        ),
        RoomTypeSpec(
            code="FAM",
            names={"es": "Habitación Familiar", "en": "Family Room"},
            descriptions={
                "es": "Dos ambientes: cama de matrimonio y dos individuales; hasta 4 personas.",
                "en": "Two areas: a double bed and two single beds; up to 4 guests.",
            },
            max_adults=3,
            max_children=2,
            max_guests=4,
            amenities=("wifi", "air_conditioning", "tv", "fridge", "cot_on_request"),
            base_rate=Decimal("145.00"),
            inventory=4,
        ),
        RoomTypeSpec(
            code="STE",
            names={"es": "Suite Mirador", "en": "Mirador Suite"},
            descriptions={
                "es": "Salón independiente, terraza con vista panorámica al mar y bañera.",
                "en": "Separate living room, terrace with a panoramic sea view and a bathtub.",
            },
            max_adults=2,
            max_children=1,
            max_guests=3,
            amenities=(
                "wifi",
                "air_conditioning",
                "tv",
                "minibar",
                "sea_view",
                "terrace",
                "bathtub",
                "coffee_maker",
            ),
            base_rate=Decimal("220.00"),
            inventory=2,
        ),
    ),
)
