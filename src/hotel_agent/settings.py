"""One settings object, read once from the environment (and an optional `.env` file).

Env names keep the ones a hotel operator of the original plan already uses
(`WHATSAPP_VERIFY_TOKEN`, `DATABASE_URL`, `REDIS_URL`, ...). Defaults run everything on one
machine with nothing installed: a SQLite file, in-process queue, cache and rate limits.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

GRAPH_API_VERSION = "v23.0"
DEFAULT_GRAPH_BASE_URL = f"https://graph.facebook.com/{GRAPH_API_VERSION}"

# Values that mean "nobody configured this": refused in production.
_PLACEHOLDERS = {"", "changeme", "change-me", "placeholder", "secret", "test", "dev", "xxx"}


def _is_placeholder(value: str) -> bool:
    """A known placeholder, or one of the `change-me-…` values deploy/compose/.env.example
    ships (long enough to pass a length check: a stack started from an unedited copy must
    not run in production)."""
    value = value.strip().lower()
    return value in _PLACEHOLDERS or value.startswith(("change-me", "changeme"))


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


# An origin as CSP frame-ancestors takes it: scheme, host (a leading "*." allowed), port.
_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def split_list(value: str) -> list[str]:
    """A comma-separated setting as its items, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def _group_config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=prefix, env_file=".env", extra="ignore", populate_by_name=True
    )


class DatabaseSettings(BaseSettings):
    model_config = _group_config("DB_")

    url: str = Field(
        default="",
        validation_alias=AliasChoices("DATABASE_URL", "POSTGRES_URL", "DB_URL"),
        description="SQLAlchemy URL; empty means a SQLite file under DATA_DIR.",
    )
    # Connections per process (PostgreSQL).
    pool_size: int = Field(default=10, ge=1)
    # Log every SQL statement (debugging only: statements carry guest data).
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return normalize_database_url(value) if value else value


class RedisSettings(BaseSettings):
    model_config = _group_config("REDIS_")

    # Shared rate limits and PMS cache across processes; unset: per process.
    url: str | None = Field(default=None, validation_alias=AliasChoices("REDIS_URL"))


class WhatsAppSettings(BaseSettings):
    model_config = _group_config("WHATSAPP_")

    # The token you type in Meta's webhook form; Meta echoes it when it registers the webhook.
    verify_token: str = ""
    # The Meta app's secret: deliveries are signed with it; without it the webhook is off.
    app_secret: str = ""
    # Bearer token for sending (a permanent System User token in production).
    access_token: str = ""
    # The id of the hotel's WhatsApp number (not the number itself).
    phone_number_id: str = ""
    # Graph API base URL; point it at a test server in tests.
    api_base_url: str = DEFAULT_GRAPH_BASE_URL
    # Seconds per Graph API call.
    timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def enabled(self) -> bool:
        return bool(self.app_secret)


class HotelSettings(BaseSettings):
    """The hotel served when one hotel is configured by settings."""

    model_config = _group_config("HOTEL_")

    # Short identifier of the hotel in the database.
    slug: str = "demo"
    name: str = "Hotel Mirador del Puerto"  # the embedded PMS simulator's demo hotel
    # The hotel's time zone: relative dates ("tomorrow") are read in it.
    timezone: str = "Europe/Madrid"
    # Language of messages that show none (`es` or `en`).
    default_language: str = "es"
    # The hotel's FAQ answers and room-type synonyms (YAML, both languages); default: the
    # demo hotel's file shipped in hotel_agent/knowledge/data/.
    knowledge_file: Path | None = None


class QueueSettings(BaseSettings):
    model_config = _group_config("QUEUE_")

    # How long a worker holds a claimed message before another may take it over.
    lease_seconds: float = Field(default=60.0, gt=0)
    # How often idle workers look for work when no wake-up arrives.
    poll_interval_seconds: float = Field(default=0.5, gt=0)
    # Turns tried this many times before the message is dead-lettered.
    max_inbound_attempts: int = Field(default=5, ge=1)
    # Sends are retried with capped, jittered backoff (per row: base doubling up to
    # retry_max_seconds) for as long as send_retry_hours after the row was queued (global
    # budget): provider outages last hours, and WhatsApp's reply window is 24 h anyway.
    # max_send_attempts is only a safety valve against a row that fails instantly forever.
    max_send_attempts: int = Field(default=1000, ge=1)
    # Retry budget of a failing send, from when it was queued.
    send_retry_hours: float = Field(default=24.0, gt=0)
    # First retry delay of a failing send (doubles each time).
    retry_base_seconds: float = Field(default=1.0, gt=0)
    # Cap of the retry delay.
    retry_max_seconds: float = Field(default=300.0, gt=0)
    in_process_worker: bool | None = Field(
        default=None,
        description="Run worker and sender inside `serve`; default: yes on SQLite, no otherwise.",
    )


class WebChatSettings(BaseSettings):
    model_config = _group_config("WEBCHAT_")

    # Web chat messages per client address.
    rate_limit_per_client: str = "120/minute"
    # Web chat messages per chat session.
    rate_limit_per_session: str = "30/minute"
    # Open chat pages poll every few seconds, and guests behind one hotel NAT share an address.
    rate_limit_poll_per_client: str = "600/minute"
    # Longest a web chat request waits for the reply (`?wait=`).
    max_wait_seconds: float = Field(default=30.0, gt=0)
    # Longest web chat message accepted.
    max_text_chars: int = Field(default=4096, ge=1)
    # The hotel sites (origins, comma-separated: "https://www.example-hotel.com") that may show
    # the chat widget, i.e. frame /embed (its CSP frame-ancestors). Empty: only this server's
    # own pages. Other pages keep HTTP_FRAME_ANCESTORS.
    embed_origins: str = ""
    # The hotel's colour for the header, the guest's bubbles and the widget button (#rrggbb).
    accent_color: str = "#0b6e69"
    # The hotel's logo in the chat header: an https:// address or a path on this server.
    logo_url: str = ""
    # First words of the chat before anyone writes, in Spanish; empty: a built-in one.
    greeting_es: str = ""
    # The same in English.
    greeting_en: str = ""

    @field_validator("embed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in split_list(value):
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: scheme://host[:port], e.g. "
                    "https://www.example-hotel.com (no path, no quotes)"
                )
        return value

    @field_validator("accent_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not _COLOUR.fullmatch(value):
            raise ValueError("a colour as #rrggbb, e.g. #0b6e69")
        return value.lower()

    @field_validator("logo_url")
    @classmethod
    def _logo(cls, value: str) -> str:
        if value and not (value.startswith("https://") or value.startswith("/")):
            raise ValueError("an https:// address or a path on this server (/static/...)")
        if any(c in value for c in " \"'<>;"):
            raise ValueError("the logo address has characters no URL needs")
        return value

    def embed_origin_list(self) -> list[str]:
        return split_list(self.embed_origins)


class StaffSettings(BaseSettings):
    """Staff access: the console at /staff/ (accounts: `hotel-agent staff create-user`), an
    API behind a bearer token for integrations, and alerts."""

    model_config = _group_config("STAFF_")

    # No token configured = the staff API is off (its routes answer 404).
    api_token: str = ""
    # The one hotel (its id) the staff API sees and acts on; unset: every hotel.
    api_hotel: int | None = Field(default=None, ge=1)
    # Each handoff, and each guest writing again to staff, is POSTed here as JSON (e.g. a
    # chat-ops incoming webhook); empty = no hook.
    alert_webhook_url: str = ""
    # Seconds per alert webhook call.
    alert_timeout_seconds: float = Field(default=5.0, gt=0)
    # Addresses (comma-separated) e-mailed on each handoff and when a guest writes again to
    # staff; sent through SMTP_HOST (the outbox retries them). Empty: no e-mails.
    alert_emails: str = ""
    # Hours a console login lasts.
    session_hours: float = Field(default=12.0, gt=0)
    # The console's session cookie is Secure (sent over HTTPS only). Default (None): when the
    # request came over HTTPS (directly, or through a proxy in HTTP_TRUSTED_PROXIES), and
    # always in production.
    secure_cookie: bool | None = None
    # Wrong passwords in a row before an account is locked.
    login_max_failures: int = Field(default=5, ge=1)
    # The first lockout's length in seconds; each further wrong password doubles it.
    login_lockout_seconds: float = Field(default=60.0, gt=0)
    # The longest lockout, in seconds.
    login_lockout_max_seconds: float = Field(default=3600.0, gt=0)
    # Login attempts per client address (whatever the account), e.g. "20/minute".
    login_rate_limit_per_client: str = "20/minute"

    @field_validator("alert_emails")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for address in split_list(value):
            if "@" not in address or len(address) > 128 or any(c in address for c in " <>"):
                raise ValueError(f"{address!r} is not an e-mail address")
        return value

    def alert_email_list(self) -> list[str]:
        return split_list(self.alert_emails)


class LlmSettings(BaseSettings):
    """An optional OpenAI-compatible language model; off unless LLM_BASE_URL is set."""

    model_config = _group_config("LLM_")

    # OpenAI-compatible API base URL; unset: no model.
    base_url: str = ""
    # Bearer key of that API.
    api_key: str = ""
    # Model name sent to that API.
    model: str = "gpt-4o-mini"
    # Seconds per model call; the agent carries on without the model after that.
    timeout_seconds: float = Field(default=8.0, gt=0)
    # Below this intent confidence the model is asked to classify the message.
    min_confidence: float = Field(default=0.55, ge=0, le=1)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class SpeechToTextSettings(BaseSettings):
    """Speech-to-text of guests' voice notes; off unless STT_BASE_URL is set.

    Any OpenAI-compatible `/audio/transcriptions` API (OpenAI, a self-hosted Whisper server...).
    While it is off, guests who send a voice note are asked to write instead, and staff still
    see that a voice note came in."""

    model_config = _group_config("STT_")

    # The API's base URL, with its version ("https://api.openai.com/v1"); unset: no
    # speech-to-text.
    base_url: str = ""
    # Bearer key of that API.
    api_key: str = ""
    # Model name sent to that API.
    model: str = "whisper-1"
    # Seconds per transcription, retries included; the guest is asked to write after that.
    # With twice WHATSAPP_TIMEOUT_SECONDS (the download) it must stay below QUEUE_LEASE_SECONDS.
    timeout_seconds: float = Field(default=30.0, gt=0)
    # Extra attempts after a network error, 429 or 5xx (with the SDK's backoff).
    max_retries: int = Field(default=1, ge=0)
    # Longest voice note downloaded and transcribed, in bytes (WhatsApp allows 16 MB of
    # audio; OpenAI takes up to 25 MB).
    max_audio_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


class SmtpTls(StrEnum):
    NONE = "none"  # plain text: only to a relay on this machine in production
    STARTTLS = "starttls"  # connect in plain text, then upgrade (port 587)
    TLS = "tls"  # TLS from the first byte (port 465)


class SmtpSettings(BaseSettings):
    """Booking e-mails: off, and never promised to guests, until SMTP_HOST is set."""

    model_config = _group_config("SMTP_")

    # The mail server (the hotel's, or a provider's relay); empty: no e-mails.
    host: str = ""
    # 587 for STARTTLS, 465 for TLS, 25 for a plain relay.
    port: int = Field(default=587, ge=1, le=65535)
    # Login name, when the server asks for one.
    username: str = ""
    # Its password (from the environment or a secret store, never in the image).
    password: str = ""
    # The From address of the e-mails; the hotel's name is shown as its display name.
    sender: str = Field(default="", validation_alias=AliasChoices("SMTP_FROM"))
    # How the connection is encrypted. `none` sends the password and the guests' e-mails in
    # plain text: production refuses it unless SMTP_HOST is this machine (a local relay).
    tls: SmtpTls = SmtpTls.STARTTLS
    # A PEM file of the CA certificates to trust for the mail server's certificate, instead of
    # the system's (a relay with a private CA or a self-signed certificate). Certificates are
    # always verified.
    ca_file: str = ""
    # Seconds per connection and per SMTP command.
    timeout_seconds: float = Field(default=15.0, gt=0)

    @field_validator("ca_file")
    @classmethod
    def _readable(cls, value: str) -> str:
        if value and not Path(value).is_file():
            raise ValueError(f"SMTP_CA_FILE {value!r} is not a file")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @model_validator(mode="after")
    def _needs_a_sender(self) -> SmtpSettings:
        if self.host and "@" not in self.sender:
            raise ValueError("SMTP_FROM (an e-mail address) is required when SMTP_HOST is set")
        return self


class ImapSettings(BaseSettings):
    """The e-mail channel (README: "The e-mail channel"): guests' e-mails read from this
    mailbox and answered through SMTP. Off until IMAP_HOST is set (SMTP_HOST is then needed
    too: it sends the replies)."""

    model_config = _group_config("IMAP_")

    # The mailbox server; empty: no e-mail channel.
    host: str = ""
    # 993 for TLS, 143 for STARTTLS or plain.
    port: int = Field(default=993, ge=1, le=65535)
    # The mailbox's login name (usually its address).
    username: str = ""
    # Its password (from the environment or a secret store, never in the image).
    password: str = ""
    # How the connection is encrypted. `none` sends the password and the guests' e-mails in
    # plain text: production refuses it unless IMAP_HOST is this machine.
    tls: SmtpTls = SmtpTls.TLS
    # A PEM file of the CA certificates to trust instead of the system's. Always verified.
    ca_file: str = ""
    # The folder the guests' e-mails arrive in.
    folder: str = "INBOX"
    # Seconds between looks at the folder when the server has no IDLE; with IDLE, the longest
    # one IDLE lasts before the folder is looked at again anyway.
    poll_seconds: float = Field(default=60.0, gt=0)
    # Seconds per connection and per IMAP command.
    timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("ca_file")
    @classmethod
    def _readable(cls, value: str) -> str:
        if value and not Path(value).is_file():
            raise ValueError(f"IMAP_CA_FILE {value!r} is not a file")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.host)


class ChatwootSettings(BaseSettings):
    """The Chatwoot connector (docs/chatwoot.md), off until its URL and two tokens are set.

    The agent answers a Chatwoot inbox as its Agent Bot until it hands over; then Chatwoot's
    agents reply there. CHATWOOT_BASE_URL, CHATWOOT_BOT_TOKEN and CHATWOOT_WEBHOOK_TOKEN go
    together."""

    model_config = _group_config("CHATWOOT_")

    # Chatwoot's address, as its agents open it ("https://chat.example-hotel.com").
    base_url: str = ""
    # The Agent Bot's access token (Settings → Bots in Chatwoot): sent as `api_access_token`.
    bot_token: str = ""
    # The secret in the bot's webhook URL (`/webhooks/chatwoot/<token>`): a long random string.
    webhook_token: str = ""
    # Only events of this Chatwoot account are answered; unset: the account each event names.
    account_id: int | None = Field(default=None, ge=1)
    # Seconds per Chatwoot API call.
    timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError("CHATWOOT_BASE_URL must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _all_or_nothing(self) -> ChatwootSettings:
        given = [bool(self.base_url), bool(self.bot_token), bool(self.webhook_token)]
        if any(given) and not all(given):
            raise ValueError(
                "the Chatwoot connector needs CHATWOOT_BASE_URL, CHATWOOT_BOT_TOKEN and "
                "CHATWOOT_WEBHOOK_TOKEN together"
            )
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.bot_token and self.webhook_token)


class HttpSettings(BaseSettings):
    """What the HTTP side exposes and whom it believes (README: "Exposing the service")."""

    model_config = _group_config("HTTP_")

    # Addresses (IPs or CIDRs, comma-separated) of the reverse proxies whose X-Forwarded-For
    # and X-Forwarded-Proto are believed. Empty (the default): nobody's, so a client cannot
    # pick the address its rate limits are counted under. Set it to your proxy's address
    # (127.0.0.1 for nginx on the same host) when there is one.
    trusted_proxies: str = ""
    # /docs, /redoc and /openapi.json. Default (None): on, except in production.
    docs: bool | None = None
    # Bearer token /metrics requires. Empty: /metrics is open, except in production where it
    # is off (404) until a token is set.
    metrics_token: str = ""
    # Who may frame the HTML pages (CSP frame-ancestors): "'none'", or the hotel's site
    # ("https://www.example-hotel.com") to embed the web chat in an iframe.
    frame_ancestors: str = "'none'"
    # How long `/health/ready` waits for all its checks together (they run at once); a check
    # still unanswered then is reported as timed out, by name, with a 503. Keep it under the
    # orchestrator's probe timeout (Kubernetes: 1 s by default).
    ready_budget_seconds: float = Field(default=0.8, gt=0, le=30)

    def trusted_proxy_list(self) -> list[str]:
        return split_list(self.trusted_proxies)


class RetentionSettings(BaseSettings):
    """How long guests' data is kept (docs/privacy.md); 0 keeps it forever."""

    model_config = _group_config("RETENTION_")

    # Transcript messages older than this are deleted, and the details the dialogue collected
    # (name, e-mail) cleared from conversations idle as long; dead letters too.
    messages_days: int = Field(default=365, ge=0)
    # Raw payloads of guest messages already handled (the transcript keeps the text).
    inbox_days: int = Field(default=30, ge=0)
    # Workers (and `serve` on SQLite) run the job this often; `hotel-agent retention run` runs
    # it once.
    interval_hours: float = Field(default=24.0, gt=0)
    # Off: only `hotel-agent retention run` (from cron, say) removes old data.
    periodic: bool = True


class ProactiveSettings(BaseSettings):
    """Messages the agent sends unprompted: pre-arrival information and the post-stay thanks
    with the review link (docs/whatsapp-templates.md). Only to WhatsApp guests who said yes
    when asked after booking; "stop" or "baja" ends them."""

    model_config = _group_config("PROACTIVE_")

    # Off: guests are not asked and nothing is scheduled (rows already scheduled wait).
    enabled: bool = False
    # The pre-arrival message goes this many days before check-in (sooner when booked later).
    pre_arrival_days: int = Field(default=2, ge=0, le=30)
    # Hour of the day, in the hotel's time zone, of the pre-arrival message.
    pre_arrival_hour: int = Field(default=10, ge=0, le=23)
    # Hour of the check-out day, in the hotel's time zone, of the post-stay thanks.
    post_stay_hour: int = Field(default=18, ge=0, le=23)
    # Workers look for bookings to ask about and messages due this often.
    poll_seconds: float = Field(default=60.0, gt=0)


class PmsType(StrEnum):
    SIMULATOR = "simulator"
    QLOAPPS = "qloapps"


class PmsSettings(BaseSettings):
    model_config = _group_config("PMS_")

    # Which PMS: the embedded simulator (a demo hotel in the app's database) or QloApps.
    type: PmsType = PmsType.SIMULATOR
    # QloApps: the shop's address (`https://hotel.example`, with or without `/api`).
    base_url: str = ""
    # QloApps webservice key (permissions: docs/qloapps.md).
    api_key: str = ""
    # QloApps hotel id.
    hotel_id: int = Field(default=1, ge=1)
    timeout: float = Field(default=10.0, gt=0, description="Seconds per PMS call")
    # Longest stay the agent books.
    max_stay_nights: int = Field(default=30, ge=1)
    # How far ahead the agent books.
    booking_horizon_days: int = Field(default=365, ge=1)
    # Most rooms in one booking.
    max_rooms_per_booking: int = Field(default=5, ge=1)
    read_retries: int = Field(default=2, ge=0, description="Extra attempts for reads only")
    breaker_failures: int = Field(default=5, ge=1, description="Failures that open the breaker")
    # Window in which the breaker counts failures.
    breaker_window_seconds: float = Field(default=60.0, gt=0)
    # Time an open breaker waits before trying the PMS again.
    breaker_recovery_seconds: float = Field(default=30.0, gt=0)
    # Cache lifetime of room types.
    room_types_ttl_seconds: float = Field(default=3600.0, gt=0)
    # Cache lifetime of an availability answer.
    availability_ttl_seconds: float = Field(default=60.0, gt=0)
    stale_ttl_seconds: float = Field(
        default=6 * 3600.0, gt=0, description="How long cached answers may serve when PMS is down"
    )
    # How old the PMS check that `/health/ready` and the console show may be: an older one is
    # refreshed by one call in the background, never by a call per probe. An open breaker
    # fails the check at once, without a call.
    health_max_age_seconds: float = Field(default=15.0, ge=0)
    # Include the PMS in `/health/ready`.
    check_in_readiness: bool = Field(
        default=False, validation_alias=AliasChoices("CHECK_PMS_IN_READINESS")
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # `production` refuses placeholder secrets, DEBUG and plain-text mail to another machine,
    # hides /docs and closes /metrics without a token.
    environment: Environment = Environment.DEVELOPMENT
    # FastAPI debug pages (tracebacks in answers); never in production.
    debug: bool = False
    # Writable directory for the SQLite file and the trained NLU models.
    data_dir: Path = Path("data")
    # DEBUG, INFO, WARNING or ERROR.
    log_level: str = "INFO"
    log_json: bool | None = Field(
        default=None,
        description="JSON log lines; default: JSON when stdout is not a terminal, readable on one.",
    )
    # Larger requests are answered 413 before they are read.
    max_body_bytes: int = Field(default=3 * 1024 * 1024, ge=1024)

    db: DatabaseSettings = Field(default_factory=DatabaseSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings)
    hotel: HotelSettings = Field(default_factory=HotelSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    webchat: WebChatSettings = Field(default_factory=WebChatSettings)
    pms: PmsSettings = Field(default_factory=PmsSettings)
    staff: StaffSettings = Field(default_factory=StaffSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    stt: SpeechToTextSettings = Field(default_factory=SpeechToTextSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    imap: ImapSettings = Field(default_factory=ImapSettings)
    chatwoot: ChatwootSettings = Field(default_factory=ChatwootSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    proactive: ProactiveSettings = Field(default_factory=ProactiveSettings)

    @property
    def database_url(self) -> str:
        if self.db.url:
            return self.db.url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hotel_agent.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def runs_worker_in_process(self) -> bool:
        if self.queue.in_process_worker is not None:
            return self.queue.in_process_worker
        return self.is_sqlite

    @property
    def docs_enabled(self) -> bool:
        if self.http.docs is not None:
            return self.http.docs
        return self.environment is not Environment.PRODUCTION

    @property
    def metrics_open(self) -> bool:
        """/metrics without a token: only outside production, and only when none is set."""
        return not self.http.metrics_token and self.environment is not Environment.PRODUCTION

    @model_validator(mode="after")
    def _email_channel_needs_smtp(self) -> Settings:
        if self.imap.enabled and not self.smtp.enabled:
            raise ValueError("IMAP_HOST needs SMTP_HOST too: the e-mail channel replies by SMTP")
        return self

    @model_validator(mode="after")
    def _voice_notes_fit_in_a_lease(self) -> Settings:
        # A voice note is fetched (two Graph calls) and transcribed while the worker holds the
        # turn's lease; a lease that ran out would let another worker transcribe it again.
        if self.stt.enabled:
            needed = self.stt.timeout_seconds + 2 * self.whatsapp.timeout_seconds
            if needed >= self.queue.lease_seconds:
                raise ValueError(
                    f"STT_TIMEOUT_SECONDS + 2 x WHATSAPP_TIMEOUT_SECONDS ({needed:g} s) must stay "
                    f"below QUEUE_LEASE_SECONDS ({self.queue.lease_seconds:g} s): a voice note "
                    "is fetched and transcribed while its turn is held"
                )
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment is not Environment.PRODUCTION:
            return self
        problems: list[str] = []
        if self.debug:
            problems.append("DEBUG must be off")
        secrets = {
            "WHATSAPP_APP_SECRET": self.whatsapp.app_secret,
            "WHATSAPP_VERIFY_TOKEN": self.whatsapp.verify_token,
            "WHATSAPP_ACCESS_TOKEN": self.whatsapp.access_token,
        }
        for name, value in secrets.items():
            if _is_placeholder(value) or len(value) < 8:
                problems.append(f"{name} is missing or a placeholder")
        if self.staff.api_token and (
            _is_placeholder(self.staff.api_token) or len(self.staff.api_token) < 16
        ):
            problems.append("STAFF_API_TOKEN is a placeholder or shorter than 16 characters")
        if self.http.metrics_token and (
            _is_placeholder(self.http.metrics_token) or len(self.http.metrics_token) < 16
        ):
            problems.append("HTTP_METRICS_TOKEN is a placeholder or shorter than 16 characters")
        if self.chatwoot.enabled and (
            _is_placeholder(self.chatwoot.webhook_token) or len(self.chatwoot.webhook_token) < 16
        ):
            problems.append("CHATWOOT_WEBHOOK_TOKEN is a placeholder or shorter than 16 characters")
        if self.pms.type is PmsType.QLOAPPS and (
            not self.pms.base_url or _is_placeholder(self.pms.api_key)
        ):
            problems.append("PMS_BASE_URL and PMS_API_KEY are required for QloApps")
        for name, mail in (("SMTP", self.smtp), ("IMAP", self.imap)):
            if mail.enabled and mail.tls is SmtpTls.NONE and not is_loopback_host(mail.host):
                # The mailbox password and the guests' e-mails would cross the network in
                # plain text; a relay on this machine (a sidecar) carries them only locally.
                problems.append(
                    f"{name}_TLS=none sends mail to {mail.host} unencrypted: set {name}_TLS="
                    f"starttls or tls, or relay through a server on this machine "
                    f"({name}_HOST=127.0.0.1)"
                )
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self


def is_loopback_host(host: str) -> bool:
    """`localhost` or a loopback address: traffic to it never leaves this machine."""
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_database_url(url: str) -> str:
    """Map the URLs operators write (`postgresql://`, `sqlite:///`) to the async drivers."""
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
