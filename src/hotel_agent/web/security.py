"""Security headers on every answer, and a Content-Security-Policy on the HTML pages.

Pure ASGI (see observability/middleware.py for why). Every response gets `nosniff` and a
no-referrer policy; HTML responses also get a CSP and X-Frame-Options, unless the route set a
policy of its own (the web chat pages: who may frame them, where the hotel's logo comes from).
The web chat page loads only its own script and stylesheet, so its policy allows little else;
the API docs pages
(Swagger UI, ReDoc) load FastAPI's assets from a CDN with an inline bootstrap script, so they
get a policy of their own (and can be switched off: HTTP_DOCS).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CDN = "https://cdn.jsdelivr.net"
_DOCS_PATHS = ("/docs", "/redoc")


def page_policy(frame_ancestors: str, img_sources: tuple[str, ...] = ()) -> str:
    images = " ".join(("'self'", "data:", *img_sources))
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {frame_ancestors}"
    )


def page_headers(frame_ancestors: str, img_sources: tuple[str, ...] = ()) -> dict[str, str]:
    """The CSP of a page that says itself who may frame it (and X-Frame-Options when nobody
    may, for browsers without frame-ancestors: it cannot name a site)."""
    headers = {"Content-Security-Policy": page_policy(frame_ancestors, img_sources)}
    if _framed_by_nobody(frame_ancestors):
        headers["X-Frame-Options"] = "DENY"
    return headers


def _framed_by_nobody(frame_ancestors: str) -> bool:
    return frame_ancestors.strip() == "'none'"


def docs_policy(frame_ancestors: str) -> str:
    return (
        f"default-src 'self'; script-src 'self' 'unsafe-inline' {_CDN}; "
        f"style-src 'self' 'unsafe-inline' {_CDN} https://fonts.googleapis.com; "
        "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https:; "
        f"worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, frame_ancestors: str = "'none'") -> None:
        self.app = app
        self.page_csp = page_policy(frame_ancestors).encode()
        self.docs_csp = docs_policy(frame_ancestors).encode()
        # X-Frame-Options for browsers without frame-ancestors; it cannot name a site.
        self.frame_options = b"DENY" if _framed_by_nobody(frame_ancestors) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = str(scope.get("path", "")).startswith(_DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                given = dict(headers)
                content_type = given.get(b"content-type", b"")
                if content_type.startswith(b"text/html") and (
                    b"content-security-policy" not in given
                ):
                    csp = self.docs_csp if is_docs else self.page_csp
                    headers.append((b"content-security-policy", csp))
                    if self.frame_options is not None:
                        headers.append((b"x-frame-options", self.frame_options))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
