"""The e-mail channel's receiving half: reads guests' e-mails from an IMAP folder.

The standard library's `imaplib` in a thread (one connection, blocking calls moved off the event
loop): unseen mail is fetched without marking it (BODY.PEEK), handed to `accept` — the durable
inbox, which deduplicates on the Message-ID — and only once that returned marked \\Seen. A crash
in between fetches the mail again and the inbox recognises it, so nothing is lost and nothing
answered twice. Between looks the poller waits in IDLE where the server offers it (new mail
wakes it at once), else sleeps IMAP_POLL_SECONDS. A lost connection is opened again with
backoff. Where several processes run the poller, only the one holding the mailbox's
`Leadership` (a PostgreSQL advisory lock) connects; the others look every few seconds whether
it is free, and take over when its holder stops or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import imaplib
import select
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import structlog

from hotel_agent.backoff import backoff_delay
from hotel_agent.channels.email.inbound import NotAGuestMessage, read_email
from hotel_agent.channels.port import InboundMessage
from hotel_agent.settings import ImapSettings, SmtpTls

log = structlog.get_logger(__name__)

Accept = Callable[[list[InboundMessage]], Awaitable[object]]
_IDLE_TAG = b"HAIDLE"
# Untagged responses that say the folder changed.
_NEWS = ("EXISTS", "RECENT")
# How often a thread blocked in IDLE looks whether the service is stopping (seconds).
_STOP_CHECK_SECONDS = 0.5
# How often a poller that does not hold the mailbox looks whether it is free.
FOLLOW_SECONDS = 5.0


class Leadership(Protocol):
    """Who may poll the mailbox: one process at a time."""

    async def acquire(self) -> bool:
        """True when this process may poll now."""
        ...

    async def held(self) -> bool:
        """Whether it still may (checked between looks at the folder)."""
        ...

    async def release(self) -> None: ...


class ImapMailbox:
    """One blocking IMAP connection to the configured folder; use it from one thread."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self.imap: imaplib.IMAP4 | None = None
        self.supports_idle = False

    def open(self) -> None:
        settings = self.settings
        context = ssl.create_default_context(cafile=settings.ca_file or None)
        imap: imaplib.IMAP4
        if settings.tls is SmtpTls.TLS:
            imap = imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=context, timeout=settings.timeout_seconds
            )
        else:
            imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout_seconds)
            if settings.tls is SmtpTls.STARTTLS:
                imap.starttls(context)
        self.imap = imap
        if settings.username:
            imap.login(settings.username, settings.password)
        _ok(imap.select(_quoted(settings.folder)), "SELECT")
        self.supports_idle = "IDLE" in imap.capabilities

    def unseen(self) -> list[str]:
        """UIDs of the folder's unseen messages, oldest first."""
        imap = self._imap()
        # Forget the folder's news so far: this search sees it. News the server tells while
        # these messages are fetched is kept, and `wait` looks at it before idling.
        for news in _NEWS:
            imap.response(news)
        data = _ok(imap.uid("SEARCH", "UNSEEN"), "SEARCH")
        found = data[0]
        return found.decode().split() if isinstance(found, bytes) else []

    def fetch(self, uid: str) -> bytes | None:
        """The whole message, left unseen; None when it was expunged meanwhile."""
        data = _ok(self._imap().uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
        for item in data:
            if isinstance(item, tuple):
                return bytes(item[1])
        return None

    def mark_seen(self, uid: str) -> None:
        _ok(self._imap().uid("STORE", uid, "+FLAGS", "(\\Seen)"), "STORE")

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Until new mail may have arrived: IDLE until the server says so (or `seconds`
        pass), or, without IDLE, `seconds` of sleep. Returns early when `stop` is set."""
        if not self.supports_idle:
            stop.wait(seconds)
            return
        imap = self._imap()
        if any(news in imap.untagged_responses for news in _NEWS):
            return  # mail came while the last ones were fetched: look again first
        imap.send(_IDLE_TAG + b" IDLE\r\n")
        started = imap.readline()
        if not started.startswith(b"+"):
            raise imaplib.IMAP4.error(f"IDLE refused: {started!r}")
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            readable = (
                _pending(imap)
                or select.select([imap.sock], [], [], min(left, _STOP_CHECK_SECONDS))[0]
            )
            if readable:
                line = imap.readline()
                if not line:
                    raise OSError("the IMAP server closed the connection")
                if line.startswith(b"*"):  # EXISTS, RECENT, EXPUNGE…: look at the folder
                    break
        imap.send(b"DONE\r\n")
        while True:
            line = imap.readline()
            if not line:
                raise OSError("the IMAP server closed the connection")
            if line.startswith(_IDLE_TAG + b" "):
                return

    def close(self) -> None:
        imap, self.imap = self.imap, None
        if imap is None:
            return
        with contextlib.suppress(imaplib.IMAP4.error, OSError):  # gone already
            imap.logout()

    def _imap(self) -> imaplib.IMAP4:
        if self.imap is None:
            raise imaplib.IMAP4.error("not connected")
        return self.imap


class ImapPoller:
    """Moves guests' e-mails from the mailbox into the inbox until `stop` is set."""

    def __init__(
        self,
        settings: ImapSettings,
        accept: Accept,
        *,
        own_addresses: frozenset[str],
        leadership: Leadership | None = None,
        follow_seconds: float = FOLLOW_SECONDS,
    ) -> None:
        self.settings = settings
        self.accept = accept
        self.own_addresses = own_addresses
        self.leadership = leadership  # None: the only process (SQLite, a test)
        self.follow_seconds = follow_seconds
        self._stopping = threading.Event()  # the blocking side's view of `stop`

    async def run(self, stop: asyncio.Event) -> None:
        log.info("email.poller_started", host=self.settings.host, folder=self.settings.folder)
        watcher = asyncio.create_task(self._watch(stop))
        failures = 0
        following = False
        try:
            while not stop.is_set():
                if not await self._leads():
                    if not following:
                        log.info("email.poller_follows", folder=self.settings.folder)
                        following = True
                    await asyncio.to_thread(self._stopping.wait, self.follow_seconds)
                    continue
                following = False
                mailbox = ImapMailbox(self.settings)
                try:
                    await asyncio.to_thread(mailbox.open)
                    failures = 0
                    while not stop.is_set() and await self._still_leads():
                        await self.poll_once(mailbox)
                        await asyncio.to_thread(
                            mailbox.wait, self.settings.poll_seconds, self._stopping
                        )
                except (imaplib.IMAP4.error, OSError) as exc:
                    failures += 1
                    delay = backoff_delay(failures, base=1.0, cap=self.settings.poll_seconds)
                    log.warning("email.imap_unavailable", error=repr(exc)[:300], retry_in=delay)
                    await asyncio.to_thread(self._stopping.wait, delay)
                finally:
                    await asyncio.to_thread(mailbox.close)
        finally:
            watcher.cancel()
            if self.leadership is not None:
                await self.leadership.release()
            log.info("email.poller_stopped")

    async def _leads(self) -> bool:
        return self.leadership is None or await self.leadership.acquire()

    async def _still_leads(self) -> bool:
        return self.leadership is None or await self.leadership.held()

    async def poll_once(self, mailbox: ImapMailbox) -> int:
        """Hand every unseen e-mail to the inbox; how many guest messages were accepted."""
        accepted = 0
        for uid in await asyncio.to_thread(mailbox.unseen):
            raw = await asyncio.to_thread(mailbox.fetch, uid)
            if raw is not None:
                try:
                    message = read_email(raw, own_addresses=self.own_addresses)
                except NotAGuestMessage as ignored:
                    log.info("email.ignored", reason=ignored.reason)
                else:
                    await self.accept([message])  # committed (or a duplicate) when it returns
                    accepted += 1
            await asyncio.to_thread(mailbox.mark_seen, uid)
        return accepted

    async def _watch(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._stopping.set()


def mailbox_lock_name(settings: ImapSettings) -> str:
    """The name of the lock one poller of this mailbox holds."""
    return f"imap-poller:{settings.username}@{settings.host}:{settings.port}/{settings.folder}"


def _ok(response: tuple[str, Sequence[Any]], command: str) -> Sequence[Any]:
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{command} failed: {data!r}"[:300])
    return data


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pending(imap: imaplib.IMAP4) -> bool:
    """Decrypted bytes an SSL socket holds already (select() cannot see them)."""
    sock = imap.sock
    return isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
