"""One hotel's knowledge: FAQ answers by topic, search by keywords, room-type synonyms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hotel_agent.knowledge.entries import CancellationTerms, FaqEntry
from hotel_agent.knowledge.search import KeywordIndex
from hotel_agent.knowledge.templates import TemplateRegistry
from hotel_agent.nlu.entities.folding import fold
from hotel_agent.nlu.entities.room_types import RoomTypeName
from hotel_agent.pms.port import RoomType


class HotelKnowledge:
    """What the receptionist knows about the hotel beyond the PMS. Read-only once built, so
    one instance serves every conversation and thread."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        room_type_synonyms: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
        *,
        hotel_name: str | None = None,
        privacy_notice: Mapping[str, str] | None = None,
        privacy_policy_url: str | None = None,
        review_url: str | None = None,
        cancellation: CancellationTerms | None = None,
        templates: TemplateRegistry | None = None,
    ) -> None:
        self.entries = tuple(entries)
        self.review_url = review_url
        self.cancellation = cancellation
        self.templates = templates or TemplateRegistry()
        self.hotel_name = hotel_name
        self._privacy_notice = dict(privacy_notice or {})
        self.privacy_policy_url = privacy_policy_url
        self._synonyms = {
            code: {language: tuple(names) for language, names in by_language.items()}
            for code, by_language in (room_type_synonyms or {}).items()
        }
        self._by_topic: dict[str, FaqEntry] = {}
        for entry in self.entries:
            self._by_topic.setdefault(entry.topic, entry)  # the first one is the topic's answer
        self._index = KeywordIndex(entry.keywords for entry in self.entries)

    def entry(self, topic: str) -> FaqEntry | None:
        """The topic's main entry (its first in the file), None when the hotel has none."""
        return self._by_topic.get(topic)

    def privacy_notice(self, language: str) -> str | None:
        """The hotel's own privacy notice in `language` (or another one it wrote it in);
        None when the hotel wrote none (the agent then says its default notice)."""
        notice = self._privacy_notice
        return notice.get(language) or next(iter(notice.values()), None)

    def answer(self, topic: str, language: str) -> str | None:
        """The topic's main answer in `language` (or another one the hotel wrote it in)."""
        entry = self.entry(topic)
        return entry.answer(language) if entry else None

    def search(self, text: str, language: str) -> FaqEntry | None:
        """The entry a free question is about, by keywords; None when none fits confidently
        (a greeting, a booking request, or two entries named alike)."""
        position = self._index.best(text, language)
        return None if position is None else self.entries[position]

    def room_type_names(self, room_types: Sequence[RoomType]) -> tuple[RoomTypeName, ...]:
        """The PMS's room types as guests may name them: the PMS's own names plus this hotel's
        synonyms. Synonyms of codes the PMS does not list are left out: guests cannot book
        those rooms."""
        named = []
        for room_type in room_types:
            names: dict[str, list[str]] = {}
            for language, name in room_type.names.items():
                names.setdefault(language, []).append(name)
            for language, synonyms in self._synonyms.get(room_type.id, {}).items():
                names.setdefault(language, []).extend(synonyms)
            named.append(
                RoomTypeName(
                    id=room_type.id,
                    names={language: _unique(values) for language, values in names.items()},
                )
            )
        return tuple(named)

    def facts(self, language: str, *, only: Sequence[str] | None = None, name: bool = True) -> str:
        """Every answer in `language` (or those of the entries `only` names), one per
        paragraph labelled by entry id, after the hotel's name unless `name` is False: what a
        language model may state about the hotel and nothing more."""
        paragraphs = [self.hotel_name] if self.hotel_name and name else []
        paragraphs += [
            f"{entry.id}: {entry.answer(language)}"
            for entry in self.entries
            if only is None or entry.id in only
        ]
        return "\n\n".join(paragraphs)


def _unique(names: list[str]) -> tuple[str, ...]:
    """Names once each, however they are capitalised or accented."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(" ".join(fold(name).split()), name.strip())
    return tuple(seen.values())
