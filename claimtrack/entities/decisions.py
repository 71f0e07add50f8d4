"""The user's merges and splits: `claimtrack entities merge/split` (decide), stored by name."""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime

import sqlite_utils

from claimtrack.entities.reads import build
from claimtrack.errors import NotFoundError
from claimtrack.models import Decision, DecisionResult
from claimtrack.models import EntityAction as Action
from claimtrack.store.decisions import record_decision
from claimtrack.text.names import name_key


def _who() -> str:
    try:
        return os.environ.get("CLAIMTRACK_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name in a container
        return "unknown"


def decide(
    db: sqlite_utils.Database,
    action: Action,
    a: str,
    b: str,
    why: str | None = None,
    dry_run: bool = False,
) -> DecisionResult:
    """Record the user's merge (B becomes an alias of A) or split (keep A and B apart).

    Decisions are stored by name and replayed on every query, so they survive
    re-adding and re-extracting documents. A dry run writes nothing.
    """
    graph = build(db)
    ia, ib = graph.require(a), graph.require(b)
    if name_key(a) == name_key(b):
        raise NotFoundError(f"'{a}' and '{b}' are the same name: give two different names")
    before = [graph.records[i] for i in sorted(set(ia) | set(ib))]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    pending = Decision(id=1 << 62, action=action, a=a, b=b, who=_who(), at=now, why=why)
    after_graph = build(db, extra=[pending])
    after_idx = sorted(set(after_graph.find(a)) | set(after_graph.find(b)))
    after = [after_graph.records[i] for i in after_idx]
    changed = [e.model_dump() for e in before] != [e.model_dump() for e in after]
    together = set(after_graph.find(a)) & set(after_graph.find(b))
    if action == "merge":
        state = f"'{b}' is an alias of '{after[0].name}'" if together else "still apart"
    else:
        state = "kept apart" if not together else "still together (another name joins them)"
    message = (
        f"{action} {a!r} {b!r}: {state}; {len(before)} entities before, {len(after)} after"
        + (" (no change)" if not changed else "")
        + ("; dry run: nothing written" if dry_run else "; decision stored")
    )
    written = False
    if not dry_run:
        record_decision(db, pending)
        written = True
    return DecisionResult(action=action, a=a, b=b, dry_run=dry_run, written=written,
                          changed=changed, before=before, after=after, message=message)
