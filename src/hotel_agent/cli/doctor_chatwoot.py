"""`hotel-agent doctor --check chatwoot`: Chatwoot answers at CHATWOOT_BASE_URL.

Only that can be asked without side effects: the Agent Bot's token opens nothing that reads
(an Agent Bot may only write to conversations), so a refused token shows as a dead letter
of the first reply (reason chatwoot_rejected, 401)."""

from __future__ import annotations

import asyncio

import httpx

from hotel_agent.channels.chatwoot.client import ChatwootClient
from hotel_agent.channels.port import SendError
from hotel_agent.cli.doctor import _TIMEOUT_SECONDS, CheckFailed, Context


async def chatwoot_status(ctx: Context) -> str:
    chatwoot = ctx.settings.chatwoot
    if not chatwoot.enabled:
        return "not configured (CHATWOOT_BASE_URL, CHATWOOT_BOT_TOKEN, CHATWOOT_WEBHOOK_TOKEN)"
    try:
        async with (
            asyncio.timeout(_TIMEOUT_SECONDS + chatwoot.timeout_seconds),
            httpx.AsyncClient() as http,
        ):
            client = ChatwootClient(
                http,
                base_url=chatwoot.base_url,
                bot_token=chatwoot.bot_token,
                timeout=chatwoot.timeout_seconds,
            )
            version = await client.version()
    except (SendError, TimeoutError) as exc:
        problem = (
            f"Chatwoot did not answer at {chatwoot.base_url}/api"
            if isinstance(exc, TimeoutError)
            else f"no Chatwoot at {chatwoot.base_url}/api ({exc.reason}, {exc.code or exc.detail})"
        )
        raise CheckFailed(problem, "check CHATWOOT_BASE_URL (docs/chatwoot.md)") from None
    account = chatwoot.account_id or "any"
    return f"Chatwoot {version} answers; account {account}; bot token tried by the first reply"
