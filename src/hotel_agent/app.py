"""The FastAPI application factory. Nothing is built at import time: the lifespan does it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from hotel_agent import __version__
from hotel_agent.event_loop import freeze_startup_objects
from hotel_agent.observability.logging import configure_logging
from hotel_agent.runtime import Runtime
from hotel_agent.settings import Settings, get_settings
from hotel_agent.web.chatwoot import router as chatwoot_router
from hotel_agent.web.console.knowledge import router as knowledge_router
from hotel_agent.web.console.proactive import router as proactive_router
from hotel_agent.web.console.routes import router as console_router
from hotel_agent.web.console.routes import static_files as console_static_files
from hotel_agent.web.errors import install_error_handlers
from hotel_agent.web.health import router as health_router
from hotel_agent.web.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from hotel_agent.web.security import SecurityHeadersMiddleware
from hotel_agent.web.staff import router as staff_router
from hotel_agent.web.webchat import router as webchat_router
from hotel_agent.web.webchat_page import router as webchat_page_router
from hotel_agent.web.webchat_page import static_files
from hotel_agent.web.whatsapp import router as whatsapp_router


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """Build the app. Pass `runtime` to share one with a caller (tests, benchmarks)."""
    settings = settings or (runtime.settings if runtime else get_settings())
    configure_logging(settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        rt = runtime or Runtime.build(settings)
        if own:
            await rt.load_hotels()
            if settings.runs_worker_in_process:
                rt.start_background()
            freeze_startup_objects()
        app.state.runtime = rt
        try:
            yield
        finally:
            if own:
                await rt.close()

    docs = settings.docs_enabled
    app = FastAPI(
        title="Agente Hotelero",
        version=__version__,
        description="AI receptionist for hotels: WhatsApp and web chat webhooks, health, metrics.",
        lifespan=lifespan,
        debug=settings.debug,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(whatsapp_router)
    app.include_router(chatwoot_router)
    app.include_router(webchat_router)
    app.include_router(webchat_page_router)
    app.include_router(staff_router)
    app.include_router(console_router)
    app.include_router(knowledge_router)
    app.include_router(proactive_router)
    app.mount("/static/webchat", static_files(), name="webchat-static")
    app.mount("/static/console", console_static_files(), name="console-static")
    # Outermost first: the request id and timing cover the size check too.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, frame_ancestors=settings.http.frame_ancestors)
    app.add_middleware(RequestContextMiddleware)
    trusted = settings.http.trusted_proxy_list()
    if trusted:
        # Here rather than uvicorn's proxy_headers, so the setting holds however the app is
        # served; outermost, so the rate limits and logs see the client's address.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    return app
