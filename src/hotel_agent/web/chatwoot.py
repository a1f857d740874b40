"""`/webhooks/chatwoot/{token}`: the Chatwoot Agent Bot's webhook (docs/chatwoot.md).

Chatwoot signs nothing the bot can check on every version, so the secret is in the URL the
operator gives the bot: a wrong or missing one is answered 404, as if the path did not exist.
A guest's message is stored in the inbox (once per Chatwoot message id, so a redelivery never
gets a second reply) before the 200; a status change or an assignment made in Chatwoot moves
the conversation between the bot and staff at once.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated

import structlog
from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError

from hotel_agent.channels.chatwoot.events import (
    CHATWOOT_CHANNEL,
    EventPayloadError,
    Ignored,
    OwnerChange,
    read_event,
)
from hotel_agent.conversations.handoff import announce, follow_shared_inbox
from hotel_agent.db.models import ConversationOwner
from hotel_agent.db.types import utcnow
from hotel_agent.errors import BadRequest, NotFound
from hotel_agent.observability.metrics import INBOUND_MESSAGES
from hotel_agent.runtime import Runtime
from hotel_agent.web.deps import RuntimeDep
from hotel_agent.web.errors import BODY_RESPONSES, error_response

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/webhooks/chatwoot", tags=["chatwoot"])


@router.post(
    "/{token}",
    summary="Receive Chatwoot Agent Bot events",
    responses={
        **BODY_RESPONSES,
        400: error_response("Not valid JSON, or nested too deeply"),
        404: error_response("Chatwoot is not configured, or the token is wrong"),
        422: {"description": "Not a Chatwoot event the bot can read (the fields are listed)"},
        503: error_response("Could not store the event; Chatwoot will retry"),
    },
)
async def receive(
    token: Annotated[str, Path(description="CHATWOOT_WEBHOOK_TOKEN, the bot's secret")],
    request: Request,
    runtime: RuntimeDep,
) -> dict[str, str]:
    """`outcome`: stored, duplicate (a redelivery), ignored (not a guest's message, or
    another account's), owner_bot or owner_staff (who answers after a status change or an
    assignment in Chatwoot)."""
    settings = runtime.settings.chatwoot
    if not settings.enabled or not hmac.compare_digest(
        token.encode(), settings.webhook_token.encode()
    ):
        raise NotFound("no such webhook")
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise BadRequest("the request body is nested too deeply") from exc
    now = utcnow()
    try:
        event = read_event(data, account_id=settings.account_id, now=now)
    except EventPayloadError as exc:
        INBOUND_MESSAGES.labels(CHATWOOT_CHANNEL, "unknown", "rejected").inc()
        raise RequestValidationError(exc.errors) from exc
    hotel_id = runtime.hotels.default_hotel_id
    if isinstance(event, Ignored):
        INBOUND_MESSAGES.labels(CHATWOOT_CHANNEL, "event", "ignored").inc()
        log.debug("chatwoot.event_ignored", reason=event.reason)
        return {"outcome": "ignored"}
    if isinstance(event, OwnerChange):
        return {"outcome": await _follow(runtime, hotel_id, event)}
    [accepted] = await runtime.ingest.accept(hotel_id, [event])
    return {"outcome": "duplicate" if accepted.duplicate else "stored"}


async def _follow(runtime: Runtime, hotel_id: int, change: OwnerChange) -> str:
    async with runtime.sessions() as session, session.begin():
        handoff = await follow_shared_inbox(
            session,
            hotel_id=hotel_id,
            channel=CHATWOOT_CHANNEL,
            external_id=change.recipient,
            owner=ConversationOwner(change.owner),
            now=utcnow(),
        )
    if handoff is not None:
        announce(handoff)
    return f"owner_{change.owner}"
