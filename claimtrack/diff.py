"""Two accounts side by side, read from the stored cross-document index.

`diff A B` aligns the claims of two documents through the stored `matches`
(matchstore; decided at write time by corpus/relate.py), never by comparing
texts at read time:

- aligned: `same` and `more_specific` pairs, one-to-one, greedy by similarity
  (ties: `same` first, then the claim ids, so the choice does not depend on which
  document is A);
- contradictions: every stored `contradicts` pair, listed as such; a claim may
  be aligned with one claim of the other account and contradicted by another;
- related: same people and words, not the same claim (a hint, never shared);
- only in A / only in B: the attributions (and headline/lede, rule no_source) that
  take part in no aligned pair and no contradiction.

The author's own statements in the body (rule "author") take part in every pair:
where one outlet states as fact what another attributes to someone, that
difference is the point. Unpaired, they stay out of the only-in lists, as they
stay out of `claims`: those lists keep meaning "what the other account lacks".
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import sqlite_utils

from claimtrack.entities.facts import document_facts
from claimtrack.extractor_names import HIDDEN_RULES, QUOTATION_RULE
from claimtrack.flags import DISTANCING, ENDORSING
from claimtrack.models import (  # the diff records live in models.py; importable from here too
    Claim,
    ClaimPair,
    Difference,
    DiffResult,
    Document,
    Mention,
    RelatedPair,
    SharedEntity,
    Sourcing,
    SourcingProfile,
    Span,
)
from claimtrack.similarity import cue_key, source_key
from claimtrack.store import documents as store
from claimtrack.store import matchstore, readback
from claimtrack.store.matchstore import MatchRow, UnitMatchRow
from claimtrack.text.headlines import headline_cut
from claimtrack.text.names import (
    NAME_LABELS,
    canonical_name,
    name_key,
    normalise_name,
    title_case_heading,
)
from claimtrack.text.units import one_sentence, sentence_units

# Entity types worth comparing; dates and numbers would swamp the list.
_SKIP_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})

ALIGNING = ("same", "more_specific")  # in this order on equal similarity


# --- what differs -----------------------------------------------------------------------


def is_authorial(c: Claim) -> bool:
    """The author states it: no source, no cue, and no one else's quotation (an
    unattributed quotation is someone's words, shown as such by its source_label)."""
    return c.source is None and c.cue is None and c.rule != QUOTATION_RULE


def who(c: Claim, publisher: str | None = None) -> str:
    """The source as a reader sees it; the author, with the outlet where known."""
    if is_authorial(c):
        return f"(author: {publisher})" if publisher else "(author)"
    return c.source_label


def relayers(c: Claim, by_id: Mapping[str, Claim]) -> list[str]:
    """Who passes the claim on, nearest first ("via Libya Observer")."""
    out, seen = [], {c.id}
    while c.relayed_by in by_id and c.relayed_by not in seen:
        c = by_id[c.relayed_by]  # type: ignore[index]
        seen.add(c.id)
        out.append(c.source_entity or (c.source.text if c.source else "(author)"))
    return out


def cue_word(c: Claim) -> str:
    """The reporting verb's lemma and, where it has one, its stance."""
    key = cue_key(c)
    if not key:
        return "(none)"
    if key in DISTANCING:
        return f"{key} (distancing)"
    if key in ENDORSING:
        return f"{key} (endorsing)"
    return key


def stance_word(c: Claim) -> str:
    """How the source holds the content, with the modality: "asserts (could)",
    "denies", "asserts, negated" (the content says not), "not said" (negated cue)."""
    s = c.stance
    if s.cue_negated:
        word = "not said"
    elif s.denial:
        word = "denies, negated" if s.content_negated else "denies"
    else:
        word = "asserts, negated" if s.content_negated else "asserts"
    return f"{word} ({', '.join(s.modality)})" if s.modality else word


def _parse(said: str) -> Difference:
    """A stored difference ("polarity: asserted vs denied") as a record."""
    aspect, _, rest = said.partition(": ")
    x, sep, y = rest.partition(" vs ")
    if aspect in ("polarity", "modality", "numbers", "dates", "predicate") and sep:
        return Difference(aspect=aspect, a=x, b=y)  # type: ignore[arg-type]
    return Difference(aspect="other", a=said, b="")


def differences(a: Claim, b: Claim, by_id: Mapping[str, Claim],
                stored: Sequence[str] = (), flipped: bool = False,
                publishers: tuple[str | None, str | None] = (None, None)) -> list[Difference]:
    """Source, chain and cue from the claims; polarity, modality, numbers and dates
    as the match stored them (`flipped`: the stored match reads B vs A)."""
    out = []
    key = (source_key(a) or who(a)), (source_key(b) or who(b))
    if key[0] != key[1]:
        out.append(Difference(aspect="source", a=who(a, publishers[0]), b=who(b, publishers[1])))
    ra, rb = relayers(a, by_id), relayers(b, by_id)
    if [normalise_name(x) for x in ra] != [normalise_name(x) for x in rb]:
        out.append(Difference(aspect="chain", a=_via(ra), b=_via(rb)))
    if cue_key(a) != cue_key(b):
        out.append(Difference(aspect="cue", a=cue_word(a), b=cue_word(b)))
    for said in stored:
        d = _parse(said)
        out.append(d.model_copy(update={"a": d.b, "b": d.a}) if flipped and d.b else d)
    return out


def _via(names: list[str]) -> str:
    return ", ".join(f"via {n}" for n in names) if names else "direct"


# --- sourcing and entities --------------------------------------------------------------


def _depth(c: Claim, by_id: dict[str, Claim]) -> int:
    """Sources the claim passes through on its way out: its own plus each relay."""
    if is_authorial(c):
        return 0
    return 1 + len(relayers(c, by_id))


def sourcing_profile(cs: Sequence[Claim], origins: Mapping[str, int] | None = None
                     ) -> SourcingProfile:
    """`origins`: claim id -> independent origins of its stored cluster; without it
    (or for a claim it lacks) `single_source` counts the flag."""
    cs = [c for c in cs if c.rule not in HIDDEN_RULES]
    p = SourcingProfile(claims=len(cs))
    by_id = {c.id: c for c in cs}
    for c in cs:
        codes = {f.code for f in c.flags}
        if "no_source" in codes or is_authorial(c):
            p.no_source += 1
        elif "anonymous_source" in codes or c.source is None:
            p.unnamed += 1
        elif "vague_source" in codes:
            p.vague += 1
        else:
            p.named += 1
        p.unresolved += "unresolved_reference" in codes
        if origins is not None and c.id in origins:
            p.single_source += not is_authorial(c) and origins[c.id] < 2
        else:
            p.single_source += "single_source" in codes
        p.relayed += c.relayed_by is not None
        p.longest_chain = max(p.longest_chain, _depth(c, by_id))
    return p


def _headline_cut(mentions: Sequence[Mention], text: str | None) -> Sequence[Mention]:
    """The mentions as the entity graph takes them: a person NER ran on in a Title Case
    headline cut to the body's name (text.headlines.headline_cut)."""
    if not text or not title_case_heading(text):
        return mentions
    return [Mention(start=s, end=e, text=t, label=label) for s, e, t, label in headline_cut(
        [(m.start, m.end, m.text, m.label) for m in mentions], text)]


def shared_entities(ma: Sequence[Mention], mb: Sequence[Mention]) -> list[SharedEntity]:
    """NER mentions in both documents, keyed as the entity graph keys names
    (text/names.name_key: 'Al Qaeda' == 'Al-Qaeda', 'Mr. Trump' == 'Trump'), and a part
    of a person's full name counted with that person by the entity graph's own rule
    (entities.facts: "Trump", which the recogniser often calls an ORG in "the Trump
    campaign", is Donald Trump's row; a "Clinton" two Clintons could be keeps its own;
    "Washington" the place is no George Washington), over the two accounts' names."""
    named = [(i, i + 1, m.text, m.label)  # a span a mention: the fold weighs mentions
             for i, m in enumerate((*ma, *mb)) if m.label in NAME_LABELS]
    facts = document_facts("", named, [], [])
    into = {facts.nodes[small].key: facts.nodes[full].key for small, full in facts.folds}
    forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    labels: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    counts: tuple[Counter[tuple[str, ...]], ...] = (Counter(), Counter())
    for side, ms in enumerate((ma, mb)):
        for m in ms:
            key = name_key(m.text)
            if not key or m.label in _SKIP_LABELS:
                continue
            forms[key][canonical_name(m.text)] += 1
            labels[key][m.label] += 1
            counts[side][into.get(key, key)] += 1

    def top(c: Counter[str]) -> str:
        return min(c, key=lambda s: (-c[s], s))  # deterministic on ties

    out = [
        SharedEntity(
            name=top(forms[k]), label=top(labels[k]), count_a=counts[0][k], count_b=counts[1][k]
        )
        for k in counts[0].keys() & counts[1].keys()
    ]
    out.sort(key=lambda e: (-(e.count_a + e.count_b), e.name.casefold(), e.name))
    return out


# --- the diff ---------------------------------------------------------------------------


def _self_pairs(cs: Sequence[Claim]) -> list[ClaimPair]:
    return [ClaimPair(relation="same", similarity=1.0, a=c, b=c, differences=[]) for c in cs]


def _hull(c: Claim | None) -> tuple[int, int]:
    return (c.content.start, c.content.end) if c is not None else (0, 0)


def _sentence_spans(c: Claim) -> frozenset[tuple[int, int]]:
    """The spans (offsets into the stored text) of a content's sentences; the whole
    content when it is one sentence."""
    s = c.content.start
    return frozenset((s + a, s + b) for a, b in sentence_units(c.content.text))


def _by_sentence(oriented: list[tuple], whole: Mapping[str, tuple[int, int]]) -> list[tuple]:
    """Two quotations told the same whole, of several sentences each, align sentence
    by sentence where their sentences pair up: each sentence is a proposition of its
    own, and a reader (or another account) may carry only one of them. The sentence
    pairs (same, one-to-one, in the order given) take the whole pair's place when there
    are two or more; otherwise the whole pair stays."""
    out: list[tuple] = []
    single: dict[str, bool] = {}  # claim id -> its content is one sentence
    same: dict[tuple[str, str], list[tuple]] = defaultdict(list)  # each pair's, in order
    for v in oriented:
        if v[0].relation == "same":
            same[v[1].id, v[2].id].append(v)
    for t in oriented:
        u, x, y, sx, sy, _ = t
        if not (u.relation == "same" and whole.get(x.id) == sx and whole.get(y.id) == sy):
            out.append(t)
            continue
        for c in (x, y):
            if c.id not in single:
                single[c.id] = one_sentence(c.content.text)
        if single[x.id] and single[y.id]:
            out.append(t)
            continue
        sent_x, sent_y = _sentence_spans(x), _sentence_spans(y)
        parts, used_x, used_y = [], set(), set()
        for v in same[x.id, y.id]:
            if v[3] in sent_x and v[4] in sent_y and v[3] not in used_x and v[4] not in used_y:
                used_x.add(v[3])
                used_y.add(v[4])
                parts.append(v)
        out.extend(parts if len(parts) >= 2 else [t])
    return out


def _overlaps(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    return any((span[0] < e and s < span[1]) or span == (s, e) for s, e in taken)


def _part(side: str, c: Claim, span: tuple[int, int], text: str | None) -> dict:
    """The claim as a pair shows it: its content narrowed to the aligned part."""
    if span == (c.content.start, c.content.end) or text is None:
        return {side: c}
    part = Span.of(text, *span)
    return {side: c.model_copy(update={"content": part}), f"whole_{side}": c.content}


def diff_claims(
    a: Document,
    claims_a: Sequence[Claim],
    mentions_a: Sequence[Mention],
    b: Document,
    claims_b: Sequence[Claim],
    mentions_b: Sequence[Mention],
    matches: Sequence[MatchRow] = (),
    origins: Mapping[str, int] | None = None,
    units: Sequence[UnitMatchRow] | None = None,
    texts: tuple[str | None, str | None] = (None, None),
) -> DiffResult:
    """The diff of two already-loaded documents and the stored matches between
    them (pure: no database). Claims include the author's statements. `units`: the
    stored unit matches (aligned parts of contents); without them, the claim-level
    matches align whole contents. `texts`: the stored texts of A and B (to show parts)."""
    by_a = {c.id: c for c in claims_a}
    by_b = {c.id: c for c in claims_b}
    mentions_a, mentions_b = _headline_cut(mentions_a, texts[0]), _headline_cut(mentions_b,
                                                                                texts[1])
    pubs = (a.publisher, b.publisher)
    aligned: list[ClaimPair] = []
    contradictions: list[ClaimPair] = []
    related: list[RelatedPair] = []
    if a.id == b.id:  # matches are cross-document: a document is its own account
        aligned = _self_pairs(claims_a)
    else:
        by_id = {**by_a, **by_b}
        for m in matches:
            if m.relation != "related":
                continue
            if m.a in by_a and m.b in by_b:
                x, y = by_a[m.a], by_b[m.b]
            elif m.b in by_a and m.a in by_b:
                x, y = by_a[m.b], by_b[m.a]
            else:
                continue
            related.append(RelatedPair(a_id=x.id, b_id=y.id, similarity=m.similarity,
                                       a_text=x.content.text, b_text=y.content.text))
        units_given = units is not None
        if units is None:  # whole contents: the claim-level matches
            units = [UnitMatchRow(m.a, m.b, _hull(by_id.get(m.a)), _hull(by_id.get(m.b)),
                                  m.relation, m.similarity, m.wider, m.differences)
                     for m in matches if m.relation != "related"]
        oriented = []
        for u in units:
            if u.a in by_a and u.b in by_b:
                oriented.append((u, by_a[u.a], by_b[u.b], u.a_span, u.b_span, False))
            elif u.b in by_a and u.a in by_b:
                oriented.append((u, by_a[u.b], by_b[u.a], u.b_span, u.a_span, True))
        # Greedy: two contents told the same whole first (a quotation both print is
        # one claim, not its sentences), then by similarity weighted by how much the
        # two parts tell together (the square root of their shared IDF weight), so a
        # clause pair does not win over its sentence told as well. The key reads the
        # stored (a < b) pair, so it is the same whichever document is A, and
        # diff(b, a) mirrors diff(a, b). One-to-one on text: no two aligned pairs
        # use overlapping parts of one claim.
        rank = {r: i for i, r in enumerate(ALIGNING)}
        whole = {c.id: (c.content.start, c.content.end) for c in (*claims_a, *claims_b)}

        def order(t: tuple) -> tuple:
            m = t[0]
            both = (units_given and m.relation == "same" and whole.get(m.a) == m.a_span
                    and whole.get(m.b) == m.b_span)
            return (not both, -(m.similarity * (m.shared ** 0.5 if units_given else 1.0)),
                    -m.similarity, rank.get(m.relation, 9), m.a, m.b, m.a_span, m.b_span)

        oriented.sort(key=order)
        oriented = _by_sentence(oriented, whole)
        used: dict[str, list[tuple[int, int]]] = defaultdict(list)  # aligned parts
        said: set[tuple[str, str]] = set()  # one contradiction per pair of claims, its best
        for u, x, y, sx, sy, flipped in oriented:
            if u.relation == "contradicts":
                if (x.id, y.id) in said:
                    continue
                said.add((x.id, y.id))
            elif _overlaps(sx, used[x.id]) or _overlaps(sy, used[y.id]):
                continue
            else:
                used[x.id].append(sx)
                used[y.id].append(sy)
            diffs = differences(x, y, by_id, u.differences, flipped, pubs)
            pair = {"similarity": u.similarity, "differences": diffs,
                    **_part("a", x, sx, texts[0]), **_part("b", y, sy, texts[1])}
            if u.relation == "contradicts":
                contradictions.append(ClaimPair(relation="contradicts", **pair))
            else:
                wider = None
                if u.wider is not None:  # stored for (u.a, u.b); A holds u.b when flipped
                    wider = {"a": "b", "b": "a"}[u.wider] if flipped else u.wider
                aligned.append(ClaimPair(relation=u.relation, wider=wider,  # type: ignore[arg-type]
                                         **pair))
    seq = {c.id: i for i, c in enumerate(claims_a)} | {c.id: i for i, c in enumerate(claims_b)}
    aligned.sort(key=lambda p: (seq[p.a.id], p.a.content.start, seq[p.b.id], p.b.content.start))
    contradictions.sort(key=lambda p: (seq[p.a.id], p.a.content.start, seq[p.b.id],
                                       p.b.content.start))
    related.sort(key=lambda p: (seq[p.a_id], seq[p.b_id]))
    paired_a = {p.a.id for p in aligned + contradictions}
    paired_b = {p.b.id for p in aligned + contradictions}
    return DiffResult(
        a=a,
        b=b,
        aligned=aligned,
        contradictions=contradictions,
        related=related,
        only_in_a=[c for c in claims_a if c.id not in paired_a and c.rule not in HIDDEN_RULES],
        only_in_b=[c for c in claims_b if c.id not in paired_b and c.rule not in HIDDEN_RULES],
        shared_entities=shared_entities(mentions_a, mentions_b),
        sourcing=Sourcing(a=sourcing_profile(claims_a, origins),
                          b=sourcing_profile(claims_b, origins)),
    )


def cluster_origins(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    """claim id -> independent origins of its stored cluster."""
    members = matchstore.member_rows(conn, ids)
    stats = matchstore.cluster_rows(conn, [m.cluster for m in members.values()])
    return {cid: len(stats[m.cluster].origins) for cid, m in members.items()
            if m.cluster in stats}


def diff_documents(db: sqlite_utils.Database, a: str, b: str) -> DiffResult:
    """Compare documents `a` and `b` (any reference store.get_document accepts):
    their claims, the stored matches between them, nothing else of the corpus."""
    doc_a, doc_b = store.get_document(db, a), store.get_document(db, b)
    claims_a = readback.load_claims(db, doc_a.id, author=True)
    claims_b = claims_a if doc_b.id == doc_a.id else readback.load_claims(db, doc_b.id,
                                                                           author=True)
    mentions = readback.load_mentions(db, doc_a.id) | readback.load_mentions(db, doc_b.id)
    same = doc_a.id == doc_b.id
    matches = [] if same else matchstore.matches_between(db.conn, doc_a.id, doc_b.id)
    units = [] if same else matchstore.unit_matches_between(db.conn, doc_a.id, doc_b.id)
    texts = (store.get_text(db, doc_a.id), store.get_text(db, doc_b.id))
    origins = cluster_origins(db.conn, [c.id for c in (*claims_a, *claims_b)])
    return diff_claims(doc_a, claims_a, mentions.get(doc_a.id, []), doc_b, claims_b,
                       mentions.get(doc_b.id, []), matches, origins, units, texts)
