"""Whatever arrives, the parser answers with a result or a `WebhookPayloadError`, nothing else."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hotel_agent.channels.whatsapp.parser import (
    ParsedWebhook,
    WebhookPayloadError,
    parse_webhook,
)
from tests.fixtures.whatsapp import fixture_names, load_fixture
from tests.support import examples

WEBHOOKS = [name for name in fixture_names() if not name.startswith("graph_")]


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node).union(*(_keys(child) for child in node.values()))
    if isinstance(node, list):
        return set().union(*(_keys(child) for child in node))
    return set()


# The keys real payloads use, so random objects often reach the parser's branches.
REAL_KEYS = sorted(set().union(*(_keys(load_fixture(name)) for name in WEBHOOKS)))
KEYS = st.sampled_from(REAL_KEYS) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["whatsapp_business_account", "messages", "text", "1764350000", "\ud83d"])
)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=30,
)


def outcome(data: object) -> ParsedWebhook | WebhookPayloadError:
    try:
        return parse_webhook(data)
    except WebhookPayloadError as error:
        return error


def assert_parses_or_refuses(data: object) -> None:
    parsed = outcome(data)  # any other exception fails the test
    if isinstance(parsed, WebhookPayloadError):
        assert str(parsed)
        return
    parsed.model_dump_json()  # what is accepted can be stored
    for received in parsed.messages:
        assert received.phone_number_id
        assert received.message.provider_message_id
        assert received.message.sender_id
        assert received.message.timestamp.utcoffset() is not None


@given(JSON_LIKE)
def test_arbitrary_json_parses_or_is_refused(data: object) -> None:
    assert_parses_or_refuses(data)


@given(st.dictionaries(KEYS, JSON_LIKE))
def test_arbitrary_envelopes_parse_or_are_refused(data: dict[str, Any]) -> None:
    assert_parses_or_refuses({"object": "whatsapp_business_account", **data})


def _slots(node: object) -> list[tuple[Any, Any]]:
    """Every (container, key) in a JSON tree, to mutate one of them."""
    found: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        for key, child in node.items():
            found += [(node, key), *_slots(child)]
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += [(node, index), *_slots(child)]
    return found


@settings(max_examples=examples(3))
@given(name=st.sampled_from(WEBHOOKS), data=st.data())
def test_real_payloads_with_random_damage_parse_or_are_refused(
    name: str, data: st.DataObject
) -> None:
    payload = load_fixture(name)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        slots = _slots(payload)
        container, key = data.draw(st.sampled_from(slots), label="slot")
        if isinstance(container, dict) and data.draw(st.booleans(), label="delete"):
            del container[key]
        else:
            container[key] = data.draw(JSON_LIKE, label="replacement")
        if not _slots(payload):
            break

    assert_parses_or_refuses(payload)
