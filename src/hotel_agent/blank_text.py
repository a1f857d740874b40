"""What counts as a blank message, stated once for the published schema and the server; and
what text can be stored at all.

`\\s` differs between regex dialects (JSON Schema's ECMA-262, Python's `re`, pydantic's Rust
engine: U+0085 and U+FEFF are whitespace in some and not in others), so a `\\S` pattern would
let a client send text the schema calls valid and the server calls blank. The set below is
the union of Python's and ECMA-262's whitespace, spelled out, and the pattern is written with
escapes every dialect reads the same way.
"""

from __future__ import annotations

from typing import Any

from pydantic.config import JsonDict

BLANK_CHARACTERS = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# "Contains at least one character that is neither blank nor NUL" (NULs are removed before
# storing: PostgreSQL cannot hold them).
NOT_BLANK_PATTERN = "[^" + "".join(f"\\u{ord(c):04x}" for c in "\x00" + BLANK_CHARACTERS) + "]"


def strip_blank(text: str) -> str:
    return text.strip(BLANK_CHARACTERS)


# For a `Field(json_schema_extra=...)`: published in the schema, while the model's validator
# (using strip_blank) enforces the same rule with a message a person can read.
NOT_BLANK_SCHEMA: JsonDict = {"minLength": 1, "pattern": NOT_BLANK_PATTERN}


def storable(value: Any) -> Any:
    """Make guest-supplied strings storable everywhere: PostgreSQL rejects NUL characters and
    lone surrogates (which JSON escapes can carry), so replace them instead of failing."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value
