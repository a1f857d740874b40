"""Every `hotel-agent … --help` shows an example of each of its options, and every example
shown there parses: an operator can copy it."""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotel_agent.cli import _parser

# `hotel-agent …` inside a backtick span of an epilog, up to a shell redirection.
_EXAMPLE = re.compile(r"`[^`]*?(hotel-agent [^`<]*?)\s*(?:<[^`]*)?`")


def help_pages() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    def walk(parser: argparse.ArgumentParser, words: list[str]) -> Iterator[tuple[str, Any]]:
        yield " ".join(words), parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk(sub, [*words, name])

    yield from walk(_parser(), ["hotel-agent"])


def runs_something(parser: argparse.ArgumentParser) -> bool:
    """A page of a command that does work, not only a list of its actions."""
    return not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def examples(parser: argparse.ArgumentParser) -> list[str]:
    return [match.strip() for match in _EXAMPLE.findall(parser.epilog or "")]


PAGES = [(name, parser) for name, parser in help_pages() if runs_something(parser)]


def test_the_pages_are_found() -> None:
    names = {name for name, _ in PAGES}
    assert {"hotel-agent serve", "hotel-agent staff create-user", "hotel-agent guest forget"} <= (
        names
    )


@pytest.mark.parametrize(("name", "parser"), PAGES, ids=[name for name, _ in PAGES])
def test_each_option_has_an_example_that_parses(
    name: str, parser: argparse.ArgumentParser, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # `--output ana.json` is opened while parsing
    named = examples(parser)
    for example in named:  # this command's examples, and the other commands it points to
        assert _parser().parse_args(shlex.split(example)[1:]).command, example
    shown = [example for example in named if example.startswith(name)]
    assert shown, f"`{name} --help` shows no example"
    options = {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option not in {"--help", "--version"}
    }
    used = {word.split("=")[0] for example in shown for word in shlex.split(example)}
    assert options <= used, f"`{name} --help` has no example of {sorted(options - used)}"


def test_forget_says_the_pms_copy_is_kept() -> None:
    forget = dict(PAGES)["hotel-agent guest forget"]
    assert "The PMS's copy of a booking (name, e-mail, phone) is not erased" in (
        forget.format_help().replace("\n", " ").replace("  ", " ")
    )
