from typing import Any

import pytest

from hotel_agent.channels.port import SendError
from hotel_agent.channels.whatsapp.errors import MediaError, classify_error
from tests.fixtures.whatsapp import load_fixture


def graph_error(code: int, message: str = "boom", details: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


@pytest.mark.parametrize(
    ("http_status", "body", "reason", "retryable"),
    [
        (None, None, "network", True),
        (None, "ReadTimeout: timed out", "network", True),
        (500, graph_error(1), "server_error", True),
        (503, graph_error(2), "server_error", True),
        (500, graph_error(131000), "server_error", True),
        (503, graph_error(131016), "server_error", True),
        (502, None, "server_error", True),
        (504, {"unexpected": "shape"}, "server_error", True),
        (429, None, "rate_limited", True),
        (429, graph_error(130429), "rate_limited", True),
        (400, graph_error(130429), "rate_limited", True),
        (400, graph_error(4), "rate_limited", True),
        (400, graph_error(80007), "rate_limited", True),
        (400, graph_error(131056), "pair_rate_limited", True),
        (400, graph_error(131047), "outside_window", False),
        (401, graph_error(190), "token_expired", False),
        (400, graph_error(100), "bad_request", False),
        (400, graph_error(131008), "bad_request", False),
        (400, graph_error(131009), "bad_request", False),
        (400, graph_error(131026), "undeliverable", False),
        (400, graph_error(131051), "unsupported_type", False),
        (400, graph_error(131052), "media_error", False),
        (400, graph_error(131053), "media_error", False),
        (400, graph_error(132000), "template_error", False),
        (400, graph_error(132001), "template_error", False),
        (400, graph_error(132012), "template_error", False),
        (400, graph_error(132068), "template_error", False),
        (400, graph_error(368), "rejected", False),
        (403, None, "rejected", False),
        (404, "Not Found", "rejected", False),
        (400, {"error": "a string, not an object"}, "rejected", False),
    ],
)
def test_classification_table(
    http_status: int | None, body: object, reason: str, retryable: bool
) -> None:
    error = classify_error(http_status, body)

    assert isinstance(error, SendError)
    assert (error.reason, error.retryable) == (reason, retryable)


def test_the_re_engagement_fixture_is_final_and_keeps_meta_s_words() -> None:
    error = classify_error(400, load_fixture("graph_send_error_131047"))

    assert (error.reason, error.retryable, error.code) == ("outside_window", False, 131047)
    assert error.detail == (
        "HTTP 400; (#131047) Re-engagement message; Message failed to send because more than 24 "
        "hours have passed since the customer last replied to this number.; fbtrace_id=AbCdEfGhIjK"
    )


def test_the_throughput_fixture_is_retried_later() -> None:
    error = classify_error(400, load_fixture("graph_send_error_130429"))

    assert (error.reason, error.retryable, error.code) == ("rate_limited", True, 130429)
    assert "Cloud API message throughput has been reached." in error.detail


def test_an_html_error_page_keeps_its_words_without_markup() -> None:
    page = (
        "<html><head><title>502 Bad Gateway</title></head>\n"
        "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
    )

    error = classify_error(502, page)

    assert (error.reason, error.retryable, error.code) == ("server_error", True, None)
    assert error.detail == "HTTP 502; 502 Bad Gateway 502 Bad Gateway nginx"


def test_raw_bytes_bodies_are_decoded_for_the_detail() -> None:
    error = classify_error(400, b"\xffBad request")

    assert (error.reason, error.detail) == ("rejected", "HTTP 400; \ufffdBad request")


def test_a_network_error_keeps_its_description() -> None:
    error = classify_error(None, "ConnectError: [Errno 111] Connection refused")

    assert error.detail == "ConnectError: [Errno 111] Connection refused"
    assert error.code is None


def test_a_huge_error_body_is_cut_to_a_readable_detail() -> None:
    error = classify_error(500, "x" * 100_000)

    assert len(error.detail) == 500


def test_a_boolean_code_is_not_mistaken_for_a_graph_code() -> None:
    error = classify_error(400, {"error": {"code": True, "message": "odd"}})

    assert (error.reason, error.code) == ("rejected", None)


def test_media_errors_are_send_errors() -> None:
    assert issubclass(MediaError, SendError)
