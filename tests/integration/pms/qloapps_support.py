"""What the QloApps adapter tests share: a fake QloApps over real HTTP and the adapter on it."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import BookingRequest, GuestDetails, Offer, Stay
from hotel_agent.pms.qloapps import QloAppsClient, QloAppsPms
from tests.fakes.qloapps import DEMO_KEY

TODAY = date(2026, 12, 1)
GUEST = GuestDetails(name="Ana Ruiz Gómez", email="ana.ruiz@example.com", phone="+34 611 111 111")


def qloapps(
    http: httpx.AsyncClient,
    base_url: str,
    *,
    key: str = DEMO_KEY,
    timeout: float = 5.0,
    currency: str | None = None,
) -> QloAppsPms:
    client = QloAppsClient(http, base_url=base_url, api_key=key, timeout=timeout)
    return QloAppsPms(
        client, hotel_id=1, policy=StayPolicy(), today=lambda: TODAY, currency=currency
    )


def stay(
    days: int = 10, nights: int = 2, adults: int = 2, children: int = 0, rooms: int = 1
) -> Stay:
    check_in = TODAY + timedelta(days=days)
    return Stay(
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        adults=adults,
        children=children,
        rooms=rooms,
    )


def booking_request(
    the_stay: Stay, room_type_id: str = "1", *, key: str = "key-1", guest: GuestDetails = GUEST
) -> BookingRequest:
    return BookingRequest(
        stay=the_stay, room_type_id=room_type_id, guest=guest, idempotency_key=key
    )


def offer_for(offers: list[Offer], room_type_id: str) -> Offer | None:
    return next((offer for offer in offers if offer.room_type.id == room_type_id), None)
