"""Shared fixtures: the repo's seeds, the PolNeAR sample (when present), and
one seeded database per test session (spaCy loads once per process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BELHADJ = SEEDS / "belhadj-isis-libya-2015.md"
HAFTAR = SEEDS / "haftar-spokesman-al-qaeda.md"
EVAL_DIR = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def polnear_path() -> Path:
    path = EVAL_DIR / "polnear.jsonl"
    if not path.is_file():
        pytest.skip("../shared/eval/polnear.jsonl is absent")
    return path


def run_cli(*args: str, db: Path | None = None, input: bytes | str | None = None):
    """Invoke the CLI in-process; returns click's Result (stdout/stderr apart)."""
    from claimtrack.cli import cli

    argv = list(args)
    if db is not None:
        argv += ["--db", str(db)]
    return CliRunner().invoke(cli, argv, input=input, catch_exceptions=False)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """Both seeds added through the CLI once per session."""
    db = tmp_path_factory.mktemp("seeded") / "claimtrack.db"
    result = run_cli("add", str(SEEDS), db=db)
    assert result.exit_code == 0, result.stderr
    return db


def claims_json(db: Path, *args: str) -> list[dict]:
    result = run_cli("claims", "--json", *args, db=db)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)
