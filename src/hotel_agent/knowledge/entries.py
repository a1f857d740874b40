"""The knowledge file's schema: FAQ entries and room-type synonyms, validated with pydantic.

A hotel operator edits the file by hand, so every rule here exists to turn a slip (a topic
misspelt, an answer left empty, a keyword made only of "the") into a message at start-up
instead of a guest left without an answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hotel_agent.knowledge.search import search_words
from hotel_agent.knowledge.templates import WhatsAppTemplate, check_unique
from hotel_agent.nlu.types import Topic

TOPICS = tuple(topic.value for topic in Topic)
_LANGUAGE = re.compile(r"^[a-z]{2}$")
# WhatsApp's limit on a text message, the strictest channel's: a longer answer cannot be sent.
ANSWER_MAX_CHARS = 4096
_WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+[^\s]*$")


def _check_languages(by_language: Mapping[str, Any]) -> None:
    for language in by_language:
        if not _LANGUAGE.match(language):
            raise ValueError(
                f"'{language}' is not a language code: use a two-letter lower-case code "
                "such as es or en"
            )


class FaqEntry(BaseModel):
    """One answer of the hotel's FAQ, in each language it is written in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    topic: str
    answers: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, topic: str) -> str:
        if topic not in TOPICS:
            raise ValueError(f"unknown topic '{topic}' (known topics: {', '.join(TOPICS)})")
        return topic

    @field_validator("answers")
    @classmethod
    def _some_answer(cls, answers: Mapping[str, str]) -> dict[str, str]:
        _check_languages(answers)
        # A blank answer is a language not written yet: answer() falls back to another one.
        written = {language: text.strip() for language, text in answers.items() if text.strip()}
        if not written:
            raise ValueError("no answer in any language")
        for language, text in written.items():
            if len(text) > ANSWER_MAX_CHARS:
                raise ValueError(
                    f"the {language} answer has {len(text)} characters: at most "
                    f"{ANSWER_MAX_CHARS} fit in one WhatsApp message"
                )
        return written

    @field_validator("keywords")
    @classmethod
    def _searchable_keywords(
        cls, keywords: Mapping[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        _check_languages(keywords)
        for words in keywords.values():
            for keyword in words:
                if not search_words(keyword):
                    raise ValueError(
                        f"keyword '{keyword}' has only common words and would never match"
                    )
        return dict(keywords)

    @model_validator(mode="after")
    def _findable(self) -> FaqEntry:
        # Entries of a named topic are found by the topic; `other` ones only by keywords.
        if self.topic == Topic.OTHER and not any(self.keywords.values()):
            raise ValueError("topic other needs keywords: no question could find it otherwise")
        return self

    def answer(self, language: str) -> str:
        """The answer in `language`, else in the first language the entry is written in."""
        return self.answers.get(language) or next(iter(self.answers.values()))


class CancellationTerms(BaseModel):
    """When cancelling stops being free and what a later cancellation costs: the agent tells a
    guest who cancels which side of the deadline they are on, instead of leaving the guest to
    work it out from the policy's wording."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Counted back from the check-in time on the arrival day (48: two days before, same hour).
    free_until_hours_before_check_in: int = Field(ge=0, le=24 * 365)
    # Per language, what a later cancellation costs: "the first night is charged".
    late_charge: dict[str, str] = Field(min_length=1)
    # Nights of the stay that charge is, when it is nights ("the first night": 1): the guest is
    # then told the sum too. The PMS gives a booking's total, not each night's price, so a night
    # is the stay's average night.
    late_charge_nights: int | None = Field(default=None, ge=1, le=366)

    @field_validator("late_charge")
    @classmethod
    def _charge_written(cls, late_charge: dict[str, str]) -> dict[str, str]:
        _check_languages(late_charge)
        if any(not text.strip() for text in late_charge.values()):
            raise ValueError("late_charge has an empty text")
        return late_charge

    def charge(self, language: str) -> str:
        """The late charge in `language`, or in another one the hotel wrote it in."""
        return self.late_charge.get(language) or next(iter(self.late_charge.values()))

    def charge_amount(self, total: Decimal, nights: int) -> Decimal | None:
        """What a late cancellation of a stay of `nights` costing `total` is charged, to the
        cent; None when the charge is not counted in nights."""
        if self.late_charge_nights is None or nights <= 0:
            return None
        charged = total * min(self.late_charge_nights, nights) / nights
        return charged.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class KnowledgeDocument(BaseModel):
    """A whole knowledge file."""

    model_config = ConfigDict(extra="forbid")

    hotel: str | None = None
    # Shown to guests before the agent asks for a name, e-mail or phone, and on the web chat
    # page; per language. Without it the agent says a short default notice naming the hotel.
    privacy_notice: dict[str, str] = Field(default_factory=dict)
    # The hotel's full privacy policy, linked from the notice.
    privacy_policy_url: str | None = None
    # Where guests leave a review (sent with the post-stay thanks).
    review_url: str | None = None
    # The cancellation deadline and late charge, told to a guest who cancels.
    cancellation: CancellationTerms | None = None
    # The hotel's approved WhatsApp templates (knowledge/templates.py).
    whatsapp_templates: list[WhatsAppTemplate] = Field(default_factory=list)
    faq: list[FaqEntry] = Field(default_factory=list)
    # room type code -> language -> names guests use besides the PMS's own name
    room_types: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    @field_validator("room_types", mode="before")
    @classmethod
    def _codes_as_text(cls, room_types: Any) -> Any:
        # QloApps room type ids are numbers: `3:` in YAML must still mean the room type "3".
        if isinstance(room_types, dict):
            return {
                str(code) if isinstance(code, int) else code: v for code, v in room_types.items()
            }
        return room_types

    @field_validator("room_types")
    @classmethod
    def _synonyms_written(
        cls, room_types: dict[str, dict[str, list[str]]]
    ) -> dict[str, dict[str, list[str]]]:
        for code, by_language in room_types.items():
            _check_languages(by_language)
            for names in by_language.values():
                if any(not name.strip() for name in names):
                    raise ValueError(f"room type {code} has an empty synonym")
        return room_types

    @field_validator("privacy_notice")
    @classmethod
    def _notice_written(cls, notice: dict[str, str]) -> dict[str, str]:
        _check_languages(notice)
        written = {language: text.strip() for language, text in notice.items() if text.strip()}
        if notice and not written:
            raise ValueError("privacy_notice has no text: write it or leave the key out")
        return written

    @field_validator("whatsapp_templates")
    @classmethod
    def _one_per_purpose(cls, templates: list[WhatsAppTemplate]) -> list[WhatsAppTemplate]:
        check_unique(templates)
        return templates

    @field_validator("privacy_policy_url", "review_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        # Shown as a link on the chat page and in chat: only a full http(s) address, never
        # javascript: or a relative path a guest's browser would resolve against the agent.
        if url is not None and not _WEB_ADDRESS.match(url.strip()):
            raise ValueError(
                f"'{url}' is not a web address: write it in full, starting with https:// "
                "(e.g. https://www.your-hotel.com/privacy)"
            )
        return url.strip() if url is not None else None

    @model_validator(mode="after")
    def _unique_ids(self) -> KnowledgeDocument:
        counts = Counter(entry.id for entry in self.faq)
        problems = [
            f"duplicate id '{entry_id}' (entries "
            + " and ".join(str(n + 1) for n, e in enumerate(self.faq) if e.id == entry_id)
            + ")"
            for entry_id, count in counts.items()
            if count > 1
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self
