"""The channel port: a neutral inbound envelope, outbound content, and the `Channel` protocol.

Outbound rich content (buttons, lists) is optional; a channel without it renders the plain-text
form, so the guest can always answer by typing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field


class Media(BaseModel):
    id: str
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    voice: bool = False
    # Audio only, set by the worker: "transcribed" (the message's text is the speech-to-text
    # transcript), or why it is not (TRANSCRIPT_PROBLEMS); None: not tried yet.
    transcript_status: str | None = None


TRANSCRIBED = "transcribed"
# Why a voice note has no transcript: speech-to-text is off, or this note could not be heard.
TRANSCRIPT_PROBLEMS = frozenset(
    {"not_configured", "too_large", "download_failed", "transcription_failed", "silent"}
)


class Location(BaseModel):
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None


class MailThread(BaseModel):
    """What a reply to a guest's e-mail threads with: its Message-ID, the References before it
    and its subject (the reply's subject is "Re: " and that)."""

    message_id: str
    references: list[str] = Field(default_factory=list)
    subject: str = ""


class Attachment(BaseModel):
    """A file a guest attached, listed for staff (its content is not kept)."""

    filename: str
    mime_type: str
    size: int  # bytes


# The longest sender name a channel passes on (what a guest's display name holds).
SENDER_NAME_CHARS = 200


class InboundMessage(BaseModel):
    """A guest's message as every channel delivers it to the core."""

    channel: str
    provider_message_id: str
    sender_id: str  # wa_id, or the business-scoped user_id, or the web chat session id
    sender_alt_id: str | None = None  # the user_id beside a wa_id, when both are known
    sender_name: str | None = None
    type: str  # text, audio, image, document, video, sticker, location, interactive, button, ...
    # What the guest typed, a caption, the title of the button they pressed, or the transcript
    # of their voice note (see `transcribed`).
    text: str = ""
    choice_id: str | None = None  # id of the button / list row / template button chosen
    media: Media | None = None
    location: Location | None = None
    reaction_to: str | None = None
    reaction_emoji: str | None = None
    context_message_id: str | None = None  # the message of ours the guest replied to
    thread: MailThread | None = None  # e-mail: what the reply threads with
    attachments: list[Attachment] = Field(default_factory=list)  # e-mail: files attached
    timestamp: datetime

    @property
    def transcribed(self) -> bool:
        """A voice note whose `text` is what speech-to-text heard in it."""
        return self.media is not None and self.media.transcript_status == TRANSCRIBED


class Button(BaseModel):
    id: str
    title: str


class ListRow(BaseModel):
    id: str
    title: str
    description: str | None = None


class ListSection(BaseModel):
    title: str | None = None
    rows: list[ListRow]


class ListPicker(BaseModel):
    button: str  # label of the button that opens the list
    sections: list[ListSection]

    def rows(self) -> list[ListRow]:
        return [row for section in self.sections for row in section.rows]


class TemplateCall(BaseModel):
    """One of the hotel's approved WhatsApp templates, filled in: the only kind of message
    WhatsApp delivers outside the 24-hour window after the guest's last message."""

    name: str
    language: str  # the template's language code as approved (es, en, en_US...)
    body_parameters: list[str] = Field(default_factory=list)  # {{1}}, {{2}}... in order


class OutboundMessage(BaseModel):
    """A reply: text, optionally with reply buttons or a list to pick from.

    With `template`, WhatsApp sends that template instead and `text` is what the guest reads
    (the template's body filled in), kept for the transcript and for other channels."""

    text: str
    template: TemplateCall | None = None
    buttons: list[Button] = Field(default_factory=list)
    list_picker: ListPicker | None = None
    # The text already numbers the choices (a reply that shows them with more detail than a
    # row holds): the plain-text form must not number them a second time.
    choices_in_text: bool = False
    # E-mail: the guest's e-mail this answers (In-Reply-To, References, "Re:" subject).
    thread: MailThread | None = None

    @property
    def type(self) -> str:
        if self.template is not None:
            return "template"
        return "interactive" if self.buttons or self.list_picker else "text"

    def plain_text(self) -> str:
        """The same content for channels without rich messages: numbered choices to type."""
        choices = [b.title for b in self.buttons]
        if self.list_picker is not None:
            choices += [
                f"{row.title} — {row.description}" if row.description else row.title
                for row in self.list_picker.rows()
            ]
        if not choices or self.choices_in_text:
            return self.text
        lines = [self.text, ""] + [f"{n}. {choice}" for n, choice in enumerate(choices, 1)]
        return "\n".join(lines)


class DeliveryStatus(BaseModel):
    """A provider's word on a message we sent: sent, delivered, read, played or failed."""

    channel: str
    provider_message_id: str
    status: str
    timestamp: datetime
    error_code: int | None = None
    error_detail: str | None = None  # why it failed, when it did


class SendReceipt(BaseModel):
    provider_message_id: str | None


class SendError(Exception):
    """A send that failed. `retryable` says whether trying again later can succeed."""

    def __init__(
        self, reason: str, *, retryable: bool, code: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(f"{reason} (code {code}): {detail}" if code else f"{reason}: {detail}")
        self.reason = reason
        self.retryable = retryable
        self.code = code
        self.detail = detail


class Channel(Protocol):
    """Sends to guests on one channel. Parsing inbound traffic lives in the channel's router."""

    name: str
    # Free-form messages allowed only this long after the guest's last message (None: always).
    reply_window_seconds: int | None

    async def send(self, recipient: str, message: OutboundMessage) -> SendReceipt:
        """Deliver one message; raise `SendError` when it cannot be delivered."""
        ...

    async def mark_read(self, provider_message_id: str) -> None:
        """Tell the guest their message was read (and that we are typing), where supported."""
        ...


@runtime_checkable
class MediaSource(Protocol):
    """A channel that can fetch the media guests send (voice notes, photos...)."""

    async def download_media(self, media_id: str, *, max_bytes: int) -> tuple[bytes, str]:
        """The bytes and MIME type of one media item. Raise `SendError` when it cannot be
        fetched (reason `too_large` when it has more than `max_bytes`)."""
        ...


@runtime_checkable
class SharedInbox(Protocol):
    """A channel whose provider is also where staff answer (Chatwoot): who answers a
    conversation is a status there too, set when the agent hands over or staff hand back."""

    async def set_owner(self, recipient: str, owner: str) -> None:
        """Tell the provider who answers the conversation `recipient` names now: "staff" or
        "bot". Raise `SendError` when it cannot be told."""
        ...


def reply_window_closed(
    channel: Channel | None, last_inbound_at: datetime | None, now: datetime
) -> bool:
    """Whether a free-form message may no longer be sent (WhatsApp: 24 h after the guest's
    last message; channels without a window never close)."""
    window = channel.reply_window_seconds if channel else None
    if window is None:
        return False
    return last_inbound_at is None or (now - last_inbound_at).total_seconds() > window
