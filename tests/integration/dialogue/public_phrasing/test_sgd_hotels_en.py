"""Ten English conversations adapted from the Schema-Guided Dialogue dataset (SGD), train
split, Hotels_1/2/3 services (CC BY-SA 4.0; README.md names each dialogue). The guest's
wording is SGD's, typos included; cities and hotel names are left out (this agent is one
hotel's), March 2019 dates become days weeks ahead, and the turns SGD's agents never asked
for (a room from the options, name and e-mail) are added in the same register. Judged by the
booking in the PMS; the evaluation of `make eval-nlu` reads SGD's dev and test splits only.
"""

from __future__ import annotations

import httpx
import pytest

from hotel_agent.runtime import Runtime
from tests.integration.dialogue.guest import Guest
from tests.integration.dialogue.public_phrasing.talk import Talk, play

TALKS = {
    "41_00031": Talk(  # two rooms for a conference, then "I changed my mind ... 1 day"
        "SGD train 41_00031 (Hotels_1)",
        (
            "I'm looking to make a hotel reservation for 2 rooms for a work conference.",
            "I'm looking for a room for the {in_dm} for three days.",
            "there are 4 of us",
            "the cheapest",
            "Sam Jones, {email}",
            "I changed my mind, I'd like the room for 1 day.",
            "That works.",
        ),
        days_ahead=40,
        nights=3,
        booked_nights=1,
        adults=4,
        rooms=2,
    ),
    "41_00037": Talk(  # "Actually I would like to get two rooms" at the summary
        "SGD train 41_00037 (Hotels_1)",
        (
            "I wish to make a reservation at a hotel.",
            "I will check in on {in_md} and want to reserve the room for two days.",
            "2 adults",
            "1",
            "Alex Kim, {email}",
            "Actually I would like to get two rooms.",
            "1",
            "Yes that is fine with me.",
        ),
        days_ahead=42,
        adults=2,
        rooms=2,
    ),
    "41_00013": Talk(  # "The stay is for three days." and "I accept"
        "SGD train 41_00013 (Hotels_1)",
        (
            "I want a hotel reservation for one room.",
            "Check in is {in_dm} and I want a room for myself.",
            "The stay is for three days.",
            "the single",
            "Jane Doe {email}",
            "I accept, is there wifi?",
            "I accept",  # a yes beside a question is answered, and the summary asked again
        ),
        days_ahead=44,
        nights=3,
        adults=1,
        room_type="IND",
    ),
    "41_00072": Talk(  # check-out first; at the summary "not right ... leaving on the 9th"
        "SGD train 41_00072 (Hotels_3)",
        (
            "I would like to find a hotel to sleep in, so can you help with that?",
            "I will be leaving the hotel and returning back to my hometown on {out_md}.",
            "I will start my journey early morning but still I will be there on {in_dm}.",
            "just me and my wife",
            "the first one",
            "Maria Garcia, {email}",
            "That is not right because I actually will be leaving on the {in_plus1_nth}.",
            "That suits me well.",
        ),
        days_ahead=46,
        nights=3,
        booked_nights=1,
        adults=2,
    ),
    "41_00058": Talk(  # "make some changes in dates as checkin on ... and checkout ..."
        "SGD train 41_00058 (Hotels_3)",
        (
            "I want to go to some nice hotels, can you help me to find one? May be I need two "
            "rooms for me.",
            "make a booking for the checkout on the {out_md}",
            "that will be on {in_md}.",
            "4 adults",
            "Make some changes in dates as checkin on the {in_plus1_nth} and checkout will be on "
            "the {out_nth}.",
            "1",
            "Chris Lee, {email}",
            "Go ahead, that is confirmed.",
        ),
        days_ahead=48,
        nights=3,
        moved=1,
        adults=4,
        rooms=2,
    ),
    "26_00059": Talk(  # "There will be 2 people" then "There will be 3 people"
        "SGD train 26_00059 (Hotels_2)",
        (
            "I would like to book a room.",
            "There will be 2 people and I wanted to have check out date as the {out_dm}.",
            "There will be 3 people. We would be checking in on the {in_nth}.",
            "1",
            "Pat Brown, {email}",
            "Perfect. That would be fine.",
        ),
        days_ahead=50,
        nights=4,
        adults=3,
        room_type="FAM",
    ),
    "26_00086": Talk(  # dates and party in one message, for "the weekend"
        "SGD train 26_00086 (Hotels_2)",
        (
            "I would like to book a room for the weekend. Can you find me rates?",
            "I want to check in on {in_md} and check out on {out_md}. There will be a total of "
            "three people.",
            "the family one",
            "Robin Hood, {email}",
            "Yes, that is correct.",
        ),
        days_ahead=52,
        nights=4,
        adults=3,
        room_type="FAM",
    ),
    "41_00043": Talk(  # lower case, no punctuation: "i am staying for four days"
        "SGD train 41_00043 (Hotels_1)",
        (
            "I would like to book a hotel room",
            "I an traveling checking in {in_md}",
            "i am staying for four days",
            "2 of us",
            "the cheapest one",
            "tom baker {email}",
            "yes thats correct. what is the hotel address and do they have wifi",
            "yes",
        ),
        days_ahead=54,
        nights=4,
        adults=2,
    ),
    "41_00007": Talk(  # "resevation" (sic), the check-out given with another request
        "SGD train 41_00007 (Hotels_3)",
        (
            "I am looking to make a hotel resevation for one room.",
            "I would like to check in to the hotel on {in_md}.",
            "Please search for a double. I will be leaving on {out_md}.",
            "we are 2",
            "Kim Wilde, {email}",
            "Yes.",
        ),
        days_ahead=56,
        nights=2,
        adults=2,
        room_type="DBL",
    ),
    "40_00105": Talk(  # dates changed at the summary, then "Please disregard" and "No": none
        "SGD train 40_00105 (Hotels_3)",
        (
            "I would like to book a hotel room",
            "checking in on {in_md} , check out on {out_dm}",
            "2",
            "1",
            "No i actually want to check in on the {in_plus1_nth} and check out on the {out_nth}",
            "Please disregard",
            "No",
        ),
        days_ahead=58,
        nights=3,
        adults=None,
    ),
}


@pytest.mark.parametrize("dialogue", sorted(TALKS))
async def test_sgd_hotel_conversation(
    client: httpx.AsyncClient, runtime: Runtime, dialogue: str
) -> None:
    await play(Guest(client), runtime, TALKS[dialogue], f"sgd.{dialogue}@example.com")
