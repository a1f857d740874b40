"""The fake QloApps' records (orders and their stay rows) and its price arithmetic.

An order is a booking: `booking.id` is the order id. Each room booked is one stay row (QloApps'
`htl_booking_detail`), which a cancellation flags `is_cancelled` and so frees the room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from tests.fakes.qloapps import demo


class Rejected(Exception):
    """A 400 answer with QloApps' `errors[].message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class StayRow:
    id: int  # id_hotel_booking
    id_room: int
    id_room_type: int
    date_from: date
    date_to: date
    adults: int
    children: int
    child_ages: list[int]
    services: list[int]
    is_cancelled: bool = False
    # False once a PUT re-listed services this room already had: QloApps then leaves service
    # lines that do not add up (one at 0.00, another doubled) while the total stays.
    lines_consistent: bool = True

    @property
    def key(self) -> tuple[int, date, date]:
        return self.id_room_type, self.date_from, self.date_to

    def price(self) -> Decimal:
        """The room and the services listed with it, before tax, for the whole stay."""
        nights = (self.date_to - self.date_from).days
        return room_price(self.id_room_type) * nights + sum(
            (service_price(s, nights) for s in self.services), Decimal(0)
        )


@dataclass
class Order:
    id: int
    reference: str
    id_customer: int
    phone: str  # QloApps keeps it on the customer's address
    current_state: int
    currency: str
    source: str
    remark: str
    booking_date: datetime
    stays: list[StayRow] = field(default_factory=list)

    def price_without_tax(self) -> Decimal:
        return sum((row.price() for row in self.stays), Decimal(0))


def room_price(id_room_type: int) -> Decimal:
    """Per night before tax."""
    return Decimal(next(p["price"] for p in demo.ROOM_TYPES if p["id"] == id_room_type))


def service_price(id_service: int, nights: int) -> Decimal:
    """One service for one room, before tax: per night or once per booking."""
    price = demo.SERVICE_PRICES[id_service]
    return price * nights if id_service in demo.PER_NIGHT else price


def with_tax(amount: Decimal) -> Decimal:
    return amount * (1 + demo.TAX_RATE)


def num(amount: Decimal) -> int | float:
    """A JSON number as PHP prints it: 2600, or 1353.5."""
    rounded = round(amount, 2)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def to_int(value: object) -> int:
    """PHP's (int) cast, near enough: what is not a number is 0."""
    try:
        return int(str(value))
    except ValueError:
        return 0
