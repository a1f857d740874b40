"""The configured language model, built only when one is configured."""

from __future__ import annotations

from hotel_agent.llm.port import LanguageModel
from hotel_agent.settings import Settings


def build_language_model(settings: Settings) -> LanguageModel | None:
    """The configured model, or None when `LLM_BASE_URL` is not set (the default)."""
    llm = settings.llm
    if not llm.enabled:
        return None
    # Imported here: the openai SDK takes about a second to import, which every command
    # (and every deployment without a model) would otherwise pay.
    from hotel_agent.llm.openai_compatible import OpenAiCompatibleModel

    return OpenAiCompatibleModel(
        base_url=llm.base_url,
        api_key=llm.api_key,
        model=llm.model,
        timeout_seconds=llm.timeout_seconds,
    )
