"""Matching units: the clause-sized parts of a claim's content that are compared.

Accounts of one story share propositions, not sentences: one outlet prints a
quotation whole where the other splits it with "he said", an author's sentence
joins two facts with ", but" where the other outlet tells one of them. So a
content is compared as a few units: the whole of it, each of its sentences,
and each clause of those (split at ";", dashes and a comma before a
coordinating or subordinating word that opens a new clause). Every unit is a
character range of the content (offsets relative to the content), so a diff can
show exactly what aligned. Pure and regex-only (no parser: corpus/ never loads
spaCy), deterministic, in document order, whole content first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Unit = tuple[int, int]  # [start, end) relative to the content text

# Edge characters a unit never starts or ends with.
_EDGE = " \t\n\r\u00a0\"'“”‘’«»„,;:.!?()[]―—–-"
# A sentence ends at . ? ! (and a closing quotation mark) before a space and a
# capital letter, digit or opening quotation mark.
_SENT = re.compile(r"(?<=[.?!])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])|[\"”’]\s+(?=[\"“‘][A-Z])")
# ...which an abbreviation before it does not end: months, titles, an initial, "U.S."
# (far more often "the U.S. Senate" than a sentence ending in it)
_ABBREVIATION = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|"
    r"Gov|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|Prof|Rev|St|Ft|Mt|Jr|Sr|No|Nos|Vol|vs|U\.S|U\.N|U\.K)|"
    r"(?<![\w.])[A-Z])\.$")
# Clause boundaries inside a sentence: a semicolon, a dash set off by spaces, or a
# comma before a word that opens a clause. "X, Y and Z" lists are not split (no comma
# rule for a bare "and" without one of the openers below after it).
_CLAUSE = re.compile(
    r";\s+|\s+[―—–]\s+|\s+--\s+|(?<=[,.?!][”\x22])\s+(?=\w)"
    r"|,\s+(?=(?:but|and|or|while|whereas|although|though|because|after|before|when|as|"
    r"which|who|where|since|so|yet|despite|saying|adding|according)\b)"
    # "X did A and would B", "X did A and “has no comment”": a verb coordinated
    # without a comma opens a clause of its own
    r"|\s+and\s+(?=[\x22“]?(?:has|have|had|is|are|was|were|will|would|can|could|did|"
    r"does|do|still|also|then|it|he|she|they)\b)"
    # "X must prepare to face more diverse electorates as he turns to contests in
    # Nevada on Feb. 20 and South Carolina on Feb. 27": a subordinating word with a
    # pronoun subject after it opens a clause without a comma (after a noun it may be a
    # preposition: "after the debate", "as a candidate")
    r"|\s+(?=(?:after|as|because|since|while|whereas|although|though|before|when|until|"
    r"unless)\s+(?:he|she|they|it|we|i|you)\b)",
    re.I)
_COMMA = re.compile(r"(?<=[”\x22])\s+(?=\w)|,\s+|;\s+|\s+[―—–]\s+|\s+--\s+|:\s+")
MAX_SEGMENTS = 6
# Too short to be a proposition on its own: units with fewer words are not kept.
MIN_WORDS = 4
# A unit of at most this many words, every one capitalised, is a name ("House
# Speaker Paul Ryan's", an object the extractor took for a content): no unit.
# Headlines are longer.
NAME_WORDS = 5
_POSSESSIVE = frozenset({"s"})
MAX_UNITS = 60  # a very long content keeps its first units (cost bound)
_WORD = re.compile(r"\w+")


def _trim(text: str, s: int, e: int) -> Unit | None:
    while s < e and text[s] in _EDGE:
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    words = _WORD.findall(text[s:e])
    if len(words) < MIN_WORDS:
        return None
    if len(words) <= NAME_WORDS and all(w[0].isupper() or w in _POSSESSIVE for w in words):
        return None  # "House Speaker Paul Ryan's": a name, not a proposition
    return s, e


def _split(text: str, s: int, e: int, pattern: re.Pattern[str]) -> list[Unit]:
    out, start = [], s
    for m in pattern.finditer(text, s, e):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, e))
    return out


def units(text: str) -> list[Unit]:
    """The units of a content: the whole (trimmed) first, then its sentences and their
    clauses, each once, in order; a content with no part of MIN_WORDS words is one unit
    (or none when even the whole is shorter)."""
    split = _sentences(text)
    if split is None:
        return []
    whole, sentences = split
    found: list[Unit] = [whole]
    seen = {whole}
    for sent in sentences:
        segs = _split(text, *sent, _COMMA)
        runs = [_trim(text, segs[i][0], segs[j][1]) for i in range(len(segs))
                for j in range(i, len(segs))] if len(segs) <= MAX_SEGMENTS else []
        for u in [sent, *_clauses(text, sent), *runs]:
            if u is not None and u not in seen:
                seen.add(u)
                found.append(u)
    return found[:MAX_UNITS]


_SET_OFF = frozenset(",;:\"'”’―—–-")


def without_frame(text: str, unit: Unit, frame: Sequence[Unit]) -> Unit | None:
    """`unit` (a range of `text`) with the attribution inside it taken out: what comes
    before the first of `frame` (the claim's own source and cue) where punctuation sets
    the frame off, as in '"A," X said' -> 'A'; or, where the unit opens on the frame,
    what follows it after a comma or a colon ("the experts say, the world could
    suffer" -> "the world could suffer"). None when what is left is no unit ("Jeff
    Weaver, the campaign manager, said in a statement": who said it, not what was
    said)."""
    inside = [f for f in frame if unit[0] < f[1] and f[0] < unit[1]]
    if not inside:
        return unit
    first, last = min(f[0] for f in inside), max(f[1] for f in inside)
    # set off by punctuation (a closing quotation mark, a comma, a dash), or it is no
    # frame but a clause's own verb ("Billionaire Sheldon Adelson is expected to")
    lead = text[unit[0]:first].rstrip(" \t")
    if lead and lead[-1] in _SET_OFF:
        before = _trim(text, unit[0], first)
        if before is not None:
            return before
    rest = text[last:unit[1]].lstrip(" \t")
    if not lead and rest[:1] in (",", ":"):
        return _trim(text, unit[1] - len(rest) + 1, unit[1])
    return None


def _sentences(text: str) -> tuple[Unit, list[Unit]] | None:
    """The whole content (trimmed) and its sentences long enough to be units; None for
    a content shorter than one."""
    whole = _trim(text, 0, len(text))
    if whole is None:
        return None
    found = (_trim(text, s, e) for s, e in _sentence_spans(text, *whole))
    return whole, [u for u in found if u is not None]


def _sentence_spans(text: str, s: int, e: int) -> list[Unit]:
    """[s, e) cut at sentence ends, but not after an abbreviation that a number or a
    name follows ("on Feb. 20", "Sen. John McCain", "George W. Bush")."""
    out: list[Unit] = []
    start = s
    for m in _SENT.finditer(text, s, e):
        if _ABBREVIATION.search(text, start, m.start()):
            continue
        out.append((start, m.start()))
        start = m.end()
    out.append((start, e))
    return out


def _clauses(text: str, sent: Unit) -> list[Unit]:
    """The clauses of a sentence (at ";", a dash, a comma before "but", "which", ...)."""
    return [u for u in (_trim(text, s, e) for s, e in _split(text, *sent, _CLAUSE))
            if u is not None]


def one_sentence(text: str) -> bool:
    """Whether a content reads as one sentence (at most one sentence unit). diff aligns
    two such contents told the same as wholes, never sentence by sentence, so matching
    (corpus/update.match_claims) need not decide their parts: both ask this."""
    return len(sentence_units(text)) < 2


def sentence_units(text: str) -> list[Unit]:
    """The units of a content that are whole sentences (the whole content when it is
    one sentence), as `units` finds them."""
    split = _sentences(text)
    if split is None:
        return []
    whole, sentences = split
    return sentences or [whole]


def proposition_units(text: str) -> list[Unit]:
    """The units of a content that state a proposition whole: the whole, its sentences,
    the clauses `units` splits them into (at ";", a dash, a comma before "but",
    "which", ...) and a sentence's opening runs of comma-separated segments ("The city
    will close its hospital in June" of "..., leaving 40,000 residents without one"),
    a clause or run only where it does not end on a function word. Not the other runs
    `units` adds for matching ("not far from the Chappaqua, New York, residence",
    "including his unwillingness to release his tax returns", "The fight over a nominee
    to the Supreme Court is"): those may align, but are no statement to contradict."""
    split = _sentences(text)
    if split is None:
        return []
    whole, sentences = split
    found = [whole]
    for sent in sentences:
        found.append(sent)
        segs = _split(text, *sent, _COMMA)
        runs = [_trim(text, segs[0][0], segs[j][1])
                for j in range(len(segs) if len(segs) <= MAX_SEGMENTS else 0)]
        for u in [*_clauses(text, sent), *runs]:
            if u is not None and _WORD.findall(text[u[0]:u[1]])[-1].lower() not in _OPEN_ENDS \
                    and not _interrupted(text, u, sent):
                found.append(u)
    return list(dict.fromkeys(found))


_DASH = re.compile(r"[\s\"”’']*(?:--|[―—–])\s*")  # closing quotation marks before it


def _interrupted(text: str, u: Unit, sent: Unit) -> bool:
    """Whether a unit stops at a dash that opens an aside its sentence closes with
    another dash and goes on after: "I don't think the conventional wisdom -- that
    Bloomberg is a nanny-state liberal -- is right" is not "I don't think the
    conventional wisdom"; cut there, it contradicted "I think the conventional wisdom,
    that Hillary Clinton is more hawkish ...", another sentence about another person."""
    opening = _DASH.match(text, u[1], sent[1])
    if opening is None or opening.end() == opening.start():
        return False
    closing = _DASH.search(text, opening.end(), sent[1])
    return closing is not None and bool(_WORD.search(text, closing.end(), sent[1]))


# words a statement does not end on: a run of segments ending here was cut mid-clause
_OPEN_ENDS = frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
                        "will", "would", "can", "could", "may", "might", "should", "must",
                        "do", "does", "did", "to", "of", "the", "a", "an", "and", "or", "but",
                        "that", "in", "on", "at", "for", "with", "by", "from", "as"})


# Rules whose content is the object of the cue ("Trump endorsed Ryan's re-election
# bid", "X criticised the ban"): the content alone is a noun phrase, no proposition.
OBJECT_RULES = frozenset({"verb_object"})
PASSIVE_RULE = "verb_passive"  # its content may be the subject, before the cue
# ...and an infinitive content, whose cue says what becomes of it: "refused to
# endorse Ryan" states the opposite of "endorsed Ryan", "plans to" a plan
_INFINITIVE = re.compile(r"[\"“‘']?to\s+[a-z]")  # lower case: "“To those who ...”" is a sentence
_PROPOSITION_GAP = 120  # characters from the source's start to the content's at most


def proposition_span(rule: str | None, source: Unit | None, cue: Unit | None,
                     content: Unit, text: str, name: str | None = None) -> Unit:
    """What a claim states, as a character range of `text`: its content, but for a
    cue whose content is its object or an infinitive, the clause from the source (or
    the cue) to the content's end ("Donald Trump has yet to endorse House Speaker Paul
    Ryan's", "Trump refused to endorse Ryan"): another outlet tells that event as a
    sentence of its own, and "X has yet to endorse Y" states the opposite of "X
    endorsed Y". Only where source, cue and
    content come in that order, close, in one line (a source after its content, or a
    paragraph away, keeps the content alone). `name`: the source's entity; where the
    source spells it out, the clause starts there, without the descriptor before it
    ("Republican presidential nominee Donald Trump"), which one outlet prints and
    another does not."""
    if cue is None or not cue[1] <= content[0]:
        return content
    if rule not in OBJECT_RULES and not _INFINITIVE.match(text, content[0]):
        return content
    start = cue[0]
    if source is not None and source[1] <= cue[0]:
        start = source[0]
        at = text.rfind(name, *source) if name else -1
        if at >= 0:
            start = at
    if content[0] - start > _PROPOSITION_GAP or "\n" in text[start:content[0]]:
        return content
    return start, content[1]


def bare_object(rule: str | None, span: tuple[int, int], content: tuple[int, int],
                cue: tuple[int, int] | None, text: str) -> bool:
    """Whether a claim states nothing to compare: an object content ("former KKK leader
    David Duke", "the presidential bid of real estate mogul Donald Trump") whose
    source and cue could not be read with it (proposition_span kept the content
    alone: a pronoun far before it, a source after it). A noun phrase is no
    proposition; compared on its words it was `same` as "74 percent said they are set
    on voting for the real estate mogul" and `more_specific` of "Trump failed three
    times to refuse the endorsement of both the KKK and David Duke" (the 560 dev
    articles as one database: every such pair read was wrong). A quotation the parser
    made the object of "said" is the speaker's sentence, and is compared. The subject
    of a passive cue that ends before it states nothing either ("Mr. Bush, the former
    governor of Florida | had been soundly rejected by an electorate", "The
    registration issue | was reported by The Washington Post"): what was done to it is
    not in it, and
    compared on its words it was `more_specific` of every sentence naming Jeb Bush as
    the former governor of Florida (DECISIONS .19); "Trump is expected to be
    competitive", which holds its cue, is a clause."""
    if text.startswith(_OPENING, content[0]):
        return False
    if rule == PASSIVE_RULE:
        return cue is not None and content[1] <= cue[0]
    return rule in OBJECT_RULES and span == content


_OPENING = ("\"", "“", "‘", "'")
