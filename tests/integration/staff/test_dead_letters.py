"""`hotel-agent staff dead-letters` and `staff resend`: a reply given up on is listed, and
re-sending it delivers it once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from hotel_agent.channels.port import SendError
from hotel_agent.runtime import Runtime
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.staff.helpers import ReceptionEngine, staff_settings
from tests.integration.staff.test_cli import Pipeline, staff

MakeRuntime = Callable[..., Awaitable[Runtime]]


async def test_staff_list_and_resend_a_dead_letter(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    runtime = await make_runtime(staff_settings(database_url, token=""), dialogue=engine)
    channel = CollectingChannel(name="webchat", reply_window_seconds=None)
    runtime.channels["webchat"] = channel
    pipeline = Pipeline(runtime, engine)
    assert await staff(runtime, "dead-letters") == (0, "no dead letters\n")

    channel.failures = [SendError("token_expired", retryable=False, code=190, detail="expired")]
    await pipeline.guest_says("Hola")
    code, listing = await staff(runtime, "dead-letters")
    assert code == 0
    [line, hint] = listing.splitlines()
    assert "token_expired (190)" in line and line.endswith("bot: Hola")
    assert hint == "re-send one with: hotel-agent staff resend ID"
    assert ("bot", "bot: Hola", "dead") in await pipeline.guest_sees()

    dead_letter_id = line.split()[0]
    code, said = await staff(runtime, "resend", dead_letter_id)
    assert code == 0 and "is queued again" in said
    await pipeline.deliver()
    assert [m.text for _, m in channel.sent] == ["bot: Hola"]
    assert ("bot", "bot: Hola", "sent") in await pipeline.guest_sees()
    assert await staff(runtime, "dead-letters") == (0, "no dead letters\n")
    again = await staff(runtime, "resend", dead_letter_id)
    assert again == (1, f"error: dead letter {dead_letter_id} was already re-sent\n")
    assert await staff(runtime, "resend", "999999") == (
        1,
        "error: dead letter 999999 does not exist\n",
    )
