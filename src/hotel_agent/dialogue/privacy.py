"""The privacy notice guests see before the agent collects personal data (name, e-mail,
phone), and on the web chat page: the hotel's own text from its knowledge file, else a short
default naming the hotel; with a link to the hotel's privacy policy when it has one."""

from __future__ import annotations

from hotel_agent.dialogue.responses import say_for
from hotel_agent.knowledge import HotelKnowledge


def privacy_notice(knowledge: HotelKnowledge, hotel_name: str, language: str) -> str:
    say = say_for(language)
    text = knowledge.privacy_notice(say.language) or say("privacy.notice", hotel=hotel_name)
    if knowledge.privacy_policy_url:
        text += "\n" + say("privacy.more", url=knowledge.privacy_policy_url)
    return text
