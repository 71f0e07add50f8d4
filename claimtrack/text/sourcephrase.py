"""The source phrase of an attribution, read as plain words: is it a role noun
without a name ("officials"), a crowd ("critics", "many people"), a document
("a study"), a pronoun pointing back ("an official who ...")?

One analyser for the flag rules (flags.py: anonymous_source, vague_source,
unresolved_reference) and the source types (sourcetype.py), so a source's type
and its flags never disagree; its word lists also steer the extractor's relay
chains (extract/chains.py). Regexes and word lists only: no spaCy, no records.
"""

from __future__ import annotations

import re

# people whose job it is to speak or know: unnamed unless a name goes with them
ROLE_NOUNS = frozenset(
    {"official", "officials", "source", "sources", "insider", "insiders", "aide", "aides"}
    | {"diplomat", "diplomats", "officer", "officers", "spokesman", "spokeswoman"}
    | {"spokesperson", "spokespeople", "spokespersons", "person", "people", "member"}
    | {"members"}
    | {"staffer", "staffers", "employee", "employees", "adviser", "advisers", "advisor"}
    | {"advisors", "investigator", "investigators", "agent", "agents", "operative"}
    | {"operatives", "witness", "witnesses", "resident", "residents", "someone", "somebody"}
    | {"confidant", "confidants", "associate", "associates", "lawmaker", "lawmakers"}
    | {"legislator", "legislators", "negotiator", "negotiators", "commander", "commanders"}
)
# no identifiable agent at all: crowds, hearsay, quantifiers
VAGUE_HEADS = frozenset(
    {"reports", "rumours", "rumors", "rumour", "rumor", "media", "press", "critics"}
    | {"experts", "observers", "analysts", "commentators", "pundits", "skeptics", "sceptics"}
    | {"opponents", "supporters", "many", "some", "others", "most", "few", "several"}
    | {"everyone", "everybody", "studies", "research", "scientists", "accounts"}
    | {"word", "estimates", "speculation", "claims", "internet", "grapevine"}
)
# documents that need a title, an author or a link to be found again
DOCUMENT_NOUNS = frozenset(
    {"study", "report", "survey", "poll", "paper", "analysis", "investigation", "document"}
    | {"memo", "dossier", "assessment", "review", "audit", "inquiry", "book", "article"}
)
# words that may be capitalised in a source without being a name
FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "some", "many", "most", "several"}
    | {"few", "other", "others", "various", "recent", "unnamed", "anonymous", "unidentified"}
    | {"senior", "top", "former", "local", "one", "two", "three", "according", "to"}
)
PRONOUNS = frozenset(
    {"he", "she", "it", "they", "i", "we", "you", "him", "her", "them", "his", "its", "their"}
    | {"this", "these", "those", "who", "whom", "which", "that", "one"}
)
# where the head noun phrase of a source ends: complements and relative clauses
HEAD_END = frozenset(
    {"of", "for", "at", "in", "from", "with", "close", "familiar", "who", "that", "which"}
    | {"on", "to", "within", "inside", "near", "by", "said", "says", ",", "(", "and"}
)
# where a source phrase's name ends: "X, the spokesman", "X (LNA)", "X - the ...",
# "X [aka Y]" (the name is what comes before: entityselect's `by`, the sources listing)
APPOSITION = re.compile(r"[,(;:\u2013\u2014\[]| - ")
WORD = re.compile(r"[^\W\d_][\w'\u2019.\-]*|\d+|,|\(")
PASSIVE = re.compile(
    r"\b(?:it\s+)?(?:is|are|was|were|be|been|being|has\s+been|have\s+been|had\s+been)"
    r"\s+(?:(?:\w+ly|also|now|still|often|long|widely|generally)\s+)?$",
    re.IGNORECASE,
)
# participles that, in an agentless passive, pass on hearsay: "it is believed", "was reported"
HEARSAY_PARTICIPLES = frozenset(
    {"said", "reported", "believed", "thought", "alleged", "claimed", "rumored", "rumoured"}
    | {"understood", "known", "expected", "estimated", "feared", "suspected", "considered"}
    | {"told", "argued", "suggested", "predicted", "confirmed", "announced", "revealed"}
)
# sources that speak for a document: judged by that document's link
WORK_AUTHORS = frozenset(
    {"authors", "author", "researchers", "study", "report", "paper", "survey", "writers"}
)
# platforms the small recogniser takes for people: "Twitter" is a PERSON 65 times in the
# 560 dev articles of PolNeAR (an ORG twice); a source or entity of one is an organisation
PLATFORMS = frozenset({"twitter", "facebook", "instagram", "youtube", "snapchat", "reddit",
                       "tiktok", "linkedin", "whatsapp", "tumblr"})
QUANTIFIERS = frozenset({"some", "many", "most", "few", "several", "other"})
DETERMINERS = frozenset({"a", "an", "the", "some", "many", "several", "two", "three", "one"})


def is_hearsay(cue: str) -> bool:
    words = cue.lower().split()
    return bool(words) and words[-1] in HEARSAY_PARTICIPLES and "not" not in words


def sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in '.!?:;"\u201c\u201d\n'


def is_named(words: list[str], initial: bool) -> bool:
    """A capitalised word that is not a sentence-initial or known common word."""
    for i, w in enumerate(words):
        if (i == 0 and initial) or w.lower() in FUNCTION_WORDS or not w[:1].isupper():
            continue
        if w.lower() in ROLE_NOUNS | VAGUE_HEADS | DOCUMENT_NOUNS:
            continue
        return True
    return False


def antecedent(text: str, start: int) -> tuple[str, int]:
    """The noun phrase a relative pronoun points back to ("an official who ..."),
    as (words, start offset); empty when it cannot be read off the text."""
    before = text[max(0, start - 160) : start]
    found = list(WORD.finditer(before))
    if not found or found[-1].group() == ",":
        found = found[:-1]
    picked: list[re.Match[str]] = []
    for m in reversed(found[-8:]):
        w = m.group().lower()
        if w in HEAD_END or w in ("(", ","):
            break
        picked.insert(0, m)
        if w in DETERMINERS:
            break
    if not picked:
        return "", start
    lo = start - len(before) + picked[0].start()
    return text[lo : start - len(before) + picked[-1].end()], lo


def head_word(words: list[str]) -> str:
    """The last word before a complement or relative clause, lowercased."""
    head = ""
    for w in words:
        if w.lower() in HEAD_END and head:
            break
        head = w.lower()
    return head


def analyse(words: list[str], initial: bool) -> tuple[str | None, str | None]:
    """('vague_source' | 'anonymous_source' | None, 'document' head or None)."""
    head_words: list[str] = []
    for w in words:
        if w.lower() in HEAD_END and head_words:
            break
        head_words.append(w)
    if not head_words:
        return None, None
    head = head_words[-1].lower()
    rest = words[len(head_words) :]
    if head in QUANTIFIERS | {"others"} and [w.lower() for w in rest[:1]] == ["of"]:
        # partitive: "some of the officials" is judged by "the officials"
        return analyse(rest[1:], initial=False)
    document = head if head in DOCUMENT_NOUNS else None
    crowd = head == "people" and any(w.lower() in QUANTIFIERS for w in head_words)
    if (head in VAGUE_HEADS or crowd) and not is_named(words, initial):
        return "vague_source", document
    if head in ROLE_NOUNS and not name_follows(words[len(head_words) :]):
        return "anonymous_source", document
    return None, document


def name_follows(rest: list[str]) -> bool:
    """A name right after the role noun: "spokesman John Kirby", "aide, Ann Lee".
    Names before it only qualify the role ("US officials")."""
    rest = [w for w in rest if w != ","]
    return bool(rest) and rest[0][:1].isupper() and rest[0].lower() not in FUNCTION_WORDS
