"""A fault-injecting TCP proxy for chaos tests: put it between the app and a real server
(PostgreSQL, Redis, an HTTP fake) and break the network on command, never the server.

    with ChaosProxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}/db"   # what the app is given
        proxy.refuse()       # new connections are refused (ECONNREFUSED), open ones live on
        proxy.cut()          # every open connection is reset now, mid-stream
        proxy.down()         # both: the server looks gone
        proxy.delay(0.5)     # each chunk is forwarded half a second late
        proxy.drop()         # bytes are swallowed both ways: the peer waits until it times out
        proxy.restore()      # forward everything again (and listen again after refuse)

It runs its own event loop in a background thread, so sync tests, async tests and the
processes under test all see it as an ordinary TCP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Coroutine
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit

_T = TypeVar("_T")
_CHUNK = 65536


class ChaosProxy:
    def __init__(self, upstream_host: str, upstream_port: int, *, host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.host = host
        self.port = 0
        self.connections_accepted = 0
        self._delay = 0.0
        self._dropping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()

    # ---- lifecycle ----
    def start(self) -> Self:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="chaos-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        self._call(self._listen())
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        with contextlib.suppress(RuntimeError):
            self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def address(self) -> str:
        """`host:port`, to put in a URL in place of the real server's."""
        return f"{self.host}:{self.port}"

    @property
    def open_connections(self) -> int:
        return len(self._links)

    # ---- faults ----
    def refuse(self) -> None:
        """Stop listening: new connections are refused; those already open carry on."""
        self._call(self._stop_listening())

    def cut(self) -> None:
        """Reset every open connection now (RST), whatever it was in the middle of."""
        self._call(self._close_all(listen=True))

    def down(self) -> None:
        """The server looks gone: refused and every open connection reset."""
        self.refuse()
        self.cut()

    def delay(self, seconds: float) -> None:
        """Forward each chunk, both ways, `seconds` late (0 for no delay)."""
        self._delay = seconds

    def drop(self) -> None:
        """Swallow every byte both ways (a black hole): peers wait until their timeouts."""
        self._dropping = True

    def restore(self) -> None:
        """Forward everything promptly again and listen for new connections."""
        self._delay = 0.0
        self._dropping = False
        self._call(self._listen())

    # ---- inside the loop ----
    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("start the chaos proxy first")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self) -> None:
        if self._server is not None:
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))  # the same port again after refuse()
        self.port = sock.getsockname()[1]
        self._server = await asyncio.start_server(self._accept, sock=sock)

    async def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _close_all(self, *, listen: bool) -> None:
        if not listen:
            await self._stop_listening()
        for link in list(self._links):
            link.reset()
        self._links.clear()

    async def _shutdown(self) -> None:
        await self._close_all(listen=False)
        # Links still winding down (a delayed chunk, a pending drain) end here, not with the loop.
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections_accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            _reset(writer)
            return
        link = _Link(writer, up_writer)
        self._links.add(link)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, link), self._pipe(up_reader, writer, link)
            )
        finally:
            self._links.discard(link)
            link.reset()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: _Link
    ) -> None:
        try:
            while chunk := await reader.read(_CHUNK):
                if self._delay:
                    await asyncio.sleep(self._delay)
                if self._dropping:
                    continue
                writer.write(chunk)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            # One side was reset (a SIGKILLed client's kernel sends RST): reset the other side
            # too, as a direct connection would. Left open, PostgreSQL would keep the dead
            # client's transaction, and its row locks, forever.
            link.reset()


class _Link:
    """Both sockets of one proxied connection."""

    def __init__(self, client: asyncio.StreamWriter, upstream: asyncio.StreamWriter) -> None:
        self.client, self.upstream = client, upstream

    def reset(self) -> None:
        _reset(self.client)
        _reset(self.upstream)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST rather than FIN: the peer sees 'connection reset', as when a server dies."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def proxied(url: str, proxy: ChaosProxy) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"{netloc[0]}@{proxy.address}" if len(netloc) == 2 else proxy.address
    return urlunsplit(parts._replace(netloc=host))


def upstream(url: str) -> tuple[str, int]:
    """The host and port a URL points at: what a proxy in front of it forwards to."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 0
