"""The README's and the docs' commands work as written: every `hotel-agent` command they name
exists (its `--help` answers), and every complete command line in a code block parses."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from hotel_agent.cli import _parser

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "DEVELOPERS.md", *sorted((ROOT / "docs").rglob("*.md"))]

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
_SPAN = re.compile(r"`([^`\n]+)`")
# "hotel-agent WORD [WORD]": not an image name (hotel-agent:1.0), a path or a longer name.
_COMMAND = re.compile(r"(?<![\w/.:-])hotel-agent((?: [a-z][a-z-]*){1,2})(?![\w:-])")
# Lines that stand for many commands rather than being one.
_PLACEHOLDER = re.compile(r"[\[\]|<>…]|\bD\b|\bN\b|\bID\b|\bNAME\b|\bFILE\b")


def code_of(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    blocks = _FENCE.findall(text)
    spans = _SPAN.findall(_FENCE.sub("", text))
    return [line for block in blocks for line in block.splitlines()] + spans


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def named_commands() -> set[tuple[str, ...]]:
    """Every (command[, action]) the docs name in code, as far as the parser has levels."""
    named: set[tuple[str, ...]] = set()
    for path in DOCS:
        for code in code_of(path):
            for match in _COMMAND.finditer(code):
                words = match.group(1).split()
                actions = subcommands(_parser())
                if words[0] not in actions:
                    named.add((words[0],))  # unknown: the test reports it
                    continue
                nested = subcommands(actions[words[0]])
                named.add(tuple(words[:2]) if nested and len(words) > 1 else (words[0],))
    return named


def command_lines() -> list[str]:
    """Complete command lines in code blocks: `[uv run ]hotel-agent …` without placeholders."""
    lines = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in _FENCE.findall(text):
            for line in block.splitlines():
                command = line.split("  #", 1)[0].strip()
                command = command.removeprefix("uv run ")
                if command.startswith("hotel-agent ") and not _PLACEHOLDER.search(command):
                    lines.append(command)
    return sorted(set(lines))


def test_the_docs_name_commands() -> None:
    named = named_commands()
    assert {("doctor",), ("guest", "export"), ("guest", "forget"), ("retention", "run")} <= named


@pytest.mark.parametrize("words", sorted(named_commands()), ids=" ".join)
def test_every_command_the_docs_name_exists(
    words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        _parser().parse_args([*words, "--help"])
    assert exit_.value.code == 0, capsys.readouterr().err
    assert f"usage: hotel-agent {' '.join(words)}" in capsys.readouterr().out


@pytest.mark.parametrize("line", command_lines())
def test_every_documented_command_line_parses(
    line: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # `--output guest.json` is opened while parsing: not in the repository.
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(line)[1:]
    if "--help" in argv:
        with pytest.raises(SystemExit) as exit_:
            _parser().parse_args(argv)
        assert exit_.value.code == 0, capsys.readouterr().err
        return
    assert _parser().parse_args(argv).command is not None
