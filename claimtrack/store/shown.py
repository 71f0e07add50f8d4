"""Which claims a listing shows: the one SQL test the store's listings of claims share.

The author's statements in the body and the paragraphs that are one unattributed
quotation (extractor_names.HIDDEN_RULES) are stored for matching across documents
and listed only with `--author`. A claim with no rule (a record from before rules
were stored) is shown."""

from __future__ import annotations

from claimtrack.extractor_names import HIDDEN_RULES

_RULES = ", ".join(f"'{r}'" for r in sorted(HIDDEN_RULES))


def shown(alias: str = "c") -> str:
    """The SQL condition on claims table `alias` that a listing shows the claim."""
    return f"coalesce({alias}.rule, '') NOT IN ({_RULES})"
