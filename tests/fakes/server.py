"""Serve an ASGI app over real HTTP on 127.0.0.1 from a background thread."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Self

import uvicorn


class ThreadedServer:
    """`with ThreadedServer(app) as server: server.origin` — a free port, its own event loop."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host, self.port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ThreadedServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        # log_config=None: uvicorn's records go to the caller's logging (pytest captures them).
        config = uvicorn.Config(
            self.app, log_config=None, access_log=False, timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"


class FakeServer:
    """Base of the fakes of vendor APIs: served by a ThreadedServer, usable as a context
    manager. A subclass builds its ASGI app in `_app` and names itself in `label`."""

    label = "fake server"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host, self._port = host, port
        self._server: ThreadedServer | None = None

    def _app(self) -> Any:
        raise NotImplementedError

    def start(self) -> Self:
        self._server = ThreadedServer(self._app(), host=self._host, port=self._port).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        if self._server is None:
            raise RuntimeError(f"start the {self.label} first")
        return self._server.origin
