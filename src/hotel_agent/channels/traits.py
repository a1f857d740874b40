"""What a channel can do, so the conversation layer asks the channel instead of testing its
name: whether replies may carry buttons and lists, whether those lists are shown on screen next to
the text, whether the guest sees read receipts, and whether the sender's id is a phone number the
provider has proven."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelTraits:
    rich_replies: bool = False  # buttons and list pickers (others get the plain-text fallback)
    # The rows of a list are on screen beside the reply (the web chat's clickable list), so the
    # text need not number them too. WhatsApp hides its list behind a button: the text keeps them.
    inline_choices: bool = False
    read_receipts: bool = False  # the guest sees "read" ticks: mark each message read
    verified_phone: bool = False  # the sender id is the guest's phone number (WhatsApp's wa_id)
    # The sender id is the guest's e-mail address (the address replies go to): a booking
    # uses it instead of asking for one.
    sender_email: bool = False
    # Replies answer the guest's last message by its id (e-mail: In-Reply-To, "Re:" subject).
    threaded_replies: bool = False
    # The replies to one guest message go out as one (an e-mail each would flood the inbox).
    one_reply_per_message: bool = False
    # The provider is also staff's inbox (Chatwoot): a handoff or handback sets the
    # conversation's status there, so its agents see what is theirs (`SharedInbox`).
    shared_inbox: bool = False


# A channel this table does not name gets plain text and nothing else.
_TRAITS = {
    "whatsapp": ChannelTraits(rich_replies=True, read_receipts=True, verified_phone=True),
    "webchat": ChannelTraits(rich_replies=True, inline_choices=True),
    "email": ChannelTraits(threaded_replies=True, one_reply_per_message=True, sender_email=True),
    "chatwoot": ChannelTraits(shared_inbox=True),
}
PLAIN = ChannelTraits()


def traits_for(channel: str) -> ChannelTraits:
    """The traits of a channel by name (a message's or a conversation's `channel`)."""
    return _TRAITS.get(channel, PLAIN)
