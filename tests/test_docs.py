"""Docs are executed and code is lint-clean: both are tests, so CI checks them."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_readme_examples_are_current(seeded_db):  # seeded_db: spaCy is loaded already
    from cogapp import Cog

    status = Cog().main(["cog", "--check", "-I", str(ROOT / "docs"), str(ROOT / "README.md")])
    assert status == 0, "README.md is stale: run `cog -r -I docs README.md`"


def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
