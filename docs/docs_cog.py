"""Helpers for the README's cog blocks: run real commands, paste real output.

Each call runs the commands in order against a fresh temporary database,
from the repository root, and returns a ```text block holding the output of
the commands listed in `show` (stdout only, as a user would see it piped).
"""

from __future__ import annotations

import os
import shlex
import tempfile
from pathlib import Path

from click.testing import CliRunner

from claimtrack.cli import cli

ROOT = Path(__file__).resolve().parents[1]
WIDTH = "120"


def shell(*commands: str, show: list[int] | None = None) -> str:
    show = list(range(len(commands))) if show is None else show
    out = []
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "claimtrack.db")
        os.chdir(ROOT)
        try:
            for i, command in enumerate(commands):
                result = CliRunner().invoke(
                    cli, [*shlex.split(command), "--db", db],
                    env={"COLUMNS": WIDTH, "NO_COLOR": "1", "CLAIMTRACK_DB": None},
                    catch_exceptions=False,
                )
                if result.exit_code != 0:
                    raise RuntimeError(f"claimtrack {command} failed: {result.output}")
                if i in show:
                    out.append(f"$ claimtrack {command}\n{result.stdout.rstrip()}\n")
        finally:
            os.chdir(cwd)
    return "```text\n" + "\n".join(out) + "```\n"
