"""The decision step of cross-document matching: how two candidate claims relate.

A retrieval index proposes candidates (claims sharing rare words); this module
decides, from the two claims alone, whether they tell the same thing:

- ``same``          the same proposition, told in much the same words;
- ``more_specific`` one tells all of the other and adds detail (``b`` is the
                    more specific one when the relation reads "a <- b"; see `Relation.wider`);
- ``contradicts``   the same predicate with the opposite sign (a denial, a negated
                    content, a negated cue against a plain one), an opposite verb
                    ("close" / "open", a short fixed list), or another number or date
                    where the rest agrees;
- ``related``       same people and words, not the same proposition: shown, never counted.

Two claims are compared unit by unit (text/units.py: the whole content, its
sentences, its clauses; corpus/update.py keeps every unit pair that aligns).
The measure is the token overlap of corpus/index.py's core tokens, each token
weighted by its IDF from a fixed, shipped table (data/token_order.json, PolNeAR
outside the held-out fifth), never from the database: sharing "Smithsonian" and
"auction" weighs more than sharing "Trump" and "said". On the calibrate split of
evalsets/polnear_pairs.json, with units, the weighting took same + more_specific
recall from 12 to 15 of 72 and precision from 0.50 to 0.59 (scripts/score_pairs.py).

Lexical and deterministic, so a decision can be explained ("numbers: 5 vs
7") and re-run on the same inputs gives the same answer whatever order
documents came in.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

from claimtrack.models import polarity
from claimtrack.similarity import NEGATIONS, STOPWORDS, stem, tokens
from claimtrack.text.compare import compared_text

RelationName = Literal["same", "more_specific", "contradicts", "related"]

SAME = 0.6  # similarity of the two token sets, negations left out
RELATED = 0.35
# No relation below this Jaccard of the two token sets: a three-word content inside
# a thirty-word quotation is a mention, not the same claim. The floor is also what
# lets the index find every candidate without comparing all pairs (index.py).
JACCARD_FLOOR = 0.25
CONTAINED = 0.85  # share of the smaller side's tokens found in the larger one
MIN_SHARED = 2  # tokens two contents must share
# containment's denominator floor, in IDF weight: about two rare tokens, so a short
# content does not contain itself into everything that names its people
_FLOOR_WEIGHT = 8.0
_FLOOR = 4  # the same floor in tokens, for the unweighted half
POLAR_JACCARD = 0.5  # weighted Jaccard two contents need for their signs to oppose
POLAR_EXTENT = 2  # and at most this many tokens more on one side
POLAR_WORDS = 3  # and at most this many words only one side has, function words included
MIX = 1.0  # share of the IDF-weighted measure in the similarity (the rest: unweighted)
# No relation below this weighted containment of the lighter side. A pair relates as
# same (sim >= SAME), more_specific (contained >= CONTAINED) or contradicts (either)
# only above it, since sim <= contained (MIX = 1); below it, `related` said only that
# two units share some words, and those pairs grow with the corpus. The index screens
# candidates by it in SQL (index.py), so what a document is compared with stays near
# what it relates to.
CLOSE = 0.6
# Nor below this shared weight (IDF, data/token_order.json: the rarest words weigh
# about 5.3, "trump" 0.35, "republican" 0.9): two units must share about one rare
# word's weight or more. On the calibrate split of evalsets/polnear_pairs.json, 5
# took precision from 18/23 to 18/22 at the same recall; 7 gave 18/20 but left
# "Republican front-runner Donald Trump by name" (6.2) unable to match at all, and 8
# lost recall. The index relies on it (index.py: lighter units are not indexed).
SHARED_WEIGHT = 5.0
MIN_TOKENS = 3  # "Clinton" alone is a shared name, not a shared claim
# ...but a number or a date counts toward it: "the bridge will reopen Monday" is two
# core tokens and a date (numbers and dates leave the compared tokens, see core_tokens),
# and it is a claim; without this it never matched "the bridge will reopen on Monday"
MIN_TOKENS_DATED = 2
_EXTRA = 2  # tokens the larger side must add to be "more specific"
# Two units that print the same run of words, function words included, tell one thing
# even where their other words weigh more than the shared ones: "the foundation has no
# comment on the actions of that person" / "has no comment on the actions of that
# person that murdered Trayvon" share little IDF weight ("action", "comment",
# "person") but nine words in order. A run of at least RUN_WORDS words covering at
# least RUN_SHARE of the shorter unit's words makes a pair that passed the token gate
# close (then `same` or `more_specific`, the sign, actor and number tests applying as
# to any close pair). On the calibrate split of evalsets/polnear_pairs.json: recall
# 16 -> 18 of 72, precision 17/21 -> 19/23 (5 or 6 words, a share of 0.5; 0.7 found
# one of the two, 8 words one).
RUN_WORDS = 6
RUN_SHARE = 0.5

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12",
    "twenty": "20", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000",
}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Comparable:
    """What the decision reads of one claim."""

    text: str  # the compared text (stance.compared_text of the content)
    cue_negated: bool = False
    denial: bool = False
    content_negated: bool = False
    modality: tuple[str, ...] = ()
    # it asserts nothing: it asks ("will Flowers be there?"), or is a condition or an
    # infinitive alone, an embedded question (_ASSERTS_NOTHING)
    question: bool = False

    @property
    def sign(self) -> int:
        """+1 the source asserts the content, -1 its negation, 0 nothing."""
        return polarity(self.cue_negated, self.denial, self.content_negated)


@dataclass(frozen=True)
class Relation:
    name: RelationName
    similarity: float
    wider: Literal["a", "b"] | None = None  # the more specific side, for more_specific
    differences: tuple[str, ...] = field(default=())
    shared: float = 0.0  # IDF weight of the tokens both share (how much they tell together)


# words that negate what follows them; "has yet to endorse", "refused to endorse" and
# "declined to endorse" say he has not endorsed
_NEGATING = re.compile(r"\b(?:not|never|no|nor|nobody|nothing|neither|none)\b|n[’']t\b"
                       r"|\byet to\b|\b(?:refus|declin)(?:e|es|ed|ing) to\b", re.I)
# ...and words that look like one and negate nothing the text states: "the No. 1
# force", a tag question ("Khan made the ultimate sacrifice, didn't he?"), the
# condition of "if not, they are eligible" and of "whether or not"
_NOT_NEGATING = re.compile(
    r"\bno\.\s*\d"
    r"|,\s*(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|wo|ca)"
    r"n[’']t\s+(?:he|she|it|they|we|you|i|there|that)\b\W*(?:\?|$)"
    r"|\b(?:if|or)\s+not\b", re.I)


def negations(text: str) -> list[re.Match[str]]:
    """The negating words of a text (_NEGATING), those inside _NOT_NEGATING left out."""
    spans = [m.span() for m in _NOT_NEGATING.finditer(text)]
    return [m for m in _NEGATING.finditer(text)
            if not any(s <= m.start() < e for s, e in spans)]


# a condition alone ("If your principles involve giving Hillary control of the Supreme
# Court"), cut before its main clause, or an infinitive alone (what someone is urged or
# pledges "to say", "to release his tax returns"), or a question told inside a sentence
# ("described what it was like to be a high school student", "asked how the party would
# respond": it names what was talked about and states nothing of it, so it is no
# more_specific part of "rallied over high-stakes student testing"), with no clause after
# a comma ("To date, 40 people died" asserts): the unit asserts nothing
_ASSERTS_NOTHING = re.compile(
    r"^\W*(?:if|unless|to\s+[a-z]+|what|how|why|whether)\b[^,;:]*$", re.I)


@lru_cache(maxsize=16384)  # pure; a bulk add compares the same stored units again and again
def unit_comparable(text: str, cue_negated: bool, denial: bool,
                    modality: tuple[str, ...] = (), question: bool = False) -> Comparable:
    """The Comparable of one matching unit of a claim (text/units.py). The cue's
    stance (negated cue, denial, modality) holds for every unit; whether the unit's
    own words negate is read from them ("not", "never", "n't", ...), the same way on
    both sides: the parser's content_negated is about the whole content's main
    clause, and read on one side against a part read on the other it made identical
    quotations contradict ("not just a few wealthy contributors" in both)."""
    return Comparable(text=compared_text(text), cue_negated=cue_negated, denial=denial,
                      content_negated=bool(negations(text)), modality=modality,
                      question=question or bool(_ASSERTS_NOTHING.match(text.strip())))


# Cues whose content asks or bids, and so asserts nothing: "asked whether he would
# support Treiford if Treiford is the nominee", "protesters demanding that police
# release the video" (which "Tulsa police released video on Monday" does not repeat).
# Such a content relates as a question does: to another that asks or bids the same.
# Not an object ("Trump called for a ban on Muslims entering the United States"): what
# is compared there is the act, from its source on (text/units.proposition_span), and
# "Trump's repeated calls to ban all Muslims" tells it again.
NOT_ASSERTING = frozenset({"ask", "ask about", "ask for", "demand", "urge", "call for",
                           "call on", "call upon", "request", "plead", "plead for", "beg",
                           "implore"})


def bids(cue_lemma: str | None) -> bool:
    """Whether a claim's cue asks or bids (NOT_ASSERTING) rather than states."""
    return cue_lemma is not None and cue_lemma.lower() in NOT_ASSERTING


_CLOSING = "\"'”’»)] \t"


def asks(text: str, start: int, end: int) -> bool:
    """Whether the span [start, end) of `text` is a question: it ends with "?", or a
    "?" follows it (units leave their closing punctuation out), closing quotation
    marks allowed in between."""
    if text[start:end].rstrip(_CLOSING).endswith("?"):
        return True
    return text[end:end + 4].lstrip(_CLOSING).startswith("?")


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """token -> IDF from the shipped document frequencies (data/token_order.json), and
    the IDF of a token the table does not list (rarer than min_df)."""
    data = json.loads(resources.files("claimtrack").joinpath("data/token_order.json")
                      .read_text(encoding="utf-8"))
    n = data["documents"]
    idf = {t: math.log((n + 1) / (df + 1)) for t, df in zip(data["tokens"], data["df"],
                                                             strict=True)}
    return idf, math.log((n + 1) / data["min_df"])


def weight(token: str) -> float:
    idf, unlisted = _idf()
    return idf.get(token, unlisted)


@lru_cache(maxsize=65536)  # pure; a unit's set is weighed against many others
def mass(tokens: frozenset[str]) -> float:
    """The tokens' summed weight, added in sorted order: a set's iteration order
    changes with the process's string hashing, and a float sum with its order; two
    processes must store and decide the same figures (tests/test_concurrency.py)."""
    return sum(weight(t) for t in sorted(tokens))


def weighted_similarity(ta: frozenset[str], tb: frozenset[str]) -> tuple[float, float]:
    """(similarity, containment) of two token sets, each token weighted by its IDF:
    similarity = (weighted Jaccard + weighted containment) / 2, containment = the share
    of the lighter side's weight found in the other. Sharing "clinton" and "said" weighs
    little; sharing "smithsonian" and "auction" weighs much."""
    if ta == tb:
        return 1.0, 1.0
    wsim, wcont = _weighted(ta, tb)
    inter = len(ta & tb)
    usim = (inter / len(ta | tb) + inter / max(min(len(ta), len(tb)), _FLOOR)) / 2
    ucont = inter / min(len(ta), len(tb))
    return MIX * wsim + (1 - MIX) * usim, MIX * wcont + (1 - MIX) * ucont


def _weighted(ta: frozenset[str], tb: frozenset[str]) -> tuple[float, float]:
    common = mass(ta & tb)
    wa, wb = mass(ta), mass(tb)
    union = wa + wb - common
    if not union:
        return 0.0, 0.0
    contained = common / min(wa, wb) if min(wa, wb) else 0.0
    floor = max(min(wa, wb), _FLOOR_WEIGHT)
    return (common / union + common / floor) / 2, contained


# Predicates with an opposite, as stems (similarity.stem): the same people and place
# with the opposite verb is another claim, and with the rest agreeing a contradiction
# ("the city will close its hospital" / "the hospital will stay open").
_OPPOSITES = (("clos", "open"), ("open", "shut"), ("win", "lost"), ("win", "los"),
              ("won", "lost"), ("won", "los"), ("accept", "reject"), ("approv", "reject"),
              ("support", "oppos"), ("endors", "oppos"), ("rais", "cut"), ("ris", "fell"),
              ("increas", "decreas"), ("guilty", "innocent"), ("confirm", "deni"),
              ("confirm", "deny"), ("allow", "bann"), ("hir", "fir"))
_OPPOSITE = {x: {b for a, b in _OPPOSITES if a == x} | {a for a, b in _OPPOSITES if b == x}
             for pair in _OPPOSITES for x in pair}


@lru_cache(maxsize=65536)  # pure; read for every token of every pair described
def _predicate_stem(token: str) -> str:
    """The _OPPOSITE key a token is a form of: itself, or the longest key of four
    letters or more it starts with, followed by a suffix of _DERIVED ("supportiv" of
    "supportive" is "support", "opposition" "oppos", "endorsement" "endors"): the
    stemmer leaves such derivations whole, and "that oppose same-sex marriage" /
    "They're supportive of same-sex marriage" passed for the same claim."""
    if token in _OPPOSITE:
        return token
    keys = [k for k in _OPPOSITE if len(k) >= 4 and token.startswith(k)
            and token[len(k):] in _DERIVED]
    return max(keys, key=lambda k: (len(k), k)) if keys else token


# what a stem may carry and stay the same predicate (not "closer", "openly")
_DERIVED = frozenset({"iv", "ive", "ion", "ition", "ation", "ment", "ement", "al"})


def _opposites(token: str, others: frozenset[str]) -> list[str]:
    """The tokens of `others` that are forms of an opposite of `token`."""
    against = _OPPOSITE.get(_predicate_stem(token))
    return sorted(y for y in others if _predicate_stem(y) in against) if against else []


def antonyms(only_a: frozenset[str], only_b: frozenset[str]) -> bool:
    """Whether a token only one side has is the opposite of one only the other has."""
    return any(_opposites(t, only_b) for t in only_a)


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, as digit strings ("five" -> "5", "1,200" -> "1200"),
    identifiers left out (a tweet's id in embedded markup). A scale word after digits
    is part of their number ("$47 billion" -> "47 billion"), not a number of its own:
    read alone, "billion" made "$47 billion" and "$36.5 billion" share a number, so
    "they are worth about $47 billion each" passed for `more_specific` of "Bloomberg
    was worth less than the $36.5 billion estimated by Forbes"."""
    found = set()
    for m in _SCALED.finditer(text):
        if not _identifier(m.group(1)):
            found.add(m.group(1).replace(",", "") + (f" {m.group(2).lower()}" if m.group(2)
                                                     else ""))
    rest = _SCALED.sub(" ", text).lower()
    found |= {_NUMBER_WORDS[w] for w in _WORD.findall(rest) if w in _NUMBER_WORDS}
    return frozenset(found)


_SCALED = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:\s*(hundred|thousand|million|billion|trillion)\b)?",
                     re.I)


def _identifier(digits: str) -> bool:
    """A run of ten digits or more with no separator: an identifier, not a quantity."""
    return len(digits) >= 10 and digits.isdigit()


# a number and what it counts: "12 civilians", "$15", "0.4 percent", "3 points"
_QUANTITY = re.compile(r"(\$\s?)?(\d[\d,]*(?:\.\d+)?|\b(?:" + "|".join(_NUMBER_WORDS) +
                       r")\b)\s*(%|[A-Za-z]+)?", re.I)
_PERCENT = frozenset({"%", "percent", "per", "pct"})


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def quantities(text: str) -> frozenset[tuple[str, str]]:
    """(what it counts, the number) of each number a text states: the word after it
    (stemmed; "%" and "percent" alike), "$" for an amount, "" for a bare number."""
    out = set()
    for m in _QUANTITY.finditer(text):
        raw = m.group(2).lower()
        value = _NUMBER_WORDS.get(raw, raw.replace(",", ""))
        if _identifier(raw):
            continue
        unit = (m.group(3) or "").lower()
        unit = "%" if unit in _PERCENT else stem(unit) if unit else ""
        out.add(("$" if m.group(1) else unit, value))
    return frozenset(out)


def _other_quantity(a: str, b: str) -> bool:
    """Whether the two texts count the same things and give another number for one
    of them ("12 civilians" / "five civilians", "$15" / "$12"). "a margin of error of
    three percentage points" and "4.5 points", or an index's level and its change, are
    not one thing counted twice; nor are two counts of which each text has one the
    other lacks: "542 registered voters ... 4.21 percentage points" and "578 likely
    voters ... 4.1 percentage points" are two polls, "3,210 shooting victims" and "one
    shooting may have more than one victim" two measures, "$19 a day" and "after 14
    years, $21.22 an hour" two workers."""
    qa, qb = quantities(a), quantities(b)
    units = {u for u, _ in qa}
    if units != {u for u, _ in qb}:
        return False
    return any(not {v for u, v in qa if u == w} & {v for u, v in qb if u == w} for w in units)


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def dates(text: str) -> frozenset[str]:
    """Month and weekday names a text states ("May" only with a day number beside it)."""
    words = _WORD.findall(text.lower())
    out = {w for w in words if w in _WEEKDAYS}
    for m in re.finditer(r"\b(" + "|".join(_MONTHS) + r")\b(\s+\d{1,2})?", text, re.I):
        month = m.group(1).lower()
        if month != "may" or m.group(2) or m.group(1)[0].isupper():
            out.add(month + (m.group(2) or "").replace(" ", ""))
    return frozenset(out)


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def core_tokens(text: str) -> frozenset[str]:
    """The token set that is compared: negations out (the sign carries them),
    numbers and dates out (compared on their own)."""
    drop = NEGATIONS | numbers(text) | {d.rstrip("0123456789") for d in dates(text)}
    return frozenset(t for t in tokens(text) if t not in drop and not t.isdigit()
                     and t.rstrip("s") not in drop)


def _describe(a: Comparable, b: Comparable) -> list[str]:
    out = []
    if a.sign != b.sign:
        out.append(f"polarity: {_sign_word(a)} vs {_sign_word(b)}")
    if a.modality != b.modality:
        out.append(f"modality: {', '.join(a.modality) or 'none'} vs "
                   f"{', '.join(b.modality) or 'none'}")
    na, nb = numbers(a.text), numbers(b.text)
    if na and nb and na != nb:
        out.append(f"numbers: {', '.join(sorted(na))} vs {', '.join(sorted(nb))}")
    da, db = dates(a.text), dates(b.text)
    if da and db and da != db:
        out.append(f"dates: {', '.join(sorted(da))} vs {', '.join(sorted(db))}")
    ta, tb = core_tokens(a.text), core_tokens(b.text)
    for x in sorted(ta - tb):
        for y in _opposites(x, tb - ta):
            out.append(f"predicate: {_surface(a.text, x)} vs {_surface(b.text, y)}")
    return out


def _surface(text: str, stemmed: str) -> str:
    """The word of `text` whose stem is `stemmed` ("closed" for "clos")."""
    for w in _WORD.findall(text):
        if stem(w.lower()) == stemmed:
            return w.lower()
    return stemmed


def _sign_word(c: Comparable) -> str:
    if c.cue_negated:
        return "not said"
    if c.denial:
        return "denied (negated)" if c.content_negated else "denied"
    return "negated" if c.content_negated else "asserted"


# words that carry a negation, not a content: left out when the words one side alone
# has are counted (_extra_words)
_SIGN_WORDS = frozenset({"not", "no", "nor", "never", "neither", "none", "nobody", "nothing",
                         "t", "did", "does", "do", "has", "have", "had", "yet", "to",
                         "refused", "refuses", "refuse", "refusing", "declined", "declines",
                         "decline", "declining",
                         # what "\w+" leaves of "didn't", "won't", ... before the "t"
                         "didn", "doesn", "don", "isn", "aren", "wasn", "weren", "hasn",
                         "haven", "hadn", "won", "wouldn", "couldn", "shouldn", "ca", "cannot"})


def _names_only(common: frozenset[str], a: str, b: str) -> bool:
    """Whether every token two texts share is a capitalised word in one of them: they
    share names ("Puerto Rico debt deal" / "Florida, along with Puerto Rico"), not a
    predicate, and there is no proposition for one to deny of the other."""
    return bool(common) and common <= _capitals(a, b)


def _capitals(a: str, b: str) -> frozenset[str]:
    """The tokens of the capitalised words of two texts: names. A headline capitalises
    its verbs too ("Donald Trump Finally Endorses House Speaker Paul Ryan"): its
    capitals say nothing of what is a name."""
    return _capitals_of(a) | _capitals_of(b)


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _capitals_of(text: str) -> frozenset[str]:
    if _title_case(text):
        return frozenset()
    return frozenset(t for w in _WORD.findall(text) if w[0].isupper() for t in tokens(w))


PREDICATE_SHARE = 0.5  # of the lighter side's weight beside its names, found in the other


def _predicate_told(ta: frozenset[str], tb: frozenset[str], a: str, b: str) -> bool:
    """Whether two texts tell something beside names: they share a word that is no
    name, and what the lighter says beside its names is mostly in the other
    (PREDICATE_SHARE of its weight). A name missing from the fixed IDF table weighs as
    the rarest word: a full name alone was most of "This is X's election", which was
    `more_specific` of "I am truly afraid that X will win"; beside it "support" and
    "campaign" are a fifth of "that he would support the Treiford campaign", which was
    contained in "Donald Treiford ran a brilliant primary campaign". A number or a date
    both tell is told beside the names ("contests in Nevada on Feb. 20" / "Nevada,
    which holds caucuses on Feb. 20")."""
    if numbers(a) & numbers(b) or dates(a) & dates(b):
        return True
    names = _capitals(a, b)
    pa, pb = ta - names, tb - names
    if not pa & pb:  # names, and nothing else, in common
        return False
    small = pa if mass(ta) <= mass(tb) else pb
    other = pb if small is pa else pa
    return mass(small & other) >= PREDICATE_SHARE * mass(small) - 1e-9


def _own_names(a: str, b: str) -> bool:
    """Whether either text names someone or something the other does not: a
    capitalised word past the first whose stem the other text lacks (months and
    weekdays aside, compared as dates)."""
    own_a, own_b = _names_apart(a, b)
    return bool(own_a or own_b)


# a run of capitalised words: a name ("Hillary Clinton", "Nevada", "Mrs. Clinton")
_NAME_RUN = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")
# A headline in title case capitalises every word but function words, its verbs too.
# Body text dense with names does not ("Michigan, Ohio and Pennsylvania all supported
# Bush", four capitals of five words): a share of 0.8 read such sentences, and lists of
# names ("Delaware, Maryland and Rhode Island"), as headlines, so their names were no
# names and two lists sharing three states were one claim.


# A subject nobody resolved: the compared text keeps a pronoun only where the resolver
# could not say whose it is ("They’re supportive of same-sex marriage", the voters of
# another article's poll) or a relative pronoun ("groups that oppose same-sex
# marriage" leaves "that"). Such a claim contradicts only one opening on the same
# pronoun ("She did receive some emails with classified markings" / "she neither sent
# nor received emails marked classified"): against a name, another pronoun or nothing,
# nobody can say the two are about one subject.
_UNRESOLVED = frozenset({"he", "she", "they", "it", "we", "i", "you", "him", "her", "them",
                         "who", "which", "that", "those", "these"})
_FIRST_WORD = re.compile(r"\W*([A-Za-z]+)")


def _unknown_actor(text: str) -> str | None:
    """The pronoun nobody resolved a compared text opens on (_UNRESOLVED), if any."""
    m = _FIRST_WORD.match(text)
    word = m.group(1).casefold() if m else ""
    return word if word in _UNRESOLVED else None


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _title_case(text: str) -> bool:
    """Whether a text capitalises all its words but function words (two or more): a
    headline's."""
    words = [w for w in _WORD.findall(text) if w.casefold() not in STOPWORDS]
    return len(words) > 1 and all(w[0].isupper() for w in words)


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _name_heads(text: str) -> frozenset[str]:
    """The stem of the last word of each run of two or more capitalised words
    (stopwords, months and weekdays aside): the word a full name is known by ("Warren"
    of "Senator Elizabeth Warren", "Clinton" of "Mrs. Clinton"). A capitalised word
    alone is left out: it may open a sentence ("Although"), be an adjective
    ("Republican") or a surname told in full elsewhere. A title-case text (a headline)
    has none."""
    if _title_case(text):
        return frozenset()
    heads = set()
    for m in _NAME_RUN.finditer(text):
        # whole words, hyphens and possessives kept: "Indiana-born", "Mexican-American"
        # and "Trump’s" are one word each
        kept = [w for w in m.group().split()
                if (first := _WORD.findall(w)) and first[0].casefold() not in STOPWORDS
                and first[0].casefold() not in _TOLD_APART]
        if len(kept) >= 2:  # one capitalised word may open a sentence or be "Republican"
            heads.add(stem(_WORD.findall(kept[-1])[0].casefold()))
    return frozenset(heads)


def _other_names(a: str, b: str) -> bool:
    """Whether two texts are told alike but for a name each: each has a capitalised
    word past the first (in a text that is no headline) whose stem the other lacks,
    and they differ in at most POLAR_WORDS words in all ("their Republican
    counterparts" / "their Democratic counterparts", "won the primary in Michigan" /
    "in Indiana"): the same words about two things. _other_actors asks for full names;
    a single word may be a sentence's first or an adjective, so only a text otherwise
    the same tells. One side naming more ("Mexico" / "Mexico City", "Clinton" / "Mrs.
    Clinton") is not it, nor a name told otherwise in other words ("called Ryan a weak
    leader" / "accused the nation's top elected Republican of being a weak leader")."""
    if _title_case(a) or _title_case(b) or _extra_words(a, b) > POLAR_WORDS:
        return False
    own_a, own_b = _names_apart(a, b)
    return bool(own_a and own_b)


def _names_apart(a: str, b: str) -> tuple[frozenset[str], frozenset[str]]:
    """Each text's capitalised words past the first (stems) that the other lacks."""
    return _names_past_first(a) - _stems(b), _names_past_first(b) - _stems(a)


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _names_past_first(text: str) -> frozenset[str]:
    """The stems of a text's capitalised words but its first (months and weekdays
    aside, compared as dates)."""
    return frozenset(stem(w.casefold()) for w in _WORD.findall(text)[1:]
                     if w[0].isupper() and w.casefold() not in _TOLD_APART)


def _other_actors(a: str, b: str) -> bool:
    """Whether each text names someone or something the other does not mention at
    all (_name_heads): "Hillary Clinton won the Nevada caucuses" and "Bernie Sanders
    won the Nevada caucuses" tell of two people, as do "Senator Elizabeth Warren
    said" and "Senator Bernie Sanders said"; "Clinton won Nevada" and "Hillary
    Clinton won Nevada on Saturday" of one ("Mrs. Clinton" too). Surnames alone
    ("Clinton won" / "Sanders won") are not told apart."""
    heads_a = _name_heads(a)
    if not heads_a:
        return False
    heads_b = _name_heads(b)
    return bool(heads_b) and bool(heads_a - _stems(b)) and bool(heads_b - _stems(a))


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _stems(text: str) -> frozenset[str]:
    """The stems of every word of a text."""
    return frozenset(stem(w.casefold()) for w in _WORD.findall(text))


def _negates_shared(x: Comparable, y: Comparable, ty: frozenset[str]) -> bool:
    """Whether x's own words negate something y says too: where x's sign comes from a
    negation in its words (not from its cue) and the word each negation bears on is
    one y lacks, the signs differ over what only x says ("a pragmatic figure, not a
    revolutionary one" against "a pragmatic figure"): no contradiction of y."""
    if x.content_negated == y.content_negated:
        return True
    found = _negated_clauses(x.text)
    return not found or any(borne & ty and _told(clause, ty) for borne, clause in found)


def _context(common: frozenset[str], a: str, b: str, dated: bool) -> bool:
    """Whether two texts giving other numbers share enough beside what the numbers
    count to be about one thing: MIN_TOKENS words, the counted things' own aside
    ("Murphy's 15-hour filibuster" / "After 39-hour filibuster, Missouri Senate passes
    bill" share "filibuster" beside the hours: two filibusters; "The $25 million from
    Adelson" / "Adelson has committed $5 million" share a name), or MIN_TOKENS_DATED
    where they give other dates ("the bridge will reopen on Monday" / "... Tuesday")."""
    counted = {t for text in (a, b) for unit, _ in quantities(text) for t in tokens(unit)}
    return len(common - counted) >= (MIN_TOKENS_DATED if dated else MIN_TOKENS)


def _counts_told(text: str, ty: frozenset[str]) -> bool:
    """Whether every clause of `text` stating a number or a date is told by the other
    side (_told): two cuts of "Female troops backed Clinton 51 percent to 24 percent,
    while male troops backed Trump, 57 percent to 22 percent" share the words of the
    clause between the numbers, not the clauses the numbers stand in."""
    for clause in _SCOPE_END.split(text):
        if (numbers(clause) or dates(clause)) and not _told(core_tokens(clause), ty):
            return False
    return True


def _told(clause: frozenset[str], ty: frozenset[str]) -> bool:
    """Whether the other side tells the clause a negation stands in: two or more of its
    content words and at least half of them. "Despite months preparing investors for an
    increase" does not tell "markets are not prepared for the fallout", the clause
    "..., markets are not prepared" adds: the two share "prepar" alone."""
    shared = len(clause & ty)
    return shared >= 2 and 2 * shared >= len(clause)


_BORNE_SKIP = frozenset({"a", "an", "the", "be", "been", "being", "is", "are", "was", "were",
                         "to", "have", "has", "had", "do", "does", "did", "at", "all", "so",
                         "very", "quite", "yet", "even", "ever", "only", "just", "that"})


# what closes the clause a negation stands in, and where what it bears on must have
# come: "isn't just about me -- it's about my friends" negates nothing about the friends.
# A comma or a point inside a number ("1,200", "4.21") closes nothing.
_SCOPE_END = re.compile(r"[,.](?!\d)|[;:!?()\u2013\u2014]|--")


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _negated_clauses(text: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """(what it bears on, the content words of its clause) for each negation of a
    text; the borne word is negated_words'."""
    out = []
    for m in negations(text):
        starts = [e.end() for e in _SCOPE_END.finditer(text, 0, m.start())]
        end = _SCOPE_END.search(text, m.end())
        clause = tokens(text[starts[-1] if starts else 0:end.start() if end else len(text)])
        out.append((_borne(text, m), clause))
    return tuple(out)


def _borne(text: str, m: re.Match[str]) -> frozenset[str]:
    """The stemmed word negation `m` bears on, {""} where there is none (negated_words)."""
    rest = text[m.end():m.end() + 80]
    cut = _SCOPE_END.search(rest)
    for w in _WORD.findall((rest[:cut.start()] if cut else rest).lower()):
        if w not in _BORNE_SKIP and (borne := tokens(w)):
            return borne
    return frozenset({""})


def negated_words(text: str) -> frozenset[str]:
    """The (stemmed) word each negation of a text bears on: the first content word
    after it, before any punctuation ("did not shell" -> "shell", "not a revolutionary
    one" -> "revolutionary"); "" where there is none: the unit ends on the negation,
    cut before what it negates ("their paychecks were not"), or punctuation closes it
    first ("“No,” replied Zucker": it answers something not said)."""
    return frozenset(w for borne, _ in _negated_clauses(text) for w in borne)


# compared on their own (numbers, dates), never as words one side has
_TOLD_APART = frozenset(_NUMBER_WORDS) | frozenset(_MONTHS) | frozenset(_WEEKDAYS)


def _extra_words(a: str, b: str) -> int:
    """How many words one text has and the other lacks (each word stemmed, so
    "shell" / "shelled" are one; negating words left out). The core tokens leave
    out function words, so "say, look" and "say, 'Look, this is not who we are'"
    have the same core tokens; the second is longer by a whole clause, and its "not"
    negates that clause. Counted on both sides, not as a difference of lengths: in
    "Despite months -- even years -- preparing investors for an increase" and
    "preparing investors for an increase, markets are not prepared" each adds its
    own clause, and the "not" negates the one the other lacks."""
    return len(_stemmed_words(a) ^ _stemmed_words(b))


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _stemmed_words(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in re.findall(r"\w+", text.casefold())
                     if w not in _SIGN_WORDS and w not in _TOLD_APART and not w[0].isdigit())


# Statements of procedure, not of fact: "X did not immediately respond to a request for
# comment", "declined to comment", "could not be reached", "the poll has a margin of
# error of 3 points". Each is about its own outlet's inquiry or its own poll; told in
# the same words by every outlet about everyone, they matched one another across
# documents (surnames alone are not told apart: "The Trump campaign" / "The Clinton
# campaign"), and on the 574 dev articles of PolNeAR the largest cluster was 13 of them
# about 13 parties, "11 independent origins"; the next but one, 11 margins of error of
# 11 polls. A unit that is such a formula and little else relates to nothing: beside
# it at most PROCEDURE_REST core tokens (who did not respond: "Hope Hicks, a spokeswoman
# for Trump") or MARGIN_REST (which poll: "the new poll", "all three state polls"; not
# "Trump remains five points back in a poll that has a margin of error of three
# points", a finding), the formula's own words (_procedure_words) and numbers aside.
# What a source says of its own ("the foundation has no comment on the actions of that
# person") is a claim, and is left alone.
_PROCEDURE = re.compile(
    r"(?P<comment>\brequests? (?:for|seeking) (?:comment|an interview)\b"
    r"|\b(?:immediately\s+)?(?:respond|repl(?:y|ie)|return)\w*\s+(?:to\s+)?"
    r"(?:[\w’'-]+\s+){0,4}?(?:calls?|e-?mails?|messages?|requests?|inquir\w+|phone)\b"
    r"(?:\s+(?:for|seeking)\s+comment\b)?"
    r"|\b(?:declin|refus)\w* to comment\b|\bcould(?: not|n[’']t) be reached\b)"
    r"|(?P<margin>\bmargins? of (?:sampling )?error\b)", re.I)
PROCEDURE_REST = 4
MARGIN_REST = 2
NEVER = 1 << 30  # min_tokens of a unit that relates to nothing


@lru_cache(maxsize=1)
def _procedure_words() -> frozenset[str]:
    return tokens("percentage points poll polls survey sample plus minus comment comments "
                  "immediately " + " ".join(_NUMBER_WORDS))


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def procedural(text: str) -> bool:
    """Whether a unit is a statement of procedure and little else (_PROCEDURE)."""
    m = _PROCEDURE.search(text)
    if m is None:
        return False
    rest = core_tokens(text[:m.start()] + " " + text[m.end():]) - _procedure_words()
    return len(rest) <= (MARGIN_REST if m.group("margin") else PROCEDURE_REST)


def min_tokens(text: str) -> int:
    """The fewest core tokens a unit of `text` needs to relate: one fewer when it
    states a number or a date, which the core tokens leave out; NEVER for a
    statement of procedure (`procedural`), which the index then leaves out."""
    if procedural(text):
        return NEVER
    return MIN_TOKENS_DATED if numbers(text) or dates(text) else MIN_TOKENS


def relate(a: Comparable, b: Comparable) -> Relation | None:
    """How `a` and `b` relate, or None when they are not about the same thing."""
    return relate_tokens(a, b, core_tokens(a.text), core_tokens(b.text))


def _measured(ta: frozenset[str], tb: frozenset[str], min_a: int = MIN_TOKENS_DATED,
              min_b: int = MIN_TOKENS_DATED) -> tuple[float, float] | None:
    """(similarity, containment) of two token sets that can relate; None when their
    tokens alone rule any relation out (relate_tokens then returns None). `min_a` and
    `min_b`: each side's fewest tokens (min_tokens of its text); without the texts,
    the lower bound of any unit."""
    if len(ta) < min_a or len(tb) < min_b:
        return None
    shared = ta & tb
    common = len(shared)
    if common < MIN_SHARED or common < JACCARD_FLOOR * (len(ta) + len(tb) - common):
        return None
    sim, contained = weighted_similarity(ta, tb)
    if sim < RELATED or contained < CLOSE or mass(shared) < SHARED_WEIGHT:
        return None
    return sim, contained


def could_relate(ta: frozenset[str], tb: frozenset[str]) -> bool:
    """Whether relate_tokens can relate claims (units) with these core token sets:
    its tests on the tokens alone (the size test at its lowest, which the texts may
    raise), so a caller can drop the candidates it would reject before reading their
    claims and texts."""
    return _measured(ta, tb) is not None


def relate_tokens(a: Comparable, b: Comparable, ta: frozenset[str],
                  tb: frozenset[str]) -> Relation | None:
    """relate() with the core token sets already known (the index keeps them)."""
    gate = _measured(ta, tb, min_tokens(a.text), min_tokens(b.text))
    if gate is None:
        return None
    sim, contained = gate
    common = ta & tb
    differences = tuple(_describe(a, b))
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    close = sim >= SAME or contained >= CONTAINED
    verbatim = not close and verbatim_run(a.text, b.text)
    close = close or verbatim
    told = mass(common)
    if close and (_other_actors(a.text, b.text) or _other_names(a.text, b.text)
                  or not _predicate_told(ta, tb, a.text, b.text)):
        # the same words about other people: never one claim (a template's two
        # arrests, two candidates' wins), and no denial of each other either. Nothing
        # shared but names: never one claim either (a number or a date told by both
        # is a proposition: "Nevada on Feb. 20"). A name missing from the fixed
        # IDF table weighs as the rarest word, so a full name alone passed for most of
        # a short claim ("This is X's election" / "I am afraid that X will win"), and
        # such pairs chained one person's claims into one cluster (1,212 documents
        # and 337 "independent origins" at 3,000 recombined documents)
        return Relation("related", sim, differences=differences, shared=told)
    if close:
        # a sign only opposes the same proposition, of about the same extent (weighted
        # Jaccard, not containment): contained in a longer content that negates
        # something else ("X. We cannot Y"), X is not denied
        signs = a.sign * b.sign == -1 or (a.sign == 0) != (b.sign == 0)
        opposite = signs and (mass(common) >= POLAR_JACCARD * mass(ta | tb)
                              and len(large) - len(small) <= POLAR_EXTENT
                              and _extra_words(a.text, b.text) <= POLAR_WORDS
                              and _negates_shared(a, b, tb) and _negates_shared(b, a, ta))
        if signs and not opposite:  # not told the same way: never aligned
            return Relation("related", sim, differences=differences, shared=told)
        if a.question != b.question:  # a question asks what the other states: no claim
            return Relation("related", sim, differences=differences, shared=told)
        na, nb = numbers(a.text), numbers(b.text)
        da, db = dates(a.text), dates(b.text)
        # another number or date contradicts only the same proposition, of about the
        # same extent, as a sign does: "a $15 minimum wage" inside a longer claim about
        # "$7.25 to $12" is another proposal, not a denial (and not the same claim)
        numbered = bool((na and nb and not na & nb) or (da and db and not da & db))
        # another number for the same thing counted ("12 civilians" / "five civilians");
        # other numbers for different things ("a margin of three percentage points" /
        # "4.5 points") are neither a contradiction nor the same claim
        counted = bool(da and db and not da & db) or _other_quantity(a.text, b.text)
        # ...where the rest agrees: the same words but for the numbers and dates
        extent = numbered and counted and (mass(common) >= POLAR_JACCARD * mass(ta | tb)
                                           and _extra_words(a.text, b.text) <= POLAR_WORDS
                                           and _counts_told(a.text, tb)
                                           and _counts_told(b.text, ta)
                                           and _context(common, a.text, b.text,
                                                        dated=bool(da and db and not da & db)))
        # an opposite verb about the same people: "they were leaning toward Cruz, or
        # simply opposed to Trump" is not denied by "he is leaning toward supporting
        # Trump"
        against = antonyms(ta - tb, tb - ta)
        opposed = against and not _own_names(a.text, b.text)
        if (opposite or extent or opposed) \
                and not _names_only(common, a.text, b.text) \
                and _unknown_actor(a.text) == _unknown_actor(b.text):
            return Relation("contradicts", sim, differences=differences, shared=told)
        # the same names, nothing else in common: not one proposition; opposite verbs
        # or other numbers: never the same claim
        if opposite or against or numbered:
            return Relation("related", sim, differences=differences, shared=told)
    if sim >= SAME and len(large) - len(small) < _EXTRA:
        return Relation("same", sim, differences=differences, shared=told)
    if contained >= CONTAINED and len(large) - len(small) >= _EXTRA:
        wider: Literal["a", "b"] = "a" if large is ta else "b"
        return Relation("more_specific", sim, wider=wider, differences=differences, shared=told)
    if sim >= SAME:
        return Relation("same", sim, differences=differences, shared=told)
    if verbatim:
        if len(large) - len(small) >= _EXTRA:
            return Relation("more_specific", sim, wider="a" if large is ta else "b",
                            differences=differences, shared=told)
        return Relation("same", sim, differences=differences, shared=told)
    return Relation("related", sim, differences=differences, shared=told)


@lru_cache(maxsize=8192)  # pure; a unit is compared with many others
def _run_words(text: str) -> tuple[str, ...]:
    """A text's words as a run is compared: case-folded, curly apostrophes straight."""
    return tuple(re.findall(r"\w+", text.casefold().replace("’", "'")))


def longest_run(a: str, b: str) -> int:
    """The most words, in order and unbroken, that two texts both print. Only the
    positions where a word of `a` equals a word of `b` are visited (a sparse longest
    common substring): two units share few words."""
    wa, wb = _run_words(a), _run_words(b)
    where: dict[str, list[int]] = {}
    for j, w in enumerate(wb):
        where.setdefault(w, []).append(j)
    best = 0
    prev: dict[int, int] = {}
    for w in wa:
        cur = {j: prev.get(j - 1, 0) + 1 for j in where.get(w, ())}
        if cur:
            best = max(best, max(cur.values()))
        prev = cur
    return best


def verbatim_run(a: str, b: str) -> bool:
    """Whether two texts print one run of words long enough to be one claim told in
    the same words (RUN_WORDS, RUN_SHARE of the shorter text)."""
    shorter = min(len(_run_words(a)), len(_run_words(b)))
    if shorter < RUN_WORDS:
        return False
    run = longest_run(a, b)
    return run >= RUN_WORDS and run >= RUN_SHARE * shorter
