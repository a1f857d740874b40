import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotel_agent.channels.whatsapp.signature import sign, verify_signature

SECRET = "app-secret-for-tests"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


def test_sign_is_the_hmac_sha256_header_meta_sends() -> None:
    digest = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, BODY) == f"sha256={digest}"


def test_a_correct_signature_verifies() -> None:
    assert verify_signature(SECRET, BODY, sign(SECRET, BODY))


def test_uppercase_hex_is_the_same_signature() -> None:
    header = sign(SECRET, BODY)

    assert verify_signature(SECRET, BODY, "sha256=" + header.removeprefix("sha256=").upper())


def test_a_signature_of_other_bytes_is_rejected() -> None:
    assert not verify_signature(SECRET, BODY, sign(SECRET, BODY + b" "))


def test_a_signature_made_with_another_secret_is_rejected() -> None:
    assert not verify_signature(SECRET, BODY, sign("another-secret", BODY))


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_signature_is_rejected(header: str | None) -> None:
    assert not verify_signature(SECRET, BODY, header)


@pytest.mark.parametrize(
    "header",
    [
        "sha256=",
        "sha256=abc",
        "sha1=" + hashlib.sha1(BODY).hexdigest(),  # noqa: S324 - the old header, must not pass
        "md5=" + "0" * 64,
        "sha256:" + "0" * 64,
        " sha256=" + "0" * 64,
        "sha256=" + "z" * 64,
        "sha256=" + "0" * 63 + "é",
        "sha256=" + "0" * 65,
        "test",
        "sha256=test",
    ],
)
def test_a_malformed_header_is_rejected(header: str) -> None:
    assert not verify_signature(SECRET, BODY, header)


def test_an_empty_secret_verifies_nothing_even_its_own_signature() -> None:
    assert not verify_signature("", BODY, sign("", BODY))


@given(secret=st.text(min_size=1), body=st.binary())
def test_sign_then_verify_round_trips(secret: str, body: bytes) -> None:
    assert verify_signature(secret, body, sign(secret, body))


@given(secret=st.text(min_size=1), body=st.binary(min_size=1), data=st.data())
def test_flipping_any_bit_of_the_body_breaks_the_signature(
    secret: str, body: bytes, data: st.DataObject
) -> None:
    header = sign(secret, body)
    position = data.draw(st.integers(0, len(body) - 1))
    bit = data.draw(st.integers(0, 7))
    tampered = bytearray(body)
    tampered[position] ^= 1 << bit

    assert not verify_signature(secret, bytes(tampered), header)


@given(secret=st.text(min_size=1), body=st.binary(), data=st.data())
def test_changing_any_hex_digit_of_the_signature_breaks_it(
    secret: str, body: bytes, data: st.DataObject
) -> None:
    header = sign(secret, body)
    position = data.draw(st.integers(len("sha256="), len(header) - 1))
    replacement = data.draw(
        st.sampled_from("0123456789abcdef").filter(lambda c: c != header[position])
    )
    forged = header[:position] + replacement + header[position + 1 :]

    assert not verify_signature(secret, body, forged)
