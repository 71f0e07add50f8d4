"""Source reliability grades (Admiralty/NATO A-F): the user's log, and whose grade applies.

A source is ungraded (F, "reliability cannot be judged") until a user grades
it, by name, from the command line (`claimtrack sources grade NAME B --why
...`) or from a sources file (`claimtrack sources import FILE.csv|yaml`).
Every grade is a new row of `source_grades` (who, when, why, where from);
nothing is ever updated or deleted, and the latest row for a name wins. The
log is keyed by name, not by claim or document, so it survives re-adding
documents and re-running extraction.

Names are compared by `grade_key`: the resolver's canonical name (no leading
"the", no possessive), then case, punctuation, hyphens and apostrophes folded,
so "Al-Mismari", "al Mismari" and "AL-MISMARI's" are one source. Grade the
name as `claimtrack sources` lists it. A claim's source is graded under
`source_name`, or under a surname its name ends with (`lookup`).

The log's SQL is in store/grades.py; sources files are read by gradefile.py, the
`sources` listing is sourcelisting.py, MISP tags misp.py.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TypeVar

import sqlite_utils

from claimtrack.errors import ClaimtrackError, NotFoundError
from claimtrack.models import Claim, GradeEntry
from claimtrack.store import grades as grades_log
from claimtrack.text.names import canonical_name, normalise_name
from claimtrack.text.sourcephrase import APPOSITION as _APPOSITION
from claimtrack.text.sourcephrase import PRONOUNS

GRADES = ("A", "B", "C", "D", "E", "F")
# The Admiralty scale's own words for each reliability grade.
RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
UNGRADED = "F"
_G = TypeVar("_G")
_SCALE = ", ".join(f"{g} {w}" for g, w in RELIABILITY.items())


# --- names -------------------------------------------------------------------------


def canonical(name: str) -> str:
    """The name as the resolver writes entity keys ("the Pentagon's" -> "Pentagon")."""
    return canonical_name(name)


def grade_key(name: str) -> str:
    """The comparison key of a source name (see module docstring)."""
    return normalise_name(canonical(name))


def check_grade(grade: str) -> str:
    """'b ' -> 'B'; anything else than one letter A-F is refused."""
    g = str(grade).strip().upper()
    if g not in GRADES:
        raise ClaimtrackError(
            f"'{grade}' is not an Admiralty reliability grade: use one letter of {_SCALE}"
        )
    return g


def who_grades(who: str | None) -> str:
    """Who grades: as given, else $USER, else the login name, else "unknown"."""
    for name in (who, os.environ.get("USER")):
        if name and name.strip():
            return name.strip()
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no LOGNAME and no passwd entry (containers)
        return "unknown"


# --- the log -----------------------------------------------------------------------


def append(
    db: sqlite_utils.Database, rows: list[tuple[str, str, str | None, str, str]]
) -> list[GradeEntry]:
    """Append (source, grade, why, who, origin) rows in one transaction: all or none."""
    return grades_log.append(db, rows, datetime.now(UTC).isoformat(timespec="microseconds"))


def named_source(name: str) -> str:
    """The name a grade is logged under (canonical); refused when nothing of it is a name."""
    source = canonical(name)
    if not grade_key(source):
        raise ClaimtrackError(
            f"'{name}' is no source name: give it as `claimtrack sources` lists it"
        )
    return source


def grade_source(
    db: sqlite_utils.Database,
    name: str,
    grade: str,
    why: str | None,
    who: str | None = None,
    origin: str = "cli",
) -> GradeEntry:
    """Log a reliability grade for the source `name`; it overrides earlier ones."""
    g = check_grade(grade)
    why = why.strip() if why and why.strip() else None
    return append(db, [(named_source(name), g, why, who_grades(who), origin)])[0]


def grade_log(db: sqlite_utils.Database, name: str | None = None) -> list[GradeEntry]:
    """The log, oldest first; with `name`, the entries of that name, of its tails and of
    the longer names it is the tail of ("Al-Mismari": also "Ahmed Al-Mismari")."""
    rows = grades_log.read(db)
    if name is None:
        return rows
    key = grade_key(name)
    found = [e for e in rows if _related(grade_key(e.source), key)]
    if not found:
        raise NotFoundError(
            f"no grade logged for '{name}': grade it with `claimtrack sources grade`, "
            "or run `claimtrack sources log` to see every graded name"
        )
    return found


def _related(a: str, b: str) -> bool:
    """One name key is the other or its tail ("al mismari", "ahmed al mismari")."""
    if a == b:
        return True
    short, long = sorted((a.split(), b.split()), key=len)
    return bool(short) and len(short[-1]) >= 3 and long[-len(short):] == short


def reliability(db: sqlite_utils.Database) -> dict[str, GradeEntry]:
    """grade_key(source) -> its latest grade entry."""
    out: dict[str, GradeEntry] = {}
    for e in grade_log(db):
        out[grade_key(e.source)] = e  # ascending ids: the latest wins
    return out


def lookup(grades: Mapping[str, _G], name: str | None) -> _G | None:
    """The grade that applies to the source `name`: the grade of that name, else of
    the longest graded name the source's name ends with ("Al-Mismari" covers
    "Ahmed Al-Mismari": a surname, its full name). `grades`: reliability(db), keyed
    by grade_key."""
    if not grades or not name:
        return None
    words = grade_key(name).split()
    if not words or len(words[-1]) < 3:  # "Al", "US": too short to stand for a name
        return grades.get(" ".join(words))
    for n in range(len(words), 0, -1):  # the whole name first, then shorter tails
        entry = grades.get(" ".join(words[-n:]))
        if entry is not None:
            return entry
    return None


# --- whose grade applies to a claim -----------------------------------------------



def source_name(claim: Claim) -> str | None:
    """Who the claim is on the word of, as a name: the resolved entity, else the
    source phrase before any apposition ("Ahmed Al-Mismari, the spokesperson of
    ..." -> "Ahmed Al-Mismari"). None when the author states it, no source is
    given, or the source is a pronoun nobody resolved."""
    if claim.source_entity and claim.source_entity.strip():
        return canonical(claim.source_entity)
    if claim.source is None:
        return None
    head = _APPOSITION.split(claim.source.text, maxsplit=1)[0]
    name = canonical(head) or canonical(claim.source.text)
    if name and name.casefold() in PRONOUNS:
        # "he" of one document and "he" of another are two people: a listing row "he"
        # summed them (9 claims of 7 documents on 26 PolNeAR articles). The author's
        # own "I" and "we" (typed self) are the author, one per document: a row "I"
        # summed 20 authors of the 560 dev articles (65 claims), and a grade of "I"
        # graded them all.
        if claim.source_info is not None and claim.source_info.type == "self":
            return f"{name} (the author of {claim.doc_id})"
        return None
    return name or None


def claims_graded_by(claims: Iterable[Claim], name: str) -> int:
    """How many of `claims` a grade of `name` applies to, matched as the listing
    matches them (lookup: the name or a surname it ends with)."""
    graded = {grade_key(name): True}
    return sum(1 for c in claims if lookup(graded, source_name(c)))
