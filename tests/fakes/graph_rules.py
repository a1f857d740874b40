"""The limits the real Graph API enforces on a `/messages` body, so the fake rejects alike."""

from __future__ import annotations

from typing import Any

_MESSAGE_TYPES = frozenset(
    {"text", "interactive", "template", "image", "audio", "document", "video", "sticker"}
    | {"location", "reaction", "contacts"}
)


def message_problem(body: dict[str, Any]) -> str | None:
    """Why Meta would refuse this send request, or None when it would accept it."""
    if body.get("messaging_product") != "whatsapp":
        return "messaging_product must be 'whatsapp'"
    if not isinstance(body.get("to"), str) or not body["to"]:
        return "the 'to' parameter is required"
    kind = body.get("type", "text")
    if kind not in _MESSAGE_TYPES:
        return f"unknown message type {kind!r}"
    if kind == "text":
        return _text_problem(body.get("text"))
    if kind == "interactive":
        return _interactive_problem(body.get("interactive"))
    return None


def _text_problem(text: Any) -> str | None:
    if not isinstance(text, dict):
        return "text object is required"
    return _length_problem("text.body", text.get("body"), 4096)


def _interactive_problem(interactive: Any) -> str | None:
    if not isinstance(interactive, dict) or not isinstance(interactive.get("action"), dict):
        return "interactive.action is required"
    body = interactive.get("body")
    problem = _length_problem(
        "body.text", body.get("text") if isinstance(body, dict) else None, 1024
    )
    if problem:
        return problem
    action = interactive["action"]
    if interactive.get("type") == "button":
        return _buttons_problem(action.get("buttons"))
    if interactive.get("type") == "list":
        return _list_problem(action)
    return f"unsupported interactive type {interactive.get('type')!r}"


def _buttons_problem(buttons: Any) -> str | None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return "buttons must hold 1 to 3 reply buttons"
    replies = [
        b["reply"] for b in buttons if isinstance(b, dict) and isinstance(b.get("reply"), dict)
    ]
    if len(replies) != len(buttons):
        return "each button needs a reply object"
    for reply in replies:
        problem = _length_problem("button title", reply.get("title"), 20)
        problem = problem or _length_problem("button id", reply.get("id"), 256)
        if problem:
            return problem
    if not _unique([r["title"] for r in replies]) or not _unique([r["id"] for r in replies]):
        return "button titles and ids must be unique"
    return None


def _list_problem(action: dict[str, Any]) -> str | None:
    problem = _length_problem("action.button", action.get("button"), 20)
    sections = action.get("sections")
    if problem or not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        return problem or "sections must hold 1 to 10 sections"
    if not all(
        isinstance(s, dict) and isinstance(s.get("rows"), list) and s["rows"] for s in sections
    ):
        return "each section needs rows"
    rows = [row for s in sections for row in s["rows"]]
    if not 1 <= len(rows) <= 10 or not all(isinstance(row, dict) for row in rows):
        return "a list holds 1 to 10 rows in total"
    if len(sections) > 1 and not all(s.get("title") for s in sections):
        return "every section needs a title when there are several"
    for section in sections:
        if "title" in section and (
            problem := _length_problem("section title", section["title"], 24)
        ):
            return problem
    for row in rows:
        problem = _length_problem("row title", row.get("title"), 24)
        problem = problem or _length_problem("row id", row.get("id"), 200)
        if not problem and "description" in row:
            problem = _length_problem("row description", row["description"], 72)
        if problem:
            return problem
    if not _unique([row["id"] for row in rows]):
        return "row ids must be unique"
    return None


def _unique(values: list[str]) -> bool:
    return len(set(values)) == len(values)


def _length_problem(name: str, value: Any, limit: int) -> str | None:
    if not isinstance(value, str) or not value:
        return f"{name} is required"
    if len(value) > limit:
        return f"{name} is longer than {limit} characters"
    return None


def template_problem(template: Any, approved: dict[tuple[str, str], int]) -> tuple[int, str] | None:
    """Why Meta would refuse a template send, as (error code, message); None to accept it.
    `approved` maps (name, language code) to the template's number of body variables."""
    if not isinstance(template, dict) or not isinstance(template.get("name"), str):
        return 131008, "(#131008) Required parameter is missing: template.name"
    language = template.get("language")
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(code, str) or not code:
        return 131008, "(#131008) Required parameter is missing: template.language.code"
    expected = approved.get((template["name"], code))
    if expected is None:
        return (
            132001,
            f"(#132001) Template name does not exist in the translation: {template['name']} "
            f"({code})",
        )
    parameters: list[Any] = []
    for component in template.get("components") or []:
        if isinstance(component, dict) and component.get("type") == "body":
            parameters += component.get("parameters") or []
    if len(parameters) != expected:
        return (
            132000,
            f"(#132000) Number of parameters does not match the expected number of params: "
            f"{len(parameters)} given, {expected} expected",
        )
    for parameter in parameters:
        text = parameter.get("text") if isinstance(parameter, dict) else None
        if not isinstance(text, str) or not text.strip():
            return 131008, "(#131008) Required parameter is missing: a body parameter's text"
        if any(c in text for c in "\n\t") or "     " in text:
            return (
                100,
                "(#100) Invalid parameter: Param text cannot have new-line/tab characters or "
                "more than 4 consecutive spaces",
            )
    return None
