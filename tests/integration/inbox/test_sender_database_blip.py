"""The database goes away right after the provider accepted a reply (a chaos proxy between
the runtime and PostgreSQL, downed from inside the channel's send): the sender records the
send once the database is back instead of sending the reply a second time."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from hotel_agent.channels.port import OutboundMessage, SendReceipt
from hotel_agent.db.models import OutboxItem
from hotel_agent.runtime import Runtime
from tests.fakes.chaos_proxy import ChaosProxy, proxied, upstream
from tests.fakes.collecting_channel import CollectingChannel
from tests.integration.inbox.helpers import EchoEngine, whatsapp_text
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]


class _BlipAfterAccepting(CollectingChannel):
    """Accepts each message, then the database vanishes for half a second (once)."""

    def __init__(self, proxy: ChaosProxy) -> None:
        super().__init__()
        self.proxy = proxy
        self.blipped = False

    async def send(self, recipient: str, message: OutboundMessage) -> SendReceipt:
        receipt = await super().send(recipient, message)
        if not self.blipped:
            self.blipped = True
            await asyncio.to_thread(self.proxy.down)
            threading.Timer(0.5, self.proxy.restore).start()
        return receipt


async def test_a_send_accepted_just_before_a_database_blip_is_not_sent_again(
    postgres_url: str, make_runtime: MakeRuntime
) -> None:
    with ChaosProxy(*upstream(postgres_url)) as proxy:
        channel = _BlipAfterAccepting(proxy)
        settings = make_settings(proxied(postgres_url, proxy), queue={"lease_seconds": 5})
        runtime = await make_runtime(
            settings, dialogue=EchoEngine(), channels={"whatsapp": channel}
        )
        await runtime.ingest.accept(
            runtime.hotels.default_hotel_id, [whatsapp_text("wamid.BLIP", "34611111111", "hola")]
        )
        runtime.start_background()
        unsent = None
        for _ in range(200):  # the lease (5 s) would have expired well within this
            await asyncio.sleep(0.05)
            try:
                async with runtime.sessions() as session:
                    unsent = await session.scalar(
                        select(func.count())
                        .select_from(OutboxItem)
                        .where(OutboxItem.state != "sent")
                    )
            except (OSError, DBAPIError):
                continue  # this look-up went through the proxy during the blip
            if channel.blipped and unsent == 0:
                break
        await asyncio.sleep(settings.queue.lease_seconds)  # a re-send would happen by now

    assert channel.blipped
    assert unsent == 0, "the send was recorded once the database was back"
    assert [m.text for _, m in channel.sent] == ["echo: hola"], "and not sent a second time"
