"""HTTP transport to the QloApps (PrestaShop 1.6) webservice; its failures mapped to PMS errors.

Reads and writes fail differently. A read that fails can simply be tried again later
(`PmsUnavailable`). A write (POST/PUT of a booking) that was sent but not answered cleanly may
have happened: QloApps takes no idempotency key, and PHP warnings on some installs turn a done
write into an HTTP 500, so those failures are `PmsOutcomeUnknown` and the caller must look the
booking up before trying again.

Error messages keep the cause (method, resource, status, what the body looked like) and never
the request or response bodies, which carry the guest's name, e-mail and phone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

import httpx
import structlog

from hotel_agent.pms.errors import (
    BookingNotFound,
    InvalidStay,
    PmsAuthError,
    PmsError,
    PmsOutcomeUnknown,
    PmsUnavailable,
    RoomUnavailable,
)

Json = dict[str, Any]
log = structlog.get_logger(__name__)

# QloApps says "Requested room(s) not available." on POST and the same without the full stop
# on PUT: the meaning is matched, not the punctuation.
_NOT_AVAILABLE = re.compile(r"\broom\(?s?\)?\s.*\bnot\s+available\b", re.IGNORECASE)
# QloApps validates the guest's details with messages like "Please provide a valid first name.":
# those mean the guest must correct something (the reason names what), the others that the
# adapter or the PMS is wrong.
_GUEST_FIELDS = {
    "first name": "name",
    "firstname": "name",
    "last name": "last_name",
    "lastname": "last_name",
    "email": "email",
    "phone": "phone",
}
# Resources whose 404 (with an empty body) means "no such booking".
_BOOKING_RESOURCES = frozenset({"bookings", "orders"})


class QloAppsClient:
    """Calls `{base_url}/{resource}?output_format=JSON` with the webservice key.

    `base_url` is the webservice root with URL rewriting on, `https://hotel.example.com/api`, or
    the shop's own address (`https://hotel.example.com`), which operators paste: there every
    webservice call would be redirected to the shop's home page.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        api_key: str,
        timeout: float = 10.0,
    ) -> None:
        self._http = http
        root = base_url.rstrip("/")
        self._base_url = root if root.endswith("/api") else f"{root}/api"
        # The key is the Basic-auth user name with an empty password; `?ws_key=` would put
        # it in every access log on the way.
        self._auth = httpx.BasicAuth(api_key, "")
        self._timeout = timeout

    async def get(self, resource: str, params: Mapping[str, str] | None = None) -> Json:
        """A read. `params` like `{"display": "[id,name]", "filter[id_hotel]": "[1]"}`."""
        return await self._call("GET", resource, params=params, writes=False)

    async def query(self, resource: str, xml_body: str, *, writes: bool = False) -> Json:
        """A POST with an XML body, the only kind some resources accept: `hotel_ari` (a read)
        and `order_histories` (a write: `writes=True`)."""
        return await self._call(
            "POST",
            resource,
            content=xml_body.encode(),
            content_type="application/xml",
            writes=writes,
        )

    async def write(
        self, method: Literal["POST", "PUT"], resource: str, body: Mapping[str, Any]
    ) -> Json:
        """A booking write with a JSON body."""
        return await self._call(
            method,
            resource,
            content=json.dumps(body).encode(),
            content_type="application/json",
            writes=True,
        )

    async def _call(
        self,
        method: str,
        resource: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
        writes: bool,
    ) -> Json:
        what = f"{method} {resource}"
        # httpx percent-encodes the brackets of `display=[..]` and `filter[..]=[..]`, which
        # some proxies in front of PHP refuse to pass raw.
        query = {"output_format": "JSON", **(params or {})}
        headers = {"Content-Type": content_type} if content_type else None
        try:
            response = await self._http.request(
                method,
                f"{self._base_url}/{resource}",
                params=query,
                content=content,
                headers=headers,
                auth=self._auth,
                timeout=self._timeout,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # No connection was made, so nothing was sent: even a write certainly did not happen.
            raise PmsUnavailable(f"QloApps unreachable on {what}: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            cause = f"{what} got no complete answer ({type(exc).__name__})"
            raise _uncertain(cause, writes) from exc
        return _decode(response, what, resource, writes)


def _decode(response: httpx.Response, what: str, resource: str, writes: bool) -> Json:
    status = response.status_code
    if status in (401, 403):
        raise PmsAuthError(f"QloApps refused the webservice key on {what}: {_messages(response)}")
    if status == 404 and resource.split("/")[0] in _BOOKING_RESOURCES and "/" in resource:
        raise BookingNotFound(f"QloApps has no {resource}")
    if status == 400:
        raise _rejected(what, _messages(response))
    if status >= 500:
        raise _uncertain(f"{what} answered HTTP {status}", writes)
    if status == 429:
        raise PmsUnavailable(f"QloApps throttled {what} (HTTP 429)")
    if not 200 <= status < 300:
        # 404 on a catalogue resource, 3xx to a login page...: a wrong PMS_BASE_URL, mostly.
        raise PmsError(f"QloApps answered {what} with HTTP {status}: check PMS_BASE_URL")
    try:
        body: object = response.json()
    except ValueError:
        # An HTML error page, or PHP warnings printed before the JSON.
        kind = response.headers.get("content-type", "no content type")
        raise _uncertain(
            f"{what} answered HTTP {status} with a body that is not JSON ({kind})", writes
        ) from None
    if body == []:
        # PrestaShop's JSON output turns an empty list into `[]` instead of `{"orders": []}`
        # (PrestaShop issue #10172).
        return {}
    if not isinstance(body, dict):
        raise _uncertain(f"{what} answered a JSON {type(body).__name__}, not an object", writes)
    return body


def _uncertain(cause: str, writes: bool) -> PmsError:
    if writes:
        return PmsOutcomeUnknown(f"QloApps may or may not have done it: {cause}")
    return PmsUnavailable(f"QloApps unavailable: {cause}")


def _rejected(what: str, message: str) -> PmsError:
    # The PMS's own words go to the log: "400 Bad Request" alone explains nothing. They name
    # fields, never the guest's values.
    log.warning("qloapps.refused", call=what, reason=message)
    if _NOT_AVAILABLE.search(message):
        return RoomUnavailable(f"QloApps: {message}")
    lowered = message.lower()
    for field, reason in _GUEST_FIELDS.items():
        if field in lowered:
            return InvalidStay(f"QloApps refused the guest's details: {message}", reason=reason)
    return PmsError(f"QloApps refused {what}: {message}")


def _messages(response: httpx.Response) -> str:
    """The `errors[].message` texts QloApps answers with (they name fields, not values)."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code} without a JSON error"
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return f"HTTP {response.status_code} without errors[]"
    texts = [str(e.get("message", "")) for e in errors if isinstance(e, dict)]
    # PHP 8 warnings come first as errors of their own ("[PHP Warning #2] Undefined array
    # key ..."): they are noise, and could name a field the refusal is not about.
    real = [text for text in texts if text and not text.startswith("[PHP ")]
    return "; ".join(real or texts)[:300] or f"HTTP {response.status_code}"
