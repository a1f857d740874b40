"""The fake Graph API as a process of its own, the way benchmarks start it."""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hotel_agent.channels.port import OutboundMessage
from hotel_agent.channels.whatsapp.client import WhatsAppCloudClient

ROOT = Path(__file__).resolve().parents[4]
TOKEN = "bench-token"


@pytest.fixture
def fake_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.graph_api", "--port", "0", "--access-token", TOKEN],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        yield process, process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=15)


async def test_it_prints_its_base_url_and_counts_what_it_received(
    fake_process: tuple[subprocess.Popen[str], str],
) -> None:
    _, base_url = fake_process
    assert base_url.startswith("http://127.0.0.1:")
    assert base_url.endswith("/v23.0")
    before = time.time()

    async with httpx.AsyncClient() as http:
        client = WhatsAppCloudClient(
            http, base_url=base_url, access_token=TOKEN, phone_number_id="1"
        )
        receipts = [
            await client.send(f"3461111111{n}", OutboundMessage(text="Hola")) for n in range(3)
        ]
        await client.mark_read("wamid.IN1")
        root = base_url.removesuffix("/v23.0")
        stats = (await http.get(root + "/_stats")).json()
        to_one = (await http.get(root + "/_sent/34611111111")).json()  # what a load guest reads

    assert (stats["requests"], stats["messages"], stats["read_receipts"]) == (4, 3, 1)
    assert [send["id"] for send in stats["sends"]] == [r.provider_message_id for r in receipts]
    assert [send["to"] for send in stats["sends"]] == [f"3461111111{n}" for n in range(3)]
    assert all(before <= send["at"] <= time.time() for send in stats["sends"])
    assert [(m["id"], m["body"]["text"]["body"]) for m in to_one] == [
        (receipts[1].provider_message_id, "Hola")
    ]


def test_it_stops_cleanly_when_terminated(
    fake_process: tuple[subprocess.Popen[str], str],
) -> None:
    process, _ = fake_process

    process.terminate()

    assert process.wait(timeout=15) == 0
