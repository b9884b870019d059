"""`fst24 --help`, `fst24 COMMAND --help` for every command, and the shape of usage errors."""
from __future__ import annotations

import re

import pytest

from cli_util import run

COMMANDS = ["ls", "info", "dump", "stat", "diff", "select", "rm", "convert", "repair", "check", "grid", "ip",
            "date", "version"]


def listed_commands() -> list[str]:
    out = run("--help", check=0).stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def test_top_level_help_lists_every_command() -> None:
    assert listed_commands() == COMMANDS
    assert run("help", check=0).stdout == run("--help", check=0).stdout == run("-h", check=0).stdout
    # no command: the same text on stderr, usage status
    proc = run()
    assert proc.returncode == 2 and "commands:" in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    for form in (["--help"], ["-h"]):
        proc = run(command, *form, check=0)
        assert proc.stderr == ""
        text = proc.stdout
        assert text.startswith(f"usage: fst24 {command}"), text
        assert re.search(r"^examples?:\n  fst24 " + command + r"(\s|$)", text, re.M), text
    # --help wins over anything else on the line; `fst24 help CMD` is the same text
    assert run(command, "--bogus", "x", "--help", check=0).stdout == text
    assert run("help", command, check=0).stdout == text


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "version"])
def test_usage_errors_are_one_line_with_status_2(command: str) -> None:
    proc = run(command, "--no-such-option", "x")
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"fst24: {command}: ") and "--no-such-option" in lines[0]
    assert f"see 'fst24 {command} --help'" in lines[0]


def test_unknown_command() -> None:
    proc = run("frobnicate")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "unknown command" in proc.stderr
    proc = run("help", "frobnicate")
    assert proc.returncode == 2 and "unknown command" in proc.stderr


def test_version() -> None:
    import fst24
    assert run("version", check=0).stdout == f"fst24 {fst24.library_version()}\n"
    assert run("--version", check=0).stdout == f"fst24 {fst24.library_version()}\n"
