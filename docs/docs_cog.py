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

import click
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


# --- the command reference: generated from the click commands and their --help ------------

# Said once in the README's text instead of on each line: --db, and --help.
_COMMON = {"--db", "--help"}
HELP_WIDTH = "80"  # click wraps --help at 78 columns whatever the terminal is wider than that
COMMANDS_MD = "docs/commands.md"


def commands() -> list[tuple[list[str], click.Command]]:
    """Every command and subcommand, in the order `claimtrack --help` lists them."""
    found: list[tuple[list[str], click.Command]] = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        if path:
            found.append((path, cmd))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(click.Context(cmd)):
                walk(cmd.commands[name], [*path, name])

    walk(cli, [])
    return found


def _metavar(param: click.Parameter, ctx: click.Context) -> str:
    if isinstance(param.type, click.Choice):
        return "|".join(str(c) for c in param.type.choices)
    if isinstance(param.type, click.DateTime):
        return "YYYY-MM-DD"
    if param.metavar:
        return param.metavar
    if isinstance(param.type, click.types.IntParamType):
        return "N"
    if isinstance(param.type, click.types.FloatParamType):
        return "X"
    if isinstance(param, click.Option) and param.type.name == "text":
        return (param.name or "value").upper()
    return param.make_metavar(ctx)


def synopsis(path: list[str], cmd: click.Command) -> str:
    """`claimtrack add PATHS... [--jobs N] ...` from the command's parameters."""
    ctx = click.Context(cmd, info_name=" ".join(path))
    words = ["claimtrack", *path]
    formats: list[str] = []
    for param in cmd.get_params(ctx):
        if _COMMON & set(param.opts) or getattr(param, "hidden", False):
            continue
        if isinstance(param, click.Argument):
            word = _metavar(param, ctx) if isinstance(param.type, click.Choice) \
                else param.make_metavar(ctx)
            bare = word.replace("[", "").replace("]", "")  # click writes [PATHS]... : PATHS...
            words.append(word if param.required else f"[{bare}]")
            continue
        assert isinstance(param, click.Option)
        name = max(param.opts, key=len)
        if param.name == "fmt" and param.is_flag:
            formats.append(name)  # --json / --csv / --nl / --md: one choice of output
            continue
        word = name if param.is_flag else f"{name} {_metavar(param, ctx)}"
        if param.multiple:
            word += " ..."
        words.append(word if param.required else f"[{word}]")
    if formats:
        words.append(f"[{'|'.join(formats)}]")
    if isinstance(cmd, click.Group):
        words.append(f"[{'|'.join(cmd.list_commands(ctx))} ...]")
    return " ".join(words)


def help_text(path: list[str]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="claimtrack",
                                env={"COLUMNS": HELP_WIDTH, "NO_COLOR": "1"})
    if result.exit_code != 0:
        raise RuntimeError(f"claimtrack {' '.join(path)} --help failed: {result.output}")
    return result.stdout.rstrip()


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def command_table() -> str:
    """The README's command reference: each command's synopsis and its help text."""
    out = ["| command | what it does |", "| --- | --- |"]
    for path, cmd in commands():
        doc = (cmd.help or "").split("\f")[0].strip()
        out.append(f"| `{_cell(synopsis(path, cmd))}` | {_cell(doc)} |")
    return "\n".join(out) + "\n"


def command_help() -> str:
    """docs/commands.md: every command's full --help."""
    out = []
    for path, _ in commands():
        out += [f"## claimtrack {' '.join(path)}", "", "```text",
                f"$ claimtrack {' '.join(path)} --help", help_text(path), "```", ""]
    return "\n".join(out)
