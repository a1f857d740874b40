"""Questions about the hotel, answered from its knowledge file (never invented).

A recognised topic gets the hotel's own answer (but a check-in or check-out time the PMS holds
otherwise is answered from the PMS: see `knowledge/pms_facts.py`); any other question is looked
up by keywords; with a language model configured, a question the file does not cover by topic
or keyword may be worded by the model from the PMS's and the file's facts only. Otherwise the
guest is told we do not know and offered a colleague.
"""

from __future__ import annotations

import structlog

from hotel_agent.dialogue.context import HANDOFF, Turn
from hotel_agent.dialogue.nlu.types import Topic
from hotel_agent.dialogue.services import DialogueServices
from hotel_agent.knowledge.pms_facts import PMS_TIMES, contradicts, pms_facts

log = structlog.get_logger(__name__)


async def answer(t: Turn, services: DialogueServices) -> bool:
    """Answer the guest's question; False when the hotel's knowledge has no answer."""
    knowledge = services.knowledge
    topic = t.understanding.topic
    # A specific entry found by its keywords ("late check-out") beats the topic's general one.
    found = knowledge.search(t.text, t.language)
    entry = knowledge.entry(topic.value) if topic and topic is not Topic.OTHER else None
    if found is not None and (entry is None or found.topic == Topic.OTHER.value):
        entry = found
    if entry is not None and contradicts(entry, t.hotel):
        # The PMS's time is the one bookings are made with: never answer another one.
        assert t.hotel is not None
        log.warning("knowledge.contradicts_pms", entry=entry.id, topic=entry.topic)
        moment = getattr(t.hotel, PMS_TIMES[entry.topic])
        t.reply(t.say(f"faq.{entry.topic}_time", time=t.say.clock(moment)))
        return True
    if entry is not None:
        t.reply(entry.answer(t.language))
        return True
    if services.llm is not None:
        consistent = [e.id for e in knowledge.entries if not contradicts(e, t.hotel)]
        file_facts = knowledge.facts(t.language, only=consistent, name=t.hotel is None)
        worded = await services.llm.answer_from_facts(
            t.text,
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
