"""What the agent says: a message catalogue per language, and dates, prices and parties
formatted for that language (Babel)."""

from hotel_agent.dialogue.responses.catalogue import Say, catalogue_keys, say_for

__all__ = ["Say", "catalogue_keys", "say_for"]
