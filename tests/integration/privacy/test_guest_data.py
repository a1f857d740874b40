"""A guest's right of access and erasure (GDPR): `export` gives everything held about them,
`forget` erases it but the booking references the hotel must keep; both databases."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select
from structlog.testing import capture_logs

from hotel_agent.db.models import (
    BookingRecord,
    Conversation,
    DeadLetter,
    Guest,
    GuestIdentity,
    InboxEvent,
    Message,
    OutboxItem,
)
from hotel_agent.errors import BadRequest
from hotel_agent.privacy.guests import GuestQuery, export_guest, forget_guest
from hotel_agent.runtime import Runtime
from tests.integration.privacy.seed import ANA_EMAIL, ANA_WA_ID, seed_guest
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


async def two_guests(database_url: str, make_runtime: MakeRuntime) -> Runtime:
    runtime = await make_runtime(make_settings(database_url))
    hotel = runtime.hotels.default_hotel_id
    await seed_guest(runtime.sessions, hotel)
    await seed_guest(
        runtime.sessions,
        hotel,
        wa_id="34622222222",
        name="Luis Gil",
        email="luis@example.com",
        reference="HS-LUIS01",
    )
    return runtime


@pytest.mark.parametrize(
    "named_as", ["+34 611 111 111", ANA_WA_ID, "ANA.RUIZ@example.com", f"whatsapp:{ANA_WA_ID}"]
)
async def test_export_holds_everything_about_the_guest_and_nothing_else(
    database_url: str, make_runtime: MakeRuntime, named_as: str
) -> None:
    runtime = await two_guests(database_url, make_runtime)
    async with runtime.sessions() as session:
        document = await export_guest(session, GuestQuery.parse(named_as))

    text = json.dumps(document, ensure_ascii=False)
    assert "Luis" not in text and "34622222222" not in text, "another guest's data leaked"
    [guest] = document["guests"]
    assert guest["display_name"] == "Ana Ruiz" and guest["phone"] == ANA_WA_ID
    assert [i["external_id"] for i in guest["identities"]] == [ANA_WA_ID]
    [conversation] = guest["conversations"]
    assert conversation["state"]["slots"]["email"] == ANA_EMAIL
    assert [m["body"] for m in conversation["messages"]] == [
        f"Soy Ana Ruiz, {ANA_EMAIL}",
        "Reserva HS-ANA001 confirmada, Ana Ruiz.",
    ]
    [booking] = conversation["bookings"]
    assert booking["reference"] == "HS-ANA001" and booking["check_in"] == "2027-03-01"
    [payload] = document["received_payloads"]
    assert payload["payload"]["from"] == ANA_WA_ID


async def test_forget_erases_the_guest_but_keeps_the_booking_reference(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await two_guests(database_url, make_runtime)
    async with runtime.sessions() as session, session.begin():
        forgotten = await forget_guest(session, GuestQuery.parse(ANA_EMAIL))
    with capture_logs() as logs:
        forgotten.audit()

    assert forgotten.counts == {
        "dead_letters": 1,
        "bookings_anonymized": 1,
        "outbox": 1,
        "messages": 2,
        "inbox_events": 1,
        "conversations": 1,
        "identities": 1,
        "guests": 1,
    }
    assert forgotten.kept_in_pms == ["simulator HS-ANA001"], "the PMS copy is named, not erased"
    [audit] = [line for line in logs if line["event"] == "privacy.guest_forgotten"]
    assert "Ana" not in json.dumps(audit) and ANA_WA_ID not in json.dumps(audit)
    async with runtime.sessions() as session:
        ana = await session.scalar(
            select(BookingRecord).where(BookingRecord.reference == "HS-ANA001")
        )
        assert ana is not None, "the hotel keeps the booking reference"
        assert (ana.guest_name, ana.guest_email, ana.guest_phone) == ("(erased)", "", None)
        assert (ana.status, ana.pms_id, str(ana.check_in)) == ("confirmed", "17", "2027-03-01")
        left = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Guest, GuestIdentity, Conversation, InboxEvent, OutboxItem, DeadLetter)
        }
        assert set(left.values()) == {1}, f"only the other guest's rows are left: {left}"
        assert await session.scalar(select(func.count()).select_from(Message)) == 2
        assert await session.scalar(select(Guest.display_name)) == "Luis Gil"
        export = await export_guest(session, GuestQuery.parse(ANA_EMAIL))
    assert export["guests"] == [] and export["received_payloads"] == []


async def test_forgetting_an_unknown_guest_does_nothing(
    sqlite_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = await two_guests(sqlite_url, make_runtime)
    async with runtime.sessions() as session, session.begin():
        forgotten = await forget_guest(session, GuestQuery.parse("nobody@example.com"))
        assert forgotten.guest_ids == [] and forgotten.counts == {}
        assert await session.scalar(select(func.count()).select_from(Guest)) == 2


@pytest.mark.parametrize("text", ["ana", "12-ab", ""])
def test_a_guest_named_ambiguously_is_refused(text: str) -> None:
    with pytest.raises(BadRequest, match="cannot tell what"):
        GuestQuery.parse(text)
