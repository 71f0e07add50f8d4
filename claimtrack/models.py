"""Pydantic records: the contract between claimtrack's modules.

Every offset indexes the *stored* text of a document (after link markup is
removed), Python-style, end exclusive. `--json` output is `model_dump()` of
these records.

Results live here too (add, reextract, the report, diff, the entity view, the
timeline, eval), so the module that builds a record and the one that renders it both
import it from below and never each other.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, computed_field

Kind = Literal["direct", "indirect", "mixed"]
CueClass = Literal["speech", "other"]
Severity = Literal["info", "warning", "high"]
SourceType = Literal[
    "person",
    "organization",
    "outlet",  # publication, agency, broadcaster
    "document",  # study, report, court filing, tweet
    "anonymous",  # "an unnamed US intelligence official", "a source familiar with ..."
    "vague_collective",  # "officials", "experts", "many"
    "vague_reference",  # "recent reports", "reports say"
    "self",  # the author or outlet itself: "we reported", "this writer"
    "unknown",
]
# The source types no one identifiable stands behind, in one place (credibility grades
# them down, the sources listing gives them no grade, origins count them apart)
ANONYMOUS_TYPES: frozenset[str] = frozenset({"anonymous"})
VAGUE_TYPES: frozenset[str] = frozenset({"vague_collective", "vague_reference"})
NOT_NAMED_TYPES: frozenset[str] = ANONYMOUS_TYPES | VAGUE_TYPES


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Record):
    """A stretch of the stored text. With `fragments`, start/end are the hull."""

    start: int
    end: int
    text: str
    fragments: list[Span] | None = None

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start=start, end=end, text=text[start:end])

    def pieces(self) -> list[Span]:
        return self.fragments or [self]


class Link(Record):
    """A hyperlink whose markup was removed: anchor text offsets + target."""

    start: int
    end: int
    text: str
    target: str
    missing: bool = Field(description="empty or '#' target: the reader cannot follow it")


class Mention(Record):
    """A named entity mention found by the NER pass (used by show/diff)."""

    start: int
    end: int
    text: str
    label: str


class SourceInfo(Record):
    """What kind of source stands behind an attribution, in the text's own words."""

    type: SourceType = "unknown"
    descriptor: str | None = Field(
        default=None, description="e.g. 'senior administration official', 'familiar with ...'"
    )
    anonymity_reason: str | None = Field(
        default=None, description="stated reason: 'spoke on condition of anonymity because ...'"
    )
    interested_party: str | None = Field(
        default=None, description="words showing the source has a stake: 'spokesperson of ...'"
    )
    inherited: bool = Field(
        default=False, description="the source is carried over from an earlier sentence"
    )
    dated: int | None = Field(default=None, description="year the cited source is dated")


# independent origins a claim needs to be corroborated: below them it is `single_source`
# (corpusflags), never credibility 1 (credibility), and a cluster's change of them is
# what the kept sources shares are dropped for (store/matchstore.replace_clusters)
CORROBORATING_ORIGINS = 2


def polarity(cue_negated: bool, denial: bool, content_negated: bool) -> int:
    """The sign of what a source asserts: 0 when its cue is negated ("X did not say"),
    else +1, flipped by a denial and again by a negated content."""
    if cue_negated:
        return 0
    sign = -1 if denial else 1
    return -sign if content_negated else sign


class Stance(Record):
    """How the source holds the content (extract/stance.py): kept apart because
    "X did not say Y", "X denied Y" and "X said not-Y" are three different things."""

    # `polarity` is derived: a dump read back (model_validate) carries it, and it is recomputed.
    model_config = ConfigDict(extra="ignore")

    cue_negated: bool = Field(default=False,
                              description="'X did not say that Y': X asserts nothing")
    denial: bool = Field(default=False, description="'X denied that Y': X asserts not-Y")
    content_negated: bool = Field(default=False, description="'X said Y did not attend'")
    modality: list[str] = Field(default=[], description="hedges: may, could, would, plan to, if")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def polarity(self) -> int:
        """+1 the source asserts the content, -1 its negation, 0 nothing (negated cue)."""
        return polarity(self.cue_negated, self.denial, self.content_negated)


class Attribution(Record):
    """One attributed claim as the extractor finds it in one document.

    `source is None and cue is None` means the author states it with no
    source (`no_source`). `relayed_by` is the index (in the same document's
    list) of the attribution that carries this one to the reader: in
    "X claimed that Y, according to Libya Observer", X's attribution is
    relayed by Libya Observer's. The chain of a claim is read by walking
    `relayed_by` outwards and, inwards, the attributions relayed by it.
    """

    source: Span | None = None
    cue: Span | None = None
    content: Span
    kind: Kind = "indirect"
    cue_class: CueClass = "speech"
    cue_lemma: str | None = None
    source_entity: str | None = Field(
        default=None, description="resolved name for pronoun/surname/title sources"
    )
    relayed_by: int | None = None
    relation: str | None = Field(
        default=None, description="how the hop is stated: 'according to', 'comes from', ..."
    )
    rule: str | None = Field(default=None, description="which extractor rule found it")
    source_info: SourceInfo | None = None
    stance: Stance = Stance()
    compared: str | None = Field(
        default=None, description="the content as matched across documents: no complementiser, "
        "no outer quotes")


class Extraction(Record):
    """What the extractor returns for one text."""

    extractor: str
    attributions: list[Attribution]
    mentions: list[Mention] = []


# --- document zones (zones/ reads them from the stored text) ----------------------

WireKind = Literal["dateline", "byline", "credit", "reporting_line", "copyright", "signoff"]


class Dateline(Record):
    """ "WASHINGTON (AP) —" opening the first body paragraph; never a source or an entity."""

    span: Span = Field(description="the dateline, its dash included")
    place: str | None = Field(
        None, description='as written: "TRIPOLI, Libya"; None for "Aug 27 (Reuters) -"'
    )
    date: str | None = Field(None, description='as written: "March 3"')
    agency: str | None = Field(
        None, description='the credited outlet, normalised: "Associated Press"'
    )


class Byline(Record):
    """ "By Jane Doe and John Roe, Associated Press" near the top."""

    span: Span
    names: list[str] = Field(default_factory=list, description="the writers, as written")
    outlet: str | None = Field(None, description="the outlet or agency named, normalised")


class WireMarker(Record):
    """One place where the text credits a wire agency as the origin of its copy."""

    agency: str = Field(description='normalised display name: "Associated Press"')
    kind: WireKind
    span: Span


class Zones(Record):
    """Where a document's parts lie in its stored text (offsets end exclusive)."""

    headline: Span | None = None
    summary: Span | None = Field(None, description="an abstract/dek introduced by a label line")
    dateline: Dateline | None = None
    byline: Byline | None = None
    lede: Span | None = Field(None, description="the first body paragraph, dateline excluded")
    body_start: int = Field(0, description="where the body after the lede begins (len(text): none)")
    wire: list[WireMarker] = Field(default_factory=list)
    notes: list[Span] = Field(
        default_factory=list,
        description="editorial lines, not article content: corrections, updates, credits",
    )
    publisher: str | None = None

    def wire_agencies(self) -> list[str]:
        """The wire agencies credited, in order of first mark, each once."""
        return list(dict.fromkeys(m.agency for m in self.wire))

    def about_the_document(self) -> list[Span]:
        """Spans that speak about the document, not its story (dateline, byline,
        editorial notes): no attribution, source or entity mention belongs there."""
        out = [self.dateline.span] if self.dateline else []
        out += [self.byline.span] if self.byline else []
        return sorted(out + self.notes, key=lambda s: (s.start, s.end))


class ParsedInput(Record):
    """A document read from disk/stdin, before extraction."""

    origin: str
    format: Literal["text", "markdown", "html"]
    title: str | None
    text: str
    sha256: str
    published: date | None = None
    links: list[Link] = []
    notes: list[str] = Field(default_factory=list, description="e.g. invalid UTF-8 replaced")
    publisher: str | None = Field(default=None, description="the outlet that put it out")
    zones: Zones | None = None


class Document(Record):
    id: str
    title: str | None
    origin: str
    format: str
    sha256: str
    published: date | None
    added: datetime
    extractor: str
    chars: int
    claims: int = 0
    publisher: str | None = None


class Flag(Record):
    code: str
    explanation: str
    severity: Severity = "warning"


class ClaimGrade(Record):
    """Admiralty/NATO grading: source reliability A-F, information credibility 1-6."""

    reliability: Literal["A", "B", "C", "D", "E", "F"] = "F"
    credibility: int = Field(default=6, ge=1, le=6)
    reasons: list[str] = []
    tags: list[str] = Field(default=[], description="MISP-style admiralty-scale tags")


class Claim(Record):
    """A stored attribution with its provenance and flags."""

    id: str  # "<doc_id>:<seq>", stable across databases
    doc_id: str
    seq: int
    source: Span | None
    cue: Span | None
    content: Span
    kind: Kind
    cue_class: CueClass
    cue_lemma: str | None
    source_entity: str | None
    relayed_by: str | None  # claim id
    relation: str | None
    rule: str | None
    extractor: str
    flags: list[Flag] = []
    source_info: SourceInfo | None = None
    stance: Stance = Stance()
    grade: ClaimGrade | None = Field(default=None, description="computed when queried")

    @property
    def source_label(self) -> str:
        if self.source is None:
            if self.rule == "quotation":  # extractor_names.QUOTATION_RULE
                return "(quotation, speaker not named)"
            return "(author)" if self.cue is None else "(unstated)"
        if self.source_entity and self.source_entity.lower() not in self.source.text.lower():
            return f"{self.source.text} [= {self.source_entity}]"
        return self.source.text


class ChainHop(Record):
    claim_id: str
    source: str | None
    entity: str | None
    cue: str | None
    relation: str | None


class Chain(Record):
    """document -> outermost cited source -> ... -> original speaker -> claim"""

    doc_id: str
    hops: list[ChainHop]

    def render(self) -> str:
        parts = [f"document {self.doc_id}"]
        for h in self.hops:
            who = h.entity or h.source or "(author)"
            parts.append(f"{who} ({h.cue})" if h.cue else who)
        return " -> ".join(parts)


class Alias(Record):
    """An identification inserted into the text: "Sadik [aka Abdelhakim Belhadj]".

    `name` is the identity asserted, `alias` the name it is said to be; start/end
    are the inserted bracket's offsets. `asserted_by` is who says so: "author"
    for brackets (an editor's insertion, even inside someone else's quote).
    """

    start: int
    end: int
    name: str
    alias: str
    asserted_by: str = "author"


class Entity(Record):
    """Someone or something the stored texts refer to, computed at query time."""

    name: str
    type: str = Field(description="a SourceType, or 'place'; 'unknown' when nothing says")
    aliases: list[str] = []
    documents: int = 0
    claims_by: int = Field(default=0, description="claims whose source resolves to it")
    mentions: int = Field(default=0, description="references: names, resolved pronouns/titles")
    anonymous: bool = Field(
        default=False, description="a descriptor, not a name: never merged across documents"
    )
    identified_by_author: list[str] = Field(
        default=[], description="names linked to it only by an author's inserted identification"
    )


class HeadlineMismatch(Record):
    """The headline credits someone other than the body's main speaker(s)."""

    headline_source: str  # the source words in the title line: "Pro-Russian Commander"
    headline_entity: str | None  # what they resolve to: "Khalifa Haftar"
    body_speakers: list[str]  # "Ahmed Al-Mismari, spokesperson of Haftar's forces"
    via: list[str] = []  # who relays the body speakers: "Libya Observer"
    note: str


EntityAction = Literal["merge", "split"]


class Decision(Record):
    """One stored merge/split (entity_decisions), as replayed on every entity read."""

    id: int
    action: EntityAction
    a: str
    b: str
    who: str
    at: str
    why: str | None = None


class DecisionResult(Record):
    """What `claimtrack entities merge/split` did (or, with --dry-run, would do)."""

    action: EntityAction
    a: str
    b: str
    dry_run: bool
    written: bool
    changed: bool
    before: list[Entity]
    after: list[Entity]
    message: str


# --- results of the commands that write (`add --json`, `reextract --json`) ---

AddStatus = Literal["added", "unchanged", "failed"]


class AddOutcome(Record):
    """What `add` did with one input (a file, stdin, or one record of a JSONL/CSV
    file of documents): added, unchanged (the same text is stored already) or failed."""

    origin: str = Field(description="the path, or FILE:LINE of a record")
    status: AddStatus
    document: Document | None = Field(None, description="the stored document (added, unchanged)")
    error: str | None = Field(None, description="why it failed, one line (failed)")


class Reextracted(Record):
    """What `reextract` did with one stored document."""

    document: Document = Field(description="as stored after the run")
    before: int = Field(description="claims before")
    previous_extractor: str
    error: str | None = Field(
        None, description="why it could not be extracted again; its stored claims are kept")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def after(self) -> int:
        """claims after"""
        return self.document.claims


# --- the provenance report (report.py builds it, report_render.py renders it) ---


class ReportScope(Record):
    """What the report was asked to cover."""

    entity: str | None = None
    documents: list[str] = []


class ReportClaim(Record):
    claim: Claim
    chain: Chain
    chain_text: str
    quote: Span  # the content, cut from the stored text (with its fragments)
    paragraph: Span  # the stretch of text the quote is shown in
    # the identifications the author inserts in the quote ("author identifies X as Y"):
    # entities/annotate.py
    notes: list[str] = []


class ReportDocument(Record):
    document: Document
    claims: list[ReportClaim]
    # the headline credits another entity than the body's main speaker(s): entities/annotate.py
    headline_vs_body: HeadlineMismatch | None = None


class Report(Record):
    generated: datetime
    extractor: str
    scope: ReportScope
    documents: list[ReportDocument]
    # --entity: the claims by or about it in all (the report may hold one page); not
    # part of the report's own output
    _total: int | None = PrivateAttr(default=None)

    @property
    def total_claims(self) -> int | None:
        return self._total

    @total_claims.setter
    def total_claims(self, value: int | None) -> None:
        self._total = value

    @property
    def claim_count(self) -> int:
        return sum(len(d.claims) for d in self.documents)


# --- diff: two accounts side by side (diff.py builds them, views.py shows them) ---

Aspect = Literal["source", "chain", "cue", "polarity", "modality", "numbers", "dates",
                 "predicate", "other"]
PairRelation = Literal["same", "more_specific", "contradicts"]


class Difference(Record):
    """One way the two sides of a pair differ: `a` is what A says, `b` what B says."""

    aspect: Aspect
    a: str
    b: str

    def said(self) -> str:
        return f"{self.aspect}: {self.a} vs {self.b}"


class ClaimPair(Record):
    """Two claims, one of each account, and how they relate (the stored match).

    Claims are compared by their matching units (text/units.py: the whole content,
    its sentences and clauses): each side's `content` here is the part that aligns,
    offsets into the stored text; `whole_a` / `whole_b` is that claim's full content
    where the part is smaller (None when the whole content aligns)."""

    relation: PairRelation
    similarity: float
    wider: Literal["a", "b"] | None = None  # more_specific: the side that tells more
    a: Claim
    b: Claim
    differences: list[Difference]
    whole_a: Span | None = None
    whole_b: Span | None = None


class RelatedPair(Record):
    """Same people and words, not the same claim: shown as a hint, never counted."""

    a_id: str
    b_id: str
    similarity: float
    a_text: str
    b_text: str


class SharedEntity(Record):
    name: str  # the most frequent surface form over both documents
    label: str  # its most frequent NER label
    count_a: int
    count_b: int


class SourcingProfile(Record):
    """Each claim counts once in named/unnamed/vague/no_source; the rest overlap.
    The author's own statements in the body are not counted (as in `claims`)."""

    claims: int = 0
    named: int = 0
    unnamed: int = 0  # anonymous, faceless, or a cue with no stated source
    vague: int = 0
    no_source: int = 0  # the author's own assertions (headline, lede)
    unresolved: int = 0  # cited source that cannot be followed
    relayed: int = 0  # claims that reach the reader through another source (hops)
    longest_chain: int = 0  # most sources between the reader and a claim
    single_source: int = 0  # attributions with fewer than two independent origins (stored)


class Sourcing(Record):
    a: SourcingProfile
    b: SourcingProfile


class DiffResult(Record):
    a: Document
    b: Document
    aligned: list[ClaimPair]  # same / more_specific, one-to-one, in A's order
    contradictions: list[ClaimPair]
    related: list[RelatedPair]
    only_in_a: list[Claim]
    only_in_b: list[Claim]
    shared_entities: list[SharedEntity]
    sourcing: Sourcing  # side by side, so the contrast is visible


# --- an entity's claims (entityview.py builds them, views.py shows them: `show --entity`) ---


class EntityClaim(Record):
    claim: Claim  # with static and corpus flags
    chain: Chain
    via: str | None = None  # the match rests on an author's identification (claimtrack.entities)


class EntityDocument(Record):
    id: str
    title: str | None
    origin: str
    by: list[EntityClaim]  # the entity is the source: resolved name, or heads the source phrase
    about: list[EntityClaim]  # the content names it, or the source does without being it


class EntityView(Record):
    name: str
    documents: list[EntityDocument]
    entity: Entity | None = None  # what the entity graph knows of the name (claimtrack.entities)
    # every claim by or about the name, in how many documents, and how many of them
    # come before this page (--offset): `documents` holds the page
    total_claims: int = 0
    total_documents: int = 0
    offset: int = 0


# --- a claim's appearances in date order (timeline.py builds them: `timeline`, `diff --entity`) ---

TimelineRelation = Literal[
    "itself",  # the claim asked about (for --entity: the cluster's first appearance)
    "same",
    "more_specific",  # this appearance tells all of the claim, and more
    "less_specific",  # the claim tells all of this appearance, and more
    "contradicts",
    "in_cluster",  # no match with the claim itself: linked through other appearances
]


class Appearance(Record):
    """One appearance of a claim in one document, with what the index knows of it."""

    date: dt.date = Field(description="the document's publication date, else the day it "
                                         "was added (see `dated`)")
    dated: Literal["published", "added"]
    doc_id: str
    title: str | None
    publisher: str | None
    cluster: str
    relation: TimelineRelation = Field(description="to the claim asked about (--claim) or to "
                                                   "the cluster's first appearance (--entity)")
    similarity: float | None = Field(None, description="of the stored match, where there is one")
    root: str | None = Field(None, description="the independent origin it goes back to "
                                               "(None: unresolved, counts zero)")
    relay: bool = Field(False, description="passes on another appearance's report")
    copied: bool = Field(False, description="in a copy of another document (wire copy, "
                                            "near-duplicate body)")
    circular: str | None = None
    via: list[str] = Field(default=[], description="who passes it on in its document, "
                                                   "nearest first")
    entity_role: Literal["by", "about"] | None = Field(
        None, description="--entity: the entity is the source (by) or is named (about)")
    claim: Claim


class EntityCluster(Record):
    """One claim by or about an entity, as the documents tell it (diff --entity)."""

    cluster: str
    documents: int
    origins: list[str] = Field(description="independent origins (stored)")
    appearances: list[Appearance]  # date order; relation to the first appearance
    contradictions: list[Appearance]
    appearances_total: int = Field(
        0, description="appearances in all: more than `appearances` holds where a table "
        "asked for the first ones only")
    contradictions_total: int = Field(0, description="contradicting claims in all")


class EntityDiff(Record):
    name: str
    clusters: list[EntityCluster]
    total: int = Field(description="clusters before --limit")
    single: int = Field(description="claims by or about the entity that one document alone "
                                    "tells, uncontradicted (not listed)")


# --- source reliability grades and sources (grades.py, gradefile.py, sourcelisting.py, misp.py) ---


class GradeEntry(Record):
    """One row of the grades log."""

    id: int
    source: str  # canonical name as graded
    grade: str
    why: str | None
    who: str
    at: datetime
    origin: str  # "cli", or the sources file (path:line) it came from


class GradeResult(Record):
    """A grade just logged, and how many stored claims it applies to now (0: the
    name is graded ahead, or misspelt)."""

    entry: GradeEntry
    claims: int


class ImportResult(Record):
    """A sources file logged (gradefile.py): its path and the entries, in file order."""

    path: str
    entries: list[GradeEntry]


class SourceRow(Record):
    """One source in `claimtrack sources` (sourcelisting.py): its claims, documents,
    grade and flags."""

    name: str
    type: SourceType
    documents: list[str]  # document ids, in load order
    claims: int
    reliability: str  # A-F; F when ungraded
    why: str | None  # the latest grade's reason
    flags: dict[str, int]  # flag code -> claims of this source carrying it


class ClaimTags(Record):
    """A claim's Admiralty grade as MISP tags (taxonomy "admiralty-scale", misp.py)."""

    claim_id: str
    source: str | None
    reliability: str
    credibility: int
    tags: list[str]


# --- eval: claimtrack's own scorer (scoring.py, evaluate.py) ---


class PRF(Record):
    precision: float
    recall: float
    f1: float
    tp: int
    pred: int
    gold: int


class RecallBucket(Record):
    """Overlap recall of the gold attributions with one label value."""

    gold: int
    recall: float
    source_acc_given_match: float | None = None  # only for source=null / source=span


class ScoreCounts(Record):
    """How the inputs were read: nonzero values deserve a look."""

    gold_docs_without_prediction: int = 0
    pred_docs_not_in_gold: int = 0
    pred_docs_with_other_text: int = 0
    pred_without_content: int = 0
    pred_relocated: int = 0
    pred_unresolved: int = 0
    gold_relocated: int = 0
    gold_unresolved: int = 0


class ErrorExample(Record):
    """A missed gold attribution or a false alarm, with its surroundings and
    the closest attribution on the other side (if any tokens overlap)."""

    what: Literal["miss", "false_alarm"]
    doc_id: str
    start: int | None  # content hull in the gold text; None when unresolved
    end: int | None
    content: str
    context_before: str
    context_after: str
    source: str | None
    cue: str | None
    kind: str | None = None
    cue_class: str | None = None
    other_content: str | None = None  # the closest counterpart (prediction for a miss)
    other_source: str | None = None
    other_cue: str | None = None
    other_jaccard: float = 0.0


class EvalMetrics(Record):
    """Everything `claimtrack eval` reports; --json is its model_dump."""

    extractor: str | None = None  # the option given ("rules"); None when scoring --pred
    extractor_name: str | None = None  # the versioned extractor that produced the predictions
    gold_path: str | None = None
    pred_path: str | None = None
    jaccard_threshold: float
    only: list[str]
    gold_docs: int
    content_exact: PRF
    content_overlap: PRF
    content_and_source: PRF
    source_lenient_acc: float
    source_exact_acc: float
    cue_lenient_acc: float
    cue_exact_acc: float
    matched_pairs: int
    recall_by: dict[str, RecallBucket]
    counts: ScoreCounts
    errors_seed: int | None = None
    misses: list[ErrorExample] = []
    false_alarms: list[ErrorExample] = []
