"""Questions about the hotel, answered from its knowledge file (never invented).

A recognised topic gets the hotel's own answer; any other question is looked up by keywords;
with a language model configured, a question the file does not cover by topic or keyword may
be worded by the model from the hotel's facts only. Otherwise the guest is told we do not
know and offered a colleague.
"""

from __future__ import annotations

from hotel_agent.dialogue.context import HANDOFF, Turn
from hotel_agent.dialogue.nlu.types import Topic
from hotel_agent.dialogue.services import DialogueServices


async def answer(t: Turn, services: DialogueServices) -> bool:
    """Answer the guest's question; False when the hotel's knowledge has no answer."""
    knowledge = services.knowledge
    topic = t.understanding.topic
    # A specific entry found by its keywords ("late check-out") beats the topic's general one.
    found = knowledge.search(t.text, t.language)
    entry = knowledge.entry(topic.value) if topic and topic is not Topic.OTHER else None
    if found is not None and (entry is None or found.topic == Topic.OTHER.value):
        entry = found
    if entry is not None:
        t.reply(entry.answer(t.language))
        return True
    if services.llm is not None:
        worded = await services.llm.answer_from_facts(
            t.text,
            facts=knowledge.facts(t.language),
            language=t.language,
            hotel_name=t.hotel_name,
        )
        if worded:
            t.reply(worded)
            return True
    t.reply(t.say("faq.unknown"), buttons=[t.button(HANDOFF, "buttons.talk_to_staff")])
    return False
