#!/usr/bin/env python3
"""Talk to a running agent through its web chat API, as a guest would (standard library only,
so it runs on any host, in the image, or next to a deployment).

    scripts/webchat_booking.py http://127.0.0.1:8000            # books a double room
    scripts/webchat_booking.py --greet-only https://hotel.example # says hello, reads the reply

Prints one JSON object (the booking reference, the replies) and exits 1 when the agent does
not answer as expected. `--greet-only` books nothing: the deploy smoke test uses it against
production.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import ssl
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
REFERENCE = re.compile(r"Reference: (\S+)")


class ChatFailed(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="the agent's address, e.g. http://127.0.0.1:8000")
    parser.add_argument("--greet-only", action="store_true", help="say hello; book nothing")
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="accept any TLS certificate (the stack's self-signed one, like curl --insecure)",
    )
    parser.add_argument("--days-ahead", type=int, default=50, help="check-in this many days out")
    parser.add_argument("--timezone", default="Europe/Madrid", help="the hotel's time zone")
    parser.add_argument("--wait", type=float, default=20, help="seconds to wait for each reply")
    args = parser.parse_args()
    chat = Chat(args.base_url.rstrip("/"), args.wait, insecure=args.insecure)
    try:
        result = greet(chat) if args.greet_only else book(chat, args.days_ahead, args.timezone)
    except ChatFailed as exc:
        print(json.dumps({"ok": False, "error": str(exc), "session_id": chat.session_id}))
        return 1
    print(json.dumps({"ok": True, "session_id": chat.session_id, **result}, ensure_ascii=False))
    return 0


class Chat:
    def __init__(self, base_url: str, wait: float, *, insecure: bool = False) -> None:
        self.base_url = base_url
        self.wait = wait
        # A fresh stack serves a self-signed certificate; the deploy smoke test on the same
        # host accepts it, as its health check does.
        self.tls = ssl.create_default_context()
        if insecure:
            self.tls.check_hostname = False
            self.tls.verify_mode = ssl.CERT_NONE
        self.session_id = secrets.token_hex(16)  # the chat page's format (SESSION_PATTERN)
        self.said: list[str] = []

    def say(self, text: str) -> str:
        body = json.dumps({"session_id": self.session_id, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 (the operator gives the URL)
            f"{self.base_url}/api/webchat/messages?wait={self.wait}",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=self.wait + 10, context=self.tls
            ) as answer:
                payload: dict[str, Any] = json.load(answer)
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise ChatFailed(f"{text!r}: {exc}") from exc
        if payload.get("pending"):
            raise ChatFailed(f"{text!r}: no reply within {self.wait} s")
        reply = "\n".join(r["text"] for r in payload["replies"])
        self.said.append(reply)
        return reply


def expect(reply: str, *words: str) -> None:
    missing = [word for word in words if word not in reply]
    if missing:
        raise ChatFailed(f"expected {missing} in the reply: {reply!r}")


def greet(chat: Chat) -> dict[str, Any]:
    reply = chat.say("Hello")
    if not reply.strip():
        raise ChatFailed("the greeting got no reply")
    return {"replies": chat.said}


def book(chat: Chat, days_ahead: int, timezone: str) -> dict[str, Any]:
    check_in = datetime.now(ZoneInfo(timezone)).date() + timedelta(days=days_ahead)
    check_out = check_in + timedelta(days=2)
    stay = (
        f"from {check_in.day} {MONTHS[check_in.month - 1]} "
        f"to {check_out.day} {MONTHS[check_out.month - 1]}"
    )
    expect(chat.say(f"Hi! Do you have a double room {stay} for 2 adults?"), "name")
    expect(chat.say("My name is John Smith"), "e-mail")
    expect(chat.say("john.smith@example.co.uk"), "2 adults", "2 nights")
    confirmed = chat.say("yes please")
    expect(confirmed, "Your booking is confirmed")
    match = REFERENCE.search(confirmed)
    if match is None:
        raise ChatFailed(f"no booking reference in {confirmed!r}")
    return {
        "reference": match.group(1),
        "check_in": check_in.isoformat(),
        "check_out": check_out.isoformat(),
        "replies": chat.said,
    }


if __name__ == "__main__":
    sys.exit(main())
