"""Security headers on every answer, and a Content-Security-Policy on the HTML pages.

Pure ASGI (see observability/middleware.py for why). Every response gets `nosniff` and a
no-referrer policy; HTML responses also get a CSP and X-Frame-Options. The web chat page loads
only its own script and stylesheet, so its policy allows nothing else; the API docs pages
(Swagger UI, ReDoc) load FastAPI's assets from a CDN with an inline bootstrap script, so they
get a policy of their own (and can be switched off: HTTP_DOCS).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CDN = "https://cdn.jsdelivr.net"
_DOCS_PATHS = ("/docs", "/redoc")


def page_policy(frame_ancestors: str) -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {frame_ancestors}"
    )


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
        self.frame_options = b"DENY" if frame_ancestors.strip() == "'none'" else None

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
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    csp = self.docs_csp if is_docs else self.page_csp
                    headers.append((b"content-security-policy", csp))
                    if self.frame_options is not None:
                        headers.append((b"x-frame-options", self.frame_options))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
