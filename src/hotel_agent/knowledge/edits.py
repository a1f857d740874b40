"""The hotel's knowledge as staff edited it in the console: the knowledge file's, with the FAQ
answers staff rewrote (stored in the database) in place of the file's.

An edit is checked by the file's own schema (`check_document`) on the whole document it makes,
so the console cannot save what the loader would refuse at the next start. Each turn passes the
hotel's knowledge version (read with the hotel, no extra query); the edits are read again only
when it moved, so an edit reaches every serve and worker process on its next turn.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import structlog

from hotel_agent.db.engine import SessionFactory
from hotel_agent.db.repositories.faq_answer_edits import FaqAnswerEditRepository
from hotel_agent.knowledge.hotel import HotelKnowledge
from hotel_agent.knowledge.loading import (
    KnowledgeError,
    check_document,
    knowledge_of,
    read_knowledge_file,
)

log = structlog.get_logger(__name__)

# entry id -> language -> answer (blank: that language left unwritten)
Edits = Mapping[str, Mapping[str, str]]


class EditedKnowledge:
    """The file's knowledge with staff's edits, per hotel, cached by knowledge version."""

    def __init__(self, path: Path, file_knowledge: HotelKnowledge, sessions: SessionFactory):
        self.file = file_knowledge
        self._raw = read_knowledge_file(path)
        self._sessions = sessions
        self._cached: dict[int, tuple[int, HotelKnowledge]] = {}

    def edited(self, edits: Edits) -> HotelKnowledge:
        """The file's knowledge with `edits` applied; KnowledgeError lists what the schema
        refuses ("faq entry 3 (wifi), answers: no answer in any language"). Edits of entries
        the file no longer has are left out."""
        raw: dict[str, Any] = copy.deepcopy(self._raw)
        for entry in raw.get("faq") or ():
            if isinstance(entry, dict) and entry.get("id") in edits:
                answers = entry.get("answers")
                entry["answers"] = {
                    **(answers if isinstance(answers, dict) else {}),
                    **edits[entry["id"]],
                }
        return knowledge_of(check_document(raw))

    async def current(self, hotel_id: int, version: int) -> HotelKnowledge:
        """The hotel's knowledge at `version` (the hotel's `knowledge_version`, read by the
        caller before this): the cached one unless the version moved."""
        if version == 0:
            return self.file  # never edited
        cached = self._cached.get(hotel_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        # Read after the version: an edit committed in between only makes the next turn
        # read the edits once more.
        async with self._sessions() as session:
            rows = await FaqAnswerEditRepository(session).of_hotel(hotel_id)
        edits: dict[str, dict[str, str]] = {}
        for row in rows:
            edits.setdefault(row.entry_id, {})[row.language] = row.answer
        try:
            knowledge = self.edited(edits)
        except KnowledgeError as exc:
            # The file changed since the edits were saved and no longer fits them.
            log.error("knowledge.edits_refused", hotel_id=hotel_id, problems=str(exc))
            knowledge = self.file
        self._cached[hotel_id] = (version, knowledge)
        return knowledge
