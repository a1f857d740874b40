"""Reading a hotel's knowledge file, with errors an operator can act on."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from hotel_agent.errors import HotelAgentError
from hotel_agent.knowledge.entries import KnowledgeDocument
from hotel_agent.knowledge.hotel import HotelKnowledge
from hotel_agent.knowledge.templates import TemplateRegistry

if TYPE_CHECKING:
    from hotel_agent.settings import Settings

DEMO_KNOWLEDGE_FILE = Path(__file__).with_name("data") / "mirador-del-puerto.yaml"


class KnowledgeError(HotelAgentError):
    """A knowledge file that cannot be used: missing, not YAML, or not the expected schema."""

    code = "knowledge_error"


def load_knowledge(path: Path) -> HotelKnowledge:
    """The knowledge in `path`; KnowledgeError names the file and every problem found."""
    path = path.absolute()
    raw = read_knowledge_file(path)
    try:
        document = check_document(raw)
    except KnowledgeError as exc:
        raise KnowledgeError(f"knowledge file {path}: {exc}") from None
    return knowledge_of(document)


def read_knowledge_file(path: Path) -> dict[str, Any]:
    """The file's YAML as a mapping, not yet checked against the schema; KnowledgeError names
    the file and what keeps it from being read."""
    path = path.absolute()  # the message must say which file, whatever the working directory
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(f"knowledge file {path}: no such file") from None
    except UnicodeDecodeError:
        raise KnowledgeError(f"knowledge file {path}: not UTF-8 text") from None
    except OSError as exc:
        raise KnowledgeError(f"knowledge file {path}: cannot be read ({exc.strerror})") from None
    try:
        raw = _parsed(text)
    except yaml.YAMLError as exc:
        raise KnowledgeError(
            f"knowledge file {path}: not valid YAML: {_yaml_problem(exc)}"
        ) from None
    if raw is None:
        raise KnowledgeError(f"knowledge file {path}: the file is empty")
    if not isinstance(raw, dict):
        raise KnowledgeError(
            f"knowledge file {path}: expected a mapping with `faq` and `room_types` at the top"
        )
    return raw


def check_document(raw: dict[str, Any]) -> KnowledgeDocument:
    """`raw` checked against the schema: the one validation of the hotel's knowledge, for the
    file at start-up and for staff's edits in the console. KnowledgeError lists every problem
    ("faq entry 3 (wifi), answers: no answer in any language")."""
    try:
        return KnowledgeDocument.model_validate(raw)
    except ValidationError as exc:
        problems = [_describe(error, raw) for error in exc.errors()]
        raise KnowledgeError("; ".join(problems)) from None


def knowledge_of(document: KnowledgeDocument) -> HotelKnowledge:
    return HotelKnowledge(
        document.faq,
        document.room_types,
        hotel_name=document.hotel,
        privacy_notice=document.privacy_notice,
        privacy_policy_url=document.privacy_policy_url,
        review_url=document.review_url,
        cancellation=document.cancellation,
        templates=TemplateRegistry(document.whatsapp_templates),
    )


def knowledge_for(settings: Settings) -> HotelKnowledge:
    """The configured hotel's knowledge (HOTEL_KNOWLEDGE_FILE, else the demo hotel's).

    Read once per file and process: the dialogue asks for it on every turn. Edits to the file
    take effect when the process restarts (staff's edits in the console, see `edits`, at once)."""
    return _load_cached(knowledge_path(settings))


def knowledge_path(settings: Settings) -> Path:
    """HOTEL_KNOWLEDGE_FILE, else the demo hotel's file."""
    return settings.hotel.knowledge_file or DEMO_KNOWLEDGE_FILE


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> HotelKnowledge:
    # Errors are not cached: a fixed file is picked up by the next turn.
    return load_knowledge(path)


def _parsed(text: str) -> Any:
    """The YAML in `text`, parsed once per process for the same text: pure-Python YAML takes
    ~0.1 s of CPU for the demo file, and each `Runtime.build` reads it (every test's runtime).
    A copy is returned, so callers may change theirs; errors are not cached."""
    return copy.deepcopy(_parsed_once(text))


@lru_cache(maxsize=8)
def _parsed_once(text: str) -> Any:
    # _UniqueKeyLoader subclasses yaml.SafeLoader (rejects duplicate keys), so this is a safe
    # load; bandit and semgrep cannot see through the subclass.
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 # nosec B506 # nosemgrep


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key written twice in one mapping: plain YAML keeps the last
    one silently, and an operator would lose an answer or a room type without noticing."""


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<:` merges are meant to be overridden
        key = loader.construct_object(key_node)
        if isinstance(key, list | dict):
            continue  # the constructor below reports unhashable keys itself
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(exc)


def _describe(error: Any, raw: dict[str, Any]) -> str:
    """One pydantic error as an operator reads it: "faq entry 3 (wifi), topic: unknown …"."""
    location = list(error["loc"])
    where = []
    if len(location) >= 2 and location[0] == "faq" and isinstance(location[1], int):
        index = location[1]
        entries = raw.get("faq")
        entry = entries[index] if isinstance(entries, list) else None
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        where.append(f"faq entry {index + 1}" + (f" ({entry_id})" if entry_id else ""))
        location = location[2:]
    if location:
        where.append(" ".join(f"item {p + 1}" if isinstance(p, int) else str(p) for p in location))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "missing"
    elif error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] == "string_type":
        message = f"expected text, got {error['input']!r} (put it in quotes)"
    elif error["type"] == "dict_type":
        message = "expected one text per language, each on its own line (es: …, en: …)"
    elif error["type"] == "string_pattern_mismatch":
        message = (
            f"'{error['input']}': use lower-case letters, digits, _ or - (e.g. late_check_out)"
        )
    return ", ".join(where) + ": " + message if where else message
