"""Proactive messages end to end on both databases, through the real WhatsApp client and the
fake Graph API (which refuses free-form messages outside the 24-hour window): the offer after a
booking, the guest's yes, the pre-arrival message sent once whatever runs twice or restarts, and
nothing for a guest who wrote "baja"."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from hotel_agent.channels.port import InboundMessage
from hotel_agent.conversations.preferences import OFFER_YES
from hotel_agent.conversations.proactive import ProactiveMessages
from hotel_agent.db.models import (
    BookingRecordStatus,
    Conversation,
    Guest,
    Message,
    ScheduledMessage,
)
from hotel_agent.db.repositories.booking_records import BookingRecordRepository
from hotel_agent.knowledge import knowledge_for
from hotel_agent.runtime import Runtime
from hotel_agent.settings import ProactiveSettings, Settings
from tests.fakes.graph_api import FakeGraphApi, RecordedRequest
from tests.integration.inbox.helpers import whatsapp_text
from tests.integration.staff.helpers import (
    ReceptionEngine,
    eventually,
    knowledge_with_templates,
    outbox_settled,
    staff_settings,
)
from tests.support import ACCESS_TOKEN

MakeRuntime = Callable[..., Awaitable[Runtime]]
GUEST = "34611111111"
MADRID = ZoneInfo("Europe/Madrid")


def proactive_settings(
    database_url: str, fake: FakeGraphApi, knowledge: Path | None = None
) -> Settings:
    settings = staff_settings(database_url, knowledge_file=knowledge)
    settings.whatsapp.api_base_url = fake.base_url
    # The workers' own loop runs at start only: the test runs the rounds itself.
    settings.proactive = ProactiveSettings(**{"_env_file": None}, enabled=True, poll_seconds=3600)
    return settings


@dataclass
class Stay:
    runtime: Runtime
    fake: FakeGraphApi
    settings: Settings
    conversation_id: int

    @property
    def hotel_id(self) -> int:
        return self.runtime.hotels.default_hotel_id

    def scheduler(self, runtime: Runtime | None = None) -> ProactiveMessages:
        runtime = runtime or self.runtime
        return ProactiveMessages(
            runtime.sessions,
            runtime.channels,
            runtime.signals,
            self.settings.proactive,
            knowledge_for(self.settings),
        )

    async def guest_says(self, wamid: str, text: str, choice_id: str | None = None) -> str:
        """The guest writes (or presses a button); the text of the reply they get."""
        before = len(self.fake.sent)
        self.fake.guest_wrote(GUEST)
        message = whatsapp_text(wamid, GUEST, text)
        if choice_id is not None:
            message = InboundMessage.model_validate(
                message.model_dump() | {"type": "interactive", "choice_id": choice_id}
            )
        await self.runtime.ingest.accept(self.hotel_id, [message])
        sent = await self.fake.wait_for_messages_async(before + 1, timeout=15)
        return str(sent[before].body["text"]["body"])

    async def window_closes(self) -> None:
        """A day passes: the guest last wrote 25 hours ago."""
        self.fake.guest_wrote(GUEST, at=time.time() - 25 * 3600)
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(
                update(Conversation)
                .where(Conversation.id == self.conversation_id)
                .values(last_inbound_at=datetime.now(UTC) - timedelta(hours=25))
            )

    async def rows(self) -> dict[str, str]:
        async with self.runtime.sessions() as session:
            rows = await session.scalars(
                select(ScheduledMessage).where(
                    ScheduledMessage.conversation_id == self.conversation_id
                )
            )
            return {row.kind: row.status for row in rows}

    async def settled(self) -> None:
        await eventually(lambda: outbox_settled(self.runtime))


async def book(runtime: Runtime, conversation_id: int, key: str, nights_from_now: int) -> None:
    """What the booking ledger writes when the agent books: confirmed before the turn's reply."""
    today = datetime.now(MADRID).date()
    async with runtime.sessions() as session, session.begin():
        records = BookingRecordRepository(session)
        await records.claim(
            key,
            hotel_id=runtime.hotels.default_hotel_id,
            conversation_id=conversation_id,
            pms_type="simulator",
            room_type_id="2",
            check_in=today + timedelta(days=nights_from_now),
            check_out=today + timedelta(days=nights_from_now + 2),
            adults=2,
            children=0,
            rooms=1,
            guest_name="Carmen Vidal",
            guest_email="carmen@example.com",
        )
        await records.update_by_key(
            key,
            status=BookingRecordStatus.CONFIRMED.value,
            reference="MDP-4821",
            updated_at=datetime.now(UTC) - timedelta(minutes=5),
        )


async def a_guest_offered(
    database_url: str,
    make_runtime: MakeRuntime,
    fake: FakeGraphApi,
    knowledge: Path | None,
    engine: ReceptionEngine | None = None,
) -> Stay:
    """A WhatsApp guest who booked a stay starting tomorrow and was offered the messages."""
    settings = proactive_settings(database_url, fake, knowledge)
    runtime = await make_runtime(settings, dialogue=engine or ReceptionEngine())
    runtime.start_background()
    stay = Stay(runtime, fake, settings, conversation_id=0)
    assert await stay.guest_says("wamid.1", "hola") == "bot: hola"
    async with runtime.sessions() as session:
        conversation_id = await session.scalar(select(Conversation.id))
    assert conversation_id is not None
    stay.conversation_id = conversation_id
    await book(runtime, conversation_id, "key-1", nights_from_now=1)

    await stay.scheduler().run_once()
    [*_, offer] = await fake.wait_for_messages_async(2)
    interactive = offer.body["interactive"]
    assert "antes de tu llegada" in interactive["body"]["text"]
    assert [b["reply"]["id"] for b in interactive["action"]["buttons"]] == [
        "proactive:yes",
        "proactive:no",
    ]
    await stay.scheduler().run_once()
    assert len(fake.sent) == 2, "a booking is offered once"
    return stay


async def a_guest_who_booked(
    database_url: str, make_runtime: MakeRuntime, fake: FakeGraphApi, knowledge: Path | None
) -> Stay:
    """A WhatsApp guest who booked a stay starting tomorrow, was offered the messages and
    said yes."""
    stay = await a_guest_offered(database_url, make_runtime, fake, knowledge)
    assert "Te escribiremos antes de tu llegada" in await stay.guest_says(
        "wamid.2", "Sí, avisadme", choice_id=OFFER_YES
    )
    assert await stay.rows() == {
        "offer": "accepted",
        "pre_arrival": "pending",
        "post_stay": "pending",
    }
    return stay


def templates(fake: FakeGraphApi) -> list[RecordedRequest]:
    return [r for r in fake.sent if r.body["type"] == "template"]


async def test_the_pre_arrival_template_goes_once_whatever_runs_twice_or_restarts(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        fake.approve_template("pre_arrival_es", "es", body_parameters=5)
        stay = await a_guest_who_booked(database_url, make_runtime, fake, knowledge=None)
        await stay.window_closes()

        # Two workers run the job at the same moment, then one runs it again.
        queued = await asyncio.gather(stay.scheduler().run_once(), stay.scheduler().run_once())
        assert sorted(queued) == [0, 1]
        assert await stay.scheduler().run_once() == 0
        # A restarted worker (a new process on the same database) finds it done.
        restarted = await make_runtime(stay.settings, dialogue=ReceptionEngine())
        assert await stay.scheduler(restarted).run_once() == 0
        await stay.settled()

        [reminder] = templates(fake)
        assert await stay.rows() == {
            "offer": "accepted",
            "pre_arrival": "sent",
            "post_stay": "pending",
        }

    template = reminder.body["template"]
    assert (template["name"], template["language"]) == ("pre_arrival_es", {"code": "es"})
    name, hotel, day, check_in, directions = (
        p["text"] for p in template["components"][0]["parameters"]
    )
    assert (name, hotel) == ("Carmen", "Hotel Prueba")
    tomorrow = datetime.now(MADRID).date() + timedelta(days=1)
    assert str(tomorrow.day) in day
    assert "15:00" in check_in
    assert directions.strip()
    async with stay.runtime.sessions() as session:
        last = await session.scalar(select(Message).order_by(Message.id.desc()).limit(1))
    assert last is not None
    assert (last.type, last.status) == ("template", "sent")
    assert last.body.startswith("Hola Carmen, te esperamos en Hotel Prueba el ")


async def test_within_the_window_the_pre_arrival_message_is_free_form(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        stay = await a_guest_who_booked(database_url, make_runtime, fake, knowledge=None)
        assert await stay.scheduler().run_once() == 1
        await stay.settled()
        last = fake.sent[-1].body
    assert last["type"] == "text"
    text = last["text"]["body"]
    assert text.startswith("Hola Carmen, te esperamos en Hotel Prueba el ")
    assert "El check-in es a partir de las 15:00" in text
    assert "Cómo llegar: " in text
    assert "responde a este mensaje" in text


async def test_a_guest_who_wrote_baja_gets_nothing_more(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        fake.approve_template("pre_arrival_es", "es", body_parameters=5)
        stay = await a_guest_who_booked(database_url, make_runtime, fake, knowledge=None)
        assert "no te enviaremos más mensajes automáticos" in await stay.guest_says(
            "wamid.3", "BAJA"
        )
        assert await stay.rows() == {
            "offer": "accepted",
            "pre_arrival": "cancelled",
            "post_stay": "cancelled",
        }
        sent_before = len(fake.sent)
        await stay.window_closes()
        await book(stay.runtime, stay.conversation_id, "key-2", nights_from_now=20)
        assert await stay.scheduler().run_once() == 0, "no reminder, and no new offer"
        await stay.settled()
        assert len(fake.sent) == sent_before
        assert templates(fake) == []
        async with stay.runtime.sessions() as session:
            guest = await session.scalar(select(Guest))
        assert guest is not None
        assert guest.messages_opt_out_at is not None


async def test_without_a_pre_arrival_template_the_row_fails_with_the_reason(
    database_url: str, make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        knowledge = knowledge_with_templates(tmp_path, [])
        stay = await a_guest_who_booked(database_url, make_runtime, fake, knowledge)
        await stay.window_closes()
        assert await stay.scheduler().run_once() == 0
        assert templates(fake) == []
        async with stay.runtime.sessions() as session:
            row = await session.scalar(
                select(ScheduledMessage).where(ScheduledMessage.kind == "pre_arrival")
            )
        assert row is not None
        assert row.status == "failed"
        assert row.detail is not None
        assert "no pre_arrival template in language 'es'" in row.detail


async def test_a_typed_si_answers_the_offer_not_the_dialogue(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        stay = await a_guest_offered(database_url, make_runtime, fake, None, engine)
        assert "Te escribiremos antes de tu llegada" in await stay.guest_says("wamid.2", "Sí!")
        assert await stay.rows() == {
            "offer": "accepted",
            "pre_arrival": "pending",
            "post_stay": "pending",
        }
        # Answered, the offer is closed: a later "sí" is the dialogue's again.
        assert await stay.guest_says("wamid.3", "sí") == "bot: sí"
    assert [text for text, _, _ in engine.turns] == ["hola", "sí"]


async def test_a_typed_no_declines_the_offer(database_url: str, make_runtime: MakeRuntime) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        stay = await a_guest_offered(database_url, make_runtime, fake, None)
        assert "no te enviaremos avisos" in await stay.guest_says("wamid.2", "No, gracias")
        assert await stay.rows() == {"offer": "declined"}


async def test_once_the_agent_said_more_a_typed_no_is_the_dialogues(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    engine = ReceptionEngine()
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        stay = await a_guest_offered(database_url, make_runtime, fake, None, engine)
        # The guest talks about something else first: the agent's last word is no longer
        # the offer, so "no" is the dialogue's, and the offer stays open.
        assert await stay.guest_says("wamid.2", "¿hay parking?") == "bot: ¿hay parking?"
        assert await stay.guest_says("wamid.3", "no") == "bot: no"
        assert await stay.rows() == {"offer": "asked"}
    assert [text for text, _, _ in engine.turns] == ["hola", "¿hay parking?", "no"]


async def test_an_opt_out_written_while_the_messages_were_off_holds_once_they_are_on(
    database_url: str, make_runtime: MakeRuntime
) -> None:
    with FakeGraphApi(ACCESS_TOKEN, strict_window=True) as fake:
        off = proactive_settings(database_url, fake)
        off.proactive = ProactiveSettings(**{"_env_file": None}, enabled=False)
        runtime = await make_runtime(off, dialogue=ReceptionEngine())
        runtime.start_background()
        stay = Stay(runtime, fake, off, conversation_id=0)
        assert "we won't send you any more automatic messages" in await stay.guest_says(
            "wamid.1", "No more messages, please"
        )
        async with runtime.sessions() as session:
            guest = await session.scalar(select(Guest))
            conversation_id = await session.scalar(select(Conversation.id))
        assert guest is not None and guest.messages_opt_out_at is not None
        assert conversation_id is not None

        # The hotel turns the messages on; the guest books.
        on = proactive_settings(database_url, fake)
        stay = Stay(await make_runtime(on, dialogue=ReceptionEngine()), fake, on, conversation_id)
        await book(stay.runtime, conversation_id, "key-1", nights_from_now=1)
        sent_before = len(fake.sent)
        assert await stay.scheduler().run_once() == 0, "no offer to a guest who opted out"
        assert await stay.rows() == {}
        assert len(fake.sent) == sent_before
