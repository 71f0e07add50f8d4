"""Keep the stored cross-document judgement current as documents come and go.

`document_added` runs inside the transaction that stores a document: it indexes
the document's claims, matches them against the claims of every *other* stored
document through the index (never all pairs), links near-duplicate bodies, and
recomputes only the clusters the new matches touch. `document_removed` runs
before a document's rows are deleted and returns what must be recomputed after.
Every decision is symmetric and every candidate set exact (index.py), so the
stored matches and clusters are the same whatever order documents came in.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from functools import lru_cache, partial

from claimtrack.corpus import neardup, twins
from claimtrack.corpus.index import BOUND_SLACK, SCALE, Heads, heads, scaled, size_bounds
from claimtrack.corpus.origins import Appearance, own_key, trace
from claimtrack.corpus.relate import (
    CLOSE,
    JACCARD_FLOOR,
    MIN_SHARED,
    SHARED_WEIGHT,
    Comparable,
    Relation,
    asks,
    bids,
    core_tokens,
    could_relate,
    min_tokens,
    relate_tokens,
    unit_comparable,
    weight,
)
from claimtrack.extractor_names import NOT_EXTRACTED_RULES, UNSOURCED_RULES
from claimtrack.provenance import relay_roots
from claimtrack.similarity import normalise_name
from claimtrack.store import matchstore as ms
from claimtrack.store.entitystore import clear_entity_components, rebuild_entity_components
from claimtrack.store.postings import signature
from claimtrack.text.compare import as_said_by, compared_text
from claimtrack.text.units import (
    OBJECT_RULES,
    bare_object,
    one_sentence,
    proposition_span,
    proposition_units,
    sentence_units,
    units,
    without_frame,
)
from claimtrack.zones.outlets import outlet_key

CLUSTERING = frozenset({"same", "more_specific"})  # relations that make one cluster

# The rules the stored matches are decided by. Bump it with any change to relate.py,
# index.py, text/units.py or this module that changes what is stored: the next `add`
# rebuilds an index decided by other rules (api._rematch_if_needed), no migration
# needed. 2026-11-27: negations, conditions, clauses and counts (relate.py); .2: a
# comma or a point inside a number closes no clause; .3: the same words about other
# people are `related` (relate._other_actors). Not bumped for leaving undecided the
# parts of two one-sentence claims told the same whole (match_claims): a database
# decided before keeps those rows, which no read shows (diff aligns the wholes), and
# rebuilding a 3,000-document index for them would cost its user half an hour.
# .5 (.4 was f56ab1a's, reverted by 990e249: a database built there carries it): an
# object or infinitive content is stated from its source's name on
# (text/units.proposition_span), a headline's capitals are no names (relate.py), an
# abbreviation ends no sentence ("on Feb. 20"): all change what `diff` shows.
# .6: a run of words both print makes a pair close (relate.verbatim_run); .7: a
# subordinating word before a pronoun opens a clause unit (text/units.py); .8: two
# contents sharing names and nothing else, or little of what the lighter says beside
# its names, are never one claim (relate.py); .9: a statement of procedure ("did not
# respond to a request for comment", "a margin of error of 3 points") relates to
# nothing (relate.procedural); .10: a scale word after digits is part of their number
# ("$47 billion" and "$36.5 billion" share no number: relate.numbers); .11: other
# numbers contradict only with three words told alike beside what they count
# (relate._context); .12: a derived form of an opposite verb ("supportive",
# "opposition") is still its opposite (relate._predicate_stem); .13: a clause cut
# before a dashed aside states nothing whole (text/units._interrupted); .14: what a
# cue asks or bids ("asked whether", "demanding that") relates as a question does
# (relate.bids); .15: a question told inside a sentence ("what it was like to be a
# high school student") relates as a question (relate._ASSERTS_NOTHING); .16: no
# entity matching, but every document's entity facts are drawn again by the rematch a
# new DECISIONS brings: a "person" holding two people ("Hillary Clinton Slams Donald
# Trump") takes no fold, nor "Donald Trump Jr." Donald Trump's (entities/facts.py).
# .17: an object content read without its source and cue is matched with nothing
# (bare_object); .18: a contradiction needs both subjects known (relate._unknown_actor);
# .19: so is the subject a passive cue follows (bare_object); 2026-11-29: the first person
# of a named source's content is that source (`said`); .2: only a text capitalising
# every word but function words is a headline whose capitals are no names
# (relate._title_case: a sentence dense with names, or a list of them, was one); .3:
# a unit short of a whole sentence holds no part of its claim's own source and cue
# (claim_units: '"A," X said in a statement' is compared as A, "X said in a statement"
# not at all); .4: two texts told alike but for a name each are two things
# (relate._other_names: "their Republican / Democratic counterparts"). Not bumped for
# storing within-document pairs of two voices only, each claim's nearest (within_pairs):
# a database decided before keeps pairs in one voice, which every read skips. .5: claims
# told identically are one twin class, its pairs stored as a star; .6: the pairs of two
# classes are decided once by class (decide_pair) and stored between hubs (twins.py),
# reads giving every pair as before; a twin's key holds every unit. A database decided
# before holds pairs this code would not store, or keys it would not make: the next
# `add` rebuilds it.
DECISIONS = "2026-11-29.6"

# The rules a document's entity facts are drawn by (entities/facts.py). Bump it with any
# change there that changes what is stored: the next `add` draws every stored document's
# facts again (redraw_facts: milliseconds a document; .16 above took a whole rematch,
# hours on an archive, for what matching never reads). 2026-11-29.7: a one-word name its
# document folds into a person's full name joins no other document
# (entities/facts._folded_people), a full name is its document's same name with a middle
# initial. .8: a node's rank counts it a full name by its key, as the graph does
# (entitystore.node_columns: `sources` named Hillary Clinton "Ms Clinton"). .9: a person
# NER ran on in a Title Case headline is cut to the name the body knows ("Obama Says":
# text/headlines.py). .10: a "person" that is one of its document's people
# and one of its organisations ("Obama White House") is no fold target
# (entities/facts._person_and_body). .11: the headline cut also drops what leads a full
# name the body uses ("Kill Trayvon Martin"), and never parts two words the body prints
# together ("Michaela Angela Davis"). .12: a one-word place that is the surname of a
# person its document names in full folds into that person ("Kasich" tagged GPE:
# entities/facts._PLACES). .13: a source phrase that ends on a title ("the Vermont
# senator") is a role of its document, not the place its name key kept
# (entities/facts._role). .14: a place its document puts something in ("in
# Washington") is no surname (the .12 rule had read the whole text as its last
# mention's). .15: a possessive source the resolver left ("his") is no one
# (entities/facts.PRONOUNS). .16: a platform NER took for a person ("Twitter") is an
# organisation (entities/facts._PLATFORMS). .17: a node is named by its untitled form
# first ("Barack Obama", not "President Barack Obama": text.names.surface_order). .18: a
# platform a claim names is an organisation too. .19: a "person" holding a conjunction
# ("Hillary & Chelsea Clinton Foundation") is no fold target. A database that recorded
# none was drawn by earlier rules.
ENTITY_FACTS = "2026-11-29.19"


# Sources whose "we" is themselves (text/compare.as_said_by): an institution, an outlet
PLURAL_SPEAKERS = frozenset({"organization", "outlet"})
# a source written as a name: "the Smithsonian Institution", not "Her campaign"
_NAMED = re.compile(r"(?:[Tt]he\s+)?(?!(?:The|He|She|It|We|They|His|Her|Its|Our|Their|This|That|"
                    r"These|Those|A|An)\b)[A-Z]")


def speaker(c: ms.ClaimRow) -> tuple[str | None, bool]:
    """Who the first-person words of a claim's content are (text/compare.as_said_by):
    its source's resolved name, or the source as written where that is a name (the
    author's statements and quotations nobody is credited with have none), and
    whether its "we" is that source too."""
    return _speaker(c.rule, c.source_entity, c.source_text, c.source_info)


# a stored claim's units are decided against many others' in a bulk add, each asking
# who speaks: its source_info is parsed once, not once a unit pair
@lru_cache(maxsize=8192)
def _speaker(rule: str | None, entity: str | None, text: str | None,
             info: str | None) -> tuple[str | None, bool]:
    if rule in NOT_EXTRACTED_RULES:  # the author's, or nobody's
        return None, False
    try:
        kind = json.loads(info or "{}").get("type")
    except (ValueError, AttributeError):
        kind = None
    name = entity
    if not name and kind in ("person", *PLURAL_SPEAKERS) and text and _NAMED.match(text):
        name = text
    return name, kind in PLURAL_SPEAKERS


def said(c: ms.ClaimRow, text: str) -> str:
    """A compared text (of the claim's content or a part of it) as its speaker's."""
    who, plural = speaker(c)
    return as_said_by(text, who, plural)


def comparable(c: ms.ClaimRow) -> Comparable:
    return Comparable(text=said(c, c.compared), cue_negated=c.cue_negated, denial=c.denial,
                      content_negated=c.content_negated, modality=c.modality)


def unit_comparable_of(c: ms.ClaimRow, u: ms.UnitRow, text: str | None) -> Comparable:
    """Unit 0 is the whole content (its stored compared text); a part is read from
    the stored text; either with its speaker's first person named (`said`). Whether
    it asks is read from the stored text (None: unknown, read as a statement)."""
    said_ = said(c, c.compared if u.unit == 0 or text is None else text[u.start:u.end])
    question = text is not None and asks(text, u.start, u.end) \
        or (bids(c.cue_lemma) and c.rule not in OBJECT_RULES)
    return unit_comparable(said_, c.cue_negated, c.denial, c.modality, question)


def stated(u: ms.UnitRow, units_of_claim: Sequence[ms.UnitRow], text: str | None) -> bool:
    """Whether a unit states a proposition whole (text/units.proposition_units: the
    content, a sentence or a clause of it; not a run of comma-separated segments). A
    contradiction needs two: "they won't consider an Obama nominee to the Supreme
    Court" denies nothing of "The fight over a nominee to the Supreme Court is". Read
    only for the pairs relate() finds contradicting, from the stored text."""
    if u.unit == 0:
        return True
    whole = next((x for x in units_of_claim if x.unit == 0), None)
    if whole is None or text is None:
        return False
    found = proposition_units(text[whole.start:whole.end])
    return (u.start - whole.start, u.end - whole.start) in found


def claim_units(c: ms.ClaimRow, span: tuple[int, int], text: str,
                frame: Sequence[tuple[int, int]] = ()) -> list[ms.UnitRow]:
    """A claim's matching units (text/units.py) with their core tokens: the whole
    content (its stored compared text) first, then its sentences and clauses. A part
    that holds any of `frame` (the claim's own source and cue, where they sit inside its
    content: '"A," Jeff Weaver, Sanders' campaign manager, said in a statement. "B."')
    keeps what was said without who said it (text/units.without_frame), or is no unit
    (a whole sentence stays whole, as diff aligns quotations sentence by sentence):
    kept whole, such parts were `same` as every other article's "said X" (112 of the
    2,871 aligned unit pairs of the 560 dev articles held a frame)."""
    out = []
    seen: set[tuple[int, int]] = set()
    base, content = span[0], text[span[0]:span[1]]
    # whole sentences stay whole: diff aligns two quotations sentence by sentence
    whole = set(sentence_units(content)) if frame else set()
    for k, (s, e) in enumerate(units(content)):
        start, end = span if k == 0 else (base + s, base + e)  # 0: the content as stored
        if k and frame and (s, e) not in whole:
            cut = without_frame(text, (start, end), frame)
            if cut is None:
                continue
            start, end = cut
        if k and (start, end) in seen:  # a part cut down to one already kept
            continue
        seen.add((start, end))
        toks = core_tokens(said(c, c.compared if k == 0 else compared_text(text[start:end])))
        out.append(ms.UnitRow(c.id, k, start, end, " ".join(sorted(toks))))
    return out


def _frame(x: ms.ClaimSpans) -> list[tuple[int, int]]:
    """The claim's source and cue where they sit inside its content ('"A," X said. "B."'
    or "the experts say, the world could suffer"), not before or after it."""
    lo, hi = x.content
    return [r for r in (x.source, x.cue) if r is not None and lo < r[0] and r[1] < hi]


@dataclass(frozen=True)
class Indexed:
    """A document's claims as index_claims stored them: each claim's units, and the
    heads of each unit that can relate to anything (what match_claims probes with)."""

    units: dict[str, list[ms.UnitRow]]
    heads: dict[tuple[str, int], Heads]


def index_claims(conn: sqlite3.Connection, doc_id: str, claims: list[ms.ClaimRow],
                 text: str) -> Indexed:
    """Store each claim's units and index them under their tokens (index.py)."""
    stored = ms.claim_spans(conn, doc_id)
    spans = {cid: proposition_span(x.rule, x.source, x.cue, x.content, text, x.source_entity)
             for cid, x in stored.items()}
    found: dict[str, list[ms.UnitRow]] = {}
    probes: dict[tuple[str, int], Heads] = {}
    rows: list[ms.IndexRow] = []
    for c in claims:
        found[c.id] = us = claim_units(c, spans[c.id], text, _frame(stored[c.id]))
        if bare_object(c.rule, spans[c.id], stored[c.id].content, stored[c.id].cue, text):
            continue  # stored for diff to show, never matched
        seq = int(c.id.rpartition(":")[2])  # claim ids are "<doc id>:<seq>"
        for u in us:
            toks = u.terms.split()
            h = unit_heads(c, u, text)
            if h is None:
                continue  # it can relate to nothing
            probes[c.id, u.unit] = h
            first = set(h.heads)
            sig = signature(toks)
            rows.extend(ms.IndexRow(t, c.doc_id, seq, u.unit, len(toks), scaled(weight(t)),
                                    scaled(h.mass), scaled(h.rest), t in first, sig)
                        for t in toks)
    ms.put_units(conn, [u for us in found.values() for u in us], rows)
    return Indexed(found, probes)


_RANK = {"contradicts": 0, "same": 1, "more_specific": 2, "related": 3}


def match_claims(conn: sqlite3.Connection, doc_id: str, claims: list[ms.ClaimRow],
                 indexed: Indexed, text: str) -> list[str]:
    """Match a document's claims, unit by unit, against the units of every other
    stored document. Each claim pair keeps every unit pair that aligns or contradicts
    (match_units, what diff shows) and its best unit pair as the claim-level match.
    A pair of two twins is its classes' (link_classes). Returns the claims of other
    documents whose twin pairs were drawn again (to recluster)."""
    mine = indexed.units
    indexed_of: dict[str, set[int]] = defaultdict(set)
    for cid, k in indexed.heads:
        indexed_of[cid].add(k)
    here = [t for c in claims if (t := twin_of(c, mine.get(c.id, []), indexed_of[c.id], text))]
    ms.put_twins(conn, here)
    twin_here = {t.claim_id: t for t in here}
    probes = []
    for c in claims:
        for u in mine.get(c.id, []):
            h = indexed.heads.get((c.id, u.unit))
            if h is None:
                continue
            toks = u.terms.split()
            lo, hi = size_bounds(len(toks))
            found = ms.unit_candidates(conn, h.heads, toks, lo, hi, other_than=doc_id,
                                       mass=h.mass, bound=h.bound, close=CLOSE,
                                       floor=SHARED_WEIGHT, scale=SCALE, slack=BOUND_SLACK,
                                       least=MIN_SHARED, jaccard=JACCARD_FLOOR)
            probes.append((c, u, found))
    # A twin's candidates that are twins are their classes' pairs, met here and decided
    # and drawn by class (link_classes), never one by one; a class's members hold the
    # same units (its key holds their tokens), so one member per class and unit stands
    # for all in the token test. A wire story's 151st copy met every member of each of
    # its claims' classes: 91,500 token tests where 150 copies' classes needed 600.
    met: set[tuple[str, str]] = set()
    their_twins = (ms.twins_by_id(conn, sorted({cid for _, _, f in probes for cid, _ in f}))
                   if twin_here else {})
    by_class: list[dict[tuple[str, int], tuple[str, int]]] = []  # per probe: its classes
    for i, (c, u, found) in enumerate(probes):
        classes: dict[tuple[str, int], tuple[str, int]] = {}
        if c.id in twin_here and their_twins:
            rest = []
            for cid, k in found:
                if (o := their_twins.get(cid)) is None:
                    rest.append((cid, k))
                elif (o.key, k) not in classes or cid < classes[o.key, k][0]:
                    classes[o.key, k] = (cid, k)  # the least member stands for them
            probes[i] = (c, u, rest)
        by_class.append(classes)
    # the candidates' units alone; a claim's other units are read only where a
    # contradiction needs its whole content (stated)
    their = ms.units_at(conn, [key for _, _, found in probes for key in found]
                        + [key for classes in by_class for key in classes.values()])
    wholes: dict[str, list[ms.UnitRow]] = {}

    def units_of_claim(cid: str) -> list[ms.UnitRow]:
        if cid not in wholes:
            wholes[cid] = ms.units_of(conn, [cid]).get(cid, [])
        return wholes[cid]
    # Most candidates share two common words and nothing more: relate_tokens would
    # reject them on their core tokens alone (could_relate is exactly its test), so
    # they are dropped before their claims, texts and comparables are read. Which
    # pairs relate does not change; what is read grows with what relates.
    terms: dict[tuple[str, int], frozenset[str]] = {}

    def near(tu: frozenset[str], cid: str, k: int) -> bool:
        v = their.get((cid, k))
        if v is None:
            return False
        if (cid, k) not in terms:
            terms[cid, k] = frozenset(v.terms.split())
        return could_relate(tu, terms[cid, k])

    kept = []
    wanted: set[str] = set()
    for (c, u, found), classes in zip(probes, by_class, strict=True):
        tu = frozenset(u.terms.split())
        close = [(cid, k) for cid, k in found if near(tu, cid, k)]
        kept.append((c, u, close))
        wanted.update(cid for cid, _ in close)
        met.update((twin_here[c.id].key, key) for (key, _), (cid, k) in classes.items()
                   if near(tu, cid, k))
    probes = kept
    others = {o.id: o for o in ms.claims_by_id(conn, sorted(wanted))}
    texts: dict[str, str] = {}
    seen: dict[tuple[str, int], tuple[Comparable, frozenset[str]]] = {}  # each unit read once
    per_pair: dict[tuple[str, str], list[tuple[Relation, ms.UnitRow, ms.UnitRow]]] = \
        defaultdict(list)
    told_whole: set[tuple[str, str]] = set()  # claim pairs whose one-sentence wholes are `same`

    # A text told twice is decided once: a unit meets each stored copy of a sentence
    # (a wire story and its reprints, a quotation every outlet prints) as the same
    # Comparable. relate_tokens is pure. On the scale benchmark's 1,000 documents, 44%
    # of a document's decisions were such repeats.
    decided: dict[tuple[Comparable, Comparable, frozenset[str], frozenset[str]],
                  Relation | None] = {}

    def related(a: Comparable, b: Comparable, ta: frozenset[str],
                tb: frozenset[str]) -> Relation | None:
        key = (a, b, ta, tb)
        if key not in decided:
            decided[key] = relate_tokens(a, b, ta, tb)
        return decided[key]

    def decide(c: ms.ClaimRow, u: ms.UnitRow, cu: Comparable, tu: frozenset[str],
               cid: str, k: int) -> None:
        o = others.get(cid)
        v = their.get((cid, k))
        if o is None or v is None:
            return
        key = (c.id, o.id) if c.id < o.id else (o.id, c.id)
        if key in told_whole:
            return
        if (cid, k) not in seen:
            if o.doc_id not in texts:  # a part's words, and whether a unit asks
                texts[o.doc_id] = ms.document(conn, o.doc_id).text
            seen[cid, k] = (unit_comparable_of(o, v, texts.get(o.doc_id)),
                            frozenset(v.terms.split()))
        ov, tv = seen[cid, k]
        if c.id < o.id:
            rel, pair = related(cu, ov, tu, tv), (u, v)
        else:
            rel, pair = related(ov, cu, tv, tu), (v, u)
        if rel is not None and rel.name == "contradicts" and not (
                stated(u, mine[c.id], text)
                and stated(v, units_of_claim(cid), texts.get(o.doc_id))):
            rel = Relation("related", rel.similarity, differences=rel.differences,
                           shared=rel.shared)
        if rel is None:
            return
        per_pair[key].append((rel, *pair))
        if rel.name == "same" and u.unit == 0 and k == 0 \
                and _one_sentence(text, u) and _one_sentence(texts.get(o.doc_id), v):
            told_whole.add(key)

    # Two claims told the same whole, each one sentence, are one claim to `diff` (it
    # aligns such wholes first, and their parts then overlap what is aligned) and to
    # clusters (claim_relation takes the wholes' relation): their parts are neither
    # decided nor stored. Wholes first, so the parts know. At 1,000 recombined
    # documents 358,000 of the 416,000 stored unit pairs were such parts.
    for wholes_only in (True, False):
        for c, u, found in probes:
            if wholes_only and u.unit != 0:
                continue
            cu = unit_comparable_of(c, u, text)
            tu = frozenset(u.terms.split())
            for cid, k in found:
                if (u.unit == 0 and k == 0) == wholes_only:
                    decide(c, u, cu, tu, cid, k)
    best: list[ms.MatchRow] = []
    unit_rows: list[ms.UnitMatchRow] = []
    for (a, b), found_rels in sorted(per_pair.items()):
        found_rels.sort(key=lambda t: (-t[0].similarity, _RANK[t[0].name], t[1].unit, t[2].unit))
        rel = claim_relation(found_rels)
        best.append(ms.MatchRow(a, b, rel.name, rel.similarity, rel.wider, rel.differences))
        unit_rows.extend(ms.UnitMatchRow(a, b, (x.start, x.end), (y.start, y.end), r.name,
                                         r.similarity, r.wider, r.differences, r.shared)
                         for r, x, y in found_rels if r.name != "related")
    ms.put_matches(conn, best)
    ms.put_unit_matches(conn, unit_rows)
    return link_classes(conn, doc_id, here, met,
                        _Claims(conn, claims, mine, indexed_of, doc_id, text))


def unit_heads(c: ms.ClaimRow, u: ms.UnitRow, text: str) -> Heads | None:
    """A unit's heads in the index (None: it can relate to nothing, and is not indexed)."""
    return heads(u.terms.split(), least=min_tokens(unit_comparable_of(c, u, text).text))


def indexed_units(c: ms.ClaimRow, units_of_c: Sequence[ms.UnitRow], text: str) -> set[int]:
    """Which of a claim's units index_claims indexed: the only ones matching probes
    with or finds."""
    return {u.unit for u in units_of_c if unit_heads(c, u, text) is not None}


def decide_pair(a: ms.ClaimRow, units_a: Sequence[ms.UnitRow], indexed_a: set[int], text_a: str,
                b: ms.ClaimRow, units_b: Sequence[ms.UnitRow], indexed_b: set[int],
                text_b: str) -> tuple[ms.MatchRow | None, list[ms.UnitMatchRow]]:
    """What match_claims stores for two claims of two documents, `a` on the a side
    (whatever their ids): every indexed unit of one against every indexed unit of the
    other (the candidate search is exact: it finds every unit pair relate_tokens can
    relate), the wholes first; a contradiction only of two units each stating a
    proposition whole; none of the parts of two one-sentence wholes told the same."""
    cu_a = {u.unit: (u, unit_comparable_of(a, u, text_a), frozenset(u.terms.split()))
            for u in units_a if u.unit in indexed_a}
    cu_b = {u.unit: (u, unit_comparable_of(b, u, text_b), frozenset(u.terms.split()))
            for u in units_b if u.unit in indexed_b}
    found: list[tuple[Relation, ms.UnitRow, ms.UnitRow]] = []
    for (u, cu, tu) in cu_a.values():
        for (v, cv, tv) in cu_b.values():
            if not could_relate(tu, tv):
                continue
            rel = relate_tokens(cu, cv, tu, tv)
            if rel is not None and rel.name == "contradicts" and not (
                    stated(u, units_a, text_a) and stated(v, units_b, text_b)):
                rel = Relation("related", rel.similarity, differences=rel.differences,
                               shared=rel.shared)
            if rel is None:
                continue
            if u.unit == 0 and v.unit == 0 and rel.name == "same" \
                    and _one_sentence(text_a, u) and _one_sentence(text_b, v):
                found = [(rel, u, v)]  # one claim told whole: its parts are not decided
                break
            found.append((rel, u, v))
        else:
            continue
        break
    if not found:
        return None, []
    found.sort(key=lambda t: (-t[0].similarity, _RANK[t[0].name], t[1].unit, t[2].unit))
    rel = claim_relation(found)
    return (ms.MatchRow(a.id, b.id, rel.name, rel.similarity, rel.wider, rel.differences),
            [ms.UnitMatchRow(a.id, b.id, (x.start, x.end), (y.start, y.end), r.name,
                             r.similarity, r.wider, r.differences, r.shared)
             for r, x, y in found if r.name != "related"])


def twin_of(c: ms.ClaimRow, units_c: Sequence[ms.UnitRow], indexed_c: set[int],
            text: str) -> ms.TwinRow | None:
    """The twin class of a claim, if it has one: a claim whose whole content (unit 0) is
    indexed and `same` as itself. Its key holds everything decide_pair reads of it:
    its whole content as written, whether it is one sentence, and each unit's offsets
    from its start, whether it is indexed, its Comparable and its tokens; so two
    claims of one key relate to a third alike, and to each other as the class does."""
    if not units_c or units_c[0].unit != 0 or 0 not in indexed_c:
        return None
    u0 = units_c[0]
    cu = unit_comparable_of(c, u0, text)
    terms = frozenset(u0.terms.split())
    rel = relate_tokens(cu, cu, terms, terms)
    if rel is None or rel.name != "same":
        return None
    told: list[object] = [text[u0.start:u0.end], _one_sentence(text, u0)]
    told += [[u.unit, u.start - u0.start, u.end - u0.start, u.unit in indexed_c,
              list(astuple(unit_comparable_of(c, u, text))), u.terms] for u in units_c]
    key = hashlib.blake2b(json.dumps(told).encode(), digest_size=16).hexdigest()
    return ms.TwinRow(c.id, c.doc_id, key, u0.start, u0.end)


def class_pair(a: ms.TwinRow, b: ms.TwinRow, decided: tuple[ms.MatchRow | None,
                                                            list[ms.UnitMatchRow]]
               ) -> ms.ClassPair:
    """decide_pair's rows for `a` (a side) and `b`, as their classes' pair: offsets
    from each claim's start."""
    m, units_ = decided
    if m is None:
        return ms.ClassPair(a.key, b.key, None)
    return ms.ClassPair(a.key, b.key, m.relation, m.similarity, m.wider, m.differences,
                        tuple((u.a_span[0] - a.start, u.a_span[1] - a.start,
                               u.b_span[0] - b.start, u.b_span[1] - b.start, u.relation,
                               u.similarity, u.wider, u.differences, u.shared)
                              for u in units_))


class _Claims:
    """Claims, their units, texts and indexed units, read once (deciding class pairs)."""

    def __init__(self, conn: sqlite3.Connection, here: Sequence[ms.ClaimRow],
                 units: dict[str, list[ms.UnitRow]], indexed_here: dict[str, set[int]],
                 doc_id: str, text: str) -> None:
        self.conn = conn
        self.rows = {c.id: c for c in here}
        self.units = dict(units)
        self.indexed = dict(indexed_here)
        self.texts = {doc_id: text}

    def get(self, cid: str) -> tuple[ms.ClaimRow, list[ms.UnitRow], set[int], str]:
        if cid not in self.rows:
            for c in ms.claims_by_id(self.conn, [cid]):
                self.rows[c.id] = c
            self.units.update(ms.units_of(self.conn, [cid]))
        c = self.rows[cid]
        if c.doc_id not in self.texts:
            self.texts[c.doc_id] = ms.document(self.conn, c.doc_id).text
        text = self.texts[c.doc_id]
        us = self.units.get(cid, [])
        if cid not in self.indexed:
            self.indexed[cid] = indexed_units(c, us, text)
        return c, us, self.indexed[cid], text


def link_classes(conn: sqlite3.Connection, doc_id: str, here: Sequence[ms.TwinRow],
                 met: set[tuple[str, str]], claims: _Claims) -> list[str]:
    """Store the pairs of a document's twins with the stored twins their classes relate
    to: the class pairs met (`met`: this document's class, the other) decided in each
    orientation a pair of this document's needs, and kept; then, for each class of the
    document and each class it relates to, the pairs twins.required names. Where the
    document moves a class's hubs, that class's pairs with every class it relates to
    are drawn again; else only the document's are added. Returns the claims whose
    stored pairs were drawn again (to recluster)."""
    keys = sorted({t.key for t in here})
    known = ms.class_pairs(conn, keys)
    # Each class pair is decided in the orientation a pair of members needs (the claim
    # of the lesser id on the a side), when the first such pair comes: most class pairs
    # are met by one telling of each. Every pair of members of two documents has its
    # orientation decided (reads give its rows from it), so only this document's pairs
    # can need one.
    partners = set(met)
    for a, b in known:  # (a class of this document's, another), each way round
        if a in keys:
            partners.add((a, b))
        if b in keys:
            partners.add((b, a))
    open_ = sorted((k, o) for k, o in partners if (k, o) not in known or (o, k) not in known)
    members = ms.twin_members(conn, sorted({o for _, o in open_} | set(keys)))
    new: list[ms.ClassPair] = []
    for k, o in open_:
        mine = [t for t in members.get(k, []) if t.doc_id == doc_id]
        theirs = [t for t in members.get(o, []) if t.doc_id != doc_id]
        if not mine or not theirs:
            continue
        first = (min(mine, key=_id), max(theirs, key=_id))  # k's claim the lesser
        second = (min(theirs, key=_id), max(mine, key=_id))  # o's claim the lesser
        for x, y in (first, second):
            if x.claim_id < y.claim_id and (x.key, y.key) not in known:
                p = class_pair(x, y, decide_pair(*claims.get(x.claim_id),
                                                 *claims.get(y.claim_id)))
                known[p.a_key, p.b_key] = p
                new.append(p)
    ms.put_class_pairs(conn, new)
    relates = ms.relations(known)
    _with_related(conn, keys, relates, members)
    moved = set()
    for k in keys:
        others = [t for t in members[k] if t.doc_id != doc_id]
        if (twins.hubs(others) if others else None) != twins.hubs(members[k]):
            moved.add(k)
    return _draw(conn, keys, moved, members, known, relates, doc_id)


def _with_related(conn: sqlite3.Connection, keys: Sequence[str], relates: dict[str, set[str]],
                  members: dict[str, list[ms.TwinRow]]) -> dict[str, list[ms.TwinRow]]:
    """`members` with those of `keys` and of the classes they relate to, each class read
    once (a class without members stays out)."""
    wanted = (set(keys) | {k for x in keys for k in relates.get(x, ())}) - set(members)
    members.update(ms.twin_members(conn, sorted(wanted)))
    return members


def _id(t: ms.TwinRow) -> str:
    return t.claim_id


def _draw(conn: sqlite3.Connection, keys: Sequence[str], moved: set[str],
          members: dict[str, list[ms.TwinRow]], known: dict[tuple[str, str], ms.ClassPair],
          relates: dict[str, set[str]], doc_id: str | None) -> list[str]:
    """Write the required pairs of each class of `keys` with each class it relates to:
    all of them (the old ones dropped) where either class is in `moved`, else those
    of `doc_id`'s claims."""
    drawn: set[str] = set()
    rows: dict[tuple[str, str], tuple[ms.TwinRow, ms.TwinRow]] = {}
    for k in keys:
        for k2 in sorted(relates.get(k, ())):
            m1, m2 = members.get(k, []), members.get(k2, [])
            if not m1 or not m2:
                continue
            pairs = twins.required(m1, m2, k == k2)
            if doc_id is None or k in moved or k2 in moved:
                ms.drop_pairs_between(conn, [t.claim_id for t in m1],
                                      [t.claim_id for t in m2])
                drawn.update(t.claim_id for t in (*m1, *m2))
            else:
                pairs = twins.touching(pairs, doc_id)
            for x, y in pairs:
                rows[min(x.claim_id, y.claim_id), max(x.claim_id, y.claim_id)] = (x, y)
    matches, units_ = [], []
    for x, y in rows.values():
        m, us = ms.pair_rows(x, y, known)
        if m is not None:
            matches.append(m)
            units_.extend(us)
    ms.put_matches(conn, matches)
    ms.put_unit_matches(conn, units_)
    return sorted(drawn)


def redraw(conn: sqlite3.Connection, keys: Sequence[str]) -> list[str]:
    """Draw again every stored pair of these twin classes with the classes they relate
    to (after a hub's claims went: their pairs went with them). Returns the claims
    whose pairs were drawn (to recluster)."""
    if not keys:
        return []
    known = ms.class_pairs(conn, keys)
    relates = ms.relations(known)
    members = _with_related(conn, keys, relates, {})
    ms.drop_class_pairs(conn, [k for k in keys if k not in members])  # no member is left
    return _draw(conn, keys, set(keys), members, known, relates, None)


def _one_sentence(text: str | None, u: ms.UnitRow) -> bool:
    """Whether a whole content (unit 0) is one sentence, as diff reads it."""
    return text is not None and one_sentence(text[u.start:u.end])


def claim_relation(found: Sequence[tuple[Relation, ms.UnitRow, ms.UnitRow]]) -> Relation:
    """The claim-level relation of two claims from their related unit pairs (best
    first). Clusters, and so independent origins and corroboration, are built from
    it: two claims tell the same claim only as wholes (unit 0 against unit 0). A
    part told elsewhere ("Nevada and South Carolina" inside a sentence about
    campaign stops; one clause of "A, and B") aligns in `diff` (match_units) but
    does not join the claims' clusters: joined by parts, clusters chain through
    shared fragments into one component of unrelated claims (at 1,000 recombined
    documents, one cluster of 1,691 claims in 699 documents). A contradiction of a
    part stays a contradiction (it joins nothing, it is reported); anything else
    is `related`: shown, never counted."""
    for rel, x, y in found:
        if x.unit == 0 and y.unit == 0 and rel.name != "related":
            return rel
    for rel, _, _ in found:
        if rel.name == "contradicts":
            return rel
    top = found[0][0]
    return Relation("related", top.similarity, differences=top.differences)


# A claim's partners within its document are bounded: a transcript or a scraped page
# telling one claim thousands of times held the square of its tellings in pairs (1,000
# tellings: 499,500 pairs, 29 s; 4,000: 395 s and 1.6 GB, on every rerun of the add).
# A read needs a claim's independent partners only to count its origins, and two
# already corroborate it, so each claim keeps its WITHIN_PARTNERS nearest partners
# (in document order) among the tellings of each wording; and a word more than
# WITHIN_REACH of the document's wordings hold is looked up among the WITHIN_REACH
# nearest of them. On the 560 dev articles, their first 160 and 320 joined into one
# text and the scale benchmark's 1,000 documents, the pairs stored are exactly the
# pairs of two voices stored before (README, "One long document").
WITHIN_PARTNERS = 32
WITHIN_REACH = 64
_HERE = "\0this document"  # a stand-in origin: a document's claims all share its own


def own_voice(c: ms.WithinRow) -> str | None:
    """The origin key the claim's own source names (origins.own_key), with a stand-in
    for the document's origin. Two claims of one document have equal keys (or None)
    under the stand-in exactly when they do under any origin the document gets (a
    later near-duplicate can change it), so a read would never count such a pair."""
    row = ms.Voice(c.id, "", c.rule, c.source_text, c.source_entity, c.source_info)
    return own_key(appearance(ms.Appearing(row, _HERE, None, None)))


def within_pairs(rows: Sequence[ms.WithinRow]) -> list[tuple[str, str]]:
    """Pairs of one document's claims that tell the same claim (same or more_specific,
    on the content as read, not the stored compared text) from two voices: neither the
    author's, not in one relay tree, not overlapping, their own origin keys known and
    different (own_voice). A function of the document's claims alone, so it is stored
    when they are; whether the two voices stay independent (origin keys, which
    near-duplicate grouping can change later) is decided by reads (queries.py)."""
    voiced = [r for r in rows if not r.authorial and r.rule not in UNSOURCED_RULES]
    voice = {c.id: v for c in voiced if (v := own_voice(c))}
    claims = [c for c in voiced if c.id in voice]  # in document order
    if len(claims) < 2:
        return []
    groups = relay_roots({c.id: c.relayed_by for c in voiced})  # as reads group them
    # twins: claims compared alike relate alike, so each wording is related once
    wordings: dict[Comparable, list[int]] = {}
    for i, c in enumerate(claims):
        comp = Comparable(text=compared_text(c.content), cue_negated=c.cue_negated,
                          denial=c.denial, content_negated=c.content_negated,
                          modality=c.modality)
        wordings.setdefault(comp, []).append(i)
    kinds = list(wordings)
    terms = [core_tokens(x.text) for x in kinds]  # once per wording
    least = [min_tokens(x.text) for x in kinds]
    related = [(w, w) for w, x in enumerate(kinds)  # a wording told more than once
               if len(wordings[x]) > 1 and heads(terms[w], least=least[w], extra=0.0)]
    related += _within_candidates(terms, least)
    found: set[tuple[int, int]] = set()
    for w, u in related:
        rel = relate_tokens(kinds[w], kinds[u], terms[w], terms[u])
        if rel is None or rel.name not in CLUSTERING:
            continue
        a, b = wordings[kinds[w]], wordings[kinds[u]]
        for one, other in ((a, b), (b, a)) if w != u else ((a, a),):
            near = _Tellers(other, [voice[claims[j].id] for j in other])
            for i in one:
                for j in near.nearest(i, voice[claims[i].id], partial(_apart, claims, groups, i)):
                    found.add((min(i, j), max(i, j)))
    return [(claims[i].id, claims[j].id) for i, j in sorted(found)]


def _apart(claims: Sequence[ms.WithinRow], groups: dict[str, str], i: int, j: int) -> bool:
    """Two claims that may be two voices: not in one relay tree, not overlapping."""
    c, d = claims[i], claims[j]
    return groups[c.id] != groups[d.id] and not (c.start < d.end and d.start < c.end)


class _Tellers:
    """The claims telling one wording (positions ascending) and their voices, to find a
    claim's nearest partners among them."""

    def __init__(self, at: Sequence[int], voices: Sequence[str]) -> None:
        n = len(at)
        self.at, self.voices = at, voices
        # right[q] / left[q]: the nearest position after / before q whose voice differs
        # from q's, so a run of one voice is crossed in one step
        self.right, self.left = [n] * n, [-1] * n
        for q in range(n - 2, -1, -1):
            self.right[q] = q + 1 if voices[q + 1] != voices[q] else self.right[q + 1]
        for q in range(1, n):
            self.left[q] = q - 1 if voices[q - 1] != voices[q] else self.left[q - 1]

    def nearest(self, i: int, own: str, apart: Callable[[int], bool]) -> list[int]:
        """Up to WITHIN_PARTNERS positions nearest to i whose voice is not `own` and
        that are `apart` from it. The walk is as long as what it keeps, however many
        times the document tells the wording in `own`'s voice."""
        at, n = self.at, len(self.at)
        found: list[tuple[int, int]] = []  # (distance, position)
        mid = bisect.bisect_left(at, i)
        for q, step, jump in ((mid, 1, self.right), (mid - 1, -1, self.left)):
            kept = tried = 0
            while 0 <= q < n and kept < WITHIN_PARTNERS and tried < 4 * WITHIN_PARTNERS:
                if self.voices[q] == own:
                    q = jump[q]
                    continue
                tried += 1
                j = at[q]
                if j != i and apart(j):
                    found.append((abs(j - i), j))
                    kept += 1
                q += step
        return [j for _, j in sorted(found)[:WITHIN_PARTNERS]]


def _within_candidates(terms: Sequence[frozenset[str]],
                       least: Sequence[int]) -> list[tuple[int, int]]:
    """The pairs (i < j, in order) of one document's wordings that relate_tokens can
    relate: those where one's heads (index.heads) meet the other's tokens, as the
    cross-document index finds them (exact: a pair that relates shares a head of its
    lighter side), among the WITHIN_REACH nearest of a head's holders (wordings are in
    the order the document first tells them). Every pair of a long document's claims was tried
    before: 2 million for a 590 KB document of 3,578 claims, 7 s of the 45 it took."""
    holding: dict[str, list[int]] = defaultdict(list)
    for j, toks in enumerate(terms):  # each list ascends
        for t in toks:
            holding[t].append(j)
    half = WITHIN_REACH // 2
    pairs: set[tuple[int, int]] = set()
    for i, toks in enumerate(terms):
        h = heads(toks, least=least[i], extra=0.0)
        if h is None:
            continue  # it relates to nothing
        for t in h.heads:
            js = holding[t]
            if len(js) > WITHIN_REACH:
                k = bisect.bisect_left(js, i)
                js = js[max(0, k - half):k + half + 1]
            pairs.update((min(i, j), max(i, j)) for j in js if j != i)
    return sorted(pairs)


def index_within(conn: sqlite3.Connection, doc_id: str) -> None:
    ms.put_within(conn, doc_id, within_pairs(ms.within_inputs(conn, doc_id)))


def link_duplicates(conn: sqlite3.Connection, doc_id: str, body: str, base_key: str) -> list[str]:
    """Store the document's body signature and near-duplicate links; give every
    document of its near-duplicate group the group's origin key (the least of the
    members' own keys, so the group's key does not depend on who came first).
    Returns the documents whose origin key changed."""
    sig = neardup.signature(body)
    ms.put_document_origin(conn, doc_id, base_key, neardup.pack(sig) if sig else None,
                           neardup.bands(sig) if sig else [])
    if sig is not None:
        pairs = []
        for other, blob in ms.band_partners(conn, doc_id):
            s = neardup.similarity(sig, neardup.unpack(blob))
            if s >= neardup.NEAR_DUPLICATE:
                pairs.append((doc_id, other, s))
        ms.put_duplicates(conn, pairs)
    return regroup(conn, ms.duplicate_group(conn, doc_id))


def regroup(conn: sqlite3.Connection, group: list[str]) -> list[str]:
    base = ms.base_origins(conn, group)
    key = min(base.values())
    return ms.set_origin_keys(conn, {d: key for d in group})


# A pronoun the resolver could not trace is a reference nobody can follow: it counts zero.
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "that", "which",
                       "his", "her", "their", "its", "this", "these", "those"})


def _source_key(c: ms.ClaimRow | ms.Voice, source_type: str) -> str | None:
    name = c.source_entity or c.source_text
    if not name or (not c.source_entity and name.casefold().strip() in _PRONOUNS):
        return None
    if source_type == "outlet":
        return outlet_key(name) or None
    return normalise_name(name) or None


def base_origin(doc: ms.DocumentRow) -> str:
    """A document's own origin before near-duplicates are grouped: the wire agency it
    runs, else its publisher, else itself (plain files with no metadata)."""
    outlet = doc.wire or doc.publisher
    key = outlet_key(outlet) if outlet else ""
    return f"outlet:{key}" if key else f"doc:{doc.id}"


def appearance(a: ms.Appearing) -> Appearance:
    c = a.claim
    info = json.loads(c.source_info) if c.source_info else {}
    stype = info.get("type", "unknown")
    return Appearance(
        claim_id=c.id, doc_id=c.doc_id, doc_origin=a.doc_origin,
        outlet=(outlet_key(a.publisher) or None) if a.publisher else None,
        published=a.published, author=c.rule in UNSOURCED_RULES,
        source=_source_key(c, stype), source_type=stype, descriptor=info.get("descriptor"),
    )


def recluster(conn: sqlite3.Connection, seeds: list[str]) -> None:
    """Recompute the clusters holding `seeds` (claim ids, gone ones ignored): their
    components over same/more_specific matches, independent origins and circles."""
    old = ms.cluster_ids(conn, seeds)
    start = sorted(set(seeds) | set(ms.members(conn, sorted(old))))
    alive = ms.existing(conn, start)
    # components by breadth-first search over clustering matches
    component: dict[str, str] = {}
    edges: dict[str, set[str]] = defaultdict(set)
    contradicts: dict[str, set[str]] = defaultdict(set)
    frontier = sorted(alive)
    seen = set(frontier)
    while frontier:
        nxt: list[str] = []
        for a, b, relation in ms.edges_of(conn, frontier):
            if relation in CLUSTERING:
                edges[a].add(b)
                edges[b].add(a)
                for x in (a, b):
                    if x not in seen:
                        seen.add(x)
                        nxt.append(x)
            elif relation == "contradicts":
                contradicts[a].add(b)
                contradicts[b].add(a)
        frontier = sorted(nxt)
    old |= ms.cluster_ids(conn, sorted(seen))
    for cid in sorted(seen):
        if cid in component:
            continue
        group, todo = {cid}, [cid]
        while todo:
            for y in edges[todo.pop()]:
                if y not in group:
                    group.add(y)
                    todo.append(y)
        name = min(group)
        for x in group:
            component[x] = name
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for x, name in component.items():
        by_cluster[name].append(x)
    clusters: list[ms.ClusterRow] = []
    members: list[ms.MemberRow] = []
    # read once for every cluster (a document's claims are mostly clusters of one, two
    # queries each: a 200,000-claim document's add was still here 18 and 22 minutes
    # in), in id order within each cluster as appearances() gives them
    appearing = {a.claim.id: a for a in ms.appearances(conn, sorted(component))}
    for name in sorted(by_cluster):
        ids = sorted(by_cluster[name])
        apps = [appearance(appearing[x]) for x in ids if x in appearing]
        o = trace(apps)
        against = sorted({y for x in ids for y in contradicts[x]} - set(ids))
        clusters.append(ms.ClusterRow(name, len(ids), len({a.doc_id for a in apps}), o.origins,
                                      tuple(against)))
        members.extend(ms.MemberRow(a.claim_id, name, o.roots.get(a.claim_id),
                                    a.claim_id in o.relays, a.claim_id in o.copies,
                                    o.circular.get(a.claim_id)) for a in apps)
    ms.replace_clusters(conn, old, clusters, members)


def _neighbours(conn: sqlite3.Connection, ids: list[str]) -> list[str]:
    """Claims a clustering or contradicting match links to any of `ids`."""
    return sorted({x for a, b, _ in ms.edges_of(conn, ids) for x in (a, b)})


def document_added(conn: sqlite3.Connection, doc_id: str) -> None:
    """Index, match, group and recluster a newly stored document (store.Derive)."""
    doc = ms.document(conn, doc_id)
    if ms.decisions_of(conn) is None and ms.only_document(conn, doc_id):
        ms.set_decisions(conn, DECISIONS)  # the first document: its index, these rules
        ms.set_facts_rules(conn, ENTITY_FACTS)
    claims = ms.claims_of(conn, doc_id)
    mine = index_claims(conn, doc_id, claims, doc.text)
    index_within(conn, doc_id)
    drawn = match_claims(conn, doc_id, claims, mine, doc.text)
    regrouped = link_duplicates(conn, doc_id, doc.text, base_origin(doc))
    seeds = [c.id for c in claims] + drawn
    seeds += _neighbours(conn, seeds)
    seeds += ms.claim_ids_of(conn, regrouped)
    recluster(conn, sorted(set(seeds)))


def claims_replaced(conn: sqlite3.Connection, doc_id: str, touched: list[str],
                    hubs_gone: Sequence[str] = ()) -> None:
    """After `reextract` swapped a document's claims: index and match the new ones and
    recluster what they touch and what the old ones touched (`touched`); the stars of
    the twin classes whose hubs the old ones were (`hubs_gone`) are drawn again."""
    drawn = redraw(conn, hubs_gone)
    claims = ms.claims_of(conn, doc_id)
    text = ms.document(conn, doc_id).text
    mine = index_claims(conn, doc_id, claims, text)
    index_within(conn, doc_id)
    drawn += match_claims(conn, doc_id, claims, mine, text)
    seeds = [c.id for c in claims] + drawn
    seeds += _neighbours(conn, seeds)
    recluster(conn, sorted(set(seeds) | set(touched)))


def reextract_hooks() -> tuple[Callable[[sqlite3.Connection, str], None],
                               Callable[[sqlite3.Connection, str], None]]:
    """(before, derive) for store.replace_extraction: before the old claims go, note
    the claims of other documents they were matched with; after, recluster them."""
    touched: dict[str, tuple[list[str], list[str]]] = {}

    def before(conn: sqlite3.Connection, doc_id: str) -> None:
        claims, _, clusters, hubs_gone = before_removal(conn, [doc_id])
        ms.replace_clusters(conn, clusters, [], [])
        touched[doc_id] = claims, hubs_gone

    def derive(conn: sqlite3.Connection, doc_id: str) -> None:
        claims_replaced(conn, doc_id, *touched.pop(doc_id, ([], [])))

    return before, derive


def rematch(conn: sqlite3.Connection,
            progress: Callable[[int, int], None] | None = None,
            refacts: Callable[[sqlite3.Connection, str], None] | None = None) -> int:
    """Rebuild the whole index from the stored claims; returns the documents indexed.
    `progress(done, total)` hears of each document matched (half an hour at 3,000).
    `refacts(conn, doc_id)` writes a document's entity facts again from its rows
    (api: store.write_entity_facts with entities.stored_facts), for rules that
    changed how they are drawn (DECISIONS .16)."""
    ms.clear_index(conn)
    if refacts is not None:
        clear_entity_components(conn)  # rebuilt whole below
    ids = ms.all_document_ids(conn)
    for n, doc_id in enumerate(ids, 1):
        if refacts is not None:
            refacts(conn, doc_id)
        document_added(conn, doc_id)
        if progress is not None:
            progress(n, len(ids))
    rebuild_entity_components(conn)  # the entity components too (edits behind the store)
    ms.set_decisions(conn, DECISIONS)
    if refacts is not None:
        ms.set_facts_rules(conn, ENTITY_FACTS)
    return len(ids)


def redraw_facts(conn: sqlite3.Connection, refacts: Callable[[sqlite3.Connection, str], None],
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Every stored document's entity facts drawn again (`refacts(conn, doc_id)`, as
    rematch does) and the entity components rebuilt whole, the matches left as they
    are: what a new ENTITY_FACTS asks. Returns the documents drawn again."""
    clear_entity_components(conn)  # rebuilt whole below
    ids = ms.all_document_ids(conn)
    for n, doc_id in enumerate(ids, 1):
        refacts(conn, doc_id)
        if progress is not None:
            progress(n, len(ids))
    rebuild_entity_components(conn)
    ms.set_facts_rules(conn, ENTITY_FACTS)
    return len(ids)


def before_removal(conn: sqlite3.Connection,
                   doc_ids: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    """What to recompute once `doc_ids` are deleted: claims of other documents
    matched with theirs, the documents of their near-duplicate groups, the clusters
    their claims were in, and the twin classes whose star's hubs they hold."""
    gone = sorted(ms.claim_ids_of(conn, doc_ids))
    touched = set(_neighbours(conn, gone)) - set(gone)
    dups = {d for doc in doc_ids for d in ms.duplicate_group(conn, doc)} - set(doc_ids)
    return (sorted(touched), sorted(dups), sorted(ms.cluster_ids(conn, gone)),
            hubs_in(conn, doc_ids))


def hubs_in(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> list[str]:
    """The twin classes with a hub in `doc_ids`, or no member elsewhere (redraw them, or
    forget their class pairs, once those go)."""
    leaving = set(doc_ids)
    classes = ms.twin_members(conn, ms.twin_keys_of(conn, doc_ids))
    return [key for key, members in classes.items()
            if ((h := twins.hubs(members)) and {t.doc_id for t in h} & leaving)
            or {t.doc_id for t in members} <= leaving]


def after_removal(conn: sqlite3.Connection, touched: list[str], dup_docs: list[str],
                  clusters: Sequence[str] = (), hubs_gone: Sequence[str] = ()) -> None:
    drawn = redraw(conn, hubs_gone)
    changed: set[str] = set()
    done: set[str] = set()
    for d in dup_docs:
        if d in done:
            continue
        group = ms.duplicate_group(conn, d)
        done.update(group)
        changed.update(regroup(conn, group))
    ms.replace_clusters(conn, clusters, [], [])  # the removed claims' clusters go
    recluster(conn, sorted(set(touched) | set(drawn)
                           | set(ms.claim_ids_of(conn, sorted(changed)))))
