"""Without the Chatwoot settings the webhook does not exist, whatever the token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from hotel_agent.runtime import Runtime
from tests.integration.inbox.helpers import EchoEngine
from tests.support import asgi_client, make_settings


@pytest.mark.parametrize("token", ["", "anything", "x" * 64])
async def test_the_webhook_is_404_while_chatwoot_is_not_configured(
    sqlite_url: str, make_runtime: Callable[..., Awaitable[Runtime]], token: str
) -> None:
    runtime = await make_runtime(make_settings(sqlite_url), dialogue=EchoEngine())
    assert "chatwoot" not in runtime.channels
    event = {"event": "message_created", "id": 1, "conversation": {"id": 1}, "account": {"id": 1}}
    async with asgi_client(runtime) as http:
        answer = await http.post(f"/webhooks/chatwoot/{token}", json=event)
    assert answer.status_code in ((404, 405) if token == "" else (404,))
