"""`FakeQloApps`: the fake webservice over real HTTP, with fault injection and a request log."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import threading
from collections import deque
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.fakes.qloapps import demo, render
from tests.fakes.qloapps.hotel import FakeHotel
from tests.fakes.qloapps.records import Rejected
from tests.fakes.qloapps.resources import (
    SINGULAR,
    Answer,
    ari_search,
    error,
    listing,
    order_history,
    to_xml,
)
from tests.fakes.server import FakeServer

DEMO_KEY = "FAKEQLOAPPSWEBSERVICEKEY00000001"  # 32 characters, like the keys QloApps generates
ARI_INVALID = "Validation error: Invalid ARI search parameters found."
PHP_WARNING = (
    "<br />\n<b>Warning</b>:  Invalid argument supplied for foreach() in "
    "<b>/var/www/html/webservice/dispatcher.php</b> on line <b>95</b><br />\n"
)
_REALM = "Welcome to QloApps Webservice, please enter the authentication key as the login."
FaultKind = Literal["fail", "fail_after_write", "html", "malformed", "delay", "drop"]


@dataclasses.dataclass(frozen=True)
class RecordedRequest:
    method: str
    resource: str  # the path after /api/, like "bookings/3"
    params: dict[str, str]
    raw_query: str  # as sent, to see how brackets were encoded
    headers: dict[str, str]
    body: bytes
    status: int  # what the fake answered; 0 when it dropped the connection

    def json(self) -> Any:
        return json.loads(self.body)


@dataclasses.dataclass(frozen=True)
class _Fault:
    kind: FaultKind
    on: str | None  # "POST bookings", "GET orders"...; None for any request
    status: int = 500
    seconds: float = 0.0


class FakeQloApps(FakeServer):
    """`with FakeQloApps() as fake: QloAppsClient(http, base_url=fake.base_url, api_key=...)`.

    The demo install's data (`demo.py`), state in memory, the documented shapes and quirks.
    Faults apply to the next request matching `on` ("METHOD resource", e.g. "POST bookings").
    """

    label = "fake QloApps"

    def __init__(self, api_key: str = DEMO_KEY, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.hotel = FakeHotel()
        super().__init__(host=host, port=port)
        self._lock = threading.Lock()
        self._faults: deque[_Fault] = deque()
        self._down: Literal["refuse", "drop"] | None = None
        self._log: list[RecordedRequest] = []
        self._arrivals: list[str] = []  # "METHOD resource" as each request comes in

    def _app(self) -> Starlette:
        methods = ["GET", "POST", "PUT", "DELETE"]
        return Starlette(
            routes=[
                Route("/api/{path:path}", self._api, methods=methods),
                Route("/{path:path}", self._shop, methods=methods),
            ]
        )

    @property
    def base_url(self) -> str:
        """The webservice root, what PMS_BASE_URL holds: `http://127.0.0.1:<port>/api`."""
        return f"{self.origin}/api"

    @property
    def shop_url(self) -> str:
        """The shop's address, what an operator pastes: its pages, not the webservice."""
        return self.origin

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def requests_to(self, method: str, resource: str) -> list[RecordedRequest]:
        """Logged requests with this method to this resource (with or without an id)."""
        return [
            r for r in self.requests if r.method == method and r.resource.split("/")[0] == resource
        ]

    def arrivals(self, target: str) -> int:
        """How many requests to `target` ("POST bookings") came in, answered or not yet: a
        request held by `delay_next` is counted while it waits, unlike in `requests`."""
        with self._lock:
            return self._arrivals.count(target)

    def fail_next(
        self, status: int = 500, *, after_write: bool = False, on: str | None = None
    ) -> None:
        """Answer an HTML error page with `status`; `after_write` does the work first, like the
        PHP warnings that turn a done write into a 500."""
        self._add(_Fault("fail_after_write" if after_write else "fail", on, status=status))

    def delay_next(self, seconds: float, *, on: str | None = None) -> None:
        """Do the work, then wait `seconds` before answering (past a client's timeout, say)."""
        self._add(_Fault("delay", on, seconds=seconds))

    def html_next(self, status: int = 200, *, on: str | None = None) -> None:
        """Answer an HTML page instead of JSON, without doing the work (a proxy's page)."""
        self._add(_Fault("html", on, status=status))

    def malformed_json_next(self, *, on: str | None = None) -> None:
        """Do the work and answer its JSON with a PHP notice printed in front of it."""
        self._add(_Fault("malformed", on))

    def drop_next(self, *, on: str | None = None) -> None:
        """Do the work, then close the connection mid-answer."""
        self._add(_Fault("drop", on))

    def down(self, *, close_connections: bool = False) -> None:
        """Refuse every call with 503 (maintenance), or close each connection mid-answer."""
        with self._lock:
            self._down = "drop" if close_connections else "refuse"

    def up(self) -> None:
        with self._lock:
            self._down = None

    def _add(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    async def _api(self, request: Request) -> Response:
        method, resource = request.method, request.path_params["path"].strip("/")
        body = await request.body()
        params = dict(request.query_params)
        with self._lock:
            self._arrivals.append(f"{method} {resource.split('/')[0]}")
            down = self._down
            fault = self._take_fault(f"{method} {resource.split('/')[0]}")
        status, response = await self._respond(request, resource, params, body, down, fault)
        record = RecordedRequest(
            method, resource, params, request.url.query, dict(request.headers), body, status
        )
        with self._lock:
            self._log.append(record)
        return response

    async def _shop(self, request: Request) -> Response:
        """The shop's front office: the home page, and a 302 to it for any other address
        (PrestaShop's answer to `/hotels?output_format=JSON` on the shop root)."""
        if request.url.path == "/":
            return _html(200, "The Hotel Prime", "Welcome.")
        return Response(b"", 302, headers={"Location": f"{self.origin}/"})

    def _take_fault(self, target: str) -> _Fault | None:
        for fault in self._faults:
            if fault.on is None or fault.on == target:
                self._faults.remove(fault)
                return fault
        return None

    async def _respond(
        self,
        request: Request,
        resource: str,
        params: dict[str, str],
        body: bytes,
        down: str | None,
        fault: _Fault | None,
    ) -> tuple[int, Response]:
        if down == "drop":
            return 0, _DroppedConnection()
        if down == "refuse":
            return 503, _html(503, "Service Unavailable", "The shop is down for maintenance.")
        if fault is not None and fault.kind in ("fail", "html"):
            return fault.status, _html(fault.status, "Error", "Something went wrong.")
        with self._lock:
            status, payload = self._handle(request, resource, params, body)
        if fault is not None and fault.kind == "fail_after_write":
            return fault.status, Response(PHP_WARNING, fault.status, media_type="text/html")
        if fault is not None and fault.kind == "malformed":
            text = "<b>Notice</b>: Undefined index: id_lang<br />\n" + json.dumps(payload)
            return status, Response(text, status, media_type="application/json")
        if fault is not None and fault.kind == "drop":
            return 0, _DroppedConnection()
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        return status, _render(status, payload, params, request)

    def _handle(
        self, request: Request, resource: str, params: dict[str, str], body: bytes
    ) -> Answer:
        if _key(request, params) != self.api_key:
            return error("Authentification key is not active", 20, status=401)
        name, _, item = resource.partition("/")
        try:
            if request.method == "GET":
                return self._get(name, item, params)
            if request.method == "POST" and resource == "hotel_ari":
                search = ari_search(body)  # JSON is refused: XML only
                return error(ARI_INVALID) if search is None else (200, self.hotel.ari(search))
            if request.method == "POST" and resource == "bookings":
                return self._booking_answer(self.hotel.create(_booking_body(body)))
            if request.method == "POST" and resource == "order_histories":
                return self._order_history(body)
            if request.method == "PUT" and name == "bookings" and item:
                order = self.hotel.update(_booking_body(body))
                return (404, None) if order is None else self._booking_answer(order)
        except Rejected as rejected:
            return error(rejected.message)
        return error(f"Method {request.method} is not allowed on {name}", 0, status=405)

    def _order_history(self, body: bytes) -> Answer:
        """A new order state, and nothing else: the order's lines stay as they are. QloApps
        frees the rooms of an order that becomes cancelled or refunded."""
        history = order_history(body)
        if history is None:  # JSON, or broken XML: PrestaShop answers 500 here
            return error("XML error : String could not be parsed as XML", 127, status=500)
        order_id, state_id = history
        order = self.hotel.orders.get(order_id)
        if order is None or state_id not in {s["id"] for s in self.hotel.order_states}:
            return error("Validation error: id_order or id_order_state is not valid", 0)
        self.hotel.set_state(order, state_id)
        return 201, {
            "order_history": {
                "id": str(order_id),
                "id_order": str(order_id),
                "id_order_state": state_id,
            }
        }

    def _get(self, name: str, item: str, params: dict[str, str]) -> Answer:
        if name == "bookings":
            # Ids only and no filters: finding a guest's bookings goes through customers/orders.
            if not item:
                ids = [{"id": order_id} for order_id in sorted(self.hotel.orders)]
                return 200, {"bookings": ids} if ids else []
            order = self.hotel.orders.get(int(item)) if item.isdigit() else None
            return (404, None) if order is None else self._booking_answer(order)
        rows = self._rows(name)
        if rows is None:
            return error(f'Resource of type "{name}" does not exists.', 18)
        if not item:
            return listing(name, rows, params)
        row = next((row for row in rows if str(row["id"]) == item), None)
        return (404, None) if row is None else (200, {SINGULAR[name]: row})

    def _rows(self, name: str) -> list[dict[str, Any]] | None:
        tables: dict[str, list[dict[str, Any]]] = {
            "hotels": demo.HOTELS,
            "room_types": self.hotel.room_types,
            "hotel_room_types": self.hotel.capacities,
            "hotel_rooms": demo.HOTEL_ROOMS,
            "currencies": demo.CURRENCIES,
            "order_states": self.hotel.order_states,
            "services": demo.SERVICES,
            "customers": self.hotel.customers,
            "orders": [render.order_row(order) for order in self.hotel.orders.values()],
            "room_bookings": [
                row for order in self.hotel.orders.values() for row in render.room_bookings(order)
            ],
        }
        return tables.get(name)

    def _booking_answer(self, order: Any) -> Answer:
        return 200, {"booking": render.booking(order, self.hotel.customer(order))}


def _key(request: Request, params: dict[str, str]) -> str | None:
    """The webservice key: the Basic-auth user name (empty password), or `?ws_key=`."""
    if "ws_key" in params:
        return params["ws_key"]
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        return base64.b64decode(encoded).decode().partition(":")[0]
    except ValueError:
        return None


def _booking_body(body: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(body)
    except ValueError:
        decoded = None
    booking = decoded.get("booking") if isinstance(decoded, dict) else None
    if not isinstance(booking, dict):
        raise Rejected("Validation error: Invalid booking parameters found.")
    return booking


def _render(status: int, payload: Any, params: dict[str, str], request: Request) -> Response:
    headers = {"WWW-Authenticate": f'Basic realm="{_REALM}"'} if status == 401 else None
    if payload is None:  # a missing booking: 404 with an empty body
        return Response(b"", status, headers=headers)
    wants_json = "JSON" in (params.get("output_format", ""), request.headers.get("output-format"))
    if wants_json:
        return Response(json.dumps(payload), status, headers, media_type="application/json")
    return Response(to_xml(payload), status, headers, media_type="text/xml")


def _html(status: int, title: str, text: str) -> Response:
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    )
    return Response(page, status, media_type="text/html")


class _DroppedConnection(Response):
    """Starts an answer and stops: the client sees the connection close mid-response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
        )
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
