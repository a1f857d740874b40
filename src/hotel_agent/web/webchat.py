"""The web chat API (`/api/webchat/messages`); its pages are in webchat_page.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from hotel_agent.blank_text import NOT_BLANK_SCHEMA, strip_blank
from hotel_agent.conversations import webchat
from hotel_agent.conversations.webchat import SESSION_PATTERN
from hotel_agent.db.models import Message
from hotel_agent.db.types import BIGINT_MAX
from hotel_agent.errors import BadRequest, RateLimited
from hotel_agent.runtime import Runtime
from hotel_agent.web.deps import RuntimeDep
from hotel_agent.web.errors import BODY_RESPONSES, STORAGE_RESPONSES, error_response

TEXT_MAX_CHARS = 4096  # WhatsApp's limit, the chat page's maxlength
_CHOICE_ID: JsonDict = {"type": "string", "minLength": 1, "maxLength": 200}
router = APIRouter(tags=["webchat"])
_RATE_LIMITED: dict[int | str, dict[str, Any]] = {
    429: error_response("Too many messages; see Retry-After")
}


class WebChatMessageIn(BaseModel):
    # Published as "a non-blank text, or a choice": the validator enforces the same rule.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["text"], "properties": {"text": NOT_BLANK_SCHEMA}},
                {"required": ["choice_id"], "properties": {"choice_id": _CHOICE_ID}},
            ]
        }
    )

    session_id: str = Field(
        pattern=SESSION_PATTERN,
        description="The browser's chat session: 32 lowercase hex characters (16 random "
        "bytes), kept secret, since it is the only key to the conversation",
    )
    text: str = Field(
        default="",
        # Published, enforced by the route (400 with the limit named, as the page expects).
        json_schema_extra={"maxLength": TEXT_MAX_CHARS},
        description="What the guest typed (or the chosen button's title); may be empty with "
        "a choice_id. WEBCHAT_MAX_TEXT_CHARS may set a lower limit (400 above it).",
    )
    choice_id: str | None = Field(default=None, max_length=200, description="Button/row chosen")
    client_message_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="Set it to retry a send safely: the same id is stored once",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> WebChatMessageIn:
        if not strip_blank(self.text.replace("\x00", "")) and not self.choice_id:
            raise ValueError("the message is empty")
        return self


class Choice(BaseModel):
    id: str
    title: str
    description: str | None = None


# Named so the `list` field below does not shadow the builtin in its own annotation.
Choices = list[Choice]


class WebChatMessageOut(BaseModel):
    id: int
    direction: str
    author: str
    text: str
    buttons: Choices = Field(default_factory=list)
    list: Choices = Field(default_factory=list)
    list_button: str | None = None
    status: str
    created_at: str


class PostResult(BaseModel):
    message_id: int
    session_id: str
    pending: bool
    replies: list[WebChatMessageOut] = Field(default_factory=list)


class Transcript(BaseModel):
    session_id: str
    messages: list[WebChatMessageOut]


@router.post(
    "/api/webchat/messages",
    response_model=PostResult,
    status_code=202,
    responses={
        200: {"model": PostResult, "description": "With `wait`: the turn finished in time"},
        **BODY_RESPONSES,
        400: error_response("Not JSON, or longer than WEBCHAT_MAX_TEXT_CHARS"),
        **_RATE_LIMITED,
    },
)
async def post_message(
    body: WebChatMessageIn,
    request: Request,
    response: Response,
    runtime: RuntimeDep,
    wait: Annotated[float, Query(ge=0, le=60, description="Seconds to wait for the reply")] = 0,
) -> PostResult:
    settings = runtime.settings.webchat
    text = strip_blank(body.text)  # may be empty when a choice was picked
    limit = min(settings.max_text_chars, TEXT_MAX_CHARS)
    if len(body.text) > limit:  # as sent, like the schema's maxLength
        raise BadRequest(f"the message is longer than {limit} characters")
    await _limit(runtime, "webchat_client", _client_key(request), settings.rate_limit_per_client)
    await _limit(runtime, "webchat_session", body.session_id, settings.rate_limit_per_session)
    accepted = await webchat.submit(
        runtime.ingest,
        runtime.hotels.default_hotel_id,
        body.session_id,
        text,
        choice_id=body.choice_id,
        client_message_id=body.client_message_id,
    )
    result = PostResult(message_id=accepted.event_id, session_id=body.session_id, pending=True)
    if wait > 0:
        timeout = min(wait, settings.max_wait_seconds)
        if await webchat.wait_for_turn(
            runtime.sessions, runtime.signals, accepted.event_id, timeout
        ):
            async with runtime.sessions() as session:
                replies = await webchat.replies(session, accepted.event_id)
                result.replies = [_to_out(m) for m in replies]
            result.pending = False
            response.status_code = 200
    return result


@router.get(
    "/api/webchat/messages",
    response_model=Transcript,
    responses={**STORAGE_RESPONSES, **_RATE_LIMITED},
)
async def get_messages(
    request: Request,
    runtime: RuntimeDep,
    session_id: Annotated[
        str,
        Query(pattern=SESSION_PATTERN, description="The session id the messages were sent with"),
    ],
    after: Annotated[
        int, Query(ge=0, le=BIGINT_MAX, description="Only messages after this id")
    ] = 0,
) -> Transcript:
    settings = runtime.settings.webchat
    await _limit(runtime, "webchat_poll", _client_key(request), settings.rate_limit_poll_per_client)
    async with runtime.sessions() as session:
        rows = await webchat.transcript(session, runtime.hotels.default_hotel_id, session_id, after)
        return Transcript(session_id=session_id, messages=[_to_out(row) for row in rows])


async def _limit(runtime: Runtime, name: str, key: str, rate: str) -> None:
    decision = await runtime.rate_limiter.hit(name, key, rate)
    if not decision.allowed:
        raise RateLimited("too many messages, please wait a moment", decision.retry_after_seconds)


def _client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _to_out(message: Message) -> WebChatMessageOut:
    payload: dict[str, Any] = message.payload or {}
    picker = payload.get("list_picker") or {}
    rows = [row for section in picker.get("sections", []) for row in section.get("rows", [])]
    return WebChatMessageOut(
        id=message.id,
        direction=message.direction,
        author=message.author,
        text=message.body,
        buttons=[Choice.model_validate(b) for b in payload.get("buttons", [])],
        list=[Choice.model_validate(r) for r in rows],
        list_button=picker.get("button"),
        status=message.status,
        created_at=message.created_at.isoformat(),
    )
