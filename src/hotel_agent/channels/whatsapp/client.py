"""The WhatsApp `Channel`: sends replies, read receipts and fetches media via the Graph API."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import httpx

from hotel_agent.channels.port import OutboundMessage, SendError, SendReceipt
from hotel_agent.channels.whatsapp.errors import MediaError, classify_error
from hotel_agent.channels.whatsapp.outbound import message_payload, read_receipt_payload


class WhatsAppCloudClient:
    """Talks to `{base_url}/{phone_number_id}/messages` for one hotel number.

    Every failure is raised as a `SendError` (see `errors.classify_error`) so the sender can
    retry what may succeed later and dead-letter the rest.
    """

    name = "whatsapp"
    reply_window_seconds: int | None = 24 * 3600

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        access_token: str,
        phone_number_id: str,
        timeout: float = 10.0,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._messages_url = f"{self._base_url}/{quote(phone_number_id, safe='')}/messages"
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._timeout = timeout

    async def send(self, recipient: str, message: OutboundMessage) -> SendReceipt:
        body = await self._post(message_payload(recipient, message))
        messages = body.get("messages") if isinstance(body, dict) else None
        first = messages[0] if isinstance(messages, list) and messages else None
        wamid = first.get("id") if isinstance(first, dict) else None
        if not isinstance(wamid, str) or not wamid:
            # A 2xx means Meta most likely accepted the message, and the Cloud API takes no
            # idempotency key: retrying could send the guest the same reply twice. Not
            # retryable, so it is dead-lettered where staff can see it; without the id, later
            # status callbacks for this message cannot be matched anyway.
            raise SendError(
                "malformed_response",
                retryable=False,
                detail=f"HTTP 2xx without messages[0].id: {_shape(body)}",
            )
        return SendReceipt(provider_message_id=wamid)

    async def mark_read(self, provider_message_id: str) -> None:
        body = await self._post(read_receipt_payload(provider_message_id))
        if not isinstance(body, dict) or body.get("success") is not True:
            raise SendError(
                "malformed_response",
                retryable=False,
                detail=f"read receipt not confirmed: {_shape(body)}",
            )

    async def download_media(self, media_id: str, *, max_bytes: int) -> tuple[bytes, str]:
        """The bytes and MIME type of a guest's media (voice note, photo...), in Meta's two
        steps: `GET /{media-id}` gives a short-lived URL, its sha256 and size; `GET {url}` (with
        the same bearer token) gives the bytes.

        Raises `SendError` when the Graph API fails, `MediaError` when it gives no download URL,
        when the media has more than `max_bytes` (announced or received), or when the bytes do
        not match the sha256 it announced.
        """
        info = _decoded(await self._request("GET", f"{self._base_url}/{quote(media_id, safe='')}"))
        url = info.get("url") if isinstance(info, dict) else None
        if not isinstance(info, dict) or not isinstance(url, str) or not url:
            raise MediaError(
                "malformed_response",
                retryable=False,
                detail=f"media {media_id} has no download url: {_shape(info)}",
            )
        announced = _int(info.get("file_size"))
        if announced is not None and announced > max_bytes:
            raise _too_large(media_id, announced, max_bytes)
        content, content_type = await self._download(media_id, url, max_bytes)
        expected = info.get("sha256")
        actual = hashlib.sha256(content).hexdigest()
        if isinstance(expected, str) and expected and actual != expected.lower():
            # Bytes damaged on the way or a stale URL; the media id stays valid for days, so
            # fetching it again can succeed.
            raise MediaError(
                "checksum_mismatch",
                retryable=True,
                detail=f"media {media_id}: sha256 {actual} does not match {expected}",
            )
        mime_type = info.get("mime_type")
        if not isinstance(mime_type, str) or not mime_type:
            mime_type = content_type or "application/octet-stream"
        return content, mime_type

    async def _download(self, media_id: str, url: str, max_bytes: int) -> tuple[bytes, str]:
        """The bytes at a media URL, read no further than `max_bytes` (the announced size is
        the sender's word; the stream is what counts)."""
        chunks: list[bytes] = []
        received = 0
        try:
            # Meta's media host asks for the same bearer token as the Graph API.
            async with self._http.stream(
                "GET", url, headers=self._headers, timeout=self._timeout
            ) as response:
                if not response.is_success:
                    await response.aread()
                    raise classify_error(response.status_code, _decoded(response))
                async for chunk in response.aiter_bytes():
                    received += len(chunk)
                    if received > max_bytes:
                        raise _too_large(media_id, received, max_bytes)
                    chunks.append(chunk)
                content_type = response.headers.get("content-type", "")
        except httpx.TransportError as exc:
            raise classify_error(None, f"{type(exc).__name__}: {exc}") from exc
        return b"".join(chunks), content_type

    async def _post(self, payload: dict[str, object]) -> object:
        return _decoded(await self._request("POST", self._messages_url, payload))

    async def _request(
        self, method: str, url: str, json: dict[str, object] | None = None
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method, url, json=json, headers=self._headers, timeout=self._timeout
            )
        except httpx.TransportError as exc:
            raise classify_error(None, f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise classify_error(response.status_code, _decoded(response))
        return response


def _decoded(response: httpx.Response) -> object:
    """The JSON body, or its text when it is not JSON (an HTML page from a proxy, say)."""
    try:
        decoded: object = response.json()
    except ValueError:
        return response.text
    return decoded


def _too_large(media_id: str, size: int, max_bytes: int) -> MediaError:
    return MediaError(
        "too_large",
        retryable=False,
        detail=f"media {media_id}: more than {max_bytes} bytes ({size} or more)",
    )


def _int(value: object) -> int | None:
    """Graph sends `file_size` as a string of digits; anything else counts as not announced."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _shape(body: object) -> str:
    # Only the shape: the body can echo the guest's number, which must not reach logs.
    if isinstance(body, dict):
        return f"an object with keys {sorted(map(str, body))}"
    return "a body that is not JSON" if isinstance(body, str) else f"a JSON {type(body).__name__}"
