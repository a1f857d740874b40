"""A guest who asks for no more messages is heard on any channel, whether the hotel sends
proactive messages or not (they are off by default here): the opt-out is recorded on the guest
and confirmed in their language; the task in progress is left as it was.

Dialogue logic does not depend on the database: these run on SQLite only.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from hotel_agent.db.models import Guest as GuestRow
from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import Guest, english_range, future_stay, spanish_range


async def _opted_out(runtime: Runtime) -> bool:
    """Whether the test's one guest has opted out."""
    async with runtime.sessions() as session:
        [opted] = (await session.scalars(select(GuestRow.messages_opt_out_at))).all()
    return opted is not None


@pytest.mark.parametrize(
    ("text", "confirmed"),
    [
        ("no more messages", "we won't send you any more automatic messages"),
        ("Stop", "we won't send you any more automatic messages"),
        ("No quiero más mensajes", "no te enviaremos más mensajes automáticos"),
        ("baja, por favor", "no te enviaremos más mensajes automáticos"),
    ],
)
async def test_an_opt_out_is_recorded_and_confirmed(
    client: httpx.AsyncClient, runtime: Runtime, text: str, confirmed: str
) -> None:
    guest = Guest(client)
    assert confirmed in await guest.hears(text)
    assert await _opted_out(runtime)


@pytest.mark.parametrize(
    ("ask", "stop", "confirmed", "resume", "offered"),
    [
        ("for 2 adults", "no more messages please", "won't send you", "the first one", "I need"),
        ("para 2 adultos", "no quiero más mensajes", "no te enviaremos", "la primera", "necesito"),
    ],
)
async def test_an_opt_out_mid_booking_leaves_the_booking_where_it_was(
    client: httpx.AsyncClient,
    runtime: Runtime,
    ask: str,
    stop: str,
    confirmed: str,
    resume: str,
    offered: str,
) -> None:
    check_in, check_out = future_stay(days_ahead=30, nights=2)
    dates = english_range if ask.startswith("for") else spanish_range
    guest = Guest(client)
    await guest.hears(f"{'I want to book' if ask.startswith('for') else 'Quiero reservar'} "
                      f"{dates(check_in, check_out)} {ask}")  # fmt: skip
    assert guest.list_rows(), "the rooms are offered"
    assert confirmed in await guest.hears(stop)
    assert await _opted_out(runtime)
    assert offered in await guest.hears(resume)
