"""Staff API access: off without a token, 401 for a wrong one, compared in constant time."""

from __future__ import annotations

import hmac

import pytest

from hotel_agent.errors import NotFound, Unauthorized
from hotel_agent.web.bearer import bearer_token, check_bearer_token

TOKEN = "staff-token-0123456789abcdef"


@pytest.mark.parametrize("presented", [None, "", TOKEN, "anything"])
def test_without_a_configured_token_the_api_is_off(presented: str | None) -> None:
    with pytest.raises(NotFound):
        check_bearer_token("", presented)


@pytest.mark.parametrize(
    "presented",
    [None, "", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), f" {TOKEN}", "ñandú-🔑"],
)
def test_a_missing_or_wrong_token_is_unauthorized_with_a_bearer_challenge(
    presented: str | None,
) -> None:
    with pytest.raises(Unauthorized) as refused:
        check_bearer_token(TOKEN, presented)
    assert refused.value.challenge == "Bearer"
    assert refused.value.status_code == 401


def test_the_right_token_is_accepted() -> None:
    check_bearer_token(TOKEN, TOKEN)


def test_the_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison goes through hmac.compare_digest (timing is not asserted: see the
    house rules); the spy delegates to the real function."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)

    check_bearer_token(TOKEN, TOKEN)
    with pytest.raises(Unauthorized):
        check_bearer_token(TOKEN, "staff-token-0123456789abcdeX")

    assert calls == [
        (TOKEN.encode(), TOKEN.encode()),
        (b"staff-token-0123456789abcdeX", TOKEN.encode()),
    ]


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (f"Bearer {TOKEN}", TOKEN),
        (f"bearer {TOKEN}", TOKEN),
        (f"BEARER {TOKEN}", TOKEN),
        (None, None),
        ("", None),
        ("Bearer", None),
        ("Bearer ", None),
        (f"Basic {TOKEN}", None),
        (TOKEN, None),
    ],
)
def test_the_bearer_token_is_read_from_the_authorization_header(
    header: str | None, token: str | None
) -> None:
    assert bearer_token(header) == token
