"""The extractors a user can pick, importable without loading spaCy (the CLI's
options, `eval --pred`); claimtrack.extract maps each to its versioned name."""

from __future__ import annotations

FILTERED = "filtered"  # the rules' candidates less those the trained filter doubts
RULES = "rules"  # every candidate, each explained by the rule that found it
CHOICES = (FILTERED, RULES)
DEFAULT = FILTERED

# Records the extractor makes with no source and no cue: the headline and lede the
# author asserts unsourced ("no_source"), and the author's other statements in the
# body ("author"), kept for matching across documents. Neither is an attribution:
# `extract` and `eval` leave them out.
NO_SOURCE_RULE = "no_source"
AUTHOR_RULE = "author"
UNSOURCED_RULES = frozenset({NO_SOURCE_RULE, AUTHOR_RULE})
# A paragraph that is one quotation no attribution reaches: someone's words, the
# text does not say whose (extract/author.unattributed_quotations). No attribution
# either, and not the author's: its cluster counts no origin for it.
QUOTATION_RULE = "quotation"
# What listings show only with --author, and `extract`/`eval` never: the author's
# statements in the body and the unattributed quotations.
HIDDEN_RULES = frozenset({AUTHOR_RULE, QUOTATION_RULE})
NOT_EXTRACTED_RULES = UNSOURCED_RULES | HIDDEN_RULES
