"""`claimtrack` and `python -m claimtrack`: the command line, started lean.

sqlite-utils imports numpy and pandas at its own import, where they are installed,
only to map their types when it creates a table from data; claimtrack's tables
come from its migrations (store/migrations.py). numpy costs every command about
60 ms of its ~0.35 s start-up here, and pandas, often installed beside claimtrack
on a researcher's machine, more. A command process imports sqlite-utils with both
hidden, then lets them be imported again: the commands that use numpy (`add`,
`extract`: the postings cache, near-duplicate signatures, the extractor) import it
themselves when they run. The library (claimtrack.api) leaves sqlite-utils as it
is: a program importing claimtrack may insert numpy values of its own.
"""

from __future__ import annotations

import sys

_HIDDEN = ("numpy", "pandas")


def lean_sqlite_utils() -> None:
    """Import sqlite_utils without numpy and pandas, unless it is already imported."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [m for m in _HIDDEN if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for m in hidden:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]


def main() -> None:
    lean_sqlite_utils()
    from claimtrack.cli import cli

    cli()


if __name__ == "__main__":
    main()
