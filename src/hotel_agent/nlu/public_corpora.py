"""Public hotel and travel corpora mapped to our intents and slots, for evaluation only.

Nothing here is ever used for training or tuning, and no corpus text is in the repository: each
corpus is read from a local copy whose folder is given by an environment variable (or found
under `.corpora/`, which git ignores). `make eval-nlu` scores whichever copies are present and
says how to get the others.

- Schema-Guided Dialogue (SGD), google-research-datasets/dstc8-schema-guided-dialogue on GitHub,
  CC BY-SA 4.0: user turns of the Hotels_* services, dev and test splits.
- MultiWOZ 2.2, budzianowski/multiwoz on GitHub (data/MultiWOZ_2.2), MIT: user turns of the
  hotel service, dev and test splits.
- MASSIVE 1.1 (Amazon), CC BY 4.0: the en-US and es-ES test utterances whose intent has an
  equivalent here (only greetings: MASSIVE has no hotel scenario).

Mapping (a corpus label to ours; turns with no equivalent are left out, not guessed):
- intents from dialogue acts: a booking or search intent → new_booking; a request for a hotel
  property → faq with its topic (the price → new_booking, as we ask for dates first); affirm,
  select → affirm; negate → deny; thanks; goodbye. A turn only giving stay slots (dates,
  guests, rooms) answers the agent's question: read as a new intent, it must not start another
  flow, so new_booking, affirm, deny and unknown are all right for it.
- dates are relative to the dialogue: each corpus gets a fixed "now" and its annotated values
  ("March 3rd", "the 7th", "Tuesday next week", MultiWOZ's "tuesday") are resolved against it by
  the small resolver below, independent of our extractors; a value it cannot resolve is not
  scored. Only the fields a turn states are compared.
- party: the annotated number of adults / people; rooms: the annotated number of rooms.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hotel_agent.nlu.entities.numbers import to_int
from hotel_agent.nlu.types import Intent, Topic

CORPORA_DIR = Path(".corpora")
# SGD dialogues speak of early March; a Friday, so that only "next Saturday/Sunday" are ambiguous.
SGD_NOW = datetime.fromisoformat("2019-03-01T10:00:00+00:00")
# MultiWOZ names weekdays only; a Wednesday ("wednesday" alone is then ambiguous: not scored).
MULTIWOZ_NOW = datetime.fromisoformat("2017-05-03T10:00:00+00:00")
ANSWER_INTENTS = frozenset(
    {Intent.NEW_BOOKING, Intent.AFFIRM, Intent.DENY, Intent.UNKNOWN, Intent.MODIFY_BOOKING}
)


@dataclass(frozen=True)
class CorpusCase:
    text: str
    language: str
    now: datetime
    intents: frozenset[Intent] = frozenset()  # the right answers; empty: intent not scored
    topics: frozenset[Topic] = frozenset()  # for faq turns
    dates: dict[str, date | int] = field(default_factory=dict)  # check_in, check_out, nights
    party: dict[str, int] = field(default_factory=dict)  # adults
    rooms: int | None = None


@dataclass(frozen=True)
class Corpus:
    name: str
    variable: str  # environment variable naming the local copy's folder
    folder: str  # its name under CORPORA_DIR otherwise
    how_to_get: str
    load: Callable[[Path], list[CorpusCase]]

    def location(self) -> Path:
        return Path(os.environ.get(self.variable) or CORPORA_DIR / self.folder)


# ---------------------------------------------------------------------------------------------
# Annotated values → our slots

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15,
}  # fmt: skip
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?|(?P<word>" + "|".join(_ORDINAL_WORDS) + ")"
_MONTH = r"(?P<month>" + "|".join(_MONTHS) + r")"
_MONTH_DAY = (
    re.compile(rf"^{_MONTH}\s+(?:the\s+)?(?:{_DAY})$"),
    re.compile(rf"^(?:the\s+)?(?:{_DAY})\s+(?:of\s+)?{_MONTH}$"),
)
_THIS_MONTH = re.compile(rf"^(?:the\s+)?(?:{_DAY})(?:\s+of\s+(?:this|the)\s+month)?$")
_WEEKDAY = re.compile(
    r"^(?:(?P<this>this|coming|this coming)\s+|(?P<next>next)\s+)?(?P<weekday>"
    + "|".join(_WEEKDAYS)
    + r")(?:\s+(?P<week>this|next)\s+week)?$"
)


def resolve_day(value: str, now: datetime) -> date | None:
    """An annotated day ("March 3rd", "the 7th", "Tuesday next week") on the corpus's clock, or
    None when the value is unusual or ambiguous ("next Saturday" said on a Friday)."""
    text = " ".join(value.casefold().replace(",", " ").split())
    today = now.date()
    relative = {"today": 0, "tonight": 0, "tomorrow": 1, "day after tomorrow": 2}
    text = text.removeprefix("the ") if text == "the day after tomorrow" else text
    if text in relative:
        return today + timedelta(days=relative[text])
    if match := (_MONTH_DAY[0].match(text) or _MONTH_DAY[1].match(text)):
        day = int(match["day"]) if match["day"] else _ORDINAL_WORDS[match["word"]]
        return _on_or_after(today, _MONTHS[match["month"]], day)
    if match := _THIS_MONTH.match(text):
        day = int(match["day"]) if match["day"] else _ORDINAL_WORDS[match["word"]]
        month = today.month if day >= today.day else today.month % 12 + 1
        return _on_or_after(today, month, day)
    if match := _WEEKDAY.match(text):
        return _weekday(today, _WEEKDAYS.index(match["weekday"]), match)
    return None


def _on_or_after(today: date, month: int, day: int) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        if found >= today:
            return found
    return None


def _weekday(today: date, weekday: int, match: re.Match[str]) -> date | None:
    monday = today - timedelta(days=today.weekday())
    if match["week"] == "next" or (match["next"] and weekday <= today.weekday()):
        return monday + timedelta(days=7 + weekday)
    if match["week"] == "this" or match["this"]:
        found = monday + timedelta(days=weekday)
        return found if found >= today else None
    if match["next"] or weekday == today.weekday():
        return None  # "next Saturday" on a Friday, "friday" on a Friday: either week
    days = (weekday - today.weekday()) % 7
    return today + timedelta(days=days)


def _count(value: str) -> int | None:
    return to_int(value.casefold().strip())


# ---------------------------------------------------------------------------------------------
# Schema-Guided Dialogue

_SGD_TOPICS: dict[str, Topic | None] = {
    "has_wifi": Topic.WIFI,
    "pets_welcome": Topic.PETS,
    "street_address": Topic.LOCATION,
    "address": Topic.LOCATION,
    "phone_number": Topic.OTHER,
    "smoking_allowed": Topic.OTHER,
    "has_laundry_service": Topic.OTHER,
    "price_per_night": None,  # a price: new_booking
    "total_price": None,
    "price": None,
}
_SGD_STAY_SLOTS = {
    "check_in_date", "check_out_date", "stay_length", "number_of_days", "number_of_rooms",
    "number_of_adults",
}  # fmt: skip


def _dialogue_files(root: Path, splits: tuple[str, ...]) -> Iterator[Path]:
    for split in splits:
        yield from sorted((root / split).glob("dialogues_*.json"))


def load_sgd(root: Path) -> list[CorpusCase]:
    cases: list[CorpusCase] = []
    for path in _dialogue_files(root, ("dev", "test")):
        for dialogue in json.loads(path.read_text(encoding="utf-8")):
            for turn in dialogue["turns"]:
                if turn["speaker"] != "USER" or any(
                    frame["actions"] and not frame["service"].startswith("Hotels")
                    for frame in turn["frames"]
                ):
                    continue  # a turn also about flights or events: no single meaning here
                for frame in turn["frames"]:
                    if frame["service"].startswith("Hotels"):
                        case = _sgd_case(turn["utterance"], frame["actions"])
                        if case is not None:
                            cases.append(case)
    return cases


def _sgd_case(text: str, actions: list[dict[str, Any]]) -> CorpusCase | None:
    acts = {action["act"] for action in actions}
    informed = {a["slot"]: a["values"] for a in actions if a["act"] == "INFORM" and a["values"]}
    requested = [a["slot"] for a in actions if a["act"] == "REQUEST"]
    dates: dict[str, date | int] = {}
    for slot, name in (("check_in_date", "check_in"), ("check_out_date", "check_out")):
        if slot in informed:
            day = resolve_day(informed[slot][0], SGD_NOW)
            if day is None:
                return None  # a date we cannot resolve: leave the whole turn out
            dates[name] = day
    for slot in ("stay_length", "number_of_days"):
        if slot in informed and (nights := _count(informed[slot][0])) is not None:
            dates["nights"] = nights
    party = {}
    if "number_of_adults" in informed and (adults := _count(informed["number_of_adults"][0])):
        party["adults"] = adults
    rooms = _count(informed["number_of_rooms"][0]) if "number_of_rooms" in informed else None
    intents, topics = _sgd_intents(acts, set(informed), requested)
    if not (intents or dates or party or rooms):
        return None
    return CorpusCase(text, "en", SGD_NOW, intents, topics, dates, party, rooms)


def _sgd_intents(
    acts: set[str], informed: set[str], requested: list[str]
) -> tuple[frozenset[Intent], frozenset[Topic]]:
    if "INFORM_INTENT" in acts:
        return frozenset({Intent.NEW_BOOKING}), frozenset()
    if requested:
        if any(slot not in _SGD_TOPICS for slot in requested):
            return frozenset(), frozenset()
        topics = frozenset(t for slot in requested if (t := _SGD_TOPICS[slot]) is not None)
        if not topics:
            return frozenset({Intent.NEW_BOOKING}), frozenset()
        intents = {Intent.FAQ}
        if len(topics) < len(requested):  # a price and a property: either is right
            intents.add(Intent.NEW_BOOKING)
        if acts & {"AFFIRM", "SELECT"}:  # "Yes, that's right. What's their address?"
            intents.add(Intent.AFFIRM)
        return frozenset(intents), topics
    if informed:
        return (
            (ANSWER_INTENTS, frozenset())
            if informed <= _SGD_STAY_SLOTS
            else (frozenset(), frozenset())
        )
    return _closing_intents(acts), frozenset()


def _closing_intents(acts: set[str]) -> frozenset[Intent]:
    """Short turns: affirm, deny, thanks and goodbye, alone or together."""
    meaning = {
        "AFFIRM": Intent.AFFIRM,
        "AFFIRM_INTENT": Intent.AFFIRM,
        "SELECT": Intent.AFFIRM,
        "NEGATE": Intent.DENY,
        "NEGATE_INTENT": Intent.DENY,
        "THANK_YOU": Intent.THANKS,
        "GOODBYE": Intent.GOODBYE,
    }
    if not acts or not acts <= set(meaning):
        return frozenset()
    intents = {meaning[act] for act in acts}
    if Intent.GOODBYE in intents or Intent.THANKS in intents:
        # "No, that's all, thanks": a closing whichever part is read
        intents |= {Intent.GOODBYE, Intent.THANKS}
    return frozenset(intents)


# ---------------------------------------------------------------------------------------------
# MultiWOZ 2.2 (the same layout as SGD; the state is cumulative, so a turn states what changed)

_MULTIWOZ_TOPICS: dict[str, Topic | None] = {
    "hotel-parking": Topic.PARKING,
    "hotel-internet": Topic.WIFI,
    "hotel-address": Topic.LOCATION,
    "hotel-postcode": Topic.LOCATION,
    "hotel-area": Topic.LOCATION,
    "hotel-phone": Topic.OTHER,
    "hotel-pricerange": None,
}


def load_multiwoz(root: Path) -> list[CorpusCase]:
    folder = root / "data" / "MultiWOZ_2.2" if (root / "data").is_dir() else root
    cases: list[CorpusCase] = []
    for path in _dialogue_files(folder, ("dev", "test")):
        for dialogue in json.loads(path.read_text(encoding="utf-8")):
            before: dict[str, list[str]] = {}
            intent_before = "NONE"
            for turn in dialogue["turns"]:
                frame = next((f for f in turn["frames"] if f["service"] == "hotel"), None)
                if turn["speaker"] != "USER" or frame is None:
                    continue
                state = frame["state"]
                now_values: dict[str, list[str]] = state["slot_values"]
                changed = {k: v for k, v in now_values.items() if before.get(k) != v and v}
                case = _multiwoz_case(
                    turn["utterance"], changed, state, started=intent_before == "NONE"
                )
                if case is not None:
                    cases.append(case)
                before, intent_before = now_values, state["active_intent"]
    return cases


def _multiwoz_case(
    text: str, changed: dict[str, list[str]], state: dict[str, Any], *, started: bool
) -> CorpusCase | None:
    dates: dict[str, date | int] = {}
    if "hotel-bookday" in changed:
        day = resolve_day(changed["hotel-bookday"][0], MULTIWOZ_NOW)
        if day is None:
            return None
        dates["check_in"] = day
    if "hotel-bookstay" in changed and (nights := _count(changed["hotel-bookstay"][0])):
        dates["nights"] = nights
    party = {}
    if "hotel-bookpeople" in changed and (people := _count(changed["hotel-bookpeople"][0])):
        party["adults"] = people
    requested = [slot for slot in state.get("requested_slots", []) if slot != "hotel-name"]
    intents: frozenset[Intent] = frozenset()
    topics: frozenset[Topic] = frozenset()
    if started and state["active_intent"] in ("find_hotel", "book_hotel"):
        intents = frozenset({Intent.NEW_BOOKING})
    elif requested and all(slot in _MULTIWOZ_TOPICS for slot in requested):
        topics = frozenset(t for slot in requested if (t := _MULTIWOZ_TOPICS[slot]) is not None)
        intents = frozenset({Intent.FAQ}) if topics else frozenset({Intent.NEW_BOOKING})
    elif dates or party:
        intents = ANSWER_INTENTS
    if not (intents or dates or party):
        return None
    return CorpusCase(text, "en", MULTIWOZ_NOW, intents, topics, dates, party)


# ---------------------------------------------------------------------------------------------
# MASSIVE (jsonl, one file per locale)

_MASSIVE_INTENTS = {"general_greet": Intent.GREET}


def load_massive(root: Path) -> list[CorpusCase]:
    folder = root / "data" if (root / "data").is_dir() else root
    cases: list[CorpusCase] = []
    for locale, language in (("en-US", "en"), ("es-ES", "es")):
        path = folder / f"{locale}.jsonl"
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            intent = _MASSIVE_INTENTS.get(record["intent"])
            if record.get("partition") == "test" and intent is not None:
                cases.append(CorpusCase(record["utt"], language, SGD_NOW, frozenset({intent})))
    return cases


CORPORA = (
    Corpus(
        "sgd-hotels",
        "SGD_DIR",
        "dstc8-schema-guided-dialogue",
        "clone https://github.com/google-research-datasets/dstc8-schema-guided-dialogue "
        "(CC BY-SA 4.0) and set SGD_DIR to it",
        load_sgd,
    ),
    Corpus(
        "multiwoz-hotel",
        "MULTIWOZ_DIR",
        "multiwoz",
        "clone https://github.com/budzianowski/multiwoz (MIT; data/MultiWOZ_2.2 with its "
        "Git LFS files) and set MULTIWOZ_DIR to it",
        load_multiwoz,
    ),
    Corpus(
        "massive-es-en",
        "MASSIVE_DIR",
        "massive",
        "unpack https://amazon-massive-nlu-dataset.s3.amazonaws.com/"
        "amazon-massive-dataset-1.1.tar.gz (CC BY 4.0) and set MASSIVE_DIR to it",
        load_massive,
    ),
)
