"""Source reliability grades (Admiralty/NATO A-F): the user's append-only log.

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
name as `claimtrack sources` lists it.
"""

from __future__ import annotations

import csv
import getpass
import io
import os
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from claimtrack.errors import ClaimtrackError, InputError, NotFoundError
from claimtrack.models import Claim, Record, SourceType
from claimtrack.store import readback
from claimtrack.store.db import atomic
from claimtrack.text.names import canonical_name
from claimtrack.text.sourcephrase import APPOSITION as _APPOSITION

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


class GradeEntry(Record):
    """One row of the grades log."""

    id: int
    source: str  # canonical name as graded
    grade: str
    why: str | None
    who: str
    at: datetime
    origin: str  # "cli", or the sources file (path:line) it came from


class GradeResult(Record):
    """A grade just logged, and how many stored claims it applies to now (0: the
    name is graded ahead, or misspelt)."""

    entry: GradeEntry
    claims: int


class ImportResult(Record):
    path: str
    entries: list[GradeEntry]


class SourceRow(Record):
    """One source in `claimtrack sources`: its claims, documents, grade and flags."""

    name: str
    type: SourceType
    documents: list[str]  # document ids, in load order
    claims: int
    reliability: str  # A-F; F when ungraded
    why: str | None  # the latest grade's reason
    flags: dict[str, int]  # flag code -> claims of this source carrying it


class ClaimTags(Record):
    """A claim's Admiralty grade as MISP tags (taxonomy "admiralty-scale")."""

    claim_id: str
    source: str | None
    reliability: str
    credibility: int
    tags: list[str]


# --- names -------------------------------------------------------------------------


def canonical(name: str) -> str:
    """The name as the resolver writes entity keys ("the Pentagon's" -> "Pentagon")."""
    return canonical_name(name)


def grade_key(name: str) -> str:
    """The comparison key of a source name (see module docstring)."""
    from claimtrack.similarity import normalise_name

    return normalise_name(canonical(name))


def check_grade(grade: str) -> str:
    """'b ' -> 'B'; anything else than one letter A-F is refused."""
    g = str(grade).strip().upper()
    if g not in GRADES:
        raise ClaimtrackError(
            f"'{grade}' is not an Admiralty reliability grade: use one letter of {_SCALE}"
        )
    return g


def _who(who: str | None) -> str:
    """Who grades: as given, else $USER, else the login name, else "unknown"."""
    for name in (who, os.environ.get("USER")):
        if name and name.strip():
            return name.strip()
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no LOGNAME and no passwd entry (containers)
        return "unknown"


# --- the log -----------------------------------------------------------------------


def _entry(row: tuple) -> GradeEntry:
    id_, source, grade, why, who, at, origin = row
    return GradeEntry(
        id=id_, source=source, grade=grade, why=why, who=who, at=datetime.fromisoformat(at),
        origin=origin,
    )


_SELECT = "SELECT id, source, grade, why, who, at, origin FROM source_grades"


def _append(
    db: sqlite_utils.Database, rows: list[tuple[str, str, str | None, str, str]]
) -> list[GradeEntry]:
    """Append (source, grade, why, who, origin) rows in one transaction: all or none."""
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    conn = db.conn
    ids = []
    with atomic(conn, "could not log the grade"):
        for source, grade, why, who, origin in rows:
            cur = conn.execute(
                "INSERT INTO source_grades (source, grade, why, who, at, origin) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (source, grade, why, who, at, origin),
            )
            ids.append(cur.lastrowid)
    marks = ", ".join("?" for _ in ids)
    found = conn.execute(f"{_SELECT} WHERE id IN ({marks}) ORDER BY id", ids).fetchall()
    return [_entry(r) for r in found]


def _named(name: str) -> str:
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
    return _append(db, [(_named(name), g, why, _who(who), origin)])[0]


def grade_log(db: sqlite_utils.Database, name: str | None = None) -> list[GradeEntry]:
    """The log, oldest first; with `name`, the entries of that name, of its tails and of
    the longer names it is the tail of ("Al-Mismari": also "Ahmed Al-Mismari")."""
    # One damaged log row costs that entry (with a warning), never every read.
    rows = readback.convert(db.conn.execute(f"{_SELECT} ORDER BY id").fetchall(), _entry,
                            lambda r: f"grade log entry {r[0]}")
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


# --- sources files -----------------------------------------------------------------

_Row = tuple[str, str, str | None, str | None, str]  # name, grade, why, who, origin


def _checked_row(
    path: str, line: int, name: Any, grade: Any, why: Any, who: Any = None
) -> _Row:
    where = f"{path}:{line}"
    if name is None or not str(name).strip():
        raise InputError(where, "no source name: fill the 'name' column")
    if grade is None or not str(grade).strip():
        raise InputError(where, f"no grade for '{name}': give one letter A-F")
    try:
        g = check_grade(str(grade))
    except ClaimtrackError as e:
        raise InputError(where, str(e)) from e
    try:
        source = _named(str(name))
    except ClaimtrackError as e:
        raise InputError(where, str(e)) from e
    why_s = str(why).strip() if why is not None and str(why).strip() else None
    who_s = str(who).strip() if who is not None and str(who).strip() else None
    return (source, g, why_s, who_s, where)


_COLUMNS = ("name", "grade", "why", "who")


def _read_csv(path: str, text: str) -> list[_Row]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            path, "empty file: the first line must be the header name,grade,why"
        ) from None
    cols = [h.strip().casefold() for h in header]
    unknown = [h for h in cols if h not in _COLUMNS]
    if "name" not in cols or "grade" not in cols or unknown:
        raise InputError(
            f"{path}:1",
            f"header {','.join(header)!r} must name the columns name,grade[,why][,who]"
            + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
        )
    rows = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue  # blank line
        if len(fields) > len(cols):
            raise InputError(
                f"{path}:{line}",
                f"{len(fields)} fields for {len(cols)} columns: quote a value holding a comma",
            )
        rec = dict(zip(cols, fields, strict=False))
        rows.append(
            _checked_row(path, line, rec.get("name"), rec.get("grade"), rec.get("why"),
                         rec.get("who"))
        )
    return rows


def _read_yaml(path: str, text: str) -> list[_Row]:
    try:
        import yaml
    except ImportError as e:  # pragma: no cover - PyYAML is a dependency
        raise InputError(path, "reading YAML needs PyYAML: `pip install pyyaml`, or use CSV") from e
    try:
        # Nodes, not objects: they keep line numbers, and scalars stay strings
        # (YAML 1.1 would read a grade of "n" or "no" as false).
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(where, f"not valid YAML ({problem}): fix the syntax") from e
    if root is None:
        raise InputError(path, "empty file: list sources as `- {name: ..., grade: B, why: ...}`")

    def line(node: Any) -> int:
        return node.start_mark.line + 1

    def scalar(node: Any, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            raise InputError(f"{path}:{line(node)}", f"{what} must be a plain value")
        return None if node.tag.endswith(":null") else node.value

    def once(key: str, k: Any, seen: dict[str, int], what: str) -> None:
        # PyYAML keeps the last of two equal keys without a word: a grade the
        # user wrote would vanish, so two are refused as a spreadsheet would be
        if key in seen:
            raise InputError(f"{path}:{line(k)}", f"{what} '{key}' given twice (first on line "
                             f"{seen[key]}); keep one")
        seen[key] = line(k)

    def fields(node: Any) -> dict[str, Any]:
        out = {}
        seen: dict[str, int] = {}
        for k, v in node.value:
            key = (scalar(k, "a key") or "").strip().casefold()
            if key not in _COLUMNS:
                raise InputError(
                    f"{path}:{line(k)}", f"unknown key '{key}': use name, grade, why (who)"
                )
            once(key, k, seen, "key")
            out[key] = v
        return out

    rows = []
    if isinstance(root, yaml.SequenceNode):  # - {name: X, grade: B, why: ...}
        for item in root.value:
            if not isinstance(item, yaml.MappingNode):
                raise InputError(
                    f"{path}:{line(item)}", "each item must be a mapping {name, grade, why}"
                )
            f = fields(item)
            rows.append(
                _checked_row(path, line(item), *(scalar(f.get(c), c) for c in _COLUMNS))
            )
    elif isinstance(root, yaml.MappingNode):  # X: B   or   X: {grade: B, why: ...}
        names: dict[str, int] = {}
        for k, v in root.value:
            name = scalar(k, "a source name")
            once((name or "").strip(), k, names, "source")
            if isinstance(v, yaml.MappingNode):
                f = fields(v)
                if "name" in f:
                    raise InputError(f"{path}:{line(v)}", "the name is the key: drop 'name:'")
                rows.append(
                    _checked_row(path, line(k), name, *(scalar(f.get(c), c) for c in _COLUMNS[1:]))
                )
            else:
                rows.append(_checked_row(path, line(k), name, scalar(v, "a grade"), None))
    else:
        raise InputError(
            path, "expected a list of {name, grade, why} or a mapping name: grade"
        )
    return rows


def read_sources_file(path: str | Path) -> list[_Row]:
    """Parse and check every row of a sources file; the first bad row raises."""
    p = Path(path)
    shown = str(path)
    if not p.is_file():
        raise InputError(shown, "no such file: give a .csv or .yaml sources file")
    suffix = p.suffix.casefold()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise InputError(shown, "unknown sources file type: name it .csv, .yaml or .yml")
    try:
        text = p.read_bytes().decode("utf-8-sig")  # spreadsheets write a BOM
    except UnicodeDecodeError as e:
        raise InputError(shown, f"not UTF-8 ({e.reason} at byte {e.start}): re-encode it") from e
    except OSError as e:
        raise InputError(shown, f"cannot read it ({e.strerror})") from e
    rows = _read_csv(shown, text) if suffix == ".csv" else _read_yaml(shown, text)
    if not rows:
        raise InputError(shown, "no sources in the file: add rows of name, grade, why")
    return rows


def import_sources(db: sqlite_utils.Database, path: str | Path) -> ImportResult:
    """Log every grade of a sources file, in file order, or none if any row is bad."""
    rows = read_sources_file(path)
    who = _who(None)
    entries = _append(db, [(s, g, why, w or who, origin) for s, g, why, w, origin in rows])
    return ImportResult(path=str(path), entries=entries)


# --- the sources listing -----------------------------------------------------------

_NOT_NAMED: frozenset[str] = frozenset({"anonymous", "vague_collective", "vague_reference"})
_ANONYMOUS_FLAGS = frozenset({"anonymous_source", "unnamed_source"})


def source_name(claim: Claim) -> str | None:
    """Who the claim is on the word of, as a name: the resolved entity, else the
    source phrase before any apposition ("Ahmed Al-Mismari, the spokesperson of
    ..." -> "Ahmed Al-Mismari"). None when the author states it or no source is
    given."""
    if claim.source_entity and claim.source_entity.strip():
        return canonical(claim.source_entity)
    if claim.source is None:
        return None
    head = _APPOSITION.split(claim.source.text, maxsplit=1)[0]
    name = canonical(head) or canonical(claim.source.text)
    return name or None


def source_type(claim: Claim) -> SourceType:
    """The typed source when the extractor gave one; anonymous by its flag; else unknown."""
    if claim.source_info is not None:
        return claim.source_info.type
    if any(f.code in _ANONYMOUS_FLAGS for f in claim.flags):
        return "anonymous"
    return "unknown"


def source_entities(db: sqlite_utils.Database, claims: list[Claim]) -> dict[str, tuple[str, str]]:
    """claim id -> (group key, name) of the entity its source resolves to, with the
    user's merges and splits replayed (entities.py). Claims whose source is no entity
    (the author, a bare pronoun nobody resolved) are left out."""
    from claimtrack import entities
    from claimtrack.store import readback

    # named from the stored components where they can say it: no graph at all
    stored = readback.component_names(db, claims)
    if stored is not None:
        return stored
    # the entities of these claims' sources, whole: not those of every document
    graph = entities.build_for_claims(db, claims)
    out = {}
    for c in claims:
        index = graph.entity_of_claim(c.id)
        if index is not None:
            out[c.id] = (f"entity {index}", graph.name_of(index))
    return out


def list_sources(
    db: sqlite_utils.Database,
    claims: list[Claim],
    with_ungraded: bool = True,
    entities: dict[str, tuple[str, str]] | None = None,
) -> list[SourceRow]:
    """`claims` (flagged and graded) grouped by source: by entity where `entities`
    (source_entities) resolves one, else by name. Graded names that no listed source
    carries are listed too when `with_ungraded`. Order: most claims first, then name."""
    grades = reliability(db)
    entities = entities or {}
    groups: dict[str, list[Claim]] = {}
    names: dict[str, Counter[str]] = {}
    for c in claims:
        if c.id in entities:
            key, name = entities[c.id]
        else:
            found = source_name(c)
            if found is None:
                continue
            key, name = f"name {grade_key(found)}", found
        groups.setdefault(key, []).append(c)
        names.setdefault(key, Counter())[name] += 1
    rows = []
    used: set[str] = set()  # graded names that cover a listed source
    for key, cs in groups.items():
        # the most frequent spelling, the longest on ties ("Ahmed Al-Mismari")
        name = max(names[key].items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
        types = Counter(source_type(c) for c in cs)
        typed = Counter({t: n for t, n in types.items() if t != "unknown"})
        kind = max(typed.items(), key=lambda kv: (kv[1], kv[0]))[0] if typed else "unknown"
        entry = lookup(grades, name)
        for c in cs:
            entry = entry or lookup(grades, source_name(c))
        if entry is not None:
            used.add(grade_key(entry.source))
        grade: str
        if all(c.grade is not None for c in cs):
            # what the claims were graded with (credibility.py): the listing agrees
            got = Counter(c.grade.reliability for c in cs if c.grade is not None)
            grade = min(got.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        else:
            grade = entry.grade if entry is not None and kind not in _NOT_NAMED else UNGRADED
        rows.append(
            SourceRow(
                name=name,
                type=kind,
                documents=list(dict.fromkeys(c.doc_id for c in cs)),
                claims=len(cs),
                reliability=grade,
                why=entry.why if entry is not None and grade != UNGRADED else None,
                flags=dict(sorted(Counter(f.code for c in cs for f in c.flags).items())),
            )
        )
    if with_ungraded:
        for key, e in grades.items():
            if key not in used:
                rows.append(
                    SourceRow(name=e.source, type="unknown", documents=[], claims=0,
                              reliability=e.grade, why=e.why, flags={})
                )
    rows.sort(key=lambda r: (-r.claims, r.name.casefold(), r.name))
    return rows


def claims_graded_by(claims: list[Claim], name: str) -> int:
    """How many of `claims` a grade of `name` applies to, matched as the listing
    matches them (lookup: the name or a surname it ends with)."""
    graded = {grade_key(name): True}
    return sum(1 for c in claims if lookup(graded, source_name(c)))


def claim_tags(claims: list[Claim]) -> list[ClaimTags]:
    """Each graded claim's MISP admiralty-scale tags."""
    from claimtrack.credibility import misp_tags

    out = []
    for c in claims:
        g = c.grade
        if g is None:
            continue
        out.append(
            ClaimTags(
                claim_id=c.id,
                source=source_name(c),
                reliability=g.reliability,
                credibility=g.credibility,
                tags=g.tags or misp_tags(g.reliability, g.credibility),
            )
        )
    return out
