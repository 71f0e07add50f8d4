"""The extractors a user can pick, importable without loading spaCy (the CLI's
options, `eval --pred`); claimtrack.extract maps each to its versioned name."""

from __future__ import annotations

FILTERED = "filtered"  # the rules' candidates less those the trained filter doubts
RULES = "rules"  # every candidate, each explained by the rule that found it
CHOICES = (FILTERED, RULES)
DEFAULT = FILTERED
