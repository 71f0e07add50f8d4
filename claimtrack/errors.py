"""Exceptions the library raises; the CLI turns them into one-line errors."""


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

    def __init__(self, failures: list[InputError]):
        self.failures = failures
        super().__init__(f"{len(failures)} input(s) could not be added")


class ExtractError(ClaimtrackError):
    """One text could not be extracted (its worker died, the parser failed on it).

    Not raised out of a batch: extract_texts yields it in that text's place, so
    the caller fails that one document and goes on with the others."""
