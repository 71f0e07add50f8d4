"""One entry point from an extraction to its typed sources and static flags.

`assess` fills `source_info` on every attribution (sourcetype.py) and returns
each one's static flags: the phrase rules of flags v1 (no_source,
anonymous_source, vague_source, unresolved_reference) plus the v2 rules that
read the SourceInfo (flags.source_flags). `api.add` and `reextract` call it;
nothing else decides static flags. Plain text only: no spaCy here.
"""

from __future__ import annotations

from datetime import date

from claimtrack.flags import FLAGS, make_flag, source_flags, static_flags
from claimtrack.models import Extraction, Flag, Link
from claimtrack.sourcetype import Mentions, classify_source, sentence_bounds, stated_roles

_ORDER = {code: i for i, code in enumerate(FLAGS)}


def assess(
    extraction: Extraction, text: str, links: list[Link], published: date | None
) -> list[list[Flag]]:
    """Fill att.source_info for every attribution; return each one's static flags."""
    atts = extraction.attributions
    sentences = sentence_bounds(text)
    mentions = Mentions(extraction.mentions)
    for att in atts:
        att.source_info = classify_source(att, text, mentions, sentences, others=atts)

    # A stake the text states once holds for every claim of that person or body:
    # "Al-Mismari, the spokesperson of Haftar's forces, claimed ..." ... "Al-Mismari said".
    stakes: dict[str, str] = {}
    known: dict[str, str | None] = {}  # stated_roles' answer for each name or surname
    for att in atts:
        info = att.source_info
        if att.source_entity and info is not None and info.interested_party:
            stakes.setdefault(att.source_entity, info.interested_party)
    for att in atts:
        info = att.source_info
        entity = att.source_entity
        if info is None or info.interested_party or not entity:
            continue
        if info.type not in ("person", "organization", "outlet"):
            continue
        if entity not in stakes:
            stakes[entity] = stated_roles(text, entity, known) or ""
        info.interested_party = stakes[entity] or None

    out: list[list[Flag]] = []
    for att in atts:
        info = att.source_info
        assert info is not None
        flags = static_flags(att, text, links)
        codes = {f.code for f in flags}
        if info.type == "anonymous" and "anonymous_source" not in codes:
            who = f"'{att.source.text}'" if att.source else None
            flags.append(make_flag("anonymous_source", who))
        flags += [f for f in source_flags(att, info, text, links, published) if f.code not in codes]
        flags.sort(key=lambda f: _ORDER.get(f.code, len(_ORDER)))
        out.append(flags)
    return out
