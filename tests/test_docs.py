"""Docs are executed and code is lint-clean: both are tests, so CI checks them."""

from __future__ import annotations

import re
import subprocess
import sys

import click
from conftest import ROOT

from claimtrack.cli import cli

sys.path.insert(0, str(ROOT / "docs"))

COGGED = [ROOT / "README.md", ROOT / "docs" / "commands.md"]


def test_readme_examples_are_current(seeded_db):  # seeded_db: spaCy is loaded already
    from cogapp import Cog

    status = Cog().main(["cog", "--check", "-I", str(ROOT / "docs"), *map(str, COGGED)])
    assert status == 0, "README.md or docs/commands.md is stale: run " \
                        "`cog -r -I docs README.md docs/commands.md`"


def _block(path, call: str) -> str:
    """The output of the cog block whose code calls `call` (between ]]] --> and [[[end]]])."""
    text = path.read_text(encoding="utf-8")
    found = re.search(re.escape(call) + r".*?\]\]\] -->\n(.*?)<!-- \[\[\[end\]\]\] -->", text,
                      re.S)
    assert found, f"{path.name} has no cog block calling {call}"
    return found.group(1)


def test_command_reference_is_current():
    """The README's command table and docs/commands.md say what the commands say now (checked
    without the slower full cog run: no parser needed)."""
    import docs_cog

    assert _block(ROOT / "README.md", "docs_cog.command_table()") == docs_cog.command_table(), \
        "README.md's command reference is stale: run `cog -r -I docs README.md`"
    assert _block(ROOT / "docs" / "commands.md", "docs_cog.command_help()") == \
        docs_cog.command_help(), \
        "docs/commands.md is stale: run `cog -r -I docs docs/commands.md`"


def _registered(group: click.Group, path: tuple[str, ...] = ()) -> list[str]:
    found = []
    for name, cmd in group.commands.items():
        found.append(" ".join([*path, name]))
        if isinstance(cmd, click.Group):
            found += _registered(cmd, (*path, name))
    return found


def test_every_command_is_documented():
    table = _block(ROOT / "README.md", "docs_cog.command_table()")
    helps = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    commands = _registered(cli)
    assert {"add", "report", "sources grade", "entities merge"} <= set(commands)
    for command in commands:
        # the synopsis starts with the command's full name, then an argument or an option
        assert re.search(rf"^\| `claimtrack {re.escape(command)}( [^a-z]|`)", table, re.M), \
            f"`claimtrack {command}` has no row in README.md's command reference"
        assert f"$ claimtrack {command} --help\n" in helps, \
            f"`claimtrack {command} --help` is missing from docs/commands.md"


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
