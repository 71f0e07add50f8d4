"""entities.decisions: merge/split, dry run, names nothing answers to."""

from __future__ import annotations

import pytest

from claimtrack import api, entities
from claimtrack.errors import NotFoundError
from claimtrack.store.db import open_db


@pytest.fixture
def db_path(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(
        "Officials Deny Deal, Says Minister\n\n"
        "Hassan Karimi, the spokesman of the ministry, said the talks failed. "
        "Karimi said the deal was dead. He said talks would resume. "
        "A senior official said on condition of anonymity that talks went well.\n",
        encoding="utf-8",
    )
    b = tmp_path / "b.txt"
    b.write_text(
        "Hassan Karimi said the ministry would not comment. "
        "A senior official said the ministry was divided.\n",
        encoding="utf-8",
    )
    path = tmp_path / "t.db"
    api.add(path, [str(a), str(b)])
    return path


def test_decide_dry_run_writes_nothing_and_unknown_names_fail(db_path):
    db = open_db(db_path)
    result = entities.decide(db, "merge", "Hassan Karimi", "senior official", dry_run=True)
    assert result.dry_run and not result.written and result.changed
    assert db.conn.execute("SELECT count(*) FROM entity_decisions").fetchone()[0] == 0
    with pytest.raises(NotFoundError, match="claimtrack entities"):
        entities.decide(db, "merge", "Hassan Karimi", "Nobody Atall")
    with pytest.raises(NotFoundError):
        entities.decide(db, "split", "Karimi", "KARIMI")  # one name, twice
