"""What kind of source stands behind an attribution: typed, in the text's own words.

`classify_source` reads the source phrase, the words around it and the NER
mentions (no parse of its own) and returns a SourceInfo:

- type: person, organization, outlet, document, anonymous, vague_collective,
  vague_reference, self (the author or outlet), unknown;
- descriptor: the words that describe the source ("unnamed US intelligence
  official", "familiar with the investigation", "the spokesperson of ...");
- anonymity_reason: a stated reason ("spoke on condition of anonymity because ...");
- interested_party: words showing the source has a stake ("spokesperson of ...");
- inherited: the sentence has no source; the resolver carried one over;
- dated: a year attached to the cited work ("a major 2007 study").

The anonymous/vague judgement is flags.py's own (`analyse`), so a source's
type and its flags never disagree.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from claimtrack.models import Attribution, Mention, SourceInfo, Span
from claimtrack.text.sourcephrase import (
    DOCUMENT_NOUNS,
    PASSIVE,
    PLATFORMS,
    PRONOUNS,
    WORD,
    WORK_AUTHORS,
    analyse,
    antecedent,
    head_word,
    is_hearsay,
    is_named,
    sentence_initial,
)

Sentences = list[tuple[int, int]]

FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "myself", "ourselves"})
# "this writer", "our correspondent", "this newspaper": the author or outlet itself
_SELF_PHRASE = re.compile(
    r"^(?:this|our)\s+(?:own\s+)?(?:writer|author|reporter|correspondent|columnist|newspaper"
    r"|paper|publication|website|site|magazine|outlet|blog|newsroom|station|channel|editor"
    r"|editorial\s+board|news\s+organi[sz]ation)s?$",
    re.IGNORECASE,
)
# nouns that make a phrase a news outlet, and names that are outlets by themselves
OUTLET_NOUNS = frozenset(
    {"newspaper", "paper", "magazine", "broadcaster", "network", "agency", "outlet", "daily"}
    | {"tabloid", "channel", "station", "website", "site", "newswire", "wire", "weekly"}
    | {"journal", "times", "post", "news", "observer", "herald", "tribune", "gazette"}
    | {"guardian", "telegraph", "independent", "chronicle", "monitor", "economist", "press"}
    | {"radio", "television", "tv", "broadcasting", "newsweek", "mirror", "sun", "express"}
    | {"reuters", "bloomberg", "politico", "axios", "cnn", "bbc", "nbc", "abc", "cbs", "msnbc"}
    | {"npr", "afp", "ap", "ria", "tass", "xinhua", "sputnik", "rt", "aljazeera", "jazeera"}
    | {"al-jazeera", "fox", "vox", "slate", "salon", "wired", "atlantic", "newyorker"}
    | {"intercept", "hill", "statesman", "standard", "inquirer", "courier", "dispatch"}
)
# plain nouns that name a cited document ("a court filing", "a tweet")
DOCUMENT_HEADS = DOCUMENT_NOUNS | frozenset(
    {"filing", "tweet", "post", "statement", "letter", "cable", "email", "e-mail", "transcript"}
    | {"ruling", "lawsuit", "complaint", "indictment", "affidavit", "testimony", "records"}
    | {"data", "figures", "statistics", "census", "documents", "book", "interview", "speech"}
    | {"studies", "reports", "surveys", "polls", "papers", "article", "articles", "video"}
    | {"footage", "recording", "leak", "release", "bulletin", "brief", "briefing", "op-ed"}
    # the plurals of those a source names as often ("the emails show", "tweets say")
    | {"filings", "tweets", "posts", "statements", "letters", "cables", "emails", "e-mails"}
    | {"transcripts", "rulings", "videos", "recordings", "leaks", "memos", "books"}
)
# institutions: a common-noun head that is an organization, named or not
ORG_HEADS = frozenset(
    {"government", "ministry", "department", "army", "military", "police", "administration"}
    | {"council", "committee", "commission", "agency", "office", "court", "parliament"}
    | {"congress", "senate", "company", "firm", "group", "party", "campaign", "embassy"}
    | {"community", "forces", "force", "coalition", "alliance", "union", "organization"}
    | {"organisation", "institute", "university", "center", "centre", "bank", "fund", "board"}
    | {"authority", "authorities", "regime", "cabinet", "pentagon", "kremlin", "foundation"}
    | {"corporation", "association", "federation", "network", "movement", "brigade", "brigades"}
    | {"unit", "service", "services", "command", "tribunal", "ngo", "charity", "navy"}
)
# roles that speak for a side: the text says the source has a stake
_STAKE = (
    # whose side: "Sanders' campaign manager", "Trump attorney", "Vatican spokesman"
    r"(?:(?!(?:the|a|an|his|her|their|its|our|this|that)\b)(?-i:[A-Z])[\w.\-]*(?:['\u2019]s?)?\s+){0,2}"
    r"(?:(?:chief|official|senior|deputy|top|press|campaign|military|army|government)\s+)?"
    r"(?:spokes(?:person|man|woman|people|persons|men|women)|press\s+secretary|press\s+officer"
    r"|mouthpiece|publicist|lobbyist|campaign\s+(?:manager|chair(?:man|woman)?|aide|adviser)"
    r"|(?:defen[cs]e\s+)?(?:lawyer|attorney|counsel)s?|representatives?|the\s+accused"
    r"|defendants?|plaintiffs?|suspects?)"
)
_STAKE_PHRASE = re.compile(
    rf"\b{_STAKE}(?:\s+(?:of|for|to)\s+[^,.;:()\n]{{1,60}}?)?(?=\s*(?:[,.;:()\n]|$|\s+(?:said|says|claimed|told)\b))",
    re.IGNORECASE,
)
_STAKE_WORD = re.compile(rf"\b{_STAKE}\b", re.IGNORECASE)
_ANONYMITY = re.compile(
    r"(?:\b(?:on|under)\s+(?:the\s+)?condition\s+(?:of|that\s+(?:he|she|they|it)\s+not\s+be)"
    r"\s+(?:anonymity|named|identified)|\b(?:requested|asked\s+for|demanded|insisted\s+on"
    r"|was\s+granted|were\s+granted|granted)\s+anonymity|\bspoke\s+anonymously|\bdeclined\s+to"
    r"\s+be\s+(?:named|identified)|\basked\s+not\s+to\s+be\s+(?:named|identified)|\bnot"
    r"\s+(?:authori[sz]ed|permitted|allowed)\s+to\s+(?:speak|talk|comment|discuss)"
    r"|\bfor\s+fear\s+of\s+(?:reprisals?|retaliation|retribution))[^.;\n]*",
    re.IGNORECASE,
)
# "familiar with the matter", "close to the talks", "with knowledge of ...": who they are
_DESCRIPTOR_TAIL = re.compile(
    r"\b(?:familiar\s+with|close\s+to|with\s+(?:direct\s+)?knowledge\s+of|briefed\s+on"
    r"|involved\s+in|privy\s+to|who\s+(?:has|have|had)\s+(?:seen|read|reviewed))"
    r"\s+[^,.;:\n]{1,60}?(?=\s*(?:[,.;:\n]|$|\s+(?:said|says|told|confirmed|claimed)\b))",
    re.IGNORECASE,
)
_YEAR = r"(?:19|20)\d\d"
_DOC_WORDS = "|".join(sorted(DOCUMENT_HEADS, key=len, reverse=True))
# a year attached to a work: "a 2007 study", "a study (2007)", "a report published in 2009"
_DATED = re.compile(
    rf"\b({_YEAR})(?:\s+[\w'’-]+){{0,2}}?\s+(?:{_DOC_WORDS})\b"
    rf"|\b(?:{_DOC_WORDS})\s*\(\s*({_YEAR})\s*\)"
    rf"|\b(?:{_DOC_WORDS})\s+(?:\w+\s+)?(?:published|released|issued|dated|conducted|written"
    rf"|made|given|filed)\s+(?:in|on)\s+(?:\w+\s+){{0,2}}({_YEAR})\b",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:the|a|an|one|some|this|that|these|those)\s+", re.IGNORECASE)
_SENT_END = re.compile(r"[.!?]['\"\u201d\u2019)]?\s+|\n\s*\n")


def sentence_bounds(text: str) -> Sentences:
    """Sentences as (start, end) by punctuation and blank lines: good enough to
    look for words around a source when no parse is at hand."""
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _sentence_of(pos: int, sentences: Sentences) -> tuple[int, int]:
    # sentences are in order and do not overlap (sentence_bounds): a search, not a scan,
    # since a long document asks for as many sentences as it has sources
    i = bisect.bisect_right(sentences, pos, key=lambda se: se[0]) - 1
    if i >= 0 and sentences[i][0] <= pos < sentences[i][1]:
        return sentences[i]
    return (sentences[-1] if sentences else (0, pos))


def _words(phrase: str) -> list[str]:
    return [m.group() for m in WORD.finditer(phrase)]


def _clean(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase).strip(" ,;:\"'\u201c\u201d")


class Mentions:
    """A document's mentions, looked up by their text and by where they start: each
    source asks, and a long document has thousands of both (a scan each was
    quadratic: 9 of the 45 s a 590 KB document took to add)."""

    def __init__(self, mentions: Sequence[Mention]):
        self.items = list(mentions)
        self.by_text: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(self.items):
            self.by_text[m.text.lower()].append(i)
        self.by_start = sorted(range(len(self.items)), key=lambda i: self.items[i].start)
        self.starts = [self.items[i].start for i in self.by_start]

    def naming(self, key: str) -> list[Mention]:
        """The mentions whose lowercased text is `key` or, if longer than three
        characters, ends it after a space ("clinton" in "hillary clinton"), in order."""
        hits = list(self.by_text.get(key, ()))
        at = key.find(" ")
        while at >= 0:
            hits += [i for i in self.by_text.get(key[at + 1:], ()) if len(self.items[i].text) > 3]
            at = key.find(" ", at + 1)
        return [self.items[i] for i in sorted(set(hits))]

    def within(self, start: int, end: int) -> list[Mention]:
        """The mentions inside [start, end), by where they start (ties in order)."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_right(self.starts, end)
        found = (self.items[i] for i in self.by_start[lo:hi])
        return [m for m in found if m.end <= end]


def _mention_label(span: Span | None, entity: str | None, mentions: Mentions) -> str | None:
    """The NER label of the source: the mentions naming its resolved entity (a person
    when any of them is: the tagger often calls a bare surname ORG), else the
    first mention inside the span (the head name comes before its appositive)."""
    if entity:
        labels = [m.label for m in mentions.naming(entity.lower())]
        if labels:
            return "PERSON" if "PERSON" in labels else Counter(labels).most_common(1)[0][0]
    if span is not None:
        head_end = span.start + len(span.text.split(",")[0])
        inside = mentions.within(span.start, span.end)
        inside.sort(key=lambda m: (m.start >= head_end, m.start))
        if inside:
            return inside[0].label
    return None


def _is_outlet(words: list[str]) -> bool:
    low = [w.lower().strip(".") for w in words]
    return any(w in OUTLET_NOUNS for w in low) and (
        is_named(words, initial=False) or head_word(low) in OUTLET_NOUNS
    )


def _named_type(words: list[str], label: str | None) -> str:
    """person / organization / outlet for a named source."""
    low = [w.lower() for w in words]
    if _is_outlet(words) and label != "PERSON":
        return "outlet"
    if len(low) == 1 and low[0] in PLATFORMS:
        return "organization"  # "Twitter", a PERSON to the recogniser
    if label == "PERSON":
        return "person"
    if label in ("ORG", "GPE", "NORP", "FAC", "LOC"):
        return "organization"
    if any(w in ORG_HEADS for w in low):
        return "organization"
    return "person"


def _appositive(phrase: str) -> str | None:
    """"Ahmed Al-Mismari, the spokesperson of Haftar's forces" -> the part after the comma."""
    head, sep, rest = phrase.partition(",")
    rest = _clean(rest)
    if sep and rest and head.strip():
        return rest
    return None


def _descriptor(phrase: str, text: str, src: Span, stype: str) -> str | None:
    tail = _DESCRIPTOR_TAIL.search(text, src.start, min(len(text), src.end + 80))
    if stype in ("person", "organization", "outlet"):
        return _appositive(phrase)
    if stype in ("anonymous", "vague_collective", "vague_reference", "document"):
        core = phrase
        while (stripped := _LEADING.sub("", core)) != core:
            core = stripped
        core = _clean(core)
        if tail and tail.start() >= src.end:
            core = f"{core} {_clean(tail.group())}" if core else _clean(tail.group())
        return core or None
    return None


def _anonymity_reason(text: str, src: Span, sentences: Sentences) -> str | None:
    """A stated reason in the source's sentence or the next: "spoke on condition of ..."."""
    s, e = _sentence_of(src.start, sentences)
    i = bisect.bisect_left(sentences, e, key=lambda se: se[0])
    nxt = [sentences[i][1]] if i < len(sentences) else []
    m = _ANONYMITY.search(text, s, nxt[0] if nxt else e)
    return _clean(m.group()) if m else None


_COUNSEL = re.compile(r"\b(?:lawyer|attorney|counsel|representative)s?\b", re.IGNORECASE)
# public offices named like counsel: prosecutors and ministers, not one side's lawyer
_OFFICE = frozenset(
    {"u.s.", "us", "city", "state", "county", "district", "prosecuting", "assistant", "general"}
    | {"former", "special", "crown", "solicitor"}
)


def _is_stake(found: str, following: str, before: str = "") -> bool:
    """Spokespeople, campaign staff and parties count as they are; a lawyer or
    representative only as someone's ("Trump's lawyer", "a lawyer for the
    accused", "defense attorney"): "a lawyer by training", "Attorney General" are not."""
    if not _COUNSEL.search(found):
        return True
    words = found.lower().split()
    if following.strip().lower().startswith("general") or _OFFICE & set(words):
        return False
    if re.search(r"\b(?:for|of|to|representing)\s+\S", found) or "defen" in found.lower():
        return True
    if before.lower() in ("his", "her", "their", "its"):
        return True  # "his lawyer"
    owner = found.split()[0]
    possessive = owner.endswith(("'s", "\u2019s", "'", "\u2019"))
    return len(words) > 1 and (owner[:1].isupper() or possessive)


def stake_in(words: str) -> str | None:
    """The words that show a stake ("spokesperson of Haftar's forces"), if any."""
    for pattern in (_STAKE_PHRASE, _STAKE_WORD):
        for m in pattern.finditer(words):
            before = (words[: m.start()].split() or [""])[-1]
            if _is_stake(m.group(), words[m.end() : m.end() + 20], before):
                return _clean(m.group())
    return None


_APPOSITIVE = re.compile(r"\s*,\s*([^,.;:\n]{1,80})")
# "Army spokesman Ahmed", "Trump campaign chairman Paul": a role right before the name
_ROLE_BEFORE = re.compile(
    rf"({_STAKE})\s*,?\s+(?:(?-i:[A-Z])[\w.'\u2019-]*\s+)*$", re.IGNORECASE
)


_RUN = re.compile(r"\w+")


@lru_cache(maxsize=2)  # one document's text, asked about each of its named sources
def _run_starts(text: str) -> dict[str, list[int]]:
    """Where each run of word characters starts that no hyphen precedes, by the run."""
    out: dict[str, list[int]] = defaultdict(list)
    for m in _RUN.finditer(text):
        if m.start() == 0 or text[m.start() - 1] != "-":
            out[m.group()].append(m.start())
    return out


def _occurrences(text: str, key: str) -> list[re.Match[str]]:
    """The matches of `key` as whole words, no word character or hyphen before it.
    A match starts a run of word characters no hyphen precedes, and that run is the
    key's first, so only those places are tried: a long document asks for every
    named source, and a scan of the text each was quadratic (8 of 45 s at 590 KB)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(key)}\b")
    first = _RUN.match(key)
    if first is None:
        return list(pattern.finditer(text))
    found = (pattern.match(text, at) for at in _run_starts(text).get(first.group(), ()))
    return [m for m in found if m is not None]


def stated_roles(text: str, name: str, known: dict[str, str | None] | None = None) -> str | None:
    """A stake the text gives a named person anywhere: "X, the spokesman of Y",
    "Y's spokesman X", "X, a lawyer for Y". Matches the name or its last word.
    `known`: what each key (a name, a last word) gave before in this text: people
    sharing a surname ask about it once (a list of 7,500 lines by people of 40
    surnames spent 9 s asking about each surname's 190 places for each person)."""
    known = {} if known is None else known
    for key in dict.fromkeys([name, name.split()[-1]]):
        if len(key) < 3:
            continue
        if key not in known:
            known[key] = _stake_of(text, key)
        if known[key]:
            return known[key]
    return None


def _stake_of(text: str, key: str) -> str | None:
    """The stake the text gives `key` (a name or a last word) where it occurs."""
    found = _occurrences(text, key)
    for m in found:
        after = _APPOSITIVE.match(text, m.end(), m.end() + 84)
        if after is None:
            continue
        # an appositive that is the role ("X, the spokesman of Y", "X, a lawyer for Y"),
        # not a clause that mentions one ("X, whose lawyer said")
        role = _STAKE_WORD.search(after.group(1))
        lead = after.group(1)[: role.start()].lower().split() if role else []
        if role and len(lead) <= 3 and not {"who", "whose", "which", "that"} & set(lead):
            return stake_in(after.group(1)[role.start() :])
    for m in found:
        before = _ROLE_BEFORE.search(text, max(0, m.start() - 100), m.start())
        if before is not None and _is_stake(before.group(1), text[m.start() : m.end()]):
            return _clean(before.group(1))
    return None


def _dated(text: str, src: Span, sentences: Sentences, cue: Span | None) -> int | None:
    """A year attached to the cited work, in the source phrase or, for a work's
    authors/document, earlier in its sentence ("In a major 2007 study ..., the authors")."""
    lo = _sentence_of(src.start, sentences)[0]
    hi = src.end if cue is None else max(src.end, min(cue.start, src.end + 120))
    for m in _DATED.finditer(text, lo, hi):
        # a year before the source phrase counts only when it dates the sentence's cited work
        if m.end() <= src.start and not _work_source(text[src.start : src.end]):
            continue
        return int(next(g for g in m.groups() if g))
    return None


_WORK_NP = re.compile(
    rf"\b(?:a|an|the|this|that|their|its|his|her)\s+(?:[\w'\u2019-]+\s+){{0,3}}?(?:{_DOC_WORDS})\b",
    re.IGNORECASE,
)


def _work_before(text: str, pos: int, sentences: Sentences) -> str | None:
    """The first work named earlier in the sentence: "a major 2007 study" (later
    ones are usually inside its title or description)."""
    lo = _sentence_of(pos, sentences)[0]
    found = _WORK_NP.search(text, lo, pos)
    return _clean(found.group()) if found else None


def _work_source(phrase: str) -> bool:
    words = [w.lower() for w in _words(phrase)]
    return bool(words) and (head_word(words) in WORK_AUTHORS or head_word(words) in DOCUMENT_HEADS)


def _inside_other_content(att: Attribution, others: list[Attribution] | None) -> bool:
    if att.source is None or not others:
        return False
    return any(
        o is not att and o.content.start <= att.source.start < o.content.end for o in others
    )


def classify_source(
    att: Attribution,
    text: str,
    mentions: Sequence[Mention] | Mentions,
    doc_sentences: Sentences | None = None,
    others: list[Attribution] | None = None,
) -> SourceInfo:
    """The typed source of one attribution. `others` (the document's attributions)
    tells first-person speakers inside someone's quote from the author. A caller
    classifying a document's every source passes its Mentions, built once."""
    if not isinstance(mentions, Mentions):
        mentions = Mentions(mentions)
    sentences = doc_sentences if doc_sentences is not None else sentence_bounds(text)
    src = att.source
    if src is None:
        return _sourceless(att, text, mentions)

    phrase, at = src.text, src.start
    words = _words(phrase)
    low = [w.lower() for w in words]
    if len(low) == 1 and low[0] in ("who", "whom", "which", "that"):
        phrase, at = antecedent(text, src.start)
        words = _words(phrase)
        low = [w.lower() for w in words]
    label = _mention_label(src, att.source_entity, mentions)
    stype = _type(att, text, phrase, at, words, low, label, others)

    region = Span.of(text, min(at, src.start), max(src.end, at + len(phrase)))
    info = SourceInfo(type=stype)  # type: ignore[arg-type]
    info.descriptor = _descriptor(phrase, text, region, stype)
    if stype == "document" and head_word(low) in WORK_AUTHORS - DOCUMENT_HEADS:
        # "In a major 2007 study ..., the authors noted": whose authors
        work = _work_before(text, src.start, sentences)
        if work:
            info.descriptor = f"{info.descriptor or 'authors'} of {work}"
    if stype == "anonymous":
        info.anonymity_reason = _anonymity_reason(text, src, sentences)
    if stype in ("person", "organization", "anonymous", "vague_collective", "outlet"):
        info.interested_party = stake_in(phrase)
    info.dated = _dated(text, src, sentences, att.cue)
    return info


def _type(
    att: Attribution,
    text: str,
    phrase: str,
    at: int,
    words: list[str],
    low: list[str],
    label: str | None,
    others: list[Attribution] | None,
) -> str:
    if not words:
        return "unknown"
    if low[0] in FIRST_PERSON and len(low) <= 2 or _SELF_PHRASE.match(_clean(phrase)):
        # "we" inside someone's quoted words is that speaker, not the author
        if _inside_other_content(att, others):
            return "unknown" if att.source_entity is None else _named_type(
                att.source_entity.split(), label
            )
        return "self"
    if len(low) == 1 and low[0] in PRONOUNS:
        if low[0] == "it" and att.cue is not None and PASSIVE.fullmatch(
            text[att.source.end : att.cue.start].lstrip()  # type: ignore[union-attr]
        ) and is_hearsay(att.cue.text):
            return "vague_reference"  # "it is believed that"
        if att.source_entity:
            return _named_type(att.source_entity.split(), label)
        return "unknown"
    code, _document = analyse(words, sentence_initial(text, at))
    entity_named = att.source_entity is not None and is_named(att.source_entity.split(), False)
    head = head_word(low)
    if code == "vague_source" and not entity_named:
        if head in {"reports", "rumours", "rumors", "rumour", "rumor", "word", "speculation"} | {
            "accounts", "claims", "estimates", "studies", "research", "media", "press",
            "internet", "grapevine",
        }:
            return "vague_reference"
        return "vague_collective"
    if code == "anonymous_source" and not entity_named:
        return "anonymous"
    named_outlet = is_named(words, sentence_initial(text, at)) and _is_outlet(words)
    if (head in WORK_AUTHORS or head in DOCUMENT_HEADS) and not named_outlet:
        return "document"
    if is_named(words, sentence_initial(text, at)) or entity_named or label:
        return _named_type(words if is_named(words, False) else (att.source_entity or "").split(),
                           label)
    if head in OUTLET_NOUNS:
        return "outlet"
    if head in ORG_HEADS or any(w in ORG_HEADS for w in low):
        return "organization"
    return "unknown"


def _sourceless(att: Attribution, text: str, mentions: Mentions) -> SourceInfo:
    """No source phrase: the author's own statement, hearsay, or an inherited speaker."""
    if att.cue is None:
        return SourceInfo(type="unknown")
    if att.source_entity:  # the resolver carried the previous speaker over
        label = _mention_label(None, att.source_entity, mentions)
        return SourceInfo(
            type=_named_type(att.source_entity.split(), label),  # type: ignore[arg-type]
            inherited=True,
        )
    lead = PASSIVE.search(text[max(0, att.cue.start - 24) : att.cue.start])
    cue = att.cue.text.strip().lower()
    if (lead and is_hearsay(att.cue.text)) or cue in ("reportedly", "allegedly", "purportedly"):
        return SourceInfo(type="vague_reference", descriptor=_clean(att.cue.text))
    return SourceInfo(type="unknown")
