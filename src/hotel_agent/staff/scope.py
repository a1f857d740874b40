"""Which hotel a console page shows: a member who works for one hotel sees that hotel; a
member of every hotel sees them all, or the one they pick when there are several."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.repositories.hotels import HotelRepository
from hotel_agent.staff.accounts import StaffMember


@dataclass(frozen=True)
class HotelOption:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True)
class HotelScope:
    """`hotel`: the one hotel shown (None: every hotel); `choices`: the hotels the member
    may pick from (empty: nothing to pick, they work for one or there is only one)."""

    hotel: HotelOption | None
    choices: tuple[HotelOption, ...] = ()

    @property
    def hotel_id(self) -> int | None:
        return self.hotel.id if self.hotel else None

    @property
    def query(self) -> dict[str, str]:
        """What a link of the page carries to stay on the hotel picked."""
        return {"hotel": str(self.hotel.id)} if self.hotel and self.choices else {}


async def hotel_scope(session: AsyncSession, member: StaffMember, asked: str) -> HotelScope:
    """The scope of `member`'s page, `asked` the hotel id they picked ("" or not one of the
    hotels: every hotel)."""
    hotels = tuple(
        HotelOption(h.id, h.name, h.timezone) for h in await HotelRepository(session).listed()
    )
    if member.hotel_id is not None:
        return HotelScope(next(h for h in hotels if h.id == member.hotel_id))
    if len(hotels) < 2:
        return HotelScope(None)
    return HotelScope(next((h for h in hotels if str(h.id) == asked), None), hotels)
