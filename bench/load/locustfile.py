"""Load-test guests: whole booking conversations with think time, over the web chat and over
signed WhatsApp webhooks, in Spanish and English. `bench/load/run.py` runs this file with
locust (`make load-test`, `make stress-test`, `make soak-test`); by hand:

    LOAD_WHATSAPP_APP_SECRET=… LOAD_GRAPH_URL=http://127.0.0.1:PORT \\
        .venv/bin/locust -f bench/load/locustfile.py --host http://127.0.0.1:8000

Every guest checks what the agent answers, step by step: offers to the dates, a question for
the name and e-mail after the pick, a summary, a booking reference after the "yes". A wrong or
missing answer is a failure in locust's statistics, beside the HTTP errors, so a run whose
agent stops booking (no rooms left, a handoff, an apology) is never read as fast.

Figures, by request name:
- `webchat <step>`: the web chat POST (200 with the replies, or 202 when the turn outlasts the
  server's wait); `webchat reply <step>` (type REPLY): POST sent → replies seen, polling the
  transcript after a 202 (`webchat poll`): what a guest in the browser waits for.
- `webhook <step>`: the signed webhook's acknowledgement (what Meta waits for).
- `whatsapp reply <step>` (request type REPLY): webhook sent → the reply accepted by the fake
  Graph API, read back from its `/_sent/{wa_id}`. Only when LOAD_GRAPH_URL names the fake: a
  real Graph API cannot be read back, and WhatsApp guests are then left out.

Environment: LOAD_WHATSAPP_APP_SECRET (the agent's WHATSAPP_APP_SECRET; without it only web
chat guests run), LOAD_GRAPH_URL (see above), LOAD_REPLY_TIMEOUT (seconds a guest waits for a
reply, default 30), LOAD_THINK_MIN / LOAD_THINK_MAX (seconds between a guest's messages,
default 2 and 6). `step_shape.py` beside it steps the users up for a stress test.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import random
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests
from locust import HttpUser, between, task

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
from hotel_agent.channels.whatsapp.signature import sign  # noqa: E402
from hotel_agent.conversations.webchat import new_session_id  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "whatsapp" / "text_es.json"
WEBHOOK_PATH = "/webhooks/whatsapp"
WEBCHAT_PATH = "/api/webchat/messages"
APP_SECRET = os.environ.get("LOAD_WHATSAPP_APP_SECRET", "")
GRAPH_URL = os.environ.get("LOAD_GRAPH_URL", "").rstrip("/")
REPLY_TIMEOUT = float(os.environ.get("LOAD_REPLY_TIMEOUT", "30"))
QUIET = 1.0  # seconds without a new message that end a reply
THINK = between(
    float(os.environ.get("LOAD_THINK_MIN", "2")), float(os.environ.get("LOAD_THINK_MAX", "6"))
)

MONTHS = {
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Step:
    name: str
    text: str
    expect: re.Pattern[str]  # what the agent's replies to this message must say


def _stay() -> tuple[date, date]:
    # Spread over most of a year so that many guests do not empty the demo hotel's rooms.
    check_in = date.today() + timedelta(days=random.randint(20, 300))
    return check_in, check_in + timedelta(days=random.randint(1, 3))


def conversation(language: str, guest: str) -> list[Step]:
    """One guest's booking: dates and party, a hotel question, the pick, name and e-mail, yes."""
    check_in, check_out = _stay()
    months = MONTHS[language]
    email = f"load.{guest}@example.com"
    if language == "es":
        when = (
            f"del {check_in.day} de {months[check_in.month - 1]} "
            f"al {check_out.day} de {months[check_out.month - 1]}"
        )
        return [
            Step("search", f"Hola, ¿tenéis habitación {when} para 2 adultos?", re.compile("€")),
            Step("faq", "¿A qué hora es el desayuno?", re.compile("desayuno", re.I)),
            Step("pick", "la primera", re.compile("correo", re.I)),
            Step("details", f"Ana García, {email}", re.compile("confirmo", re.I)),
            Step("confirm", "sí", re.compile("Referencia", re.I)),
        ]
    when = (
        f"from {months[check_in.month - 1]} {check_in.day} "
        f"to {months[check_out.month - 1]} {check_out.day}"
    )
    return [
        Step("search", f"Hi, do you have a room {when} for 2 adults?", re.compile("€")),
        Step("faq", "What time is breakfast?", re.compile("breakfast", re.I)),
        Step("pick", "the first one", re.compile("e-mail", re.I)),
        Step("details", f"Ann Green, {email}", re.compile("confirm", re.I)),
        Step("confirm", "yes", re.compile("Reference", re.I)),
    ]


class WebChatGuest(HttpUser):
    """A guest in the browser chat: each message's POST waits for the agent's replies."""

    weight = 1
    wait_time = THINK

    def on_start(self) -> None:
        self.session_id = new_session_id()
        self.language = random.choice(("es", "en"))

    @task
    def book(self) -> None:
        for step in conversation(self.language, self.session_id):
            if not self._say(step):
                break  # a guest whose conversation went wrong does not go on with it
            self.wait()
        self.on_start()  # the next conversation is a new guest's

    def _say(self, step: Step) -> bool:
        sent_at = time.monotonic()
        with self.client.post(
            WEBCHAT_PATH,
            json={"session_id": self.session_id, "text": step.text},
            name=f"webchat {step.name}",
            catch_response=True,
        ) as response:
            # 200 with the replies, or 202 when the turn outlasted the server's wait.
            if response.status_code not in (200, 202):
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                return False
            body = response.json()
        replies = " ".join(_on_screen(m) for m in body.get("replies", []))
        if not replies:
            replies = self._wait_for_replies(body["message_id"])
        failure = None
        if not replies:
            failure = f"{step.name}: no reply within {REPLY_TIMEOUT:.0f}s"
        elif not step.expect.search(replies):
            failure = f"{step.name}: expected {step.expect.pattern!r}, got {replies[:200]!r}"
        reply(self, f"webchat reply {step.name}", time.monotonic() - sent_at, replies, failure)
        return failure is None

    def _wait_for_replies(self, message_id: int) -> str:
        def later() -> list[str]:
            response = self.client.get(
                WEBCHAT_PATH, params={"session_id": self.session_id}, name="webchat poll"
            )
            if response.status_code != 200:
                return []
            return [
                _on_screen(m)
                for m in response.json()["messages"]
                if m["id"] > message_id and m["direction"] == "out"
            ]

        return " ".join(until_quiet(later))


def _on_screen(message: dict[str, Any]) -> str:
    """What the web chat shows of a reply: its text, then its buttons and list rows. Offers
    come as a list on screen beside a text that only introduces them, so their prices are in
    the rows' descriptions, not in the text."""
    choices = [*message.get("buttons", []), *message.get("list", [])]
    rows = [" — ".join(filter(None, (c["title"], c.get("description")))) for c in choices]
    return "\n".join([message["text"], *rows])


def until_quiet(read: Callable[[], list[Any]]) -> list[Any]:
    """What `read` returns once it has something and has stopped growing for QUIET seconds
    (a turn's replies reach the guest one by one, as the sender delivers them); [] when
    nothing came within REPLY_TIMEOUT."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    seen: list[Any] = []
    quiet_since = None
    while time.monotonic() < deadline:
        now = read()
        if len(now) > len(seen):
            seen, quiet_since = now, time.monotonic()
        elif seen and quiet_since is not None and time.monotonic() - quiet_since >= QUIET:
            break
        time.sleep(0.2)
    return seen


_WEBHOOK_TEMPLATE: dict[str, Any] = json.loads(FIXTURE.read_text())
_WAMIDS = itertools.count()
_RUN = secrets.token_hex(4).upper()


def signed_webhook(wa_id: str, text: str) -> tuple[bytes, str]:
    """The fixture's text webhook from `wa_id` saying `text`, a new wamid, signed."""
    data = copy.deepcopy(_WEBHOOK_TEMPLATE)
    value = data["entry"][0]["changes"][0]["value"]
    contact = value["contacts"][0]
    contact["wa_id"] = wa_id
    contact["user_id"] = f"ES.{wa_id}"  # the fixture's id would make every guest one person
    message = value["messages"][0]
    message["from"] = wa_id
    message["id"] = f"wamid.LOAD{_RUN}{next(_WAMIDS):09d}"
    message["timestamp"] = str(int(time.time()))
    message["text"]["body"] = text
    body = json.dumps(data).encode()
    return body, sign(APP_SECRET, body)


class WhatsAppGuest(HttpUser):
    """A WhatsApp guest: signed webhooks; the replies are read back from the fake Graph API."""

    weight = 1 if APP_SECRET and GRAPH_URL else 0
    wait_time = THINK

    def on_start(self) -> None:
        self.wa_id = f"349{random.randrange(10**8):08d}"
        self.graph = requests.Session()
        self.language = random.choice(("es", "en"))
        self.seen = 0

    @task
    def book(self) -> None:
        for step in conversation(self.language, self.wa_id):
            if not self._say(step):
                break
            self.wait()
        self.on_start()

    def _say(self, step: Step) -> bool:
        body, signature = signed_webhook(self.wa_id, step.text)
        sent_at = time.time()  # wall clock: the fake stamps its arrivals with time.time()
        with self.client.post(
            WEBHOOK_PATH,
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
            name=f"webhook {step.name}",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                return False
        replies, arrived_at = self._replies()
        text = " ".join(_text_of(sent) for sent in replies)
        failure = None
        if not replies:
            failure = f"{step.name}: no reply within {REPLY_TIMEOUT:.0f}s"
        elif not step.expect.search(text):
            failure = f"{step.name}: expected {step.expect.pattern!r}, got {text[:200]!r}"
        reply(self, f"whatsapp reply {step.name}", arrived_at - sent_at, text, failure)
        return failure is None

    def _replies(self) -> tuple[list[dict[str, Any]], float]:
        """The messages sent to this guest since the last look, once they stop coming; and
        when the first of them reached the fake."""
        new = until_quiet(lambda: self._read_sent()[self.seen :])
        self.seen += len(new)
        return new, (min(r["at"] for r in new) if new else time.time())

    def _read_sent(self) -> list[dict[str, Any]]:
        # Not through self.client: reading the fake is not load on the agent.
        answer = self.graph.get(f"{GRAPH_URL}/_sent/{self.wa_id}", timeout=5)
        answer.raise_for_status()
        sent: list[dict[str, Any]] = answer.json()
        return sent


def reply(user: HttpUser, name: str, seconds: float, text: str, failure: str | None) -> None:
    """Record the time until the agent's reply reached the guest, and whether it was right."""
    user.environment.events.request.fire(
        request_type="REPLY",
        name=name,
        response_time=seconds * 1000,
        response_length=len(text),
        exception=AssertionError(failure) if failure else None,
        context={},
    )


def _text_of(sent: dict[str, Any]) -> str:
    body = sent["body"]
    if body.get("type") == "text":
        return str(body["text"]["body"])
    interactive = body.get("interactive", {})
    return str(interactive.get("body", {}).get("text", ""))
