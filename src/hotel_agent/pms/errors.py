"""PMS domain errors. Adapters map every vendor failure to one of these."""

from __future__ import annotations

from hotel_agent.errors import HotelAgentError


class PmsError(HotelAgentError):
    """Base of every PMS error."""

    status_code = 502
    code = "pms_error"


class InvalidStay(PmsError):
    """The request cannot succeed as asked (dates, guests, e-mail...): nothing was sent.

    `reason` is a stable code and `params` its figures, so the dialogue can explain the
    problem in the guest's language; `detail` stays the English text for logs and APIs.
    """

    status_code = 422
    code = "invalid_stay"

    def __init__(
        self, detail: str, *, reason: str = "other", params: dict[str, object] | None = None
    ) -> None:
        super().__init__(detail)
        self.reason = reason
        self.params = params or {}


class RoomUnavailable(PmsError):
    """Fewer rooms free than asked. `room_type_id`, `asked` and `free` say which and how many,
    when the caller knows (`quote_rooms` does), so the guest can be told which room is short."""

    status_code = 409
    code = "room_unavailable"

    def __init__(
        self,
        detail: str,
        *,
        room_type_id: str | None = None,
        asked: int | None = None,
        free: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.room_type_id = room_type_id
        self.asked = asked
        self.free = free


class BookingNotFound(PmsError):
    status_code = 404
    code = "booking_not_found"


class PmsUnavailable(PmsError):
    """The PMS did not answer usefully (network, timeout, 5xx, garbage): try again later."""

    status_code = 503
    code = "pms_unavailable"


class PmsAuthError(PmsError):
    """Our credentials were refused: an operator must fix the configuration."""

    status_code = 502
    code = "pms_auth_error"


class PmsOutcomeUnknown(PmsError):
    """A write may or may not have happened (timeout or 5xx after sending it).

    Never retry blindly: look the booking up first (`Pms.find_booking_for`).
    """

    status_code = 503
    code = "pms_outcome_unknown"
