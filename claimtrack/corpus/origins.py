"""Independent origins of one claim cluster, and where its reporting goes in circles.

A cluster is every appearance of one claim across the stored documents (matched
`same` or `more_specific`). How many independent origins stand behind it is not
how many documents carry it:

- a document is one origin however often it restates the claim (headline, lede,
  body): the author's statements all key to the document's own origin;
- wire copies and near-duplicate bodies share the document origin of their
  group (the wire agency, or the first document of a near-duplicate group);
- a named source is one origin wherever it is quoted; the same anonymous
  descriptor within one outlet is one origin ("a senior official" twice in
  the Post may be one person; in the Post and the Times, two outlets vouch);
- a source that is an outlet leads back to that outlet's own appearance when
  the cluster has one: "the AP reported" is the AP's origin, not a new one
  (a relay), and a cycle of outlets citing each other is circular reporting;
- unresolved references ("he", "the reports") count zero.

Pure functions over `Appearance` records, so the same cluster gives the same
answer whatever order its documents were added in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from claimtrack.models import NOT_NAMED_TYPES

# a vague reference ("reports say") cannot be traced at all, so it is kept apart from the
# unnamed voices (an anonymous official, "officials"), which are one origin per outlet
_UNTRACEABLE = frozenset({"vague_reference"})
_UNNAMED = NOT_NAMED_TYPES - _UNTRACEABLE


@dataclass(frozen=True)
class Appearance:
    """One claim of the cluster, with what independence depends on."""

    claim_id: str
    doc_id: str
    doc_origin: str  # the document's own origin key: "outlet:<wire or publisher>" or "doc:<id>"
    outlet: str | None = None  # the publishing outlet's key, if known
    published: date | None = None
    author: bool = False  # the author states it (no_source / author statement)
    source: str | None = None  # normalised source name; None when it cannot be followed
    source_type: str = "unknown"
    descriptor: str | None = None  # for unnamed sources: "senior administration official"


@dataclass(frozen=True)
class Origins:
    """What the cluster's appearances come to."""

    roots: dict[str, str | None]  # claim id -> root origin key (None: counts zero)
    origins: tuple[str, ...]  # distinct roots, sorted
    relays: frozenset[str] = frozenset()  # claim ids that pass on another appearance's origin
    copies: frozenset[str] = frozenset()  # claim ids in a document sharing another's origin
    circular: dict[str, str] = field(default_factory=dict)  # claim id -> why


def own_key(a: Appearance) -> str | None:
    """The origin an appearance names, before following outlets to their own reports."""
    if a.author or a.source_type == "self":
        return a.doc_origin
    if a.source is None or a.source_type in _UNTRACEABLE:
        return None
    if a.source_type in _UNNAMED:
        where = a.outlet or a.doc_origin
        return f"unnamed:{where}:{a.descriptor or a.source}"
    if a.source_type == "outlet":
        return f"outlet:{a.source}"
    return f"source:{a.source}"


def trace(cluster: Sequence[Appearance]) -> Origins:
    """Roots, independent origins, relays, copies and circular reporting of a cluster."""
    own = {a.claim_id: own_key(a) for a in cluster}
    # outlet key -> appearances published by that outlet (whose origin is the outlet's own)
    by_outlet: dict[str, list[Appearance]] = defaultdict(list)
    for a in cluster:
        if a.doc_origin.startswith("outlet:"):
            by_outlet[a.doc_origin].append(a)
        if a.outlet and f"outlet:{a.outlet}" != a.doc_origin:
            by_outlet[f"outlet:{a.outlet}"].append(a)

    circular: dict[str, str] = {}

    def root(a: Appearance, seen: tuple[str, ...]) -> str | None:
        key = own[a.claim_id]
        if key is None or not key.startswith("outlet:") or key == a.doc_origin:
            return key
        cited = [b for b in by_outlet.get(key, ()) if b.doc_id != a.doc_id]
        if not cited:
            return key
        if key in seen:  # outlets citing each other for it
            circular[a.claim_id] = f"cites {key[7:]}, which cites back"
            return key
        roots = sorted({r for b in cited if (r := root(b, (*seen, key))) is not None})
        return roots[0] if roots else key

    roots = {a.claim_id: root(a, (a.doc_origin,)) for a in cluster}
    # passes on a report the cluster holds: "the AP reported" beside the AP's own story
    relays = frozenset(a.claim_id for a in cluster
                       if (k := own[a.claim_id]) is not None and k.startswith("outlet:")
                       and k != a.doc_origin
                       and any(b.doc_id != a.doc_id for b in by_outlet.get(k, ())))
    docs_of_origin: dict[str, set[str]] = defaultdict(set)
    for a in cluster:
        docs_of_origin[a.doc_origin].add(a.doc_id)
    # Of documents sharing an origin, the original is the one that origin published
    # (the AP's own story, not a paper's run of it), else the earliest, else the least id.
    facts = {a.doc_id: (f"outlet:{a.outlet}" != a.doc_origin, a.published or date.max, a.doc_id)
             for a in cluster}
    first_doc = {k: min(v, key=facts.__getitem__) for k, v in docs_of_origin.items()}
    copies = frozenset(a.claim_id for a in cluster
                       if len(docs_of_origin[a.doc_origin]) > 1
                       and a.doc_id != first_doc[a.doc_origin])

    _dated_after(cluster, own, by_outlet, circular)
    _one_root_twice(cluster, own, roots, circular)
    origins = tuple(sorted({r for r in roots.values() if r is not None}))
    return Origins(roots=roots, origins=origins, relays=relays, copies=copies,
                   circular=circular)


def _dated_after(cluster: Sequence[Appearance], own: dict[str, str | None],
                 by_outlet: dict[str, list[Appearance]], circular: dict[str, str]) -> None:
    """An appearance citing an outlet whose every report of the claim came out later."""
    for a in cluster:
        key = own[a.claim_id]
        if a.published is None or key is None or not key.startswith("outlet:"):
            continue
        cited = [b for b in by_outlet.get(key, ()) if b.doc_id != a.doc_id]
        if cited and all(b.published is not None and b.published > a.published for b in cited):
            circular.setdefault(a.claim_id, f"cites {key[7:]}, whose report is dated after it")


def _one_root_twice(cluster: Sequence[Appearance], own: dict[str, str | None],
                    roots: dict[str, str | None], circular: dict[str, str]) -> None:
    """One document presenting two sources for the claim that lead back to one origin."""
    per_doc: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a in cluster:
        r, k = roots[a.claim_id], own[a.claim_id]
        if r is not None and k is not None:
            per_doc[(a.doc_id, r)].add(k)
    for a in cluster:
        r = roots[a.claim_id]
        if r is not None and len(per_doc[(a.doc_id, r)]) > 1:
            circular.setdefault(a.claim_id, "its sources here lead back to one origin")
