"""The package type-checks: mypy, configured in pyproject.toml ([tool.mypy]), is part of the
suite, so a wrong annotation or a call that does not fit one fails CI like any other test."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.model_free


def test_mypy_is_clean():
    # Run from the repository root so mypy reads pyproject.toml and its cache (.mypy_cache)
    # makes reruns take a second or two.
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
