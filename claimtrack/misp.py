"""MISP tags for a claim's Admiralty grade (the "admiralty-scale" taxonomy): `sources tags`.

Below credibility.py, which tags every grade it makes; the tags name the source as
grades.source_name does.
"""

from __future__ import annotations

from claimtrack.grades import source_name
from claimtrack.models import Claim, ClaimTags

MISP_TAXONOMY = "admiralty-scale"


def misp_tags(reliability: str, credibility: int) -> list[str]:
    """MISP taxonomy "admiralty-scale" machine tags."""
    return [
        f'{MISP_TAXONOMY}:source-reliability="{reliability.lower()}"',
        f'{MISP_TAXONOMY}:information-credibility="{credibility}"',
    ]


def claim_tags(claims: list[Claim]) -> list[ClaimTags]:
    """Each graded claim's MISP admiralty-scale tags."""
    out = []
    for c in claims:
        g = c.grade
        if g is None:
            continue
        out.append(
            ClaimTags(
                claim_id=c.id,
                # a pronoun nobody resolved is no source's name, but a claim's row
                # still says what the text calls its source
                source=source_name(c) or (c.source.text if c.source else None),
                reliability=g.reliability,
                credibility=g.credibility,
                tags=g.tags or misp_tags(g.reliability, g.credibility),
            )
        )
    return out
