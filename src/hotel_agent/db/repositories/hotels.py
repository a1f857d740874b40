from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.models import Hotel


class HotelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, hotel_id: int) -> Hotel | None:
        return await self.session.get(Hotel, hotel_id)

    async def listed(self) -> list[Hotel]:
        """Every hotel, by name."""
        return list(await self.session.scalars(select(Hotel).order_by(Hotel.name, Hotel.id)))

    async def by_slug(self, slug: str) -> Hotel | None:
        return await self.session.scalar(select(Hotel).where(Hotel.slug == slug))

    async def phone_number_map(self) -> dict[str, int]:
        rows = await self.session.execute(
            select(Hotel.whatsapp_phone_number_id, Hotel.id).where(
                Hotel.whatsapp_phone_number_id.is_not(None)
            )
        )
        return {str(number): hotel_id for number, hotel_id in rows}

    async def upsert(
        self,
        *,
        slug: str,
        name: str,
        timezone: str,
        default_language: str,
        whatsapp_phone_number_id: str | None,
    ) -> Hotel:
        hotel = await self.by_slug(slug)
        if hotel is None:
            hotel = Hotel(slug=slug)
            self.session.add(hotel)
        hotel.name = name
        hotel.timezone = timezone
        hotel.default_language = default_language
        hotel.whatsapp_phone_number_id = whatsapp_phone_number_id or None
        await self.session.flush()
        return hotel
