"""The manager's dashboard figures: SQL aggregates over a period, per day and channel, per
channel over the whole period, and for the whole period; of every hotel or of one. Days are
those of a time zone (UTC, or the hotel's). The same statements run on SQLite and PostgreSQL;
only the day of a timestamp and a duration in seconds differ.

Percentiles are nearest-rank (the value at rank ceil(p·n) of the sorted durations), taken with
window functions, so no row is read into Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, extract, func, null, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hotel_agent.db.models import (
    BookingRecord,
    BookingRecordStatus,
    Conversation,
    ConversationEvent,
    ConversationEventKind,
    Direction,
    Message,
)

# The reason of a handoff staff made themselves: not the agent handing over.
STAFF_TAKEOVER = "staff_takeover"
# Bookings whose conversation is gone (erased) still count, under this channel.
UNKNOWN_CHANNEL = "unknown"


@dataclass
class Figures:
    """One row of the dashboard: a day and channel, a channel (day None), or all (both None)."""

    day: str | None
    channel: str | None
    conversations: int = 0
    bookings: int = 0
    booking_value: Decimal = Decimal("0")
    asked_availability: int = 0
    asked_and_booked: int = 0
    handoffs: int = 0
    takeovers: int = 0
    responses: int = 0
    response_p50_seconds: float | None = None
    response_p90_seconds: float | None = None
    reasons: dict[str, int] = field(default_factory=dict)


Key = tuple[str | None, str | None]


class DashboardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"

    async def figures(
        self, start: datetime, end: datetime, *, hotel_id: int | None = None, zone: tzinfo = UTC
    ) -> list[Figures]:
        """Every row of the period [start, end): days (of `zone`) and channels with anything,
        then each channel, then the total; of `hotel_id`'s conversations and bookings only
        when given."""
        self.hotel_id = hotel_id
        self.zone = zone
        # SQLite knows no time zones: the zone's UTC offsets over the period, from each change
        # on (a timestamp's day is that of the timestamp shifted by the offset it falls in).
        self.offsets = utc_offsets(zone, start, end)
        rows: dict[Key, Figures] = {}
        for by_day, by_channel in ((True, True), (False, True), (False, False)):
            await self._collect(rows, start, end, by_day=by_day, by_channel=by_channel)
        return sorted(
            rows.values(),
            key=lambda f: (f.day is None, f.day or "", f.channel is None, f.channel or ""),
        )

    async def _collect(
        self, rows: dict[Key, Figures], start: datetime, end: datetime, **by: bool
    ) -> None:
        def row(found: Any) -> Figures:
            key: Key = (found.day, found.channel)
            if key not in rows:
                rows[key] = Figures(day=found.day, channel=found.channel)
            return rows[key]

        for found in await self._rows(self._conversations(start, end, **by)):
            row(found).conversations = found.n
        for found in await self._rows(self._bookings(start, end, **by)):
            row(found).bookings = found.n
            row(found).booking_value = Decimal(found.value or 0)
        for found in await self._rows(self._availability(start, end, **by)):
            row(found).asked_availability = found.n
            row(found).asked_and_booked = found.booked
        for found in await self._rows(self._handoffs(start, end, **by)):
            row(found).handoffs = found.handoffs
            row(found).takeovers = found.takeovers
        for found in await self._rows(self._reasons(start, end, **by)):
            row(found).reasons[found.reason] = found.n
        for found in await self._rows(self._response_times(start, end, **by)):
            figures = row(found)
            figures.responses = found.n
            figures.response_p50_seconds = float(found.p50)
            figures.response_p90_seconds = float(found.p90)

    async def _rows(self, query: Any) -> Sequence[Any]:
        return (await self.session.execute(query)).all()

    # -- the pieces of SQL ------------------------------------------------------------------

    def _day(self, column: Any) -> ColumnElement[Any]:
        if self.postgres:
            return func.to_char(func.timezone(str(self.zone), column), "YYYY-MM-DD")
        # SQLite keeps UTC timestamps as text without an offset (db/types.py).
        [(_, first), *changes] = self.offsets
        if not changes:
            return func.date(column, _modifier(first))
        return case(
            *(
                (column < since, func.date(column, _modifier(before)))
                for (since, _), (_, before) in zip(changes, self.offsets, strict=False)
            ),
            else_=func.date(column, _modifier(self.offsets[-1][1])),
        )

    def _in_hotel(self, conversation_id: Any) -> list[ColumnElement[bool]]:
        """The condition that a row of `conversation_id` is of the hotel asked (none: all)."""
        if self.hotel_id is None:
            return []
        ids = select(Conversation.id).where(Conversation.hotel_id == self.hotel_id)
        return [conversation_id.in_(ids)]

    def _seconds(self, later: Any, earlier: Any) -> ColumnElement[Any]:
        if self.postgres:
            return extract("epoch", later - earlier)
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0

    def _keys(
        self, at: Any, channel: Any, *, by_day: bool, by_channel: bool
    ) -> list[ColumnElement[Any]]:
        return [
            (self._day(at) if by_day else null()).label("day"),
            (channel if by_channel else null()).label("channel"),
        ]

    @staticmethod
    def _group(keys: list[Any], *, by_day: bool, by_channel: bool) -> list[Any]:
        return [k for k, on in zip(keys, (by_day, by_channel), strict=True) if on]

    def _conversations(self, start: datetime, end: datetime, **by: bool) -> Any:
        """Conversations in which the guest wrote, per day they wrote."""
        keys = self._keys(Message.created_at, Message.channel, **by)
        return (
            select(*keys, func.count(func.distinct(Message.conversation_id)).label("n"))
            .where(
                Message.direction == Direction.INBOUND.value,
                Message.created_at >= start,
                Message.created_at < end,
                *self._in_hotel(Message.conversation_id),
            )
            .group_by(*self._group(keys, **by))
        )

    def _bookings(self, start: datetime, end: datetime, **by: bool) -> Any:
        """Bookings the agent made (confirmed in the PMS and not cancelled since), by the day
        it made them."""
        channel = func.coalesce(Conversation.channel, UNKNOWN_CHANNEL)
        keys = self._keys(BookingRecord.created_at, channel, **by)
        return (
            select(
                *keys,
                func.count(BookingRecord.id).label("n"),
                func.sum(BookingRecord.total_price).label("value"),
            )
            .outerjoin(Conversation, Conversation.id == BookingRecord.conversation_id)
            .where(
                BookingRecord.status == BookingRecordStatus.CONFIRMED.value,
                BookingRecord.created_at >= start,
                BookingRecord.created_at < end,
                *([] if self.hotel_id is None else [BookingRecord.hotel_id == self.hotel_id]),
            )
            .group_by(*self._group(keys, **by))
        )

    def _availability(self, start: datetime, end: datetime, **by: bool) -> Any:
        """Conversations that asked live availability (on the day of their first check of
        the group), and how many of them booked afterwards."""
        event = ConversationEvent
        keys = self._keys(event.created_at, event.channel, **by)
        checks = (
            select(*keys, event.conversation_id, func.min(event.created_at).label("first_at"))
            .where(
                event.kind == ConversationEventKind.AVAILABILITY_CHECKED.value,
                event.created_at >= start,
                event.created_at < end,
                *self._in_hotel(event.conversation_id),
            )
            .group_by(*self._group(keys, **by), event.conversation_id)
            .subquery()
        )
        booked = (
            select(BookingRecord.id)
            .where(
                BookingRecord.conversation_id == checks.c.conversation_id,
                BookingRecord.status == BookingRecordStatus.CONFIRMED.value,
                BookingRecord.created_at >= checks.c.first_at,
            )
            .exists()
        )
        outer = [checks.c.day, checks.c.channel]
        return select(
            *outer,
            func.count().label("n"),
            func.coalesce(func.sum(case((booked, 1), else_=0)), 0).label("booked"),
        ).group_by(*outer)

    def _handoffs(self, start: datetime, end: datetime, **by: bool) -> Any:
        event = ConversationEvent
        keys = self._keys(event.created_at, event.channel, **by)
        takeover = event.reason == STAFF_TAKEOVER
        return (
            select(
                *keys,
                # A sum over no rows is NULL (the period's total row with no event): 0 here.
                func.coalesce(func.sum(case((takeover, 0), else_=1)), 0).label("handoffs"),
                func.coalesce(func.sum(case((takeover, 1), else_=0)), 0).label("takeovers"),
            )
            .where(*self._handoff_in(start, end))
            .group_by(*self._group(keys, **by))
        )

    def _reasons(self, start: datetime, end: datetime, **by: bool) -> Any:
        event = ConversationEvent
        keys = self._keys(event.created_at, event.channel, **by)
        return (
            select(*keys, event.reason.label("reason"), func.count().label("n"))
            .where(*self._handoff_in(start, end), event.reason != STAFF_TAKEOVER)
            .group_by(*self._group(keys, **by), event.reason)
        )

    def _response_times(self, start: datetime, end: datetime, **by: bool) -> Any:
        """From each handoff by the agent to staff's first reply after it (before the
        conversation was handed back without one), median and p90 per group."""
        handoff = ConversationEvent
        back = aliased(ConversationEvent)
        reply = Message
        handed_back_at = (
            select(func.min(back.created_at))
            .where(
                back.conversation_id == handoff.conversation_id,
                back.kind == ConversationEventKind.HAND_BACK.value,
                back.created_at >= handoff.created_at,
            )
            .scalar_subquery()
        )
        keys = self._keys(handoff.created_at, handoff.channel, **by)
        handoffs = (
            select(
                *keys,
                handoff.conversation_id,
                handoff.created_at.label("at"),
                handed_back_at.label("back_at"),
            )
            .where(*self._handoff_in(start, end), handoff.reason != STAFF_TAKEOVER)
            .subquery()
        )
        first_reply = (
            select(func.min(reply.created_at))
            .where(
                reply.conversation_id == handoffs.c.conversation_id,
                reply.author == "staff",
                reply.direction == Direction.OUTBOUND.value,
                reply.created_at >= handoffs.c.at,
                or_(handoffs.c.back_at.is_(None), reply.created_at < handoffs.c.back_at),
            )
            .scalar_subquery()
        )
        answered = select(
            handoffs.c.day,
            handoffs.c.channel,
            handoffs.c.at,
            first_reply.label("replied_at"),
        ).subquery()
        seconds = self._seconds(answered.c.replied_at, answered.c.at)
        groups = self._group([answered.c.day, answered.c.channel], **by)
        ranked = (
            select(
                answered.c.day,
                answered.c.channel,
                seconds.label("seconds"),
                func.row_number().over(partition_by=groups, order_by=seconds).label("rank"),
                func.count().over(partition_by=groups).label("n"),
            )
            .where(answered.c.replied_at.is_not(None))
            .subquery()
        )

        def at_rank(percent: int) -> ColumnElement[Any]:
            # ceil(p·n) in integers: the same on both databases.
            wanted = (ranked.c.n * percent + 99) // 100
            return func.max(case((ranked.c.rank == wanted, ranked.c.seconds)))

        outer = [ranked.c.day, ranked.c.channel]
        return select(
            *outer,
            func.max(ranked.c.n).label("n"),
            at_rank(50).label("p50"),
            at_rank(90).label("p90"),
        ).group_by(*outer)

    def _handoff_in(self, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
        event = ConversationEvent
        return [
            and_(
                event.kind == ConversationEventKind.HANDOFF.value,
                event.created_at >= start,
                event.created_at < end,
                *self._in_hotel(event.conversation_id),
            )
        ]


def utc_offsets(zone: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The UTC offsets (seconds) of `zone` over [start, end): (since when, offset), the first
    since `start`. Found hour by hour, then to the second: zones change on the hour or half."""

    def offset(at: datetime) -> int:
        shift = at.astimezone(zone).utcoffset()
        return int(shift.total_seconds()) if shift is not None else 0

    at = start.astimezone(UTC)
    found = [(at, offset(at))]
    while at < end:
        later = min(at + timedelta(hours=1), end)
        if offset(later) != found[-1][1]:
            low, high = at, later  # the change is in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == found[-1][1] else (low, middle)
            found.append((high.replace(microsecond=0), offset(high)))
        at = later
    return found


def _modifier(seconds: int) -> str:
    return f"{seconds:+d} seconds"
