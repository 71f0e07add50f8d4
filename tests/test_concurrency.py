"""Two `claimtrack add` processes over overlapping inputs, and a reader in a loop (issue 9).

Every document ends up stored exactly once (by sha256 and by origin), both
adds exit 0 (a document the other process stored first is `unchanged`, not an
error, and the rest of the batch goes on), every read meanwhile exits 0 with
valid JSON, and the database equals a clean sequential run of the same files
(timestamps and row order aside).
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time

import pytest
from test_kill import (
    _listed,
    claimtrack_exe,
    finish,
    fuzz,
    integrity,
    run_add,
    start_add,
    write_corpus,
)

SEED = 23


def read_once(db, command: str) -> tuple[str, int | None, str]:
    """One reader run: (command, exit status, what was wrong or '')."""
    try:
        r = subprocess.run([claimtrack_exe(), command, "--json", "--db", str(db)],
                           capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return command, None, "timed out after 60 s"
    if r.returncode != 0:
        return command, r.returncode, r.stderr.strip()[-400:]
    try:
        json.loads(r.stdout)
    except ValueError as e:
        return command, r.returncode, f"invalid JSON ({e}): {r.stdout[:200]!r}"
    return command, 0, ""


def reported(err: str, origin: str) -> str | None:
    """How an add's stderr accounts for one input: 'added', 'unchanged' or None."""
    for word in ("added", "unchanged"):
        if re.search(rf"^{word}: {re.escape(origin)} ", err, re.M):
            return word
    return None


def grade(db) -> None:
    subprocess.run([claimtrack_exe(), "sources", "grade", "Ahmed Al-Mismari", "C", "--why",
                    "a test", "--who", "tester", "--db", str(db)],
                   capture_output=True, text=True, timeout=60, check=True)


@pytest.mark.timeout(400)
@pytest.mark.parametrize("graded", [False, True], ids=["kept shares", "a source graded"])
def test_two_overlapping_adds_and_a_reader(tmp_path, graded):
    """With a source graded, `sources` reads every claim graded, a chunk at a time
    (queries.graded_chunks), instead of the kept shares: both paths raced."""
    from claimtrack.store import db as dbmod

    paths = [str(p) for p in write_corpus(tmp_path / "docs", 16, SEED)]  # 18 documents
    assert len(paths) == 18
    # Docs 0-11 and 6-17, the shared ones first in both: the process that loses a
    # race over one of them still has documents of its own to store after it.
    batches = [paths[6:12] + paths[0:6], paths[6:12] + paths[12:18]]
    db = tmp_path / "shared.db"
    dbmod.open_db(db).conn.close()  # created and migrated, so the reader can start at once
    # the reads that keep what they compute first: on a loaded machine the writers
    # may be done after two or three reads
    commands = ("sources", "entities", "claims", "docs")
    if graded:
        grade(db)
        commands = ("sources", "entities", "sources", "claims")

    writers = [start_add(b, db) for b in batches]
    reads = []
    try:
        deadline = time.monotonic() + 180
        while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
            # sources and entities keep what they compute (shares, records, names,
            # marks) in transactions of their own, guarded against the writers'
            reads.append(read_once(db, commands[len(reads) % 4]))
        results = [finish(w) for w in writers]
    finally:
        for w in writers:
            finish(w, timeout=1)
    reads += [read_once(db, "claims"), read_once(db, "docs")]

    assert {r[0] for r in reads} >= {"sources", "entities"}
    where = f"[{len(reads)} reads]"
    bad = [r for r in reads if r[1] != 0]
    assert not bad, f"{where} reader errors: {bad}"
    assert integrity(db) == "ok"
    conn = sqlite3.connect(str(db))
    try:
        by_origin = dict(conn.execute("SELECT origin, count(*) FROM documents GROUP BY origin"))
        shas = conn.execute("SELECT count(*), count(DISTINCT sha256) FROM documents").fetchone()
    finally:
        conn.close()
    missing = sorted(set(paths) - set(by_origin))
    assert by_origin == {p: 1 for p in paths}, (
        f"every document stored exactly once; missing {missing}; writers said: "
        + " | ".join(r[2] for r in results))
    assert shas == (18, 18)
    for i, (code, _, err) in enumerate(results):
        assert code == 0, f"writer {i} exited {code}: {err}"
        for origin in batches[i]:
            assert reported(err, origin), f"writer {i} did not account for {origin}: {err}"


    ref = tmp_path / "sequential.db"
    if graded:
        dbmod.open_db(ref).conn.close()
        grade(ref)
    code, _, err = run_add(paths, ref)
    assert code == 0, err
    # the snapshot holds the cross-document index (issue 10): it must not be empty here
    with sqlite3.connect(str(ref)) as conn:
        (matches,) = conn.execute("SELECT count(*) FROM matches").fetchone()
    assert matches > 0, "these documents must share claims for the index to be compared"
    assert fuzz.snapshot(db, fuzz.READ_KEPT) == fuzz.snapshot(ref, fuzz.READ_KEPT), \
        "differs from a clean sequential run"
    # what the reads kept meanwhile lists what the clean run computes from nothing kept
    # (documents in the order they were added, which differs: compared as sets)
    for command in ("sources", "entities"):
        here, there = (_listed(d, command) for d in (db, ref))
        assert here == there, f"{command} after the concurrent reads differs"
