"""Sources files: a CSV or YAML file of grades -> checked rows, logged all or none.

`claimtrack sources import FILE.csv|yaml`: every row is checked (name, one letter A-F)
before anything is logged; the first bad row is one InputError naming FILE:LINE.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import sqlite_utils
import yaml

from claimtrack.errors import ClaimtrackError, InputError
from claimtrack.grades import append, check_grade, named_source, who_grades
from claimtrack.models import ImportResult

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
        source = named_source(str(name))
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
    who = who_grades(None)
    entries = append(db, [(s, g, why, w or who, origin) for s, g, why, w, origin in rows])
    return ImportResult(path=str(path), entries=entries)
