"""Several processes run the e-mail poller: only one polls the mailbox (it holds the mailbox's
PostgreSQL advisory lock), the others wait; when it stops, or its database session dies, one of
them takes over and no mail is missed. Against a real dovecot and the real PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from hotel_agent.channels.email.imap import ImapPoller, mailbox_lock_name
from hotel_agent.channels.port import InboundMessage
from hotel_agent.db.leader_lock import LeaderLock, lock_key
from tests.fakes.imap_server import ImapServer
from tests.fakes.mail_server import SENDER


class Process:
    """One process's poller: what it handed to the inbox, and its stop switch."""

    def __init__(self, imap: ImapServer, database_url: str) -> None:
        settings = imap.settings(poll_seconds=0.2)
        self.accepted: list[str] = []
        self.stop = asyncio.Event()
        self.poller = ImapPoller(
            settings,
            self.accept,
            own_addresses=frozenset({SENDER}),
            leadership=LeaderLock(database_url, mailbox_lock_name(settings)),
            follow_seconds=0.1,
        )
        self.task = asyncio.create_task(self.poller.run(self.stop))

    async def accept(self, messages: list[InboundMessage]) -> object:
        self.accepted.extend(m.text for m in messages)
        return None

    async def stopped(self) -> None:
        self.stop.set()
        await self.task


def mail(text: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Guest <guest@example.com>"
    message["To"] = SENDER
    message["Subject"] = "Question"
    message["Message-ID"] = make_msgid("guest", domain="example.com")
    message.set_content(text)
    return bytes(message)


async def until(condition: Callable[[], Awaitable[bool] | bool]) -> None:
    async with asyncio.timeout(20):
        while True:
            result = condition()
            if await result if isinstance(result, Awaitable) else result:
                return
            await asyncio.sleep(0.05)


async def lock_holders(database_url: str, imap: ImapServer) -> list[int]:
    """The backend pids holding the mailbox's lock."""
    key = lock_key(mailbox_lock_name(imap.settings()))
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND"
                    " database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    " AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": key},
            )
            return [row.pid for row in rows]
    finally:
        await engine.dispose()


async def test_one_poller_polls_and_another_takes_over_when_it_stops(
    postgres_url: str, imap: ImapServer
) -> None:
    first = Process(imap, postgres_url)
    imap.deliver(mail("first mail"))
    await until(lambda: first.accepted == ["first mail"])
    second = Process(imap, postgres_url)
    for number in range(5):
        imap.deliver(mail(f"mail {number}"))
    await until(lambda: len(first.accepted) == 6)
    await until(lambda: all("\\Seen" in flags for flags in imap.flags()))
    assert second.accepted == [], "the second process never polled"
    assert len(await lock_holders(postgres_url, imap)) == 1

    await first.stopped()
    imap.deliver(mail("after the first stopped"))
    await until(lambda: second.accepted == ["after the first stopped"])
    assert len(first.accepted) == 6
    await second.stopped()
    assert await lock_holders(postgres_url, imap) == []


async def test_when_the_holders_database_session_dies_another_takes_over(
    postgres_url: str, imap: ImapServer
) -> None:
    processes = [Process(imap, postgres_url), Process(imap, postgres_url)]
    imap.deliver(mail("before"))
    await until(lambda: sum(len(p.accepted) for p in processes) == 1)
    [holder] = await lock_holders(postgres_url, imap)

    # The holder's connection is cut (a failover, a network cut): the lock goes with it.
    engine = create_async_engine(postgres_url)
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": holder})
    await engine.dispose()
    await until(
        lambda: _one_new_holder(postgres_url, imap, holder),
    )
    imap.deliver(mail("after"))
    await until(lambda: sum(len(p.accepted) for p in processes) == 2)
    await until(lambda: all("\\Seen" in flags for flags in imap.flags()))
    everything = sorted(text for p in processes for text in p.accepted)
    assert everything == ["after", "before"], "each mail handed to the inbox once"
    for process in processes:
        await process.stopped()


async def _one_new_holder(database_url: str, imap: ImapServer, old: int) -> bool:
    holders = await lock_holders(database_url, imap)
    return len(holders) == 1 and holders[0] != old
