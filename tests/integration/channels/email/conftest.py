"""The e-mail channel's test kit: a real SMTP server (aiosmtpd), a real IMAP mailbox (dovecot),
a runtime reading the one and answering through the other, and a guest who writes e-mails."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from hotel_agent.runtime import Runtime
from tests.fakes.imap_server import ImapServer
from tests.fakes.mail_server import SENDER, Certificate, MailServer
from tests.support import make_settings

MakeRuntime = Callable[..., Awaitable[Runtime]]
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A throw-away self-signed certificate for 127.0.0.1, for the TLS of SMTP and IMAP."""
    return Certificate.make(tmp_path_factory.mktemp("mail-tls"))


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with ImapServer.start() as server:
        yield server


@pytest.fixture
async def runtime(
    make_runtime: MakeRuntime, sqlite_url: str, mail: MailServer, imap: ImapServer
) -> Runtime:
    # Polls an hour apart: each reply below comes because IDLE woke the poller.
    imap_settings = imap.settings(poll_seconds=3600)
    settings = make_settings(sqlite_url, smtp=mail.settings(), imap=imap_settings)
    runtime = await make_runtime(settings)
    runtime.start_background()
    return runtime


class EmailGuest:
    """A guest writing e-mails: each after the first answers the hotel's last reply, quoting
    it below the new text the way mail clients do."""

    def __init__(self, imap: ImapServer, mail: MailServer, address: str, name: str) -> None:
        self.imap, self.mail = imap, mail
        self.address, self.name = address, name
        self.last_reply: EmailMessage | None = None

    def compose(self, text: str, *, subject: str = "Reserva") -> EmailMessage:
        message = EmailMessage()
        message["From"] = f"{self.name} <{self.address}>"
        message["To"] = SENDER
        message["Message-ID"] = make_msgid(f"guest{next(_numbers)}", domain="example.com")
        reply = self.last_reply
        if reply is None:
            message["Subject"] = subject
            message.set_content(f"{text}\n\n-- \n{self.name}\nEnviado desde mi iPhone\n")
        else:
            message["Subject"] = str(reply["Subject"])
            message["In-Reply-To"] = str(reply["Message-ID"])
            message["References"] = f"{reply['References']} {reply['Message-ID']}"
            quoted = "\n".join(f"> {line}" for line in reply.get_content().splitlines())
            message.set_content(
                f"{text}\n\nEl sáb, 5 dic 2026 a las 10:00, Hotel Prueba <{SENDER}> "
                f"escribió:\n{quoted}\n"
            )
        return message

    async def writes(self, text: str, **kwargs: str) -> EmailMessage:
        """Send an e-mail; the hotel's reply to it (which the next one answers)."""
        before = len(self.mail.received)
        self.imap.deliver(bytes(self.compose(text, **kwargs)))
        replies = await self.mail.wait_for(before + 1, timeout=30)
        self.last_reply = replies[before]
        return self.last_reply


def said(reply: EmailMessage) -> str:
    return str(reply.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
