"""The SMTP mailer against a real SMTP server (aiosmtpd): what it sends, and how each failure
maps to a retry or a dead letter."""

from __future__ import annotations

from collections.abc import Iterator

import aiosmtplib
import pytest

from hotel_agent.channels.email.message import Email
from hotel_agent.channels.email.smtp import SmtpMailer
from hotel_agent.channels.port import SendError
from hotel_agent.settings import SmtpTls
from tests.fakes.mail_server import SENDER, Certificate, MailServer, parts


@pytest.fixture
def server() -> Iterator[MailServer]:
    with MailServer() as running:
        yield running


def an_email(to: str = "ana.ruiz@example.com") -> Email:
    return Email(
        to=to,
        subject="Reserva confirmada HS-7K2Q9D · Hotel Prueba",
        text="Hola, Ana:\nReferencia: HS-7K2Q9D\n",
        html="<p>Hola, Ana:</p><p>Referencia: <strong>HS-7K2Q9D</strong></p>",
        sender_name="Hotel Prueba & Spa",
    )


async def test_an_email_arrives_with_both_parts_from_the_hotel(server: MailServer) -> None:
    receipt = await SmtpMailer(server.settings()).send(an_email())

    [mail] = await server.wait_for(1)
    assert server.envelopes == [(SENDER, ["ana.ruiz@example.com"])]
    assert mail["Subject"] == "Reserva confirmada HS-7K2Q9D · Hotel Prueba"
    assert mail["From"].addresses[0].display_name == "Hotel Prueba & Spa"
    assert mail["From"].addresses[0].addr_spec == SENDER
    assert mail["To"] == "ana.ruiz@example.com"
    assert mail["Message-ID"] == receipt.provider_message_id
    assert mail["Message-ID"].endswith("@hotel-prueba.example>")
    text, html = parts(mail)
    assert "Referencia: HS-7K2Q9D" in text and "<strong>HS-7K2Q9D</strong>" in html


async def test_a_4xx_reply_is_retried_later(server: MailServer) -> None:
    server.refuse_recipients = "450 4.2.1 mailbox busy, try later"
    with pytest.raises(SendError) as caught:
        await SmtpMailer(server.settings()).send(an_email())
    assert caught.value.retryable
    assert (caught.value.reason, caught.value.code) == ("smtp_unavailable", 450)


async def test_a_5xx_reply_is_permanent_with_the_servers_words(server: MailServer) -> None:
    server.refuse_recipients = "550 5.1.1 no such mailbox here"
    with pytest.raises(SendError) as caught:
        await SmtpMailer(server.settings()).send(an_email())
    assert not caught.value.retryable
    assert (caught.value.reason, caught.value.code) == ("smtp_rejected", 550)
    assert "no such mailbox here" in caught.value.detail
    assert server.received == []


async def test_a_server_that_is_down_is_retried_later(server: MailServer) -> None:
    settings = server.settings()
    server.stop()
    with pytest.raises(SendError) as caught:
        await SmtpMailer(settings).send(an_email())
    assert caught.value.retryable and caught.value.reason == "smtp_unavailable"


async def test_an_address_that_is_none_is_never_sent(server: MailServer) -> None:
    with pytest.raises(SendError) as caught:
        await SmtpMailer(server.settings()).send(an_email(to="ana.ruiz"))
    assert not caught.value.retryable and caught.value.reason == "bad_address"
    assert server.envelopes == []


async def test_check_talks_to_the_server_and_fails_when_it_is_gone(server: MailServer) -> None:
    mailer = SmtpMailer(server.settings())
    await mailer.check()
    server.stop()
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await mailer.check()


LOGIN = ("reservas", "s3cret-smtp-password")  # pragma: allowlist secret


@pytest.mark.parametrize("tls", [SmtpTls.STARTTLS, SmtpTls.TLS])
async def test_an_email_goes_encrypted_to_a_server_whose_certificate_is_trusted(
    certificate: Certificate, tls: SmtpTls
) -> None:
    with MailServer(tls=tls, certificate=certificate, credentials=LOGIN) as server:
        settings = server.settings(
            ca_file=str(certificate.cert), username=LOGIN[0], password=LOGIN[1]
        )
        receipt = await SmtpMailer(settings).send(an_email())
        [message] = await server.wait_for(1)

    assert message["Message-ID"] == receipt.provider_message_id
    # Logged in, encrypted: the STARTTLS server takes a login only after the upgrade, and the
    # TLS one speaks nothing else.
    assert server.logins == ["reservas"]


@pytest.mark.parametrize("tls", [SmtpTls.STARTTLS, SmtpTls.TLS])
async def test_a_certificate_nobody_said_to_trust_is_refused(
    certificate: Certificate, tls: SmtpTls
) -> None:
    with MailServer(tls=tls, certificate=certificate, credentials=LOGIN) as server:
        settings = server.settings(username=LOGIN[0], password=LOGIN[1])
        with pytest.raises(SendError) as refused:
            await SmtpMailer(settings).send(an_email())

    assert "CERTIFICATE_VERIFY_FAILED" in refused.value.detail
    assert server.received == [] and server.logins == []


async def test_a_server_that_requires_starttls_refuses_a_plain_connection(
    certificate: Certificate,
) -> None:
    with (
        MailServer(tls=SmtpTls.STARTTLS, certificate=certificate) as server,
        pytest.raises(SendError) as refused,
    ):
        await SmtpMailer(server.settings(tls=SmtpTls.NONE)).send(an_email())

    assert refused.value.code == 530 and not refused.value.retryable
    assert server.received == []
