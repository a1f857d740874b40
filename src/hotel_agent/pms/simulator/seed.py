"""Writes a hotel (the demo hotel by default) into the simulator's tables once.

Safe when several processes start together: the hotel row is inserted with ON CONFLICT DO
NOTHING and the rest of the hotel goes in the same transaction, so exactly one process seeds
and the others see either nothing or the whole hotel.
"""

from __future__ import annotations

from sqlalchemy import select

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models.pms_simulator import SimHotel, SimRoomType, SimSeason, SimWeekdayRate
from hotel_agent.db.repositories._dialect import insert_for
from hotel_agent.db.types import utcnow
from hotel_agent.pms.simulator.demo_hotel import DEMO_HOTEL, HotelSpec


async def seed_hotel(sessions: SessionFactory, spec: HotelSpec = DEMO_HOTEL) -> bool:
    """Create the hotel if the simulator has no hotel with its code; True if it was created."""
    async with sessions() as session, session.begin():
        if await session.scalar(select(SimHotel.id).where(SimHotel.code == spec.code)):
            return False
        hotel_id = (
            await session.execute(
                insert_for(session, SimHotel)
                .values(
                    code=spec.code,
                    name=spec.name,
                    address=spec.address,
                    city=spec.city,
                    check_in_time=spec.check_in_time,
                    check_out_time=spec.check_out_time,
                    currency=spec.currency,
                    timezone=spec.timezone,
                    tax_rate=spec.rates.tax_rate,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["code"])
                .returning(SimHotel.id)
            )
        ).scalar_one_or_none()
        if hotel_id is None:
            return False  # another process seeded it meanwhile
        session.add_all(
            SimRoomType(
                hotel_id=hotel_id,
                code=room.code,
                position=position,
                names=dict(room.names),
                descriptions=dict(room.descriptions),
                amenities=list(room.amenities),
                max_adults=room.max_adults,
                max_children=room.max_children,
                max_guests=room.max_guests,
                base_rate=room.base_rate,
                inventory=room.inventory,
            )
            for position, room in enumerate(spec.room_types)
        )
        session.add_all(
            SimWeekdayRate(hotel_id=hotel_id, weekday=weekday, multiplier=multiplier)
            for weekday, multiplier in enumerate(spec.rates.weekday_multipliers)
        )
        session.add_all(
            SimSeason(
                hotel_id=hotel_id,
                name=season.name,
                starts_on=season.starts_on,
                ends_on=season.ends_on,
                multiplier=season.multiplier,
            )
            for season in spec.rates.seasons
        )
    return True
