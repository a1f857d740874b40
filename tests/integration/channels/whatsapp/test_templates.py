"""Templates and the 24-hour window: the WhatsApp client against the fake Graph API, which
refuses what Meta refuses (131047 outside the window, 132001 for a template it never approved,
132000 for a wrong number of parameters)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from hotel_agent.channels.port import OutboundMessage, SendError, TemplateCall
from hotel_agent.channels.whatsapp.client import WhatsAppCloudClient
from hotel_agent.knowledge import DEMO_KNOWLEDGE_FILE, load_knowledge
from hotel_agent.knowledge.templates import TemplatePurpose
from tests.fakes.graph_api import FakeGraphApi

TOKEN = "test-access-token"
GUEST = "34611111111"


@pytest.fixture
def fake() -> Iterator[FakeGraphApi]:
    with FakeGraphApi(access_token=TOKEN, strict_window=True) as server:
        yield server


@pytest.fixture
async def client(fake: FakeGraphApi) -> AsyncIterator[WhatsAppCloudClient]:
    async with httpx.AsyncClient() as http:
        yield WhatsAppCloudClient(
            http, base_url=fake.base_url, access_token=TOKEN, phone_number_id="1065"
        )


async def failure(client: WhatsAppCloudClient, message: OutboundMessage) -> SendError:
    with pytest.raises(SendError) as raised:
        await client.send(GUEST, message)
    return raised.value


async def test_free_form_goes_within_24_hours_and_fails_with_131047_after(
    fake: FakeGraphApi, client: WhatsAppCloudClient
) -> None:
    fake.guest_wrote(GUEST, at=time.time() - 23 * 3600)
    receipt = await client.send(GUEST, OutboundMessage(text="Hola"))
    assert receipt.provider_message_id

    fake.guest_wrote(GUEST, at=time.time() - 25 * 3600)
    error = await failure(client, OutboundMessage(text="¿Sigue ahí?"))
    assert (error.code, error.reason, error.retryable) == (131047, "outside_window", False)
    assert len(fake.sent) == 1


async def test_a_guest_who_never_wrote_gets_no_free_form_message(
    client: WhatsAppCloudClient,
) -> None:
    error = await failure(client, OutboundMessage(text="Hola"))
    assert error.code == 131047


async def test_an_approved_template_goes_outside_the_window(
    fake: FakeGraphApi, client: WhatsAppCloudClient
) -> None:
    fake.approve_template("post_stay_en", "en", body_parameters=3)
    knowledge = load_knowledge(DEMO_KNOWLEDGE_FILE)
    template = knowledge.templates.find(TemplatePurpose.POST_STAY, "en")
    assert template is not None
    message = template.fill(
        {"guest_name": "Ana", "hotel": "Hotel Mirador", "review_url": "https://e.com/r"}
    )
    await client.send(GUEST, message)

    [sent] = fake.sent
    assert sent.body["type"] == "template"
    assert sent.body["template"]["name"] == "post_stay_en"
    assert message.text == (
        "Thank you for staying at Hotel Mirador, Ana. We would love to hear how it went: "
        "https://e.com/r"
    )


async def test_an_unapproved_template_fails_with_132001_and_a_miscounted_one_with_132000(
    fake: FakeGraphApi, client: WhatsAppCloudClient
) -> None:
    fake.approve_template("staff_reply_es", "es", body_parameters=2)
    unknown = OutboundMessage(text="x", template=TemplateCall(name="staff_reply_es", language="en"))
    error = await failure(client, unknown)
    assert (error.code, error.reason, error.retryable) == (132001, "template_error", False)

    miscounted = OutboundMessage(
        text="x",
        template=TemplateCall(name="staff_reply_es", language="es", body_parameters=["a"]),
    )
    error = await failure(client, miscounted)
    assert error.code == 132000
    assert fake.sent == []
