"""The chaos suite's TCP proxy (tests/fakes/chaos_proxy.py) does each fault it promises,
checked against a plain echo server (fast: this runs in `make test`)."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator

import pytest

from tests.fakes.chaos_proxy import ChaosProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(4096):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[ChaosProxy]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with ChaosProxy(*server.server_address[:2]) as chaos:
            yield chaos
    finally:
        server.shutdown()
        server.server_close()


def _connect(proxy: ChaosProxy, timeout: float = 5) -> socket.socket:
    return socket.create_connection((proxy.host, proxy.port), timeout=timeout)


def _echo(sock: socket.socket, data: bytes = b"ping") -> bytes:
    sock.sendall(data)
    return sock.recv(4096)


def test_forwards_both_ways(proxy: ChaosProxy) -> None:
    with _connect(proxy) as sock:
        assert _echo(sock) == b"ping"
    assert proxy.connections_accepted == 1


def test_cut_resets_open_connections_and_new_ones_still_work(proxy: ChaosProxy) -> None:
    with _connect(proxy) as sock:
        assert _echo(sock) == b"ping"
        proxy.cut()
        with pytest.raises(ConnectionResetError):
            _echo(sock)  # reset under the client's feet, as when the server dies
    with _connect(proxy) as sock:
        assert _echo(sock) == b"ping"


def test_refuse_then_restore_on_the_same_port(proxy: ChaosProxy) -> None:
    port = proxy.port
    proxy.down()
    with pytest.raises(ConnectionRefusedError):
        _connect(proxy)
    proxy.restore()
    assert proxy.port == port
    with _connect(proxy) as sock:
        assert _echo(sock) == b"ping"


def test_drop_swallows_bytes_until_restored(proxy: ChaosProxy) -> None:
    with _connect(proxy, timeout=0.3) as sock:
        proxy.drop()
        with pytest.raises(TimeoutError):
            _echo(sock, b"lost")
        proxy.restore()
        assert _echo(sock, b"again") == b"again"


def test_delay_still_delivers(proxy: ChaosProxy) -> None:
    proxy.delay(0.05)
    with _connect(proxy) as sock:
        assert _echo(sock) == b"ping"


def test_a_client_that_dies_takes_its_upstream_connection_with_it() -> None:
    """A SIGKILLed client's kernel resets its connection: the server behind the proxy must see
    the connection end too (PostgreSQL then rolls back the dead client's transaction)."""
    listener = socket.create_server(("127.0.0.1", 0))
    with listener, ChaosProxy(*listener.getsockname()[:2]) as proxy:
        client = _connect(proxy)
        server_side, _ = listener.accept()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.sendall(b"BEGIN")
        client.close()  # RST, as when the process is killed
        server_side.settimeout(5)
        with server_side:
            received = b""
            try:
                while chunk := server_side.recv(4096):
                    received += chunk
            except ConnectionResetError:
                pass  # ended by a reset rather than a close: ended all the same
    assert received in (b"", b"BEGIN")
