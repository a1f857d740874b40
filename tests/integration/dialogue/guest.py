"""A guest in the web chat, for conversation tests: says something, reads the bot's replies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from hotel_agent.conversations.webchat import new_session_id
from hotel_agent.pms.port import Booking
from hotel_agent.runtime import Runtime

MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def hotel_today() -> date:
    return datetime.now(ZoneInfo("Europe/Madrid")).date()


def future_stay(days_ahead: int = 30, nights: int = 3) -> tuple[date, date]:
    """A stay inside the booking horizon, on weekdays or not: prices differ, bookings don't."""
    check_in = hotel_today() + timedelta(days=days_ahead)
    return check_in, check_in + timedelta(days=nights)


def spanish_range(check_in: date, check_out: date) -> str:
    return (
        f"del {check_in.day} de {MONTHS_ES[check_in.month - 1]} "
        f"al {check_out.day} de {MONTHS_ES[check_out.month - 1]}"
    )


def english_range(check_in: date, check_out: date) -> str:
    return (
        f"from {check_in.day} {MONTHS_EN[check_in.month - 1]} "
        f"to {check_out.day} {MONTHS_EN[check_out.month - 1]}"
    )


class Guest:
    def __init__(self, client: httpx.AsyncClient, session_id: str | None = None) -> None:
        self.client = client
        self.session_id = session_id or new_session_id()
        self.last: list[dict[str, Any]] = []

    async def says(
        self, text: str, *, choice_id: str | None = None, wait: float = 15
    ) -> list[dict[str, Any]]:
        """Send a message and return the bot's replies to it (text, buttons, list)."""
        body: dict[str, Any] = {"session_id": self.session_id, "text": text}
        if choice_id is not None:
            body["choice_id"] = choice_id
        answer = await self.client.post(f"/api/webchat/messages?wait={wait}", json=body)
        assert answer.status_code in (200, 202), answer.text
        self.last = answer.json()["replies"]
        return self.last

    async def hears(self, text: str, **kwargs: Any) -> str:
        """Send a message; what the page shows of the replies, for asserting on: each text,
        and the rows of its list (the rooms, the bookings) as they appear under it."""
        replies = await self.says(text, **kwargs)
        return "\n".join(_shown(reply) for reply in replies)

    async def transcript(self) -> list[dict[str, Any]]:
        answer = await self.client.get(
            "/api/webchat/messages", params={"session_id": self.session_id}
        )
        messages: list[dict[str, Any]] = answer.json()["messages"]
        return messages

    def list_rows(self) -> list[dict[str, Any]]:
        """The rows of the last list the bot showed (id, title, description)."""
        for reply in self.last:
            if reply.get("list"):
                rows: list[dict[str, Any]] = reply["list"]
                return rows
        return []

    def buttons(self) -> list[str]:
        return [button["id"] for reply in self.last for button in reply.get("buttons", [])]


async def the_booking(runtime: Runtime, email: str) -> Booking:
    """The one booking in the PMS under this e-mail (the test fails if there are more)."""
    [booking] = await runtime.pms.find_bookings(email=email)
    return booking


async def book_the_first(guest: Guest, runtime: Runtime, email: str, language: str) -> Booking:
    """The first room offered, booked under `email`: the booking in the PMS."""
    await guest.hears("1")
    await guest.hears(f"Ines Sastre, {email}")
    await guest.hears("yes" if language == "en" else "sí")
    return await the_booking(runtime, email)


async def room_type_id(runtime: Runtime, name: str, language: str = "en") -> str:
    """The PMS id of the room type with this name."""
    return next(rt.id for rt in await runtime.pms.room_types() if rt.names[language] == name)


def _shown(reply: dict[str, Any]) -> str:
    rows = [
        f"{row['title']} — {row['description']}" if row.get("description") else row["title"]
        for row in reply.get("list") or []
    ]
    return "\n".join([reply["text"], *rows])
