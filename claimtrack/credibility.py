"""Information credibility (Admiralty/NATO 1-6) from the evidence for a claim.

    1 confirmed by other sources   2 probably true   3 possibly true
    4 doubtful   5 improbable   6 truth cannot be judged

The two Admiralty axes are kept apart. The source's *reliability* (A-F) is the
user's grade of the source (grades.py; F when ungraded, anonymous, vague or
absent), shown beside the credibility and never used to compute it: a reliable
source can pass on an unconfirmed report, and a grade of the source is no
evidence for its claim. Grading a source therefore never changes the
credibility of that source's own claims.

Credibility comes from the evidence for the claim, read off the claim and the
stored cross-document index (`Corroboration`, built by corpusflags.corroboration
from clusters and cluster_stats), by the rules of RULES top to bottom:

  * independent origins (the cluster's, plus independent voices within the
    claim's own document): one voice gives nothing to weigh it against (6);
    two independent origins make it probably true (2), three confirmed (1);
  * another origin graded A or B counts for a claim with two origins. This is
    the only place a grade enters, and only the grade of ANOTHER origin: that
    origin's independent report is evidence for the claim, and its own claims
    are untouched by its grade. (The former "relay graded D or E" rule is gone:
    the relay in "X said ..., according to O" is O's own report, so grading O
    would change the credibility of what O itself reports.)
  * contradictions (cluster_stats.contradicted_by): a contradicted claim is at
    best 3, whatever its origins, and its reasons say by whom; when the claims
    against it have more independent origins than it has, it is at best 5
    (improbable);
  * anonymity (at best 3) and vagueness (at best 4) of its own source;
  * stance: a stake in the matter, a distancing cue or the author's hedge, and
    the source's own hedge ("may", "could", "if") each cost one grade; a denial
    is graded as what it asserts (that the content is not so: the index keeps
    denials and reports apart, so its origins are other denials); a negated cue
    ("X did not say that Y") asserts nothing and is 6.
  * never 1 below two independent origins: `grade` holds the bound last.

Each rule is data (RULES): what it looks at, what it does, and the reason it
gives, so the README's table is generated from the same objects that grade.
Every claim gets one reason line per rule that looked at it, naming the
evidence, even where the grade was already at its bound.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from claimtrack.flags import ANONYMOUS_FLAGS, DISTANCING_FLAGS
from claimtrack.grades import RELIABILITY, UNGRADED, lookup, source_name
from claimtrack.misp import misp_tags
from claimtrack.models import (
    ANONYMOUS_TYPES,
    CORROBORATING_ORIGINS,
    VAGUE_TYPES,
    Claim,
    ClaimGrade,
    GradeEntry,
)

CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
# Where a claim starts, by how many independent origins carry it: one voice alone
# cannot be judged; a second, independent one makes it probably true; a third
# confirms it.
BY_ORIGINS = {0: 6, 1: 6, 2: 2, 3: 1}
# The source's own hedges (models.Stance.modality) that make a claim less than an
# assertion; "would" (reported "will"), "can", "must" and "plans to" do not.
HEDGES = frozenset({"may", "might", "could", "if", "unless"})



@dataclass(frozen=True)
class Against:
    """A claim that contradicts the one graded."""

    claim_id: str
    doc_id: str
    source: str  # who says otherwise
    origins: tuple[str, ...] = ()  # the independent origins of its cluster


@dataclass(frozen=True)
class Corroboration:
    """The stored cross-document figures for one claim (corpusflags.corroboration)."""

    origins: tuple[str, ...] = ()  # independent origin keys, its own included
    within: tuple[str, ...] = ()  # of them, those found in its own document only
    documents: int = 1  # documents carrying its cluster
    own: str | None = None  # the origin key its own appearance leads back to
    circular: str | None = None  # why its reporting goes in circles
    contradicted_by: tuple[Against, ...] = ()
    indexed: bool = True  # False: no clusters row yet (rematch)


# --- evidence ----------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What the rules look at, read off one claim and the stored index."""

    origins: int  # independent origins, the claim's own included (0: cannot be followed)
    origin_names: tuple[str, ...]
    documents: int  # documents carrying it
    within: int = 0  # of the origins, those found only in its own document
    source: str | None = None  # the source's name, None when the author states it
    reliability: str = UNGRADED  # A-F, shown beside the credibility, never used by a rule
    reliability_why: str = ""  # one line: where the reliability comes from
    anonymous: str | None = None  # the source words, when the source is not named
    vague: str | None = None  # why it is vague or cannot be followed
    interested: str | None = None  # the words showing a stake
    distancing: str | None = None  # the distancing or hedging words of the report
    hedges: tuple[str, ...] = ()  # the source's own hedges ("may", "could", "if")
    denial: bool = False  # "X denied that Y": graded as not-Y
    not_asserted: bool = False  # "X did not say that Y": X asserts nothing
    reliable_origin: str | None = None  # ANOTHER origin graded A or B
    contradicted_by: tuple[str, ...] = ()  # who says otherwise: "'Mark Ruiz'", distinct
    against_claims: tuple[str, ...] = ()  # the ids of the claims against it
    against_origins: int = 0  # independent origins of the claims against it, together


def _flag(claim: Claim, *codes: str) -> str | None:
    """The explanation of the first flag with one of `codes`, if any."""
    for f in claim.flags:
        if f.code in codes:
            return f.explanation
    return None


def _quoted(claim: Claim) -> str:
    return f"'{claim.source.text}'" if claim.source else "the unstated source"


def _gradable(key: str) -> str | None:
    """The name an origin key stands for, if it can be graded: named sources and
    outlets; never an unnamed descriptor or a bare document."""
    kind, _, name = key.partition(":")
    return name if kind in ("source", "outlet") and name else None


def _entry_grade(entry: GradeEntry | str | None) -> str | None:
    return entry if isinstance(entry, str) else entry.grade if entry is not None else None


def _reliable_other(reliabilities: Mapping[str, GradeEntry | str], co: Corroboration,
                    own_names: Sequence[str]) -> str | None:
    """The first origin other than the claim's own graded A or B, as "'name' (B, ...)".
    An origin whose grade is the claim's own source's grade (one person under two
    spellings) is not another origin."""
    graded = {k: k for k in reliabilities}  # lookup() on it gives the graded name it used
    own_keys = {lookup(graded, n) for n in own_names} - {None}
    for key in co.origins:
        name = _gradable(key)
        if key == co.own or name is None or lookup(graded, name) in own_keys:
            continue
        g = _entry_grade(lookup(reliabilities, name))
        if g is not None and g in "AB":
            return f"'{name}' ({g}, {RELIABILITY[g]})"
    return None


def evidence(
    claim: Claim,
    co: Corroboration,
    reliabilities: Mapping[str, GradeEntry | str],
    entity: str | None = None,
) -> Evidence:
    """The evidence about `claim`. `co`: its stored cross-document figures
    (corpusflags.corroboration); `reliabilities` is keyed by grades.grade_key; `entity`:
    the name of the entity the source resolves to (grades.source_entities), looked
    up before the claim's own source name."""
    info = claim.source_info
    stype = info.type if info is not None else None
    anonymous = None
    if stype in ANONYMOUS_TYPES or (stype is None and _flag(claim, *ANONYMOUS_FLAGS)):
        anonymous = _quoted(claim)
    vague = None
    if stype in VAGUE_TYPES or _flag(claim, "vague_source"):
        vague = f"vague source {_quoted(claim)}"
    elif unresolved := _flag(claim, "unresolved_reference"):
        vague = unresolved
    interested = None
    if info is not None and info.interested_party:
        interested = f"'{info.interested_party}'"
    elif found := _flag(claim, "interested_party"):
        interested = found

    own = source_name(claim) if claim.source is not None or claim.source_entity else None
    name = entity or own
    grade, why = UNGRADED, ""
    if claim.source is None and not claim.source_entity:
        why = "no source is given: reliability F (cannot be judged)"
    elif anonymous or vague:
        what = "is not named" if anonymous else (
            "is vague" if "vague" in (vague or "") else "cannot be followed"
        )
        why = f"the source {_quoted(claim)} {what}: reliability F (cannot be judged)"
    elif stype == "self":
        why = f"the author cites itself ({_quoted(claim)}): reliability F (cannot be judged)"
    elif name is None:
        # a pronoun the resolver could not trace (grades.source_name)
        why = (f"the source {_quoted(claim)} names nobody the text identifies: reliability F "
               "(cannot be judged)")
    else:
        entry = None
        for candidate in dict.fromkeys(n for n in (entity, own) if n):
            entry = lookup(reliabilities, candidate)
            if entry is not None:
                name = candidate
                break
        if entry is None:
            why = f"source '{name}' is ungraded: reliability F (cannot be judged)"
        elif isinstance(entry, str):
            grade = entry
            why = f"source '{name}' is graded {grade} ({RELIABILITY[grade]})"
        else:
            grade = entry.grade
            because = f": {entry.why}" if entry.why else ""
            why = (
                f"source '{name}' is graded {grade} ({RELIABILITY[grade]}) by {entry.who} "
                f"on {entry.at:%Y-%m-%d}{because}"
            )
    against = tuple(dict.fromkeys(f"'{a.source}'" for a in co.contradicted_by))
    against_origins = len({k for a in co.contradicted_by for k in a.origins})
    distancing = _flag(claim, *DISTANCING_FLAGS)
    return Evidence(
        origins=len(co.origins),
        origin_names=co.origins,
        documents=co.documents,
        within=len(co.within),
        source=name,
        reliability=grade,
        reliability_why=why,
        anonymous=anonymous,
        vague=vague,
        interested=interested,
        distancing=distancing,
        hedges=tuple(m for m in claim.stance.modality if m in HEDGES),
        denial=claim.stance.denial and not claim.stance.cue_negated,
        not_asserted=claim.stance.cue_negated,
        reliable_origin=_reliable_other(reliabilities, co, [n for n in (entity, own) if n]),
        contradicted_by=against,
        against_claims=tuple(a.claim_id for a in co.contradicted_by),
        against_origins=against_origins,
    )


# --- the rule table ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One row of the table: `applies` selects claims, `effect` maps the grade so far."""

    name: str
    when: str  # the condition, in words (README)
    does: str  # the effect, in words (README)
    applies: Callable[[Evidence], bool]
    effect: Callable[[int, Evidence], int]
    reason: Callable[[Evidence], str]


def _origins_reason(e: Evidence) -> str:
    docs = f"{e.documents} document" + ("s" if e.documents != 1 else "")
    within = f"; {e.within} within its own document" if e.within else ""
    named = f" ({', '.join(e.origin_names)}{within})" if e.origin_names else ""
    if e.origins == 0:
        return f"carried by {docs}, no independent origin: its source cannot be followed"
    if e.origins == 1:
        return (f"carried by {docs}, 1 independent origin{named}: "
                "no other voice to weigh it against")
    return f"carried by {docs}, {e.origins} independent origins{named}"


def _contradicted_reason(e: Evidence) -> str:
    n, k = e.against_origins, len(e.against_claims)
    who = ", ".join(e.contradicted_by[:4])
    if len(e.contradicted_by) > 4:
        who += f" and {len(e.contradicted_by) - 4} more"
    claims = e.against_claims[0] if k == 1 else f"{k} claims"
    return (f"contradicted by {who} ({claims}, {n} independent origin{'s' if n != 1 else ''}):"
            " at best 3")


RULES: tuple[Rule, ...] = (
    Rule(
        "independent origins",
        "always: the independent origins carrying it (stored clusters, plus independent "
        "voices in its own document)",
        "start from them: 0 or 1 origin 6, 2 origins 2, 3 or more 1",
        lambda e: True,
        lambda c, e: BY_ORIGINS[min(e.origins, 3)],
        _origins_reason,
    ),
    Rule(
        "reliable corroboration",
        "2 independent origins, and another origin than its own is graded A or B",
        "one grade better (its own source's grade never counts)",
        lambda e: e.origins == 2 and e.reliable_origin is not None,
        lambda c, e: c - 1,
        lambda e: f"another origin is graded reliable: {e.reliable_origin}",
    ),
    Rule(
        "contradicted",
        "a claim of another document contradicts it (opposite polarity, another number or "
        "date)",
        "at best 3 (possibly true), whatever its origins",
        lambda e: bool(e.contradicted_by),
        lambda c, e: max(c, 3),
        _contradicted_reason,
    ),
    Rule(
        "outweighed",
        "the claims contradicting it have more independent origins than it has",
        "at best 5 (improbable)",
        lambda e: bool(e.contradicted_by) and e.against_origins > e.origins,
        lambda c, e: max(c, 5),
        lambda e: (f"the claims against it have more independent origins ({e.against_origins} "
                   f"to {e.origins}): at best 5"),
    ),
    Rule(
        "anonymous",
        "the source is not named (anonymous type or flag)",
        "at best 3: no one can check an unnamed source",
        lambda e: e.anonymous is not None,
        lambda c, e: max(c, 3),
        lambda e: f"anonymous source {e.anonymous}: at best 3",
    ),
    Rule(
        "vague",
        "the source is vague, or the reference cannot be followed",
        "at best 4 (doubtful)",
        lambda e: e.vague is not None,
        lambda c, e: max(c, 4),
        lambda e: f"{e.vague}: at best 4",
    ),
    Rule(
        "interested party",
        "the source has a stake in the claim (interested_party)",
        "one grade worse",
        lambda e: e.interested is not None,
        lambda c, e: c + 1,
        lambda e: f"interested party {e.interested}: one grade worse",
    ),
    Rule(
        "distancing",
        "the report distances itself ('claimed', 'alleged') or the author hedges",
        "one grade worse",
        lambda e: e.distancing is not None,
        lambda c, e: c + 1,
        lambda e: f"{e.distancing}: one grade worse",
    ),
    Rule(
        "hedged by its source",
        "the source itself hedges: " + ", ".join(f"'{h}'" for h in sorted(HEDGES)),
        "one grade worse",
        lambda e: bool(e.hedges),
        lambda c, e: c + 1,
        lambda e: f"the source hedges ({', '.join(e.hedges)}): one grade worse",
    ),
    Rule(
        "denial",
        "the source denies it ('X denied that Y')",
        "none: graded as what it asserts, that Y is not so (the index keeps denials and "
        "reports apart, so a report of Y is its contradiction)",
        lambda e: e.denial,
        lambda c, e: c,
        lambda e: "a denial: graded as the claim that it is not so",
    ),
    Rule(
        "not asserted",
        "a negated cue ('X did not say that Y')",
        "6: the source asserts nothing",
        lambda e: e.not_asserted,
        lambda c, e: 6,
        lambda e: "a negated cue: the source asserts nothing, so 6",
    ),
)


def grade(e: Evidence) -> ClaimGrade:
    """Apply RULES in order to the evidence; the grade stays within 1-6, and never 1
    below two independent origins."""
    c = 6
    reasons = [e.reliability_why]
    for rule in RULES:
        if rule.applies(e):
            c = min(6, max(1, rule.effect(c, e)))
            reasons.append(rule.reason(e))
    if e.origins < CORROBORATING_ORIGINS:
        c = max(c, 2)
    reasons.append(f"credibility {c}: {CREDIBILITY[c]}")
    return ClaimGrade(
        reliability=e.reliability,  # type: ignore[arg-type]
        credibility=c,
        reasons=reasons,
        tags=misp_tags(e.reliability, c),
    )


def credibility(
    claim: Claim,
    co: Corroboration,
    reliabilities: Mapping[str, GradeEntry | str],
    entity: str | None = None,
) -> ClaimGrade:
    """The claim's Admiralty grade: its source's reliability (its own axis), its
    credibility from the evidence, the reasons (the reliability line, then one line
    per rule that looked at it) and MISP tags.

    `co`: corpusflags.corroboration; `reliabilities`: grades.reliability(db), keyed by
    grades.grade_key.
    """
    return grade(evidence(claim, co, reliabilities, entity))


def grade_claims(
    claims: Sequence[Claim],
    facts: Mapping[str, Corroboration],
    reliabilities: Mapping[str, GradeEntry | str],
    entities: Mapping[str, str] | None = None,
) -> list[Claim]:
    """Copies of `claims` with `grade` set. `facts`: claim id -> its stored figures
    (corpusflags.corroboration); a claim missing there has no origin known.
    `entities`: claim id -> the name of the entity its source resolves to."""
    entities = entities or {}
    return [
        c.model_copy(update={"grade": credibility(
            c, facts.get(c.id) or Corroboration(), reliabilities, entities.get(c.id))})
        for c in claims
    ]
