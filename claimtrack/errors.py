"""Exceptions the library raises; the CLI turns them into one-line errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # models imports nothing of claimtrack: no cycle
    from claimtrack.models import Document


class ClaimtrackError(Exception):
    """Base class. The message must tell the user what to do."""


class InputError(ClaimtrackError):
    """A path or stream that cannot be read as a document."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class DatabaseError(ClaimtrackError):
    """The database file is unusable (not SQLite, newer schema, ...)."""


class NotFoundError(ClaimtrackError):
    """A document or entity the user named is not in the database."""


class BatchError(ClaimtrackError):
    """Some inputs of a batch failed; the good ones were stored."""

    def __init__(self, failures: list[ClaimtrackError]):
        self.failures = failures
        super().__init__(f"{len(failures)} input(s) could not be added")


class ExtractError(ClaimtrackError):
    """One text could not be extracted (its worker died, the parser failed on it).

    Not raised out of a batch: extract_texts yields it in that text's place, so
    the caller fails that one document and goes on with the others."""


class DocumentError(DatabaseError):
    """One document of a batch could not be stored (database busy, disk full,
    a bug); the batch goes on with the others."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class AlreadyStoredError(DatabaseError):
    """The same text (sha256) is stored already, perhaps by another process
    between our check and our write; `document` is the stored one."""

    def __init__(self, message: str, document: Document) -> None:
        self.document = document
        super().__init__(message)


class Interrupted(ClaimtrackError):
    """Ctrl-C during a batch: what was stored stays stored. `result` is the
    partial result (api.AddResult); `not_processed` counts inputs left over
    (None: unknown, records read from stdin)."""

    def __init__(self, result: Any, not_processed: int | None) -> None:  # api.AddResult
        self.result = result
        self.not_processed = not_processed
        stored = result.counts["added"]
        left = "" if not_processed is None else f", {not_processed} not processed"
        super().__init__(f"interrupted: {stored} stored{left}")
