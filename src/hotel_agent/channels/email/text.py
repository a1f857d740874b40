"""What the guest wrote in an e-mail, without the rest: HTML turned into text, and the quoted
earlier messages, the signature and the "Sent from my iPhone" line cut off (English and
Spanish mail clients). Pure functions over strings."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# Elements whose content is never text the guest wrote.
_SKIPPED = {"head", "script", "style", "template", "title"}
# Elements that start a new line.
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
    "section", "table", "tr", "ul",
}  # fmt: skip
# Outlook puts the quoted mail after (not inside) one of these.
_OUTLOOK_DIVIDERS = {"divRplyFwdMsg", "appendonsend"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0  # depth inside a skipped element
        self._quoting = 0  # depth inside a quote (a blockquote, Gmail's quote)
        self._cut = False  # past Outlook's divider: everything after it is the quoted mail

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if dict(attrs).get("id") in _OUTLOOK_DIVIDERS:
            self._cut = True
        if tag in _SKIPPED:
            self._skipping += 1
        elif self._quoting or _is_quote(tag, dict(attrs)):
            self._quoting += 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif self._quoting:
            self._quoting -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._quoting and not self._cut:
            self.parts.append(re.sub(r"\s+", " ", data))


def _is_quote(tag: str, attrs: dict[str, str | None]) -> bool:
    classes = (attrs.get("class") or "").split()
    return tag == "blockquote" or "gmail_quote" in classes


def html_to_text(html: str) -> str:
    """The readable text of an HTML body, one line per block; quoted replies left out."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (line.strip() for line in unescape("".join(extractor.parts)).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# A line that introduces the quoted earlier message; whatever follows it is cut.
_QUOTE_HEADERS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^on\b.{0,200}\bwrote:\s*$",  # Gmail, Apple Mail, Thunderbird (English)
        r"^el\b.{0,200}\bescribi[óo]:\s*$",  # the same in Spanish
        r"^-{2,}\s*(original message|mensaje original|forwarded message|mensaje reenviado)\s*-{2,}",
        r"^_{10,}\s*$",  # Outlook's rule above the quoted headers
        r"^(from|de):\s.+$",  # Outlook's quoted headers (a From: line in the body)
    )
]
# Lines that end the guest's own words: the signature and the phone's advert.
_SIGNATURE_STARTS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^--\s*$",  # the standard signature separator ("-- ")
        r"^(sent|enviado) (from|desde) (my|mi) .{1,40}$",
        r"^get outlook for .{1,20}$",
        r"^obtener outlook para .{1,20}$",
    )
]


def strip_reply(text: str) -> str:
    """The new part of a plain-text reply: up to the first quoted line, quote header or
    signature. A header wrapped over two lines ("On Tue, … Ana" / "<ana@…> wrote:") is
    recognised too."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if (
            stripped.startswith(">")
            or any(p.match(stripped) for p in _QUOTE_HEADERS)
            or any(p.match(joined) for p in _QUOTE_HEADERS[:2])
            or any(p.match(stripped) for p in _SIGNATURE_STARTS)
        ):
            break
        kept.append(line.rstrip())
    return "\n".join(kept).strip()
