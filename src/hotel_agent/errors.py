"""One domain error tree. Its HTTP mapping lives in `http_errors.py`, so that importing an
error (the CLI, the PMS adapters) does not import the web framework."""

from __future__ import annotations


class HotelAgentError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequest(HotelAgentError):
    status_code = 400
    code = "bad_request"


class Unauthorized(HotelAgentError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, detail: str, *, challenge: str | None = None) -> None:
        super().__init__(detail)
        self.challenge = challenge  # the WWW-Authenticate scheme to answer with, if any


class Forbidden(HotelAgentError):
    status_code = 403
    code = "forbidden"


class NotFound(HotelAgentError):
    status_code = 404
    code = "not_found"


class Conflict(HotelAgentError):
    status_code = 409
    code = "conflict"


class RateLimited(HotelAgentError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(HotelAgentError):
    status_code = 503
    code = "unavailable"
