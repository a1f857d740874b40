"""Prometheus metrics: defined once here, updated where the work happens."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUEST_SECONDS = Histogram(
    "hotel_agent_http_request_duration_seconds",
    "HTTP request latency by route template, method and status code.",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
INBOUND_MESSAGES = Counter(
    "hotel_agent_inbound_messages_total",
    "Inbound guest messages by channel, type and outcome (stored, duplicate, ignored, rejected).",
    ["channel", "type", "outcome"],
)
OUTBOUND_MESSAGES = Counter(
    "hotel_agent_outbound_messages_total",
    "Outbound sends by channel and outcome (sent, retry, dead).",
    ["channel", "outcome"],
)
DELIVERY_STATUS_UPDATES = Counter(
    "hotel_agent_delivery_status_updates_total",
    "Delivery status callbacks by channel and status.",
    ["channel", "status"],
)
DEAD_LETTERS = Counter(
    "hotel_agent_dead_letters_total",
    "Work given up on, by source, channel and reason.",
    ["source", "channel", "reason"],
)
TURNS = Counter(
    "hotel_agent_turns_total",
    "Dialogue turns by outcome (replied, staff_owned, failed, lease_lost).",
    ["outcome"],
)
HANDOFFS = Counter(
    "hotel_agent_handoffs_total",
    "Conversations handed to staff, by reason (the engine's, or staff_takeover).",
    ["reason"],
)
TURN_SECONDS = Histogram(
    "hotel_agent_turn_duration_seconds",
    "Time to run one dialogue turn, from claim to commit.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUE_DEPTH = Gauge(
    "hotel_agent_queue_depth",
    "Items waiting or in progress, by queue (inbox, outbox).",
    ["queue"],
)
QUEUE_OLDEST_AGE = Gauge(
    "hotel_agent_queue_oldest_age_seconds",
    "Age of the oldest unfinished item, by queue (0 when empty).",
    ["queue"],
)
DEAD_LETTER_ROWS = Gauge(
    "hotel_agent_dead_letter_rows",
    "Dead letters stored in the database.",
)
RATE_LIMITED = Counter(
    "hotel_agent_rate_limited_total",
    "Requests refused by a rate limit, by limit name.",
    ["limit"],
)
PMS_CALLS = Counter(
    "hotel_agent_pms_calls_total",
    "PMS call attempts by operation and outcome (ok, domain_error, unavailable, "
    "outcome_unknown, auth_error, rejected_open_breaker, cancelled, error).",
    ["operation", "outcome"],
)
PMS_CALL_SECONDS = Histogram(
    "hotel_agent_pms_call_duration_seconds",
    "PMS call latency by operation (each attempt).",
    ["operation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PMS_BREAKER_STATE = Gauge(
    "hotel_agent_pms_breaker_state",
    "PMS circuit breaker state: 0 closed, 1 half-open, 2 open.",
)
PMS_CACHE = Counter(
    "hotel_agent_pms_cache_total",
    "PMS cache look-ups by kind (room_types, availability) and result (hit, miss, stale).",
    ["kind", "result"],
)
LLM_CALLS = Counter(
    "hotel_agent_llm_calls_total",
    "Language model calls by operation and outcome (ok, no_answer, invalid_output, truncated, "
    "empty_response, malformed_response, timeout, connection_error, rate_limited, "
    "server_error, auth_error, client_error, cancelled, error).",
    ["operation", "outcome"],
)
LLM_SECONDS = Histogram(
    "hotel_agent_llm_seconds",
    "Language model call latency by operation, failures included.",
    ["operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30),
)
STT_CALLS = Counter(
    "hotel_agent_stt_calls_total",
    "Speech-to-text calls by outcome (ok, silent, malformed_response, timeout, "
    "connection_error, rate_limited, server_error, auth_error, client_error, cancelled, error).",
    ["outcome"],
)
STT_SECONDS = Histogram(
    "hotel_agent_stt_seconds",
    "Speech-to-text call latency, failures included.",
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60),
)
VOICE_NOTES = Counter(
    "hotel_agent_voice_notes_total",
    "Guests' voice notes by what became of them (transcribed, not_configured, too_large, "
    "download_failed, transcription_failed, silent).",
    ["outcome"],
)
