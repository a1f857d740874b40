"""Questions about the hotel, answered from its knowledge file (never invented).

A recognised topic gets the hotel's own answer (but a check-in or check-out time the PMS holds
otherwise is answered from the PMS: see `knowledge/pms_facts.py`); any other question is looked
up by keywords; with a language model configured, a question the file does not cover by topic
or keyword may be worded by the model from the PMS's and the file's facts only. Otherwise the
guest is told we do not know and offered a colleague. A message asking several things ("Is
breakfast included, and do you have parking?") gets every answer the hotel's file has.
"""

from __future__ import annotations

import re

import structlog

from hotel_agent.dialogue.context import HANDOFF, Turn
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.knowledge.entries import FaqEntry
from hotel_agent.knowledge.pms_facts import PMS_TIMES, contradicts, pms_facts
from hotel_agent.nlu.types import Intent, Topic

log = structlog.get_logger(__name__)

# Where one question ends and the next begins: question marks, new lines, or a joining
# "and"/"y" after a comma or before a question word.
_QUESTIONS = re.compile(
    r"[?¿!;\n]+|,\s*(?:and|also|plus|y|e|ademas|además|tambien|también)\s+"
    r"|\s+(?:and|y)\s+(?=(?:do|does|is|are|can|could|what|where|how|when|have|hay|teneis|tenéis"
    r"|tienen|tiene|se|puedo|podemos|cuanto|cuánto|cuanta|cuánta|donde|dónde|a que|a qué)\b)",
    re.IGNORECASE,
)
_WORDS = 2  # a part shorter than this is no question of its own
_NOUNS_JOINED = re.compile(r"\s+(?:and|y|e|&|plus)\s+", re.IGNORECASE)


async def answer(t: Turn, services: DialogueServices, question: str | None = None) -> bool:
    """Answer the guest's question(s); False when the hotel's knowledge has no answer.
    `question`: only this part of the message is a question ("la familiar, ¿hay cama
    supletoria?"); by default the whole message is."""
    knowledge = services.knowledge
    if question is None:
        question, topic = t.text, t.understanding.topic
    else:
        asked = services.understander.understand(question, now=t.now, language_hint=t.language)
        topic = asked.topic if asked.intent is Intent.FAQ else None
    entries = _entries(t, services, question, topic)
    for entry in entries:
        if contradicts(entry, t.hotel):
            # The PMS's time is the one bookings are made with: never answer another one.
            assert t.hotel is not None
            log.warning("knowledge.contradicts_pms", entry=entry.id, topic=entry.topic)
            moment = getattr(t.hotel, PMS_TIMES[entry.topic])
            t.reply(t.say(f"faq.{entry.topic}_time", time=t.say.clock(moment)))
        else:
            t.reply(entry.answer(t.language))
    if entries:
        return True
    if services.llm is not None:
        consistent = [e.id for e in knowledge.entries if not contradicts(e, t.hotel)]
        file_facts = knowledge.facts(t.language, only=consistent, name=t.hotel is None)
        worded = await services.llm.answer_from_facts(
            question,
            facts="\n\n".join(
                f for f in (pms_facts(t.hotel, t.room_types, t.language), file_facts) if f
            ),
            language=t.language,
            hotel_name=t.hotel_name,
        )
        if worded:
            t.reply(worded)
            return True
    t.reply(t.say("faq.unknown"), buttons=[t.button(HANDOFF, "buttons.talk_to_staff")])
    return False


def _entries(t: Turn, services: DialogueServices, text: str, topic: Topic | None) -> list[FaqEntry]:
    """The hotel's answers to each question `text` asks, in the order asked."""
    parts = [p.strip() for p in _QUESTIONS.split(text) if len(p.split()) >= _WORDS]
    whole = _entry(t, services, text, topic)
    if len(parts) < 2:
        # "what time is breakfast and checkout?": one question of two things, each found by
        # its own keywords; otherwise the whole message is one question.
        named = [_asked(t, services, p) for p in _NOUNS_JOINED.split(text)]
        found_each = list({e.id: e for e in named if e is not None}.values())
        if len(named) >= 2 and len(found_each) >= 2:
            return found_each
        return [whole] if whole else []
    found: list[FaqEntry] = []
    for part in parts:
        entry = _asked(t, services, part)
        if entry is not None and all(entry.id != seen.id for seen in found):
            found.append(entry)
    if whole is not None and all(whole.id != seen.id for seen in found):
        found.insert(0, whole)
    return found


def _asked(t: Turn, services: DialogueServices, part: str) -> FaqEntry | None:
    """The hotel's answer to one part of a message, read on its own."""
    understood = services.understander.understand(part, now=t.now, language_hint=t.language)
    topic = understood.topic if understood.intent is Intent.FAQ else None
    return _entry(t, services, part, topic)


def _entry(t: Turn, services: DialogueServices, text: str, topic: Topic | None) -> FaqEntry | None:
    knowledge = services.knowledge
    # A specific entry found by its keywords ("late check-out") beats the topic's general one.
    found = knowledge.search(text, t.language)
    entry = knowledge.entry(topic.value) if topic and topic is not Topic.OTHER else None
    if found is not None and (entry is None or found.topic == Topic.OTHER.value):
        entry = found
    return entry
