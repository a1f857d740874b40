"""The openai SDK client, as the adapters of OpenAI-compatible APIs build it, and how a failed
call ended, as one short label for metrics and logs.

Shared by the language model (`llm`) and speech-to-text (`speech`).
"""

from __future__ import annotations

import asyncio

import openai


class OpenAiCompatibleClient:
    """Base of the adapters of OpenAI-compatible APIs: one SDK client, the model, the bound
    of a whole call (`_timeout`, retries included), and `aclose`."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        timeout_seconds: float,
        max_retries: int = 0,
    ) -> None:
        # No retries by default: a guest is waiting (the language model's deterministic
        # fallbacks are a good answer already; a retry would double the worst-case latency).
        # The SDK retries network errors, 429 and 5xx (with its backoff) `max_retries` times.
        # Its timeout applies to each phase (connect, each read): callers also bound the whole
        # call by `_timeout`, so a server that trickles bytes cannot hold a turn for long.
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            # Local servers (vLLM, Ollama, Whisper servers) need no key, but the SDK refuses
            # to start without one.
            api_key=api_key or "unused",
            timeout=timeout_seconds,
            max_retries=max_retries,
        )
        self._model = model
        self._timeout = timeout_seconds

    async def offered_models(self) -> list[str]:
        """The model ids `GET {base_url}/models` lists: the server reachable and the key
        accepted, at no cost (`hotel-agent doctor` asks it; no prompt, no audio)."""
        async with asyncio.timeout(self._timeout):
            page = await self._client.models.list()
        return [model.id for model in page.data]

    async def aclose(self) -> None:
        await self._client.close()


def failure_outcome(exc: BaseException) -> str:
    """timeout, connection_error, rate_limited, auth_error, server_error, client_error,
    malformed_response, or error."""
    # Order matters: APITimeoutError is an APIConnectionError, RateLimitError an APIStatusError.
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection_error"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limited"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return "auth_error"
    if isinstance(exc, openai.APIStatusError):
        return "server_error" if exc.status_code >= 500 else "client_error"
    if isinstance(exc, openai.APIResponseValidationError | ValueError):
        # A body that is not JSON (json.JSONDecodeError) or not the documented object.
        return "malformed_response"
    return "error"
