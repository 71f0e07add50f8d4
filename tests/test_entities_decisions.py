"""entities.decisions: merge/split, dry run, names nothing answers to."""

from __future__ import annotations

import pytest

from claimtrack import entities
from claimtrack.errors import NotFoundError
from claimtrack.store.db import open_db


def test_decide_dry_run_writes_nothing_and_unknown_names_fail(karimi_db):
    db = open_db(karimi_db)
    result = entities.decide(db, "merge", "Hassan Karimi", "senior official", dry_run=True)
    assert result.dry_run and not result.written and result.changed
    assert db.conn.execute("SELECT count(*) FROM entity_decisions").fetchone()[0] == 0
    with pytest.raises(NotFoundError, match="claimtrack entities"):
        entities.decide(db, "merge", "Hassan Karimi", "Nobody Atall")
    with pytest.raises(NotFoundError):
        entities.decide(db, "split", "Karimi", "KARIMI")  # one name, twice
