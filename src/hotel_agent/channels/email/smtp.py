"""The SMTP mailer: one connection per e-mail (booking e-mails are few), TLS as configured.

Failures map to `SendError` the way the sender expects: what can succeed later (the server
unreachable or timing out, 4xx "try again later" replies) is retryable; a 5xx refusal or an
address that is not one is permanent, dead-lettered with the server's own words.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

import aiosmtplib

from hotel_agent.channels.email.message import Email
from hotel_agent.channels.port import SendError, SendReceipt
from hotel_agent.settings import SmtpSettings, SmtpTls

_DETAIL_CHARS = 300


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.domain = settings.sender.rpartition("@")[2]

    async def send(self, email: Email) -> SendReceipt:
        message = self._build(email)
        try:
            async with self._client() as client:
                await client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            # One recipient per e-mail: its refusal is the answer.
            refused = exc.recipients[0]
            raise _refusal(refused.code, refused.message) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise _refusal(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Unreachable, refused connection, timeout, dropped connection: try later.
            raise SendError("smtp_unavailable", retryable=True, detail=_short(exc)) from exc
        return SendReceipt(provider_message_id=str(message["Message-ID"]))

    async def check(self) -> None:
        """Connect, greet and log in, sending nothing (`hotel-agent doctor`); raises on failure."""
        async with self._client() as client:
            await client.noop()

    def _client(self) -> aiosmtplib.SMTP:
        """A client that connects, upgrades to TLS and logs in as configured when entered."""
        settings = self.settings
        return aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            username=settings.username or None,
            password=settings.password or None,
            use_tls=settings.tls is SmtpTls.TLS,
            start_tls=settings.tls is SmtpTls.STARTTLS,
            # Verified always (validate_certs stays on): a private CA is trusted by naming it.
            cert_bundle=settings.ca_file or None,
            timeout=settings.timeout_seconds,
        )

    def _build(self, email: Email) -> EmailMessage:
        try:
            to = Address(addr_spec=email.to)
        except (ValueError, IndexError) as exc:
            raise SendError("bad_address", retryable=False, detail=_short(exc)) from exc
        if not to.domain:
            raise SendError("bad_address", retryable=False, detail="no domain")
        message = EmailMessage()
        message["From"] = formataddr((email.sender_name, self.settings.sender))
        message["To"] = str(to)
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=self.domain or None)
        if email.in_reply_to:
            message["In-Reply-To"] = email.in_reply_to
            message["References"] = " ".join([*email.references, email.in_reply_to])
        # No vacation replies to a robot (RFC 3834): and none from us to one (see inbound.py).
        message["Auto-Submitted"] = "auto-replied" if email.in_reply_to else "auto-generated"
        message.set_content(email.text)
        if email.html:
            message.add_alternative(email.html, subtype="html")
        return message


def _refusal(code: int, text: str) -> SendError:
    """A reply code from the server: 4xx means "not now", anything else "never"."""
    retryable = 400 <= code < 500
    return SendError(
        "smtp_unavailable" if retryable else "smtp_rejected",
        retryable=retryable,
        code=code,
        detail=text[:_DETAIL_CHARS],
    )


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]
