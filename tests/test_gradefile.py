"""Sources files (gradefile.py): CSV and YAML rows checked, logged all or none."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.errors import InputError
from claimtrack.gradefile import import_sources
from claimtrack.grades import GRADES, grade_key, grade_log
from claimtrack.store import db as dbmod

pytestmark = pytest.mark.model_free


@pytest.fixture
def db(tmp_path: Path):
    return dbmod.open_db(tmp_path / "g.db")


def test_csv_import_logs_every_row_in_order_with_its_line(db, tmp_path):
    path = tmp_path / "sources.csv"
    path.write_bytes(
        "\ufeffname,grade,why\n"
        'Reuters,B,"long record, few corrections"\n'
        "\n"
        "Libya Observer,d,\n"
        "Ahmed Al-Mismari,E,spokesman of a party to the war\n".encode()
    )
    result = import_sources(db, path)
    assert [(e.source, e.grade, e.why) for e in result.entries] == [
        ("Reuters", "B", "long record, few corrections"),
        ("Libya Observer", "D", None),
        ("Ahmed Al-Mismari", "E", "spokesman of a party to the war"),
    ]
    assert [e.origin for e in result.entries] == [f"{path}:2", f"{path}:4", f"{path}:5"]


def test_csv_with_a_who_column(db, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("grade,name,who\nA,Reuters,desk\n", encoding="utf-8")
    (entry,) = import_sources(db, path).entries
    assert (entry.source, entry.grade, entry.who) == ("Reuters", "A", "desk")


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("name,grade\nReuters,B\nTass,G\n", ":3", "not an Admiralty reliability grade"),
        ("name,grade\nReuters,\n", ":2", "no grade"),
        ("name,grade\n,B\n", ":2", "no source name"),
        ("name,score\nReuters,B\n", ":1", "must name the columns"),
        ("name,grade\nReuters,B,too,many\n", ":2", "quote a value holding a comma"),
        ("", "", "empty file"),
        ("name,grade\n", "", "no sources in the file"),
    ],
)
def test_a_bad_csv_names_file_line_and_fix_and_logs_nothing(db, tmp_path, text, where, what):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        import_sources(db, path)
    assert str(e.value).startswith(f"{path}{where}: ")
    assert what in str(e.value) and "\n" not in str(e.value)
    assert grade_log(db) == []  # all or nothing


def test_yaml_list_and_mapping_forms(db, tmp_path):
    listed = tmp_path / "a.yaml"
    listed.write_text(
        "- name: Reuters\n  grade: B\n  why: long record\n- {name: Tass, grade: e}\n",
        encoding="utf-8",
    )
    mapped = tmp_path / "b.yml"
    mapped.write_text(
        "Libya Observer: D\n'Ahmed Al-Mismari':\n  grade: E\n  why: a party to the war\n",
        encoding="utf-8",
    )
    a = import_sources(db, listed).entries
    b = import_sources(db, mapped).entries
    assert [(e.source, e.grade, e.why) for e in a + b] == [
        ("Reuters", "B", "long record"), ("Tass", "E", None),
        ("Libya Observer", "D", None), ("Ahmed Al-Mismari", "E", "a party to the war"),
    ]
    assert [e.origin for e in b] == [f"{mapped}:1", f"{mapped}:2"]


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("- name: Reuters\n  grade: B\n- name: Tass\n  grade: Z\n", 3, "not an Admiralty"),
        ("Reuters: B\nTass: [E]\n", 2, "plain value"),
        ("- name: Reuters\n  grade: B\n  rating: 3\n", 3, "unknown key 'rating'"),
        ("Reuters: B\n  bad: indent\n", 2, "not valid YAML"),
        ("- Reuters\n", 1, "each item must be a mapping"),
        # PyYAML keeps the last of two equal keys silently (issue 9)
        ("Reuters: B\nTass: E\nReuters: C\n", 3,
         r"source 'Reuters' given twice \(first on line 1\); keep one"),
        ("- {name: Reuters, grade: B, grade: C}\n", 1, r"key 'grade' given twice"),
        ("Tass:\n  grade: E\n  why: a\n  WHY: b\n", 4, r"key 'why' given twice \(first on line 3"),
    ],
)
def test_a_bad_yaml_names_its_line_and_logs_nothing(db, tmp_path, text, line, what):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=what) as e:
        import_sources(db, path)
    assert str(e.value).startswith(f"{path}:{line}: ")
    assert grade_log(db) == []


@pytest.mark.parametrize("name", ["s.txt", "missing.csv"])
def test_unknown_or_missing_files_are_refused(db, tmp_path, name):
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("name,grade\nA,B\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.csv"):
        import_sources(db, path)


names = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=1,
    max_size=30,
).filter(lambda s: grade_key(s) != "")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, st.sampled_from(GRADES), names), min_size=1, max_size=6))
def test_any_csv_written_by_a_csv_writer_imports_as_written(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("csv")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["name", "grade", "why"])
    w.writerows(rows)
    path = folder / "s.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    entries = import_sources(dbmod.open_db(folder / "g.db"), path).entries
    assert [(grade_key(e.source), e.grade) for e in entries] == [
        (grade_key(n), g) for n, g, _ in rows
    ]
    assert [e.why for e in entries] == [why.strip() or None for _, _, why in rows]
