"""`--dask`: extraction on a Dask cluster, stored here, equals a single-process run."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_kill import _listed, fuzz

from claimtrack import api
from claimtrack.cli import cli
from claimtrack.distributed import MISSING

ROOT = Path(__file__).resolve().parents[1]
INPUTS = [str(ROOT / "seeds"), *(str(ROOT / "tests/fixtures/story" / f) for f in
                                 ("1-original.txt", "2-wire-copy.txt", "5-denial.txt"))]
# Columns that hold the time a row was written: the one thing two runs may differ in.
TIMESTAMPS = {("documents", "added"), ("entity_decisions", "at"), ("source_grades", "at")}


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, timestamps left out, sorted (row order is not compared)."""
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        out = {}
        for name in names:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')
                    if (name, r[1]) not in TIMESTAMPS]
            rows = conn.execute(f'SELECT {", ".join(map(repr, cols))} FROM "{name}"')
            out[name] = sorted(rows.fetchall(), key=repr)
        return out
    finally:
        conn.close()


def test_missing_extra_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)  # import dask.distributed fails
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    r = CliRunner().invoke(cli, ["add", INPUTS[1], "--dask", "local", "--db",
                                 str(tmp_path / "t.db")])
    assert r.exit_code == 1 and r.stderr == f"error: {MISSING}\n"
    assert "claimtrack[dask]" in MISSING
    assert not (tmp_path / "t.db").exists()


@pytest.mark.timeout(300)
def test_add_on_a_local_cluster_stores_what_one_process_stores(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    import claimtrack.extract

    one, two = tmp_path / "one.db", tmp_path / "dask.db"
    single = api.add(one, INPUTS)
    assert not single.failures and single.counts["added"] == len(INPUTS) + 1  # 2 seeds

    def not_here(*args, **kwargs):
        raise AssertionError("extracted in the client, not on the cluster")

    # the workers are processes of their own: only this one's extractor is broken
    monkeypatch.setattr(claimtrack.extract, "extract_texts", not_here)
    r = CliRunner().invoke(cli, ["add", *INPUTS, "--dask", "local", "--jobs", "2", "--nl",
                                 "--db", str(two)])
    assert r.exit_code == 0, r.output
    outcomes = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["status"] for o in outcomes] == ["added"] * (len(INPUTS) + 1)
    a, b = tables(one), tables(two)
    assert a.keys() == b.keys()
    for name in a:
        if name not in fuzz.READ_KEPT:  # they hold the order and times of the adds
            assert a[name] == b[name], name
    assert a["claims"] and a["matches"]  # the comparison covers the cross-document index
    assert a["listing_state"] == b["listing_state"] != []  # both prepared the listings
    for command in ("sources", "entities"):
        assert _listed(one, command) == _listed(two, command), command


@pytest.mark.timeout(300)
def test_extract_on_a_local_cluster_writes_what_one_process_writes(tmp_path):
    pytest.importorskip("dask.distributed")
    src = tmp_path / "docs.jsonl"
    texts = [(ROOT / "tests/fixtures/story" / f).read_text(encoding="utf-8")
             for f in ("1-original.txt", "3-rewrite.txt", "4-confirmation.txt")]
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    local = CliRunner().invoke(cli, ["extract", str(src)])
    cluster = CliRunner().invoke(cli, ["extract", str(src), "--dask", "local", "--jobs", "1"])
    assert local.exit_code == cluster.exit_code == 0, cluster.output
    assert cluster.stdout == local.stdout and local.stdout.count("\n") == 3


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    from claimtrack import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 1)
    r = CliRunner().invoke(cli, ["add", INPUTS[1], "--dask", "tcp://127.0.0.1:9",
                                 "--db", str(tmp_path / "t.db")])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert r.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
