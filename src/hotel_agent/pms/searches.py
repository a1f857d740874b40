"""A PMS that notes whether live availability was asked for: the dialogue runs each turn with
its PMS wrapped in one, so the turn can say so (the manager's dashboard counts the
conversations that asked availability and how many of them booked)."""

from __future__ import annotations

from dataclasses import dataclass

from hotel_agent.pms.port import (
    Booking,
    BookingRequest,
    HotelProfile,
    Offer,
    Pms,
    PmsHealth,
    RoomType,
    Stay,
    StayChange,
)


@dataclass
class SearchNotingPms:
    """A `Pms` that passes every call on and notes each availability search."""

    pms: Pms
    searched: bool = False

    async def hotel(self) -> HotelProfile:
        return await self.pms.hotel()

    async def room_types(self) -> list[RoomType]:
        return await self.pms.room_types()

    async def search(self, stay: Stay) -> list[Offer]:
        # Noted before the call: a search the PMS could not answer was still asked for.
        self.searched = True
        return await self.pms.search(stay)

    async def create_booking(self, request: BookingRequest) -> Booking:
        return await self.pms.create_booking(request)

    async def find_booking_for(self, request: BookingRequest) -> Booking | None:
        return await self.pms.find_booking_for(request)

    async def get_booking(self, pms_id: str) -> Booking:
        return await self.pms.get_booking(pms_id)

    async def find_bookings(
        self,
        *,
        reference: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> list[Booking]:
        return await self.pms.find_bookings(reference=reference, email=email, phone=phone)

    async def modify_booking(self, pms_id: str, change: StayChange) -> Booking:
        return await self.pms.modify_booking(pms_id, change)

    async def cancel_booking(self, pms_id: str) -> Booking:
        return await self.pms.cancel_booking(pms_id)

    async def health(self) -> PmsHealth:
        return await self.pms.health()
