"""A real SMTP server for tests (aiosmtpd, in its own thread on 127.0.0.1): it keeps every
e-mail it accepts, parsed, and can refuse recipients with a reply of the test's choosing, or be
stopped and started again on the same port (an outage):

    with MailServer() as server:
        server.refuse_recipients = "550 5.1.1 mailbox unavailable"
        ... settings.smtp = server.settings() ...
        [mail] = await server.wait_for(1)
"""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any, cast

from aiosmtpd.controller import Controller

from hotel_agent.settings import SmtpSettings, SmtpTls
from tests.support import free_port

SENDER = "reservas@hotel-prueba.example"


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []  # MAIL FROM, RCPT TO of each
        # A reply to every RCPT TO ("450 …" or "550 …"); None accepts them.
        self.refuse_recipients: str | None = None
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def settings(self, **overrides: Any) -> SmtpSettings:
        no_env: dict[str, Any] = {"_env_file": None}
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "sender": SENDER,
            "tls": SmtpTls.NONE,
            "timeout_seconds": 5,
            **overrides,
        }
        return SmtpSettings(**no_env, **values)

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> MailServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """The first `count` e-mails received, waiting for them to arrive."""
        async with asyncio.timeout(timeout):
            while True:
                with self._lock:
                    if len(self.received) >= count:
                        return list(self.received)
                await asyncio.sleep(0.05)

    # aiosmtpd's handler hooks, called in the server's thread.

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse_recipients is not None:
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = cast(EmailMessage, message_from_bytes(envelope.content, policy=policy.default))
        with self._lock:
            self.received.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts of an e-mail, decoded."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "both parts"
    return text.get_content(), html.get_content()
