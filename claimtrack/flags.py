"""Flag vocabulary: codes, one-line explanations, severities, and the rules
that raise them from one attribution (static flags, frozen at add time).

Flags that depend on other documents (`single_source`) are computed when
claims are queried (see queries.py), so adding a document can clear them.
"""

from __future__ import annotations

from claimtrack.models import Flag, Severity

# code -> (explanation shown to the user, severity)
FLAGS: dict[str, tuple[str, Severity]] = {
    "no_source": ("the author states this with no source at all", "warning"),
    "unnamed_source": ("the source is not named (anonymous or a faceless group)", "high"),
    "vague_source": ("the source is vague: no one identifiable stands behind it", "high"),
    "unresolved_reference": (
        "the cited source cannot be followed: its link is missing or it is never identified",
        "warning",
    ),
    "single_source": ("no other document or independent source carries this claim", "info"),
}


def make_flag(code: str, detail: str | None = None) -> Flag:
    """A Flag with its standard explanation, plus what triggered it."""
    explanation, severity = FLAGS[code]
    if detail:
        explanation = f"{explanation} ({detail})"
    return Flag(code=code, explanation=explanation, severity=severity)
