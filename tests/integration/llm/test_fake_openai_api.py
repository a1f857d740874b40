"""The fake chat API answers like the real one: the SDK's own types accept its completions,
and it refuses what OpenAI refuses, with OpenAI's error shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openai.types.chat import ChatCompletion

from tests.fakes.openai_api import FakeOpenAiApi

KEY = "sk-test-fake"


@pytest.fixture
def fake() -> Iterator[FakeOpenAiApi]:
    with FakeOpenAiApi(api_key=KEY) as server:
        yield server


def post(fake: FakeOpenAiApi, body: dict[str, Any], key: str = KEY) -> httpx.Response:
    return httpx.post(
        f"{fake.base_url}/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
        timeout=5,
    )


REQUEST = {"model": "gpt-test", "messages": [{"role": "user", "content": "Hi"}]}


def test_a_completion_validates_as_the_sdks_chat_completion(fake: FakeOpenAiApi) -> None:
    fake.reply_with("Hello!")

    response = post(fake, REQUEST)

    assert response.status_code == 200
    completion = ChatCompletion.model_validate(response.json())
    assert completion.object == "chat.completion"
    assert completion.model == "gpt-test"
    assert completion.choices[0].message.content == "Hello!"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.total_tokens == 2


def test_a_responder_answers_from_the_request(fake: FakeOpenAiApi) -> None:
    fake.reply_using(lambda request: request.user_text.upper())

    assert post(fake, REQUEST).json()["choices"][0]["message"]["content"] == "HI"
    assert [r.user_text for r in fake.requests] == ["Hi"]


@pytest.mark.parametrize(
    ("body", "key", "status", "error_type"),
    [
        (REQUEST, "sk-wrong", 401, "invalid_request_error"),
        ({"messages": REQUEST["messages"]}, KEY, 400, "invalid_request_error"),
        ({**REQUEST, "messages": []}, KEY, 400, "invalid_request_error"),
        ({**REQUEST, "temperature": 3}, KEY, 400, "invalid_request_error"),
        (
            {**REQUEST, "response_format": {"type": "json_object"}},
            KEY,
            400,
            "invalid_request_error",
        ),
    ],
    ids=["wrong-key", "no-model", "no-messages", "temperature", "json-mode-without-json"],
)
def test_invalid_requests_get_openais_error_shape(
    fake: FakeOpenAiApi, body: dict[str, Any], key: str, status: int, error_type: str
) -> None:
    fake.reply_with("never sent")

    response = post(fake, body, key)

    assert response.status_code == status
    error = response.json()["error"]
    assert error["type"] == error_type
    assert set(error) == {"message", "type", "param", "code"}


def test_json_mode_is_accepted_when_the_messages_mention_json(fake: FakeOpenAiApi) -> None:
    fake.reply_with('{"ok": true}')
    body = {
        **REQUEST,
        "messages": [{"role": "system", "content": "Reply in JSON."}, *REQUEST["messages"]],
        "response_format": {"type": "json_object"},
    }

    assert post(fake, body).status_code == 200


def test_scripted_throttling_uses_the_rate_limit_error(fake: FakeOpenAiApi) -> None:
    fake.fail_next(429)

    response = post(fake, REQUEST)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
