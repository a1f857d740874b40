"""The knowledge file never silently contradicts what the PMS knows."""

from __future__ import annotations

from datetime import time

import pytest

from hotel_agent.knowledge.entries import FaqEntry
from hotel_agent.knowledge.pms_facts import contradicts, pms_facts, stated_time
from hotel_agent.pms.port import HotelProfile, RoomType

PRIME = HotelProfile(
    id="1",
    name="The Hotel Prime",
    city="Demo City",
    check_in_time=time(12),
    check_out_time=time(11),
    currency="USD",
)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("El check-in es a partir de las 15:00. La recepción abre 24 h", time(15)),
        ("Check-in is from 3 pm (15:00).", time(15)),
        ("Check-out is by 12 noon (12:00).", time(12)),
        ("Salida hasta las 11.30", time(11, 30)),
        ("Reception is open 24 hours", None),
    ],
)
def test_the_first_time_an_answer_states(text: str, moment: time | None) -> None:
    assert stated_time(text) == moment


def entry(topic: str, es: str, en: str) -> FaqEntry:
    return FaqEntry(id=topic, topic=topic, answers={"es": es, "en": en}, keywords={})


def test_a_check_in_time_other_than_the_pms_one_contradicts_it() -> None:
    demo = entry("check_in", "El check-in es a partir de las 15:00.", "Check-in is from 3 pm.")
    assert contradicts(demo, PRIME)
    agreed = entry("check_in", "El check-in es a partir de las 12:00.", "Check-in from 12 noon.")
    assert not contradicts(agreed, PRIME)
    assert not contradicts(demo, None), "without the PMS's facts the file is all there is"
    wifi = entry("wifi", "Wifi gratis, reinicio a las 15:00", "Free wifi")
    assert not contradicts(wifi, PRIME), "only the times the PMS holds"


def test_the_pms_facts_name_the_hotel_times_currency_and_capacities() -> None:
    general = RoomType(
        id="1", names={"en": "General Rooms"}, max_adults=2, max_children=2, max_guests=4
    )
    facts = pms_facts(PRIME, [general], "es")
    assert "The Hotel Prime" in facts and "12:00" in facts and "11:00" in facts
    assert "USD" in facts and "General Rooms: up to 2 adults and 2 children" in facts
    assert pms_facts(None, [general], "es") == ""
