"""`/webhooks/whatsapp`: Meta's verification handshake and the signed event deliveries."""

from __future__ import annotations

import hmac
import json
from collections import defaultdict

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from hotel_agent.channels.port import InboundMessage
from hotel_agent.channels.whatsapp.parser import (
    ParsedWebhook,
    StatusUpdate,
    WebhookPayloadError,
    parse_webhook,
)
from hotel_agent.channels.whatsapp.signature import verify_signature
from hotel_agent.conversations import delivery
from hotel_agent.errors import BadRequest, Forbidden, NotFound, Unauthorized
from hotel_agent.observability.metrics import INBOUND_MESSAGES
from hotel_agent.runtime import Runtime
from hotel_agent.web.deps import RuntimeDep
from hotel_agent.web.errors import BODY_RESPONSES, error_response

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/webhooks/whatsapp", tags=["whatsapp"])
SIGNATURE_HEADER = "X-Hub-Signature-256"
_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


@router.get(
    "",
    summary="Meta's webhook verification",
    # The challenge is echoed as text/plain; errors are JSON like everywhere else.
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        403: {**error_response("Wrong mode or verify token"), "content": _JSON_ERROR},
    },
)
async def verify(
    runtime: RuntimeDep,
    mode: str = Query("", alias="hub.mode"),
    token: str = Query("", alias="hub.verify_token"),
    challenge: str = Query("", alias="hub.challenge"),
) -> str:
    expected = runtime.settings.whatsapp.verify_token
    if (
        mode != "subscribe"
        or not expected
        or not hmac.compare_digest(token.encode(), expected.encode())
    ):
        raise Forbidden("verification token mismatch")
    return challenge


@router.post(
    "",
    summary="Receive WhatsApp messages and delivery statuses",
    responses={
        **BODY_RESPONSES,
        400: error_response("Not valid JSON, nested too deeply, or not a WhatsApp webhook payload"),
        401: error_response("Missing signature"),
        403: error_response("Wrong signature"),
        404: error_response("The WhatsApp channel is not configured (no WHATSAPP_APP_SECRET)"),
        503: error_response("Could not store the events; Meta will retry"),
    },
)
async def receive(request: Request, runtime: RuntimeDep) -> dict[str, int]:
    secret = runtime.settings.whatsapp.app_secret
    if not secret:
        raise NotFound("the WhatsApp channel is not configured")
    raw = await request.body()
    header = request.headers.get(SIGNATURE_HEADER)
    if not header:
        raise Unauthorized(f"missing {SIGNATURE_HEADER} header")
    if not verify_signature(secret, raw, header):
        log.warning("whatsapp.bad_signature")
        raise Forbidden("invalid signature")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        # Meta's payloads nest a few levels; thousands of levels are an attack, not a retry.
        raise BadRequest("the request body is nested too deeply") from exc
    try:
        parsed = parse_webhook(data)
    except WebhookPayloadError as exc:
        raise BadRequest(str(exc)) from exc
    for skipped in parsed.skipped:
        INBOUND_MESSAGES.labels("whatsapp", "unknown", "rejected").inc()
        log.warning("whatsapp.message_skipped", path=skipped.path, reason=skipped.reason)
    stored = await _store_messages(runtime, parsed)
    updated = await _apply_statuses(runtime, parsed.statuses)
    return {"messages": stored, "statuses": updated}


async def _store_messages(runtime: Runtime, parsed: ParsedWebhook) -> int:
    by_hotel: dict[int, list[InboundMessage]] = defaultdict(list)
    for received in parsed.messages:
        hotel_id = runtime.hotels.for_phone_number(received.phone_number_id)
        if hotel_id is None:
            # Acknowledged (Meta would retry forever) but not processed: not our number.
            INBOUND_MESSAGES.labels("whatsapp", received.message.type, "unknown_number").inc()
            log.warning(
                "whatsapp.unknown_phone_number_id", phone_number_id=received.phone_number_id
            )
            continue
        by_hotel[hotel_id].append(received.message)
    stored = 0
    for hotel_id, messages in by_hotel.items():
        results = await runtime.ingest.accept(hotel_id, messages)
        stored += sum(not result.duplicate for result in results)
    return stored


async def _apply_statuses(runtime: Runtime, statuses: list[StatusUpdate]) -> int:
    if not statuses:
        return 0
    async with runtime.sessions() as session, session.begin():
        return await delivery.record_statuses(session, [s.delivery_status() for s in statuses])
