"""Read commands never load the parser: spaCy (and the extractor's modules, the
trained filter) cost a second of start-up, and a read needs none of it. Each read
command runs in a fresh interpreter on the seeded database, and the modules it
imported are checked after each one (the first command that pulls spaCy in is
the one named)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT, run_cli

FORBIDDEN = ("spacy", "thinc", "claimtrack.extract")

_PROBE = """
import contextlib, io, json, sys
forbidden, runs = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if sys.argv[3:] == ["lean"]:  # as the `claimtrack` command starts (claimtrack/__main__.py)
    from claimtrack.__main__ import lean_sqlite_utils
    lean_sqlite_utils()
from claimtrack.cli import cli
present = set(cli.commands)
for args in runs:
    if args[0] not in present:
        print(json.dumps({"args": args, "skipped": True}))
        continue
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli(args, standalone_mode=False)
        except SystemExit:
            pass
    loaded = sorted(m for m in sys.modules
                    if any(m == f or m.startswith(f + ".") for f in forbidden))
    print(json.dumps({"args": args, "loaded": loaded}))
"""


def _read_commands(db) -> list[list[str]]:
    listed = run_cli("docs", "--json", db=db)
    assert listed.exit_code == 0, (listed.stderr, listed.stdout[:300])
    docs = json.loads(listed.stdout)
    a, b = docs[0]["id"], docs[1]["id"]
    claim = json.loads(run_cli("claims", "--json", db=db).stdout)[0]["id"]
    runs = [
        ["docs"], ["claims"], ["claims", "--entity", "Belhadj"], ["claims", "--flag",
                                                                   "single_source"],
        ["flags"], ["show", "--entity", "Belhadj"], ["sources"], ["sources", "tags"],
        ["sources", "log"], ["entities"], ["diff", a, b], ["report"],
        ["report", "--entity", "Belhadj"], ["timeline", "--claim", claim],
        ["timeline", "--entity", "Belhadj"],
    ]
    return [[*r, "--db", str(db)] for r in runs]


def _probe(db, forbidden: tuple[str, ...], *extra: str) -> list[dict]:
    runs = _read_commands(db)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(forbidden), json.dumps(runs), *extra],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(results) == len(runs)
    ran = [r for r in results if not r.get("skipped")]
    assert len(ran) >= 12  # docs ... report: these exist on every branch
    return ran


def test_no_read_command_imports_spacy(seeded_db) -> None:
    for r in _probe(seeded_db, FORBIDDEN):
        command = " ".join(r["args"][:-2])
        assert not r["loaded"], f"`claimtrack {command}` imported {r['loaded'][:4]}"


def test_no_read_command_started_as_claimtrack_imports_numpy(seeded_db) -> None:
    """numpy is about a sixth of a command's start-up, and only writes use it."""
    for r in _probe(seeded_db, ("numpy", "pandas"), "lean"):
        command = " ".join(r["args"][:-2])
        assert not r["loaded"], f"`claimtrack {command}` imported {r['loaded'][:4]}"


def test_lean_start_hides_nothing_afterwards() -> None:
    """The hiding ends with sqlite-utils' import: numpy imports as usual after it."""
    code = ("import sys; from claimtrack.__main__ import lean_sqlite_utils; "
            "lean_sqlite_utils(); import sqlite_utils.db as d; assert d.np is None; "
            "import numpy; assert sys.modules['numpy'] is numpy; print('ok')")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr
