"""The hotel's knowledge in the console: the FAQ answers as guests get them now, and staff's
edits of them — checked by the knowledge file's own schema, shown as a diff before saving,
saved with who and when, and audited. The next turn of every process answers with them (the
hotel's knowledge version moves in the same transaction)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.models import FaqAnswerEdit
from hotel_agent.db.repositories.faq_answer_edits import FaqAnswerEditRepository
from hotel_agent.db.types import utcnow
from hotel_agent.errors import BadRequest, Conflict, NotFound
from hotel_agent.knowledge import FaqEntry, KnowledgeError
from hotel_agent.knowledge.edits import EditedKnowledge
from hotel_agent.staff.accounts import StaffMember, record

# The languages the console edits; an entry's other languages stay as the file has them.
LANGUAGES = ("es", "en")
# A word with the spaces after it: the diff's unit.
_TOKENS = re.compile(r"\s+|\S+\s*")


@dataclass(frozen=True)
class FaqAnswer:
    language: str
    text: str  # what guests get now in this language ("": not written, another is used)
    file_text: str  # the knowledge file's
    edited_by: str | None = None  # None: the file's answer
    edited_at: datetime | None = None


@dataclass(frozen=True)
class FaqItem:
    id: str
    topic: str
    answers: tuple[FaqAnswer, ...]


@dataclass(frozen=True)
class HotelFaq:
    version: int  # the hotel's knowledge version these answers are at
    items: tuple[FaqItem, ...]

    def item(self, entry_id: str) -> FaqItem:
        for item in self.items:
            if item.id == entry_id:
                return item
        raise NotFound(f"the knowledge has no FAQ entry {entry_id!r}")


@dataclass(frozen=True)
class AnswerChange:
    language: str
    before: str
    after: str
    # The words as they read: ("same" | "removed" | "added", text), in order.
    diff: tuple[tuple[str, str], ...]


async def hotel_faq(session: AsyncSession, knowledge: EditedKnowledge, hotel_id: int) -> HotelFaq:
    """Every FAQ entry with its answers in the console's languages, as guests get them now."""
    repo = FaqAnswerEditRepository(session)
    version = await repo.version(hotel_id)
    if version is None:
        raise NotFound(f"there is no hotel {hotel_id}")
    rows = await repo.of_hotel(hotel_id)
    return _faq(knowledge, version, rows)


def preview(faq: HotelFaq, entry_id: str, answers: Mapping[str, str]) -> list[AnswerChange]:
    """What saving `answers` would change, word by word (nothing is checked or saved)."""
    item = faq.item(entry_id)
    changes = []
    for answer in item.answers:
        after = answers.get(answer.language, answer.text)
        if after != answer.text:
            changes.append(
                AnswerChange(answer.language, answer.text, after, _diff(answer.text, after))
            )
    return changes


def check(
    knowledge: EditedKnowledge, faq: HotelFaq, entry_id: str, answers: Mapping[str, str]
) -> None:
    """BadRequest naming what the knowledge file's schema refuses in the document the edit
    makes (the same check as the file's at start-up)."""
    edits = _edits_of(faq)
    edits.setdefault(entry_id, {}).update(answers)
    try:
        knowledge.edited(edits)
    except KnowledgeError as exc:
        raise BadRequest(str(exc)) from None


async def save(
    sessions: SessionFactory,
    knowledge: EditedKnowledge,
    hotel_id: int,
    entry_id: str,
    answers: Mapping[str, str],
    *,
    version: int,
    by: StaffMember,
) -> list[AnswerChange]:
    """Save `answers` of the entry (those equal to the file's go back to the file's), if the
    knowledge is still at `version` (else Conflict: a colleague saved meanwhile, and this
    diff was not the one shown). Audited with the words before and after."""
    now = utcnow()
    async with sessions() as session, session.begin():
        repo = FaqAnswerEditRepository(session)
        current = await repo.version(hotel_id, lock=True)
        if current is None:
            raise NotFound(f"there is no hotel {hotel_id}")
        if current != version:
            raise Conflict("the answers were changed meanwhile")
        faq = _faq(knowledge, current, await repo.of_hotel(hotel_id))
        check(knowledge, faq, entry_id, answers)
        changes = preview(faq, entry_id, answers)
        if not changes:
            return []
        file_texts = {a.language: a.file_text for a in faq.item(entry_id).answers}
        for change in changes:
            kept = None if change.after == file_texts[change.language] else change.after
            await repo.set_answer(
                hotel_id, entry_id, change.language, kept, by=by.username, now=now
            )
        await repo.bump_version(hotel_id)
        record(
            session,
            by,
            "faq_edit",
            detail={
                "hotel_id": hotel_id,  # the audit log of that hotel's staff shows it
                "entry": entry_id,
                "changes": {c.language: {"before": c.before, "after": c.after} for c in changes},
            },
            now=now,
        )
    return changes


def answers_from_form(form: Mapping[str, object]) -> dict[str, str]:
    """The answers a form sends (`answer_es`, `answer_en`), as the file would hold them:
    trimmed, with the browser's CRLF line ends as LF."""
    answers = {}
    for language in LANGUAGES:
        text = form.get(f"answer_{language}")
        if isinstance(text, str):
            answers[language] = text.replace("\r\n", "\n").strip()
    return answers


def _faq(knowledge: EditedKnowledge, version: int, rows: Sequence[FaqAnswerEdit]) -> HotelFaq:
    by_entry: dict[str, dict[str, FaqAnswerEdit]] = {}
    for row in rows:
        by_entry.setdefault(row.entry_id, {})[row.language] = row
    edits = {entry: {lang: r.answer for lang, r in row.items()} for entry, row in by_entry.items()}
    try:
        now = knowledge.edited(edits)
    except KnowledgeError:
        now = knowledge.file  # what the turns answer with too (see EditedKnowledge.current)
        by_entry = {}
    file_entries = {entry.id: entry for entry in knowledge.file.entries}
    items = []
    for entry in now.entries:
        file_entry: FaqEntry = file_entries[entry.id]
        answers = []
        for language in LANGUAGES:
            edit = by_entry.get(entry.id, {}).get(language)
            answers.append(
                FaqAnswer(
                    language,
                    entry.answers.get(language, ""),
                    file_entry.answers.get(language, ""),
                    edit.edited_by if edit else None,
                    edit.edited_at if edit else None,
                )
            )
        items.append(FaqItem(entry.id, entry.topic, tuple(answers)))
    return HotelFaq(version, tuple(items))


def _edits_of(faq: HotelFaq) -> dict[str, dict[str, str]]:
    """The answers that differ from the file's, as edits."""
    return {
        item.id: {a.language: a.text for a in item.answers if a.text != a.file_text}
        for item in faq.items
    }


def _diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    parts: list[tuple[str, str]] = []
    # autojunk (the default) keeps a long, repetitive answer from taking seconds.
    matcher = difflib.SequenceMatcher(a=old, b=new)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            parts.append(("added", "".join(new[b1:b2])))
    return tuple(parts)
