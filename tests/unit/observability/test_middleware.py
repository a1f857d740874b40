"""Request ids, latency samples, access lines and body limits, seen from an HTTP client."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import structlog
from fastapi import FastAPI, Request, Response
from prometheus_client import REGISTRY
from pydantic import BaseModel
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from hotel_agent.observability.logging import configure_logging
from hotel_agent.web.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
)

MAX_BYTES = 1024
HEX_ID = re.compile(r"[0-9a-f]{32}")


class Booking(BaseModel):
    guest: str
    nights: int


def build_app() -> FastAPI:
    app = FastAPI()
    app.state.handled = 0

    @app.get("/rooms/{room_id}")
    async def room(room_id: str) -> dict[str, str | None]:
        return {
            "room": room_id,
            "request_id": structlog.contextvars.get_contextvars().get("request_id"),
        }

    @app.post("/echo")
    async def echo(request: Request) -> Response:
        request.app.state.handled += 1
        return Response(await request.body(), media_type="application/octet-stream")

    @app.post("/bookings")
    async def book(booking: Booking) -> dict[str, int]:
        return {"nights": booking.nights}

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("exploded")

    async def static_files(scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse("body {}")(scope, receive, send)

    app.mount("/static", static_files)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=MAX_BYTES)
    app.add_middleware(RequestContextMiddleware)
    return app


@pytest.fixture
def app() -> FastAPI:
    return build_app()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hotel.test") as client:
        yield client


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    yield
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    structlog.reset_defaults()


def request_count(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    value = REGISTRY.get_sample_value("hotel_agent_http_request_duration_seconds_count", labels)
    return value or 0.0


async def chunks(size: int, count: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield b"x" * size


async def test_request_id_is_generated_and_seen_by_the_handler(client: httpx.AsyncClient) -> None:
    response = await client.get("/rooms/101")

    request_id = response.headers["X-Request-ID"]
    assert HEX_ID.fullmatch(request_id)
    assert response.json() == {"room": "101", "request_id": request_id}


async def test_sane_request_id_is_propagated(client: httpx.AsyncClient) -> None:
    response = await client.get("/rooms/101", headers={"X-Request-ID": "edge-7f3a.retry_1"})

    assert response.headers["X-Request-ID"] == "edge-7f3a.retry_1"
    assert response.json()["request_id"] == "edge-7f3a.retry_1"


@pytest.mark.parametrize("insane", ["has spaces", "x" * 65, 'quote"d', "new\tline", ""])
async def test_insane_request_id_is_replaced(client: httpx.AsyncClient, insane: str) -> None:
    response = await client.get("/rooms/101", headers={"X-Request-ID": insane})

    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


async def test_request_id_does_not_leak_past_the_request(client: httpx.AsyncClient) -> None:
    await client.get("/rooms/101", headers={"X-Request-ID": "only-this-request"})

    assert "request_id" not in structlog.contextvars.get_contextvars()


async def test_latency_is_recorded_under_the_route_template(client: httpx.AsyncClient) -> None:
    before = request_count("GET", "/rooms/{room_id}", "200")

    await client.get("/rooms/101")
    await client.get("/rooms/102")

    assert request_count("GET", "/rooms/{room_id}", "200") == before + 2
    assert request_count("GET", "/rooms/101", "200") == 0


async def test_mounted_apps_are_labelled_by_their_mount(client: httpx.AsyncClient) -> None:
    before = request_count("GET", "/static/{path}", "200")

    await client.get("/static/css/site.css")
    await client.get("/static/js/chat.js")

    assert request_count("GET", "/static/{path}", "200") == before + 2


async def test_unknown_paths_share_one_label(client: httpx.AsyncClient) -> None:
    before = request_count("GET", "unmatched", "404")

    await client.get("/wp-admin/setup.php")
    await client.get("/.env")

    assert request_count("GET", "unmatched", "404") == before + 2


async def test_unhandled_error_counts_as_500_of_its_route(client: httpx.AsyncClient) -> None:
    before = request_count("GET", "/boom", "500")

    response = await client.get("/boom")

    assert response.status_code == 500
    assert request_count("GET", "/boom", "500") == before + 1


async def test_one_access_line_per_request_and_probes_stay_quiet(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    configure_logging("INFO", json=True)

    await client.get("/rooms/101?guest=34611111111", headers={"X-Request-ID": "trace-1"})
    await client.get("/health/live")

    lines = [json.loads(raw) for raw in capsys.readouterr().out.splitlines()]
    # The client (httpx) logs its side of each request too; only the server's lines count.
    (line,) = [line for line in lines if line["logger"] == "hotel_agent.http"]
    assert line["event"] == "http_request"
    assert line["request_id"] == "trace-1"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/rooms/{room_id}", 200)
    assert line["duration_ms"] >= 0
    assert "34611111111" not in json.dumps(line)


async def test_declared_body_over_the_limit_is_refused_unread(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post("/echo", content=b"x" * (MAX_BYTES + 1))

    assert response.status_code == 413
    assert response.json() == {"detail": f"request body exceeds {MAX_BYTES} bytes"}
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert app.state.handled == 0


@pytest.mark.parametrize("path", ["/echo", "/bookings"])
async def test_streamed_body_over_the_limit_is_refused(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.post(path, content=chunks(400, 3))

    assert response.status_code == 413
    assert response.json() == {"detail": f"request body exceeds {MAX_BYTES} bytes"}


async def test_small_bodies_pass_unchanged(client: httpx.AsyncClient) -> None:
    declared = await client.post("/echo", content=b"hola" * 256)
    streamed = await client.post("/echo", content=chunks(256, 4))
    booking = await client.post("/bookings", json={"guest": "Ana", "nights": 3})

    assert (declared.status_code, declared.content) == (200, b"hola" * 256)
    assert (streamed.status_code, streamed.content) == (200, b"x" * 1024)
    assert (booking.status_code, booking.json()) == (200, {"nights": 3})
