"""deploy/compose/.env.example names every setting the agent reads, so an operator who copies
it sees all the knobs (a setting added to settings.py without a line there fails here)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from hotel_agent.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "compose" / ".env.example"


def setting_env_names() -> list[str]:
    """The environment variable each setting is read from (its first alias when it has some)."""
    names: list[str] = []
    for name, field in Settings.model_fields.items():
        group = field.annotation
        if not (isinstance(group, type) and issubclass(group, BaseSettings)):
            names.append(name.upper())
            continue
        prefix = group.model_config.get("env_prefix", "")
        for sub, sub_field in group.model_fields.items():
            alias = sub_field.validation_alias
            if isinstance(alias, AliasChoices):
                names.append(str(alias.choices[0]))
            else:
                names.append(f"{prefix}{sub}".upper())
    return names


def test_every_setting_is_in_the_env_example() -> None:
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.M))
    names = setting_env_names()
    assert len(names) > 50, "the walk over Settings found the groups"
    assert [name for name in names if name not in documented] == []
