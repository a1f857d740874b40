"""The e-mail channel reads its mailbox over TLS — from the first byte (IMAPS) or upgraded by
STARTTLS — from a real dovecot with a throw-away self-signed certificate: trusted through
IMAP_CA_FILE, guests' e-mails reach the inbox and are answered; a certificate nobody said to
trust is refused before the login is sent, and the mail stays unread for when it is fixed. The
replies go out over SMTP encrypted the same way (SMTP_TLS, SMTP_CA_FILE)."""

from __future__ import annotations

import asyncio
import imaplib
import ssl

import pytest
from sqlalchemy import func, select
from structlog.testing import capture_logs

from hotel_agent.channels.email.imap import ImapMailbox, ImapPoller
from hotel_agent.channels.port import InboundMessage
from hotel_agent.db.models import InboxEvent
from hotel_agent.settings import SmtpTls
from tests.fakes.imap_server import ImapServer
from tests.fakes.mail_server import SENDER, Certificate, MailServer
from tests.integration.channels.email.conftest import EmailGuest, MakeRuntime
from tests.support import make_settings

ENCRYPTED = [SmtpTls.TLS, SmtpTls.STARTTLS]


@pytest.mark.parametrize("tls", ENCRYPTED)
async def test_an_email_read_over_tls_reaches_the_inbox_and_is_answered(
    make_runtime: MakeRuntime, sqlite_url: str, certificate: Certificate, tls: SmtpTls
) -> None:
    ca_file = str(certificate.cert)
    # Both halves encrypted the same way: the mailbox read, the reply sent (SMTP_TLS).
    with (
        ImapServer.start(certificate) as imap,
        MailServer(tls=tls, certificate=certificate) as mail,
    ):
        # Polls an hour apart: the reply comes because IDLE, over the encrypted socket, woke
        # the poller.
        settings = make_settings(
            sqlite_url,
            smtp=mail.settings(ca_file=ca_file),
            imap=imap.settings(tls, ca_file=ca_file, poll_seconds=3600),
        )
        runtime = await make_runtime(settings)
        runtime.start_background()
        guest = EmailGuest(imap, mail, "secure@example.com", "Sam")
        reply = await guest.writes("Do you have parking?", subject="Parking")

        assert reply["To"] == "secure@example.com" and reply["Subject"] == "Re: Parking"
        async with runtime.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(InboxEvent)) == 1
        async with asyncio.timeout(30):
            while not all("\\Seen" in flags for flags in await asyncio.to_thread(imap.flags)):
                await asyncio.sleep(0.05)


@pytest.mark.parametrize("tls", ENCRYPTED)
def test_the_mailbox_opens_over_tls_only_with_the_certificate_trusted(
    certificate: Certificate, tls: SmtpTls
) -> None:
    with ImapServer.start(certificate) as imap:
        trusted = ImapMailbox(imap.settings(tls, ca_file=str(certificate.cert)))
        try:
            trusted.open()
            assert isinstance(trusted.imap, imaplib.IMAP4)
            assert isinstance(trusted.imap.sock, ssl.SSLSocket)
            assert trusted.imap.sock.version() in {"TLSv1.2", "TLSv1.3"}
        finally:
            trusted.close()

        with pytest.raises(ssl.SSLCertVerificationError, match="CERTIFICATE_VERIFY_FAILED"):
            ImapMailbox(imap.settings(tls)).open()


@pytest.mark.parametrize("tls", ENCRYPTED)
async def test_the_poller_refuses_an_untrusted_certificate_and_leaves_the_mail_unread(
    mail: MailServer, certificate: Certificate, tls: SmtpTls
) -> None:
    with ImapServer.start(certificate) as imap:
        guest = EmailGuest(imap, mail, "early@example.com", "Eli")
        imap.deliver(bytes(guest.compose("Is breakfast included?")))
        accepted: list[InboundMessage] = []

        async def accept(messages: list[InboundMessage]) -> None:
            accepted.extend(messages)

        stop = asyncio.Event()
        poller = ImapPoller(imap.settings(tls), accept, own_addresses=frozenset({SENDER}))
        with capture_logs() as logs:
            task = asyncio.create_task(poller.run(stop))
            async with asyncio.timeout(20):
                while not any(log["event"] == "email.imap_unavailable" for log in logs):
                    await asyncio.sleep(0.05)
            stop.set()
            await task

        [refused, *_] = [log for log in logs if log["event"] == "email.imap_unavailable"]
        assert "CERTIFICATE_VERIFY_FAILED" in refused["error"]
        assert accepted == []
        assert ["\\Seen" in flags for flags in imap.flags()] == [False]
