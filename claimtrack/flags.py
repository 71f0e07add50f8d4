"""Flag vocabulary v2: codes, one-line explanations, severities, the W3C
Credibility Signals each maps to, and the rules that raise them from one
attribution (static flags, frozen at add time; see assess.py for the entry point).

Flags that depend on other documents (`single_source`, `circular_reporting`)
are read from the stored cross-document index when claims are queried (see
corpusflags.py), so adding a document can clear them.
The codes are claimtrack's own and stable; docs/flags.md has the table.
"""

from __future__ import annotations

import re
from datetime import date

from claimtrack.extractor_names import HIDDEN_RULES
from claimtrack.models import Attribution, Flag, Link, Severity, SourceInfo, Span
from claimtrack.text.sourcephrase import (
    DOCUMENT_NOUNS,
    PASSIVE,
    PRONOUNS,
    ROLE_NOUNS,
    WORD,
    WORK_AUTHORS,
    analyse,
    antecedent,
    head_word,
    is_hearsay,
    is_named,
    sentence_initial,
)

# code -> (explanation shown to the user, severity)
FLAGS: dict[str, tuple[str, Severity]] = {
    "no_source": ("the author states this with no source at all", "warning"),
    "anonymous_source": (
        "the source is not named: an anonymous individual or a faceless group",
        "high",
    ),
    "no_anonymity_reason": ("an anonymous source, and the text gives no reason why", "warning"),
    "vague_source": ("the source is vague: no one identifiable stands behind it", "high"),
    "plural_for_single": (
        "a plural source ('reports') backed by one link or none",
        "warning",
    ),
    "unresolved_reference": (
        "the cited source cannot be followed: its link is missing or it is never identified",
        "warning",
    ),
    "single_source": ("fewer than two independent origins carry this claim", "info"),
    "circular_reporting": (
        "its reporting goes in circles: outlets cite each other, a report it cites is dated "
        "after it, or its sources lead back to one origin",
        "warning",
    ),
    "self_citation": ("the author or outlet cites its own earlier work", "warning"),
    "hedged": ("the claim is hedged: the author does not vouch for it", "info"),
    "distancing_cue": ("the reporting verb keeps the claim at arm's length", "info"),
    "endorsing_cue": ("the reporting verb presents the claim as established fact", "warning"),
    "interested_party": ("the text says the source has a stake in the matter", "warning"),
    "stale_source": ("the cited source is dated years before the document", "warning"),
    "inherited_source": (
        "the sentence names no source: it is carried over from an earlier one",
        "info",
    ),
}

# code -> the W3C Credible Web CG "Credibility Signals" name it observes, or None
# where that vocabulary has none (docs/flags.md explains each row).
W3C_SIGNALS: dict[str, str | None] = {
    "no_source": "Citation of Organizations and Studies",
    "anonymous_source": None,
    "no_anonymity_reason": None,
    "vague_source": "Citation of Organizations and Studies",
    "plural_for_single": "Representative Citations",
    "unresolved_reference": "Representative Citations",
    "single_source": None,
    "circular_reporting": "Originality",
    "self_citation": "Originality",
    "hedged": "Calibration of Confidence",
    "distancing_cue": "Calibration of Confidence",
    "endorsing_cue": "Calibration of Confidence",
    "interested_party": "Quotes from Outside Experts",
    "stale_source": None,
    "inherited_source": None,
}

# the codes that say a claim's source is anonymous: today's, and flag vocabulary v1's
# `unnamed_source` (migration 2 renames stored ones; a record made before it may carry it)
ANONYMOUS_FLAGS = frozenset({"anonymous_source", "unnamed_source"})
# the codes that say the report keeps the claim at a distance: a distancing cue (a
# DISTANCING lemma: "claimed", "alleged") or the author's own hedge ("reportedly")
DISTANCING_FLAGS = frozenset({"distancing_cue", "hedged"})

# how many years older than the document a dated source may be before it is stale
STALE_YEARS = 3


def make_flag(code: str, detail: str | None = None) -> Flag:
    """A Flag with its standard explanation, plus what triggered it."""
    explanation, severity = FLAGS[code]
    if detail:
        explanation = f"{explanation} ({detail})"
    return Flag(code=code, explanation=explanation, severity=severity)


def explained_flag(code: str, explanation: str) -> Flag:
    """A Flag whose one-line explanation names the words and the rule behind it."""
    return Flag(code=code, explanation=explanation, severity=FLAGS[code][1])


# ---- static rules: plain text only (no spaCy), so adding stays fast ----------
# The source phrase itself is read by text/sourcephrase.py (shared with sourcetype.py).
# a document source followed by what identifies it: "a study entitled ...", "a report by ..."

_IDENTIFIED_AFTER = re.compile(
    r"^\s*,?\s*(?:entitled|titled|called|named|by|from|of|for|published|commissioned"
    r"|conducted|released|issued|led|produced|[\"\u201c\u00ab(])",
    re.IGNORECASE,
)


def _quote(words: str) -> str:
    return "'" + re.sub(r"\s+", " ", words).strip() + "'"


def _sentence_start(text: str, pos: int) -> int:
    cut = max(text.rfind(m, 0, pos) for m in (". ", "! ", "? ", "\n"))
    return cut + 1 if cut >= 0 else 0


def _overlaps(span: Span, link: Link) -> bool:
    return any(p.start < link.end and link.start < p.end for p in span.pieces())


def static_flags(att: Attribution, text: str, links: list[Link]) -> list[Flag]:
    """Flags one attribution earns on its own, each naming the words behind it."""
    src = att.source
    if src is None:
        if att.cue is None:
            # Only the headline and lede are flagged: the author's statements in
            # the body are the article's own account, matched across documents.
            return [] if att.rule in HIDDEN_RULES else [make_flag("no_source")]
        # an agentless passive: "it is believed", "was reported"
        lead = PASSIVE.search(text[max(0, att.cue.start - 24) : att.cue.start])
        if lead and is_hearsay(att.cue.text):
            return [make_flag("vague_source", _quote(lead.group() + att.cue.text))]
        return []

    if att.cue is not None and src.text.strip().lower() == "it":
        # "it is believed that": an expletive subject of a passive, not a pronoun
        between = text[src.end : att.cue.start]
        passive = PASSIVE.fullmatch(between.lstrip()) and is_hearsay(att.cue.text)
        if att.cue.start >= src.end and passive:
            return [make_flag("vague_source", _quote(text[src.start : att.cue.end]))]

    flags: list[Flag] = []
    phrase, at = src.text, src.start
    words = [m.group() for m in WORD.finditer(phrase)]
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        if words[0].lower() not in ("who", "whom", "which", "that"):
            words = []  # a pronoun: whoever it is, resolve.py decides
        else:
            phrase, at = antecedent(text, src.start)
            words = [m.group() for m in WORD.finditer(phrase)]
    entity = att.source_entity
    named_entity = entity is not None and is_named(entity.split(), initial=False)
    code, document = analyse(words, sentence_initial(text, at)) if words else (None, None)
    if code and not named_entity:
        flags.append(make_flag(code, _quote(phrase)))

    region = [src] if at == src.start else [src, Span.of(text, at, at + len(phrase))]
    dead = [lk for lk in links if lk.missing and any(_overlaps(r, lk) for r in region)]
    if not dead and words and head_word(words) in WORK_AUTHORS:
        # "In a 2007 [study](#) ..., the authors noted": their work's link is dead
        sentence = _sentence_start(text, src.start)
        dead = [
            lk
            for lk in links
            if lk.missing
            and sentence <= lk.start < src.start
            and head_word(lk.text.split()) in DOCUMENT_NOUNS
        ]
    if dead:
        flags.append(make_flag("unresolved_reference", f"{_quote(dead[0].text)} links nowhere"))
    elif (
        document
        and words[0].lower() in ("a", "an", "one")
        and not is_named(words[1:], initial=False)
        and not any(_overlaps(src, lk) for lk in links)
        and not _IDENTIFIED_AFTER.match(text[src.end : src.end + 40])
        and not named_entity
    ):
        flags.append(make_flag("unresolved_reference", f"{_quote(phrase)} is never identified"))
    return flags


# ---- v2 rules: judged on the attribution plus its SourceInfo (sourcetype.py) ---------

# plural documents and hearsay that promise several sources: one link (or none) is not "reports"
PLURAL_DOCUMENTS = frozenset(
    {"reports", "studies", "accounts", "articles", "papers", "documents", "surveys", "polls"}
    | {"analyses", "investigations", "stories", "findings", "reviews", "estimates", "sources"}
    | {"publications", "media", "rumours", "rumors", "claims", "assessments", "records"}
)
# reporting verbs with which the author or outlet cites its own earlier work
SELF_REPORTING = frozenset(
    {"report", "write", "reveal", "note", "disclose", "document", "detail", "mention", "cover"}
    | {"explain", "show", "expose", "argue", "publish", "break", "tell", "say", "point"}
)
# stance of the reporting verb: the author keeps its distance, or vouches for the claim
DISTANCING = frozenset({"claim", "allege", "purport", "contend", "insist"})
# ("polls show", "data demonstrate" are how figures are read, not the author vouching)
ENDORSING = frozenset(
    {"confirm", "reveal", "admit", "acknowledge", "concede", "disclose", "expose", "prove"}
    | {"uncover", "point"}  # "point out"
)
# people expected to be named unless there is a reason: insiders, not crowds ("lawmakers",
# "residents", "witnesses") and not a body's members
INSIDER_NOUNS = ROLE_NOUNS - frozenset(
    {"lawmaker", "lawmakers", "legislator", "legislators", "members", "resident", "residents"}
    | {"spokespeople", "spokespersons", "witness", "witnesses"}
)
# the author's own hedges inside (or on) the claim
_HEDGES = re.compile(
    r"\b(?:allegedly|reportedly|purportedly|supposedly|ostensibly|apparently|so[-\s]called"
    r"|alleged|purported|rumou?red\s+to|said\s+to\s+(?:be|have)|believed\s+to\s+(?:be|have))\b",
    re.IGNORECASE,
)


def _cue_lemma(att: Attribution) -> str:
    """The cue's lemma, else its last word (rules that set no lemma)."""
    if att.cue_lemma:
        return att.cue_lemma.lower().split()[0]
    words = att.cue.text.lower().split() if att.cue else []
    return words[-1] if words else ""


def _plural_head(phrase: str) -> str | None:
    words = [m.group().lower() for m in WORD.finditer(phrase)]
    head = head_word(words) if words else ""
    return head if head in PLURAL_DOCUMENTS else None


def _link_count(span: Span, links: list[Link]) -> tuple[int, int]:
    """(distinct links, of them missing) whose anchor overlaps the span."""
    hit = {(lk.target, lk.start): lk.missing for lk in links if _overlaps(span, lk)}
    return len(hit), sum(hit.values())


def plural_for_single(att: Attribution, info: SourceInfo, links: list[Link]) -> Flag | None:
    """Judged only in documents that carry links at all: plain text cannot show one."""
    if att.source is None or info.type not in ("vague_reference", "vague_collective", "document"):
        return None
    if not links:
        return None
    head = _plural_head(att.source.text)
    if head is None or head in ("sources", "claims", "media"):
        return None  # people-like plurals are judged by vague/anonymous rules, not links
    n, missing = _link_count(att.source, links)
    if n > 1:
        return None
    backing = "no link" if n == 0 else (
        "1 link whose target is missing" if missing else "only 1 link"
    )
    return explained_flag(
        "plural_for_single", f"{_quote(att.source.text)}: plural, backed by {backing}"
    )


def no_anonymity_reason(att: Attribution, info: SourceInfo) -> Flag | None:
    """Insiders only ("an official", "a person familiar with ..."): a crowd such as
    "lawmakers" is faceless, not granted anonymity."""
    if info.type != "anonymous" or info.anonymity_reason:
        return None
    words = [w.lower() for w in (info.descriptor or "").split()]
    if not INSIDER_NOUNS & set(words):
        return None
    who = _quote(att.source.text) if att.source else "the source"
    return explained_flag("no_anonymity_reason", f"{who}: anonymous, and no reason is given why")


def self_citation(att: Attribution, info: SourceInfo) -> Flag | None:
    if info.type != "self" or att.cue is None or _cue_lemma(att) not in SELF_REPORTING:
        return None
    who = att.source.text if att.source else "the author"
    words = _quote(f"{who} {att.cue.text}" if att.source and att.source.end <= att.cue.start
                   else f"{att.cue.text} {who}")
    return explained_flag("self_citation", f"{words}: the author or outlet cites its own work")


def hedged(att: Attribution, text: str) -> Flag | None:
    found = []
    cue = att.cue.pieces() if att.cue else []
    for part in att.content.pieces():
        for m in _HEDGES.finditer(text, part.start, part.end):
            # the cue itself ("it was alleged that"): a stance, not a hedge
            if not any(c.start < m.end() and m.start() < c.end for c in cue):
                found.append(m.group())
    if att.cue is not None and re.fullmatch(r"\w+ly", att.cue.text.strip()) and _HEDGES.fullmatch(
        att.cue.text.strip()
    ):
        found.insert(0, att.cue.text.strip())  # the adverb rule: "reportedly" is the cue
    if not found:
        return None
    words = ", ".join(dict.fromkeys(_quote(w) for w in found))
    return explained_flag("hedged", f"{words}: the author hedges the claim")


def stance(att: Attribution) -> Flag | None:
    """distancing_cue ("claimed", "alleged") or endorsing_cue ("confirmed", "revealed")."""
    if att.cue is None:
        return None
    lemma = _cue_lemma(att)
    words = att.cue.text.lower().split()
    if "not" in words or "never" in words or "n't" in words:
        return None  # "did not confirm" vouches for nothing
    if lemma in DISTANCING:
        return explained_flag(
            "distancing_cue",
            f"{_quote(att.cue.text)}: a distancing cue, the author keeps its distance",
        )
    if lemma in ENDORSING and (lemma != "point" or "out" in words):
        return explained_flag(
            "endorsing_cue",
            f"{_quote(att.cue.text)}: an endorsing cue, presented as established fact",
        )
    return None


def interested_party(info: SourceInfo) -> Flag | None:
    if not info.interested_party:
        return None
    return explained_flag(
        "interested_party", f"{_quote(info.interested_party)}: the source speaks for a side"
    )


def stale_source(info: SourceInfo, published: date | None) -> Flag | None:
    if info.dated is None or published is None or published.year - info.dated < STALE_YEARS:
        return None
    age = published.year - info.dated
    return explained_flag(
        "stale_source",
        f"source dated {info.dated}, {age} years before the document ({published.isoformat()})",
    )


def inherited_source(att: Attribution, info: SourceInfo) -> Flag | None:
    if not info.inherited:
        return None
    who = att.source_entity or "an earlier speaker"
    cue = _quote(att.cue.text) if att.cue else "the claim"
    return explained_flag(
        "inherited_source", f"{cue} has no subject: {who} carried over from before"
    )


def source_flags(
    att: Attribution, info: SourceInfo, text: str, links: list[Link], published: date | None
) -> list[Flag]:
    """The v2 flags of one attribution whose SourceInfo is known, in vocabulary order."""
    found = [
        no_anonymity_reason(att, info),
        plural_for_single(att, info, links),
        self_citation(att, info),
        hedged(att, text),
        stance(att),
        interested_party(info),
        stale_source(info, published),
        inherited_source(att, info),
    ]
    return [f for f in found if f is not None]
