"""The WhatsApp client against a fake Graph API over real HTTP."""

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from hotel_agent.channels.port import (
    Button,
    Channel,
    ListPicker,
    ListRow,
    ListSection,
    OutboundMessage,
    SendError,
)
from hotel_agent.channels.whatsapp.client import WhatsAppCloudClient
from hotel_agent.channels.whatsapp.errors import MediaError
from tests.fakes.graph_api import FakeGraphApi
from tests.fixtures.whatsapp import load_fixture

TOKEN = "test-access-token"
HOTEL_NUMBER = "106540352242922"
GUEST = "34611111111"
MAX_MEDIA = 16 * 1024 * 1024


@pytest.fixture
def fake() -> Iterator[FakeGraphApi]:
    with FakeGraphApi(access_token=TOKEN) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def whatsapp(
    http: httpx.AsyncClient, base_url: str, *, token: str = TOKEN, timeout: float = 5.0
) -> WhatsAppCloudClient:
    return WhatsAppCloudClient(
        http, base_url=base_url, access_token=token, phone_number_id=HOTEL_NUMBER, timeout=timeout
    )


@pytest.fixture
def client(http: httpx.AsyncClient, fake: FakeGraphApi) -> WhatsAppCloudClient:
    return whatsapp(http, fake.base_url)


async def send_failure(client: WhatsAppCloudClient, text: str = "Hola") -> SendError:
    with pytest.raises(SendError) as raised:
        await client.send(GUEST, OutboundMessage(text=text))
    return raised.value


def test_it_is_the_whatsapp_channel(client: WhatsAppCloudClient) -> None:
    channel: Channel = client

    assert (channel.name, channel.reply_window_seconds) == ("whatsapp", 24 * 3600)


async def test_text_is_posted_with_the_bearer_token(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    receipt = await client.send(GUEST, OutboundMessage(text="Hola, Ana 👋"))

    [request] = fake.sent
    assert receipt.provider_message_id == request.wamid
    assert request.path == f"/v23.0/{HOTEL_NUMBER}/messages"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": GUEST,
        "type": "text",
        "text": {"preview_url": False, "body": "Hola, Ana 👋"},
    }


async def test_every_send_gets_its_own_message_id(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    receipts = await asyncio.gather(
        *(client.send(GUEST, OutboundMessage(text=f"Mensaje {n}")) for n in range(8))
    )

    sent = await fake.wait_for_messages_async(8, timeout=5)
    ids = {receipt.provider_message_id for receipt in receipts}
    assert ids == {request.wamid for request in sent}
    assert len(ids) == 8


async def test_reply_buttons_are_accepted_by_graph(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    buttons = [Button(id="yes", title="Sí, confirmar"), Button(id="no", title="No, gracias")]

    await client.send(GUEST, OutboundMessage(text="¿Confirmo la reserva?", buttons=buttons))

    interactive = fake.sent[0].body["interactive"]
    assert interactive["type"] == "button"
    assert [b["reply"] for b in interactive["action"]["buttons"]] == [
        {"id": "yes", "title": "Sí, confirmar"},
        {"id": "no", "title": "No, gracias"},
    ]


async def test_a_list_picker_is_accepted_by_graph(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    rooms = [
        ListRow(id=f"rt_{n}", title=f"Habitación doble superior {n}", description="120 €/noche")
        for n in range(1, 11)
    ]
    picker = ListPicker(button="Ver habitaciones disponibles", sections=[ListSection(rows=rooms)])

    await client.send(GUEST, OutboundMessage(text="Tenemos:", list_picker=picker))

    action = fake.sent[0].body["interactive"]["action"]
    assert len(action["sections"][0]["rows"]) == 10
    assert all(len(row["title"]) <= 24 for row in action["sections"][0]["rows"])


async def test_more_than_three_buttons_arrive_as_a_list(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    buttons = [Button(id=f"d{n}", title=f"{n} noches") for n in range(1, 6)]

    await client.send(GUEST, OutboundMessage(text="¿Cuántas noches?", buttons=buttons))

    interactive = fake.sent[0].body["interactive"]
    assert interactive["type"] == "list"
    assert [row["id"] for row in interactive["action"]["sections"][0]["rows"]] == [
        "d1",
        "d2",
        "d3",
        "d4",
        "d5",
    ]


async def test_content_too_long_for_buttons_arrives_as_numbered_text(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    text = "Condiciones de la tarifa. " * 50
    buttons = [Button(id="yes", title="Acepto"), Button(id="no", title="No acepto")]

    await client.send(GUEST, OutboundMessage(text=text, buttons=buttons))

    body = fake.sent[0].body
    assert body["type"] == "text"
    assert body["text"]["body"].endswith("\n\n1. Acepto\n2. No acepto")


async def test_very_long_text_is_shortened_to_what_graph_accepts(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    await client.send(GUEST, OutboundMessage(text="palabra " * 1000))

    assert len(fake.sent[0].body["text"]["body"]) <= 4096


async def test_mark_read_sends_the_read_status_with_typing(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    await client.mark_read("wamid.IN0001")

    assert [r.body for r in fake.read_receipts] == [
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.IN0001",
            "typing_indicator": {"type": "text"},
        }
    ]
    assert fake.sent == []


async def test_media_is_downloaded_with_its_mime_type(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    voice_note = b"OggS\x00fake opus voice note" * 100
    media_id = fake.add_media(voice_note, "audio/ogg")

    assert await client.download_media(media_id, max_bytes=MAX_MEDIA) == (voice_note, "audio/ogg")


async def test_media_whose_bytes_do_not_match_its_sha256_is_refused(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    media_id = fake.add_media(b"tampered", "image/jpeg", sha256=hashlib.sha256(b"real").hexdigest())

    with pytest.raises(MediaError) as raised:
        await client.download_media(media_id, max_bytes=MAX_MEDIA)

    assert (raised.value.reason, raised.value.retryable) == ("checksum_mismatch", True)


async def test_media_announced_larger_than_the_limit_is_not_downloaded(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    media_id = fake.add_media(b"x" * 2000, "audio/ogg")

    with pytest.raises(MediaError) as raised:
        await client.download_media(media_id, max_bytes=1000)

    assert (raised.value.reason, raised.value.retryable) == ("too_large", False)
    assert fake.media_downloads == 0, "refused on the announced size, before any byte"


async def test_media_larger_than_it_was_announced_is_cut_off_at_the_limit(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    media_id = fake.add_media(b"x" * 200_000, "audio/ogg", file_size=500)

    with pytest.raises(MediaError) as raised:
        await client.download_media(media_id, max_bytes=100_000)

    assert (raised.value.reason, raised.value.retryable) == ("too_large", False)


async def test_the_download_url_needs_the_bearer_token(fake: FakeGraphApi) -> None:
    media_id = fake.add_media(b"OggS voice", "audio/ogg; codecs=opus")
    async with httpx.AsyncClient() as http:
        info = (
            await http.get(
                f"{fake.base_url}/{media_id}", headers={"Authorization": f"Bearer {TOKEN}"}
            )
        ).json()
        anonymous = await http.get(info["url"])
        with_token = await http.get(info["url"], headers={"Authorization": f"Bearer {TOKEN}"})

    assert set(info) == {"messaging_product", "url", "mime_type", "sha256", "file_size", "id"}
    assert "/whatsapp_business/attachments/?mid=" in info["url"]
    assert info["file_size"] == str(len(b"OggS voice"))
    assert anonymous.status_code == 401
    assert with_token.content == b"OggS voice"


async def test_an_unknown_media_id_is_a_final_error(client: WhatsAppCloudClient) -> None:
    with pytest.raises(SendError) as raised:
        await client.download_media("999", max_bytes=MAX_MEDIA)

    assert (raised.value.reason, raised.value.retryable, raised.value.code) == (
        "bad_request",
        False,
        100,
    )


async def test_a_media_answer_without_a_url_is_a_media_error(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    fake.fail_next(status=200, body={"id": "1", "mime_type": "audio/ogg"})

    with pytest.raises(MediaError) as raised:
        await client.download_media("1", max_bytes=MAX_MEDIA)

    assert (raised.value.reason, raised.value.retryable) == ("malformed_response", False)


async def test_outside_the_24_hour_window_is_final_with_meta_s_explanation(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    fake.fail_next(status=400, body=load_fixture("graph_send_error_131047"))

    error = await send_failure(client)

    assert (error.reason, error.retryable, error.code) == ("outside_window", False, 131047)
    assert "more than 24 hours have passed" in error.detail
    assert fake.sent == []


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, None, "server_error"),
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "server_error"),
        (429, None, "rate_limited"),
        (400, load_fixture("graph_send_error_130429"), "rate_limited"),
    ],
)
async def test_transient_failures_are_retryable_and_a_retry_goes_through(
    client: WhatsAppCloudClient, fake: FakeGraphApi, status: int, body: object, reason: str
) -> None:
    fake.fail_next(status=status, body=body)

    error = await send_failure(client)
    receipt = await client.send(GUEST, OutboundMessage(text="Hola"))

    assert (error.reason, error.retryable) == (reason, True)
    assert [request.wamid for request in fake.sent] == [receipt.provider_message_id]


async def test_a_dropped_connection_is_a_retryable_network_error(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    fake.drop_next()

    error = await send_failure(client)

    assert (error.reason, error.retryable, error.code) == ("network", True, None)
    # Which one httpx sees depends on when the close reaches it; both mean "no answer".
    assert error.detail.startswith(("RemoteProtocolError", "ReadError"))


async def test_a_timeout_is_a_retryable_network_error(
    http: httpx.AsyncClient, fake: FakeGraphApi
) -> None:
    fake.delay_next(1.0)

    error = await send_failure(whatsapp(http, fake.base_url, timeout=0.2))

    assert (error.reason, error.retryable) == ("network", True)
    assert "ReadTimeout" in error.detail


async def test_an_unreachable_graph_is_a_retryable_network_error(
    http: httpx.AsyncClient,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe is closed.
    error = await send_failure(whatsapp(http, f"http://127.0.0.1:{port}/v23.0"))

    assert (error.reason, error.retryable) == ("network", True)
    assert "ConnectError" in error.detail


async def test_a_wrong_token_is_final_and_nothing_is_sent(
    http: httpx.AsyncClient, fake: FakeGraphApi
) -> None:
    error = await send_failure(whatsapp(http, fake.base_url, token="expired-token"))

    assert (error.reason, error.retryable, error.code) == ("token_expired", False, 190)
    assert fake.sent == []


async def test_a_success_without_a_message_id_is_not_retried(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    fake.fail_next(status=200, body={"messaging_product": "whatsapp", "messages": []})

    error = await send_failure(client)

    assert (error.reason, error.retryable) == ("malformed_response", False)


async def test_a_read_receipt_graph_does_not_confirm_is_reported(
    client: WhatsAppCloudClient, fake: FakeGraphApi
) -> None:
    fake.fail_next(status=200, body={"success": False})

    with pytest.raises(SendError) as raised:
        await client.mark_read("wamid.IN0001")

    assert raised.value.reason == "malformed_response"
