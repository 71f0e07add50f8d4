"""The layers hold: the import contracts in pyproject.toml ([tool.importlinter]: the layers, no
import cycle, spaCy only in extract/), and SQL only in claimtrack/store/."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.model_free

LINT = (
    "import sys\n"
    "from importlinter.cli import lint_imports\n"
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))\n"
)


def test_import_contracts_are_kept():
    result = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout


# a statement's first word, as the store writes them (upper case), and more after it
# ("UPDATE" alone is a word zones/ knows, not a statement)
_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|REPLACE|"
                  r"BEGIN|COMMIT|ROLLBACK|VACUUM|ANALYZE|ATTACH)\s+\S")
_RUNS_SQL = {"execute", "executemany", "executescript", "query"}


def sql_outside_store() -> list[str]:
    """Where a module outside claimtrack/store/ holds an SQL statement or runs one."""
    found = []
    package = ROOT / "claimtrack"
    for path in sorted(package.rglob("*.py")):
        if (package / "store") in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and _SQL.match(node.value):
                found.append(f"{where}: {node.value.strip()[:40]!r}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in _RUNS_SQL:
                found.append(f"{where}: .{node.func.attr}(...)")
    return found


def test_sql_only_in_the_store():
    assert sql_outside_store() == []


def test_the_sql_check_finds_sql(tmp_path, monkeypatch):
    """The check above can fail: a module with a statement and a call is caught."""
    import conftest

    pkg = tmp_path / "claimtrack"
    (pkg / "store").mkdir(parents=True)
    (pkg / "store" / "ok.py").write_text('Q = "SELECT 1"\n')
    (pkg / "bad.py").write_text('def f(conn):\n    return conn.execute("SELECT x FROM t")\n')
    monkeypatch.setattr(conftest, "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert sql_outside_store() == ["claimtrack/bad.py:2: .execute(...)",
                                   "claimtrack/bad.py:2: 'SELECT x FROM t'"]


def import_cycles(package: str = "claimtrack") -> list[str]:
    """The modules that lie on an import cycle, at any depth (the contracts check the
    top level and some packages; this checks every module, imports inside functions and
    under TYPE_CHECKING included, as grimp reads them): a module is on one when something
    it imports leads back to it."""
    import grimp

    graph = grimp.build_graph(package)
    return sorted(m for m in graph.modules
                  if any(graph.chain_exists(importer=x, imported=m)
                         for x in graph.find_modules_directly_imported_by(m)))


def test_no_import_cycle_anywhere_in_the_package():
    assert import_cycles() == []


def test_the_cycle_check_finds_a_cycle(tmp_path, monkeypatch):
    pkg = tmp_path / "knotted"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from knotted import b\n")
    (pkg / "b.py").write_text("from knotted import a\n")
    (pkg / "c.py").write_text("from knotted import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("knotted") == ["knotted.a", "knotted.b"]


def test_every_module_but_extract_is_kept_from_spacy():
    """The spaCy contract names its modules one by one: a new module must join it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"]
                    if c["type"] == "forbidden" and "spacy" in c["forbidden_modules"])
    package = ROOT / "claimtrack"
    top = {f"claimtrack.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    top |= {f"claimtrack.{p.name}" for p in package.iterdir()
            if p.is_dir() and (p / "__init__.py").exists()}
    assert top - {"claimtrack.extract"} == set(contract["source_modules"])
