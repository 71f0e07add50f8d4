"""The import contracts in pyproject.toml ([tool.importlinter]) hold: the layers, no new import
cycle (today's are listed there one by one, to be removed), spaCy only in extract/."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

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
