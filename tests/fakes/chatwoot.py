"""A fake Chatwoot served over real HTTP: the application API an Agent Bot uses, and the
webhook events Chatwoot posts to the bot.

API (checked against the bot's `api_access_token`, 401 otherwise, as Chatwoot answers):
- `POST /api/v1/accounts/{account}/conversations/{conversation}/messages` with
  `{"content", "message_type": "outgoing"}`: stored, answered with the message (`id`,
  `content`, `message_type` 1, `conversation_id`, `sender` of type agent_bot); 404 for a
  conversation it does not have, 422 without content.
- `POST .../conversations/{conversation}/toggle_status` with `{"status"}`: answered
  `{"meta": {}, "payload": {"success": true, "current_status", "conversation_id"}}`; a change
  of status is posted back to the bot as `conversation_status_changed`, as Chatwoot does.
- `GET /api`: Chatwoot's version.

Events, posted to `bot_url` like Chatwoot's AgentBots::WebhookJob (JSON, in order):
`guest_writes` (message_created, incoming), `agent_writes` (message_created, outgoing: the
bot must ignore it), `agent_sets_status` (conversation_status_changed), `agent_assigned`
(conversation_updated with the new assignee). `redeliver` posts the
last event again, as Chatwoot's retry of a delivery that timed out.

    with FakeChatwoot(bot_token="t", account_id=3) as chatwoot:
        chatwoot.bot_url = f"{app_origin}/webhooks/chatwoot/{token}"
        chatwoot.guest_writes(conversation=41, text="Hola")
        chatwoot.wait_for_replies(41, 1)
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections import deque
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeServer

STATUSES = ("open", "resolved", "pending", "snoozed")


@dataclasses.dataclass
class FakeConversation:
    id: int
    contact_name: str
    status: str = "pending"  # with an Agent Bot on the inbox, Chatwoot starts here
    replies: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # the bot's
    statuses: list[str] = dataclasses.field(default_factory=list)  # toggled by the bot


class FakeChatwoot(FakeServer):
    label = "fake Chatwoot"

    def __init__(self, *, bot_token: str, account_id: int, version: str = "4.1.0") -> None:
        super().__init__()
        self.bot_token = bot_token
        self.account_id = account_id
        self.version = version
        self.bot_url = ""  # where events are posted
        self._condition = threading.Condition()
        self._conversations: dict[int, FakeConversation] = {}
        self._ids = itertools.count(9001)
        self._scripted: deque[int] = deque()
        self._last_event: dict[str, Any] | None = None
        self.requests = 0

    def _app(self) -> Starlette:
        base = "/api/v1/accounts/{account:int}/conversations/{conversation:int}"
        return Starlette(
            routes=[
                Route("/api", self._version, methods=["GET"]),
                Route(f"{base}/messages", self._create_message, methods=["POST"]),
                Route(f"{base}/toggle_status", self._toggle_status, methods=["POST"]),
            ]
        )

    # What a test sees.

    def conversation(self, conversation_id: int) -> FakeConversation:
        with self._condition:
            return dataclasses.replace(self._conversations[conversation_id])

    def replies(self, conversation_id: int) -> list[dict[str, Any]]:
        """The bot's replies in a conversation so far (none in one never written to)."""
        with self._condition:
            known = self._conversations.get(conversation_id)
            return list(known.replies) if known else []

    def wait_for_replies(
        self, conversation_id: int, n: int, timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        """The bot's replies in a conversation, once there are `n` (TimeoutError after
        `timeout` seconds)."""
        with self._condition:
            if not self._condition.wait_for(
                lambda: len(self._conversations[conversation_id].replies) >= n, timeout
            ):
                have = len(self._conversations[conversation_id].replies)
                raise TimeoutError(f"{have} of {n} replies after {timeout}s")
            return list(self._conversations[conversation_id].replies)

    def wait_for_status(self, conversation_id: int, status: str, timeout: float = 30.0) -> None:
        with self._condition:
            if not self._condition.wait_for(
                lambda: self._conversations[conversation_id].status == status, timeout
            ):
                now = self._conversations[conversation_id].status
                raise TimeoutError(f"status {now}, not {status}, after {timeout}s")

    def fail_next(self, status: int, *, times: int = 1) -> None:
        """Answer the next `times` API requests with `status`."""
        with self._condition:
            self._scripted.extend([status] * times)

    # What Chatwoot posts to the bot.

    def guest_writes(
        self, conversation: int, text: str, *, name: str = "Ana Ruiz"
    ) -> httpx.Response:
        with self._condition:
            known = self._conversations.setdefault(
                conversation, FakeConversation(conversation, name)
            )
            status = known.status
        return self._post(
            {
                "event": "message_created",
                "id": next(self._ids),
                "content": text,
                "content_type": "text",
                "content_attributes": {},
                "message_type": "incoming",
                "private": False,
                "source_id": None,
                "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "sender": {"id": 70 + conversation, "name": name, "type": "contact"},
                "conversation": {"id": conversation, "inbox_id": 1, "status": status},
                "account": {"id": self.account_id, "name": "Hotel Prueba"},
                "inbox": {"id": 1, "name": "Web"},
            }
        )

    def agent_writes(
        self, conversation: int, text: str, *, private: bool = False
    ) -> httpx.Response:
        return self._post(
            {
                "event": "message_created",
                "id": next(self._ids),
                "content": text,
                "message_type": "outgoing",
                "private": private,
                "sender": {"id": 5, "name": "Laura (recepción)", "type": "user"},
                "conversation": {"id": conversation, "inbox_id": 1, "status": "open"},
                "account": {"id": self.account_id, "name": "Hotel Prueba"},
            }
        )

    def agent_sets_status(self, conversation: int, status: str) -> httpx.Response:
        with self._condition:
            known = self._conversations[conversation]
            previous, known.status = known.status, status
            self._condition.notify_all()
        return self._post(self._status_event(conversation, previous, status))

    @property
    def last_event(self) -> dict[str, Any] | None:
        """The last event a test had posted to the bot."""
        return self._last_event

    def agent_assigned(self, conversation: int, agent_id: int) -> httpx.Response:
        """An agent is assigned (by hand or Chatwoot's auto-assignment), the status unchanged."""
        with self._condition:
            status = self._conversations[conversation].status
        return self._post(
            {
                "event": "conversation_updated",
                "id": conversation,
                "inbox_id": 1,
                "status": status,
                "messages": [{"id": 1, "account_id": self.account_id}],
                "meta": {"assignee": {"id": agent_id, "name": "Laura", "type": "user"}},
                "changed_attributes": [
                    {"assignee_id": {"previous_value": None, "current_value": agent_id}}
                ],
            }
        )

    def redeliver(self) -> httpx.Response:
        assert self._last_event is not None
        return self._post(self._last_event)

    def _status_event(self, conversation: int, previous: str, status: str) -> dict[str, Any]:
        # A conversation's webhook_data: the account only under its messages.
        return {
            "event": "conversation_status_changed",
            "id": conversation,
            "inbox_id": 1,
            "status": status,
            "messages": [{"id": 1, "account_id": self.account_id, "conversation_id": conversation}],
            "meta": {"sender": {"type": "contact"}, "assignee": None},
            "changed_attributes": [
                {"status": {"previous_value": previous, "current_value": status}}
            ],
        }

    def _post(self, event: dict[str, Any]) -> httpx.Response:
        self._last_event = event
        return self._deliver(event)

    def _deliver(self, event: dict[str, Any]) -> httpx.Response:
        return httpx.post(self.bot_url, json=event, timeout=15)

    # The API.

    async def _version(self, request: Request) -> Response:
        return JSONResponse({"version": self.version, "timestamp": "2026-01-01 00:00:00"})

    def _refusal(self, request: Request, account: int) -> Response | None:
        with self._condition:
            self.requests += 1
            scripted = self._scripted.popleft() if self._scripted else None
        if scripted is not None:
            return JSONResponse({"error": "scripted failure"}, status_code=scripted)
        if request.headers.get("api_access_token") != self.bot_token:
            return JSONResponse({"error": "Invalid Access Token"}, status_code=401)
        if account != self.account_id:
            return JSONResponse({"error": "Account not found"}, status_code=404)
        return None

    async def _create_message(self, request: Request) -> Response:
        account, conversation_id = (
            request.path_params["account"],
            request.path_params["conversation"],
        )
        refusal = self._refusal(request, account)
        if refusal is not None:
            return refusal
        body = await request.json()
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, str) or not content:
            return JSONResponse({"message": "Content can't be blank"}, status_code=422)
        with self._condition:
            conversation = self._conversations.get(conversation_id)
            if conversation is None:
                return JSONResponse({"error": "Resource could not be found"}, status_code=404)
            message = {
                "id": next(self._ids),
                "content": content,
                "message_type": 1 if body.get("message_type") == "outgoing" else 0,
                "private": bool(body.get("private", False)),
                "conversation_id": conversation_id,
                "sender": {"id": 1, "name": "Hotel bot", "type": "agent_bot"},
            }
            conversation.replies.append(message)
            self._condition.notify_all()
        return JSONResponse(message)

    async def _toggle_status(self, request: Request) -> Response:
        account, conversation_id = (
            request.path_params["account"],
            request.path_params["conversation"],
        )
        refusal = self._refusal(request, account)
        if refusal is not None:
            return refusal
        body = await request.json()
        status = body.get("status") if isinstance(body, dict) else None
        if status not in STATUSES:
            return JSONResponse({"error": "Invalid status"}, status_code=422)
        with self._condition:
            conversation = self._conversations.get(conversation_id)
            if conversation is None:
                return JSONResponse({"error": "Resource could not be found"}, status_code=404)
            previous, conversation.status = conversation.status, status
            conversation.statuses.append(status)
            self._condition.notify_all()
        if previous != status:
            # Chatwoot tells the bot of every change, its own included (a background job).
            event = self._status_event(conversation_id, previous, status)
            threading.Thread(target=self._deliver, args=(event,), daemon=True).start()
        return JSONResponse(
            {
                "meta": {},
                "payload": {
                    "success": True,
                    "current_status": status,
                    "conversation_id": conversation_id,
                },
            }
        )
