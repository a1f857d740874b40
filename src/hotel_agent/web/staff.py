"""The staff API under /api/staff: conversations waiting for staff, transcripts, replies,
takeover and handback. Off (404) unless STAFF_API_TOKEN is set; see `auth.py`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from hotel_agent.db.repositories.conversations import INBOX_CURSOR_PATTERN
from hotel_agent.db.types import BIGINT_MAX, INTEGER_MAX
from hotel_agent.knowledge import knowledge_for
from hotel_agent.runtime import Runtime
from hotel_agent.staff import service
from hotel_agent.staff.schemas import (
    ConversationList,
    ConversationSummary,
    ConversationTranscript,
    OwnerFilter,
    StaffReplyIn,
    StaffReplyOut,
)
from hotel_agent.web.deps import RuntimeDep
from hotel_agent.web.errors import BODY_RESPONSES, ErrorOut
from hotel_agent.web.staff_auth import StaffRoute, bearer_scheme

_AUTH: dict[int | str, dict[str, Any]] = {
    **BODY_RESPONSES,
    401: {"model": ErrorOut, "description": "Missing or wrong bearer token"},
    404: {
        "model": ErrorOut,
        "description": "No such conversation (or another hotel's than STAFF_API_HOTEL), or "
        "the staff API is off",
    },
}
router = APIRouter(
    prefix="/api/staff",
    tags=["staff"],
    route_class=StaffRoute,
    dependencies=[Depends(bearer_scheme)],
    responses=_AUTH,
)
ConversationId = Annotated[int, Path(ge=1, le=INTEGER_MAX, description="The conversation's id")]


@router.get("/conversations", response_model=ConversationList)
async def list_conversations(
    runtime: RuntimeDep,
    owner: Annotated[
        OwnerFilter, Query(description="staff: waiting for staff (default); bot; all")
    ] = "staff",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[
        str,
        Query(
            pattern=INBOX_CURSOR_PATTERN,
            description="The `older` cursor of the previous page",
        ),
    ] = "",
) -> ConversationList:
    """Conversations with the latest activity first (of STAFF_API_HOTEL only, when set)."""
    async with runtime.sessions() as session:
        return await service.list_conversations(
            session, owner, limit=limit, before=before, hotel_id=_hotel(runtime)
        )


@router.get("/conversations/{conversation_id}/messages", response_model=ConversationTranscript)
async def get_transcript(
    runtime: RuntimeDep,
    conversation_id: ConversationId,
    after: Annotated[
        int, Query(ge=0, le=BIGINT_MAX, description="Only messages after this id")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=service.TRANSCRIPT_PAGE)] = service.TRANSCRIPT_PAGE,
) -> ConversationTranscript:
    """The conversation and its transcript, oldest first, with each delivery status."""
    async with runtime.sessions() as session:
        return await service.transcript(
            session, conversation_id, after=after, limit=limit, hotel_id=_hotel(runtime)
        )


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=StaffReplyOut,
    status_code=202,
    responses={
        409: {
            "model": ErrorOut,
            "description": "Undeliverable: the reply window (WhatsApp: 24 h) has closed and "
            "the hotel has no staff_reply template in the guest's language, or the channel is "
            "not configured. Nothing was queued. (With such a template the reply is sent as "
            "that template.)",
        },
        422: {"description": "Empty or too long text"},
    },
)
async def post_reply(
    runtime: RuntimeDep, conversation_id: ConversationId, body: StaffReplyIn
) -> StaffReplyOut:
    """Queue a message from staff to the guest (the sender delivers it). Replying to a
    conversation the bot owns takes it over first."""
    return await service.reply(
        runtime.sessions,
        runtime.channels,
        runtime.signals,
        conversation_id,
        body,
        templates=knowledge_for(runtime.settings).templates,
        hotel_id=_hotel(runtime),
    )


@router.post(
    "/conversations/{conversation_id}/takeover",
    response_model=ConversationSummary,
    responses={409: {"model": ErrorOut, "description": "Staff already own the conversation"}},
)
async def take_over(runtime: RuntimeDep, conversation_id: ConversationId) -> ConversationSummary:
    """Staff answer from now on; the bot stays silent (reason staff_takeover)."""
    return await service.take_over(runtime.sessions, conversation_id, hotel_id=_hotel(runtime))


@router.post(
    "/conversations/{conversation_id}/handback",
    response_model=ConversationSummary,
    responses={409: {"model": ErrorOut, "description": "The bot already owns the conversation"}},
)
async def hand_back(runtime: RuntimeDep, conversation_id: ConversationId) -> ConversationSummary:
    """The bot answers the guest's next message again, from a fresh state."""
    return await service.hand_back(runtime.sessions, conversation_id, hotel_id=_hotel(runtime))


def _hotel(runtime: Runtime) -> int | None:
    """The hotel the API is scoped to (STAFF_API_HOTEL): another's conversations are 404."""
    return runtime.settings.staff.api_hotel
