"""The channels configured by settings (the guests' and the staff alert webhook), built once
per process."""

from __future__ import annotations

import httpx

from hotel_agent.channels.chatwoot.client import ChatwootClient
from hotel_agent.channels.email.channel import EmailChannel
from hotel_agent.channels.email.smtp import SmtpMailer
from hotel_agent.channels.port import Channel
from hotel_agent.channels.staff_webhook import StaffWebhook
from hotel_agent.channels.webchat.channel import WebChatChannel
from hotel_agent.channels.whatsapp.client import WhatsAppCloudClient
from hotel_agent.settings import Settings


def build_channels(settings: Settings, http: httpx.AsyncClient) -> dict[str, Channel]:
    """The web chat always; WhatsApp when its access token and number are set; e-mail when
    IMAP_HOST is set (its replies go through the SMTP mailer of the booking e-mails); Chatwoot
    when its connector is configured."""
    channels: dict[str, Channel] = {"webchat": WebChatChannel()}
    whatsapp = settings.whatsapp
    if whatsapp.access_token and whatsapp.phone_number_id:
        channels["whatsapp"] = WhatsAppCloudClient(
            http,
            base_url=whatsapp.api_base_url,
            access_token=whatsapp.access_token,
            phone_number_id=whatsapp.phone_number_id,
            timeout=whatsapp.timeout_seconds,
        )
    mailer = build_mailer(settings)
    if settings.imap.enabled and mailer is not None:
        channels["email"] = EmailChannel(mailer, settings.hotel.name)
    chatwoot = settings.chatwoot
    if chatwoot.enabled:
        channels["chatwoot"] = ChatwootClient(
            http,
            base_url=chatwoot.base_url,
            bot_token=chatwoot.bot_token,
            timeout=chatwoot.timeout_seconds,
        )
    return channels


def build_staff_webhook(settings: Settings, http: httpx.AsyncClient) -> StaffWebhook | None:
    """The staff alert webhook, when STAFF_ALERT_WEBHOOK_URL is set."""
    url = settings.staff.alert_webhook_url
    if not url:
        return None
    return StaffWebhook(http, url, timeout=settings.staff.alert_timeout_seconds)


def build_mailer(settings: Settings) -> SmtpMailer | None:
    """The SMTP mailer of booking e-mails, when SMTP_HOST is set."""
    return SmtpMailer(settings.smtp) if settings.smtp.enabled else None
