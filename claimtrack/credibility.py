"""Information credibility (Admiralty/NATO 1-6) from a claim's evidence.

    1 confirmed by other sources   2 probably true   3 possibly true
    4 doubtful   5 improbable   6 truth cannot be judged

A claim starts from its source's reliability grade (the user's grades log,
see grades.py; F when ungraded, anonymous, vague or absent, which gives 6),
then the rules of RULES apply top to bottom, each on what the text and the
database show:

  * independent origins: distinct named voices carrying the claim, that do
    not merely relay another, across the stored documents, matched as
    `single_source` matches them (queries.independent_origins);
  * anonymity and vagueness of the source (source type or flags);
  * the other sources' grades: another origin graded A or B counts for the
    claim, a relay graded D or E ("..., according to O") against it;
  * the source's stake (interested party) and the stance of the report
    (distancing cues such as "claimed", "alleged"; hedging);
  * a hard rule last: never better than 2 without two independent origins,
    so 1 always means "confirmed by another origin".

Each rule is data (RULES): what it looks at, what it does, and the reason it
gives, so the README's table is generated from the same objects that grade.
Every claim gets one reason line per rule that looked at it, naming the
evidence, even where the grade was already at its bound.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from claimtrack.grades import RELIABILITY, UNGRADED, GradeEntry, lookup, source_name
from claimtrack.models import Claim, ClaimGrade

CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
# Where a claim starts, by its source's reliability: a single report of a
# completely or usually reliable source is "probably true", and each grade of
# doubt about the source is one grade of doubt about what it says.
START = {"A": 2, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6}
MISP_TAXONOMY = "admiralty-scale"

_ANONYMOUS_TYPES = frozenset({"anonymous"})
_VAGUE_TYPES = frozenset({"vague_collective", "vague_reference"})
_ANONYMOUS_FLAGS = frozenset({"anonymous_source", "unnamed_source"})
# Used only while the flag vocabulary has no `distancing_cue` of its own:
# verbs by which a report keeps its distance from what it reports.
_DISTANCING_LEMMAS = frozenset({"claim", "allege", "purport", "insist", "contend"})


def misp_tags(reliability: str, credibility: int) -> list[str]:
    """MISP taxonomy "admiralty-scale" machine tags."""
    return [
        f'{MISP_TAXONOMY}:source-reliability="{reliability.lower()}"',
        f'{MISP_TAXONOMY}:information-credibility="{credibility}"',
    ]


# --- evidence ----------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What the rules look at, read off one claim and the database."""

    origins: int  # independent origins, the claim's own included (>= 1)
    origin_names: tuple[str, ...]
    source: str | None  # the source's name, None when the author states it
    reliability: str  # A-F as used: F for ungraded, anonymous, vague, no source
    reliability_why: str  # one line: where the reliability comes from
    anonymous: str | None = None  # the source words, when the source is not named
    vague: str | None = None  # why it is vague or cannot be followed
    interested: str | None = None  # the words showing a stake
    distancing: str | None = None  # the distancing or hedging words
    reliable_origin: str | None = None  # another origin graded A or B
    doubtful_relay: str | None = None  # a relay graded D or E the claim reaches us through


def _flag(claim: Claim, *codes: str) -> str | None:
    """The explanation of the first flag with one of `codes`, if any."""
    for f in claim.flags:
        if f.code in codes:
            return f.explanation
    return None


def _quoted(claim: Claim) -> str:
    return f"'{claim.source.text}'" if claim.source else "the unstated source"


def _distancing(claim: Claim) -> str | None:
    from claimtrack.flags import FLAGS

    found = _flag(claim, "distancing_cue", "hedged")
    if found:
        return found
    lemma = (claim.cue_lemma or "").casefold()
    if "distancing_cue" not in FLAGS and lemma in _DISTANCING_LEMMAS and claim.cue:
        return f"the report keeps its distance: '{claim.cue.text}'"
    return None


def _graded(
    reliabilities: Mapping[str, GradeEntry | str], names: Sequence[str], grades: str
) -> str | None:
    """The first of `names` graded one of `grades`, as "'name' (B)"."""
    for name in names:
        entry = lookup(reliabilities, name)
        g = entry if isinstance(entry, str) else entry.grade if entry is not None else None
        if g is not None and g in grades:
            return f"'{name}' ({g}, {RELIABILITY[g]})"
    return None


def evidence(
    claim: Claim,
    independent_origins: int,
    reliabilities: Mapping[str, GradeEntry | str],
    origin_names: Sequence[str] = (),
    entity: str | None = None,
    relays: Sequence[str] = (),
) -> Evidence:
    """The evidence about `claim`. `reliabilities` is keyed by grades.grade_key;
    `origin_names`: its independent origins, its own first; `entity`: the name of
    the entity the source resolves to (grades.source_entities), looked up before
    the claim's own source name; `relays`: the names of the sources that carry it
    to the reader ("according to Libya Observer"), innermost first."""
    info = claim.source_info
    stype = info.type if info is not None else None
    anonymous = None
    if stype in _ANONYMOUS_TYPES or (stype is None and _flag(claim, *_ANONYMOUS_FLAGS)):
        anonymous = _quoted(claim)
    vague = None
    if stype in _VAGUE_TYPES or _flag(claim, "vague_source"):
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
    return Evidence(
        reliable_origin=_graded(reliabilities, origin_names[1:], "AB"),
        doubtful_relay=_graded(reliabilities, relays, "DE"),
        origins=max(1, independent_origins),
        origin_names=tuple(origin_names),
        source=name,
        reliability=grade,
        reliability_why=why,
        anonymous=anonymous,
        vague=vague,
        interested=interested,
        distancing=_distancing(claim),
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
    others = [n for n in e.origin_names[1:]]
    named = f": {', '.join(others)}" if others else ""
    return f"{e.origins} independent origins carry it (its own and {e.origins - 1} more{named})"


RULES: tuple[Rule, ...] = (
    Rule(
        "reliability",
        "always",
        "start from the source's reliability: A or B 2, C 3, D 4, E 5, F 6 "
        "(F: ungraded, anonymous, vague or no source)",
        lambda e: True,
        lambda c, e: START[e.reliability],
        lambda e: e.reliability_why,
    ),
    Rule(
        "corroborated",
        "2 or more independent origins",
        "one grade better, and at worst 3 (possibly true)",
        lambda e: e.origins >= 2,
        lambda c, e: min(c - 1, 3),
        _origins_reason,
    ),
    Rule(
        "widely corroborated",
        "3 or more independent origins",
        "one grade better again",
        lambda e: e.origins >= 3,
        lambda c, e: c - 1,
        lambda e: "a third independent origin carries it",
    ),
    Rule(
        "reliable corroboration",
        "another independent origin is graded A or B",
        "one grade better again",
        lambda e: e.origins >= 2 and e.reliable_origin is not None,
        lambda c, e: c - 1,
        lambda e: f"another origin is graded reliable: {e.reliable_origin}",
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
        "the report distances itself ('claimed', 'alleged') or hedges",
        "one grade worse",
        lambda e: e.distancing is not None,
        lambda c, e: c + 1,
        lambda e: f"{e.distancing}: one grade worse",
    ),
    Rule(
        "doubtful relay",
        "it reaches the reader through a source graded D or E ('according to ...')",
        "one grade worse",
        lambda e: e.doubtful_relay is not None,
        lambda c, e: c + 1,
        lambda e: f"relayed by {e.doubtful_relay}: one grade worse",
    ),
    Rule(
        "single origin",
        "fewer than 2 independent origins",
        "at best 2: 1 needs a second, independent origin",
        lambda e: e.origins < 2,
        lambda c, e: max(c, 2),
        lambda e: "1 independent origin: no other named voice in the stored documents carries it",
    ),
)


def grade(e: Evidence) -> ClaimGrade:
    """Apply RULES in order to the evidence; the grade stays within 1-6."""
    c = 6
    reasons = []
    for rule in RULES:
        if rule.applies(e):
            c = min(6, max(1, rule.effect(c, e)))
            reasons.append(rule.reason(e))
    reasons.append(f"credibility {c}: {CREDIBILITY[c]}")
    return ClaimGrade(
        reliability=e.reliability,  # type: ignore[arg-type]
        credibility=c,
        reasons=reasons,
        tags=misp_tags(e.reliability, c),
    )


def credibility(
    claim: Claim,
    independent_origins: int,
    reliabilities: Mapping[str, GradeEntry | str],
    origin_names: Sequence[str] = (),
    entity: str | None = None,
    relays: Sequence[str] = (),
) -> ClaimGrade:
    """The claim's Admiralty grade: its source's reliability, its credibility, the
    reasons (one line per rule that looked at it) and MISP tags.

    `reliabilities`: grades.reliability(db), keyed by grades.grade_key.
    """
    return grade(
        evidence(claim, independent_origins, reliabilities, origin_names, entity, relays)
    )


def grade_claims(
    claims: Sequence[Claim],
    origins: Mapping[str, Sequence[str]],
    reliabilities: Mapping[str, GradeEntry | str],
    entities: Mapping[str, str] | None = None,
) -> list[Claim]:
    """Copies of `claims` with `grade` set. `origins`: claim id -> its independent
    origins (queries.independent_origins); a claim missing there has one.
    `entities`: claim id -> the name of the entity its source resolves to."""
    out = []
    entities = entities or {}
    by_id = {c.id: c for c in claims}

    def relays(c: Claim) -> list[str]:
        """Who carries c to the reader, innermost first (the relayed_by chain)."""
        found: list[str] = []
        seen = {c.id}
        while c.relayed_by and c.relayed_by in by_id and c.relayed_by not in seen:
            c = by_id[c.relayed_by]
            seen.add(c.id)
            name = entities.get(c.id) or source_name(c)
            if name:
                found.append(name)
        return found

    for c in claims:
        names = origins.get(c.id, ())
        g = credibility(c, len(names), reliabilities, names, entities.get(c.id), relays(c))
        out.append(c.model_copy(update={"grade": g}))
    return out
