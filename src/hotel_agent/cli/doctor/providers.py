"""Checks of the providers behind the channels and the models: the Graph API (WhatsApp), the
mail servers (SMTP for booking e-mails, IMAP for the e-mail channel), and the OpenAI-compatible
APIs of speech-to-text and the language model. Each one only when it is configured."""

from __future__ import annotations

import asyncio
import imaplib
import ssl
from typing import Any

from hotel_agent.cli.doctor.base import (
    TIMEOUT_SECONDS,
    CheckFailed,
    Context,
    describe,
)
from hotel_agent.settings import LlmSettings, SpeechToTextSettings

# How many of an API's model ids a failed model check names.
_MODELS_SHOWN = 5


async def check_whatsapp(ctx: Context) -> str:
    """The access token and phone number id, asked of the Graph API (the phone number node)."""
    import httpx

    whatsapp = ctx.settings.whatsapp
    if not whatsapp.enabled:
        return "not configured (web chat only)"
    if not (whatsapp.access_token and whatsapp.phone_number_id):
        raise CheckFailed(
            "WHATSAPP_ACCESS_TOKEN or WHATSAPP_PHONE_NUMBER_ID is empty: replies cannot be sent",
            "docs/whatsapp-setup.md, step 4",
        )
    url = f"{whatsapp.api_base_url.rstrip('/')}/{whatsapp.phone_number_id}"
    try:
        async with httpx.AsyncClient(timeout=whatsapp.timeout_seconds) as http:
            answer = await http.get(
                url, headers={"Authorization": f"Bearer {whatsapp.access_token}"}
            )
    except httpx.HTTPError as exc:
        raise CheckFailed(
            f"Graph API unreachable: {describe(exc)}", "check WHATSAPP_API_BASE_URL"
        ) from None
    try:
        body: dict[str, Any] = answer.json()
    except ValueError:
        body = {}
    if answer.status_code != 200:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        if answer.status_code == 401 or error.get("code") == 190:
            raise CheckFailed(
                f"the access token is refused: {error.get('message', answer.status_code)}",
                "create a permanent System User token (docs/whatsapp-setup.md)",
            )
        raise CheckFailed(
            f"Graph API answered {answer.status_code}: {error.get('message', '')}",
            "check WHATSAPP_PHONE_NUMBER_ID",
        )
    return f"token valid for {body.get('display_phone_number') or body.get('id')}"


async def check_smtp(ctx: Context) -> str:
    """The mail server of booking e-mails: connected, greeted, TLS and login as configured."""
    from hotel_agent.channels.email.smtp import SmtpMailer

    smtp = ctx.settings.smtp
    if not smtp.enabled:
        return "not configured (no booking e-mails; the agent does not promise any)"
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS + smtp.timeout_seconds):
            await SmtpMailer(smtp).check()
    except Exception as exc:
        where = f"SMTP server {smtp.host}:{smtp.port}"
        raise _untrusted(exc, where, "SMTP_", smtp.ca_file) or CheckFailed(
            f"{where} unusable: {describe(exc)}",
            "check SMTP_HOST, SMTP_PORT, SMTP_TLS, SMTP_USERNAME and SMTP_PASSWORD",
        ) from None
    return f"{smtp.host}:{smtp.port} accepts us ({smtp.tls.value}), sending as {smtp.sender}"


async def check_imap(ctx: Context) -> str:
    """The e-mail channel's mailbox, opened as the poller opens it: connected, TLS as set,
    logged in and the folder selected."""
    from hotel_agent.channels.email.imap import ImapMailbox

    imap = ctx.settings.imap
    if not imap.enabled:
        return "not configured (no e-mail channel)"
    where = f"IMAP server {imap.host}:{imap.port}"
    mailbox = ImapMailbox(imap)
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS + imap.timeout_seconds):
            await asyncio.to_thread(mailbox.open)
    except imaplib.IMAP4.error as exc:
        problem = describe(exc)
        if "SELECT failed" in problem:
            raise CheckFailed(
                f"{where}: no folder {imap.folder!r} ({problem})",
                "set IMAP_FOLDER to the folder guests' e-mails arrive in (INBOX by default)",
            ) from None
        raise CheckFailed(
            f"{where} refused the login of {imap.username!r}: {problem}",
            "check IMAP_USERNAME and IMAP_PASSWORD (an app password where the provider asks)",
        ) from None
    except Exception as exc:
        raise _untrusted(exc, where, "IMAP_", imap.ca_file) or CheckFailed(
            f"{where} unreachable: {describe(exc)}", "check IMAP_HOST, IMAP_PORT and IMAP_TLS"
        ) from None
    finally:
        await asyncio.to_thread(mailbox.close)
    idle = "IDLE" if mailbox.supports_idle else f"no IDLE: polled every {imap.poll_seconds:g} s"
    return f"{imap.host}:{imap.port} ({imap.tls.value}), folder {imap.folder} open ({idle})"


def _untrusted(exc: BaseException, where: str, prefix: str, ca_file: str) -> CheckFailed | None:
    """A mail server reachable but not trusted — a private CA not given to us, a self-signed or
    expired certificate, a name it was not made for — said as such, not as "unreachable".
    aiosmtplib wraps the TLS error of a connection in its own."""
    cause = exc if isinstance(exc, ssl.SSLCertVerificationError) else exc.__cause__
    if not isinstance(cause, ssl.SSLCertVerificationError):
        return None
    trusted = f"the CAs in {ca_file}" if ca_file else "the system's CAs"
    return CheckFailed(
        f"{where}: certificate not trusted by {trusted} ({cause.verify_message})",
        f"set {prefix}CA_FILE to the PEM of the CA that signed it, or fix the server's certificate",
    )


async def check_stt(ctx: Context) -> str:
    """The speech-to-text API: reachable, the key accepted, the model offered (no audio sent)."""
    stt = ctx.settings.stt
    if not stt.enabled:
        return "not configured (guests who send a voice note are asked to write)"
    return await _check_models_api("STT_", stt)


async def check_llm(ctx: Context) -> str:
    """The language model's API: reachable, the key accepted, the model offered (no prompt)."""
    llm = ctx.settings.llm
    if not llm.enabled:
        return "not configured (the agent answers without a language model)"
    return await _check_models_api("LLM_", llm)


async def _check_models_api(prefix: str, api: LlmSettings | SpeechToTextSettings) -> str:
    """`GET {base_url}/models` of an OpenAI-compatible API, through the adapters' own client."""
    import openai

    from hotel_agent.openai_client import OpenAiCompatibleClient

    base_url, model = api.base_url, api.model
    client = OpenAiCompatibleClient(
        base_url=base_url, api_key=api.api_key, model=model, timeout_seconds=api.timeout_seconds
    )
    try:
        offered = await client.offered_models()
    except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
        raise CheckFailed(
            f"{base_url} refuses the key ({exc.status_code}: {_api_message(exc)})",
            f"set {prefix}API_KEY to a key of that API",
        ) from None
    except openai.NotFoundError:
        raise CheckFailed(
            f"{base_url}/models is not found (404)",
            f"{prefix}BASE_URL ends with the API version, like https://api.openai.com/v1",
        ) from None
    except openai.APIStatusError as exc:
        raise CheckFailed(
            f"{base_url} answered {exc.status_code}: {_api_message(exc)}",
            f"check {prefix}BASE_URL, or the provider's status",
        ) from None
    except (openai.APIError, TimeoutError) as exc:
        problem = "no answer" if isinstance(exc, openai.APITimeoutError) else describe(exc)
        raise CheckFailed(f"{base_url} unreachable: {problem}", f"check {prefix}BASE_URL") from None
    finally:
        await client.aclose()
    if model not in offered:
        shown = ", ".join(sorted(offered)[:_MODELS_SHOWN]) + (
            "…" if len(offered) > _MODELS_SHOWN else ""
        )
        raise CheckFailed(
            f"{base_url} does not offer the model {model!r} (it offers {shown or 'none'})",
            f"set {prefix}MODEL to one it offers",
        )
    return f"{base_url} accepts the key and offers {model}"


def _api_message(exc: Any) -> str:
    """The `error.message` of an OpenAI-style error body, else the SDK's own message."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"]).splitlines()[0]
    return describe(exc)
