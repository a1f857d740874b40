"""A real SMTP server for tests (aiosmtpd, in its own thread on 127.0.0.1): it keeps every
e-mail it accepts, parsed, and can refuse recipients with a reply of the test's choosing, or be
stopped and started again on the same port (an outage). With a `Certificate` it speaks TLS
(STARTTLS, required, or TLS from the first byte) and, given `credentials`, asks for a login it
accepts only over TLS:

    with MailServer() as server:
        server.refuse_recipients = "550 5.1.1 mailbox unavailable"
        ... settings.smtp = server.settings() ...
        [mail] = await server.wait_for(1)
"""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from hotel_agent.settings import SmtpSettings, SmtpTls
from tests.support import free_port

SENDER = "reservas@hotel-prueba.example"


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 (made by Debian's openssl): the server's, and
    the only CA a client that trusts `cert` needs."""

    cert: Path
    key: Path

    @classmethod
    def make(cls, directory: Path) -> Certificate:
        cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cls(cert=cert, key=key)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


class MailServer:
    def __init__(
        self,
        *,
        tls: SmtpTls = SmtpTls.NONE,
        certificate: Certificate | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        if tls is not SmtpTls.NONE and certificate is None:
            raise ValueError("a TLS server needs a certificate")
        self.tls, self.certificate, self.credentials = tls, certificate, credentials
        self.logins: list[str] = []  # user names that logged in
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
            "tls": self.tls,
            "timeout_seconds": 5,
            **overrides,
        }
        return SmtpSettings(**no_env, **values)

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.certificate is not None:
            context = self.certificate.server_context()
            if self.tls is SmtpTls.TLS:
                options["ssl_context"] = context
            else:
                options |= {"tls_context": context, "require_starttls": True}
        if self.credentials is not None:
            # aiosmtpd only knows of TLS it started itself (STARTTLS); on a TLS-from-the-start
            # port every byte is encrypted already.
            options |= {
                "authenticator": self._login,
                "auth_require_tls": self.tls is not SmtpTls.TLS,
            }
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def _login(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and self.credentials == (
            auth_data.login.decode(),
            auth_data.password.decode(),
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

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
