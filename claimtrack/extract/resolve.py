"""Source resolution: who a source span refers to, as a full name.

No coreference package works offline, so this is a small set of general
rules over the spaCy parse. The source span itself is never changed; only
`Attribution.source_entity` is filled:

- names: the longest PERSON/ORG name in the document that contains the
  source's name ("Al-Mismari" -> "Ahmed Al-Mismari"), the most mentioned
  one when several do;
- pronouns: the previous speaker of matching number, unless another person
  became the subject since; else the nearest person named before; a known
  gender (honorific, or the document's own pronouns) rules candidates out;
- titles ("the spokesman"): the person the text gave that role earlier, in
  an appositive, a pre-name title or a copula;
- relative pronouns ("an official who said"): their antecedent.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import pairwise

from spacy.tokens import Doc, Token

from claimtrack.extract.spans import doc_text, entities, sentences
from claimtrack.models import Attribution
from claimtrack.text.headlines import body_people, run_on_span
from claimtrack.text.names import (
    SPEAKER_LABELS,
    canonical_name,
    key_runs,
    resolver_key,
    title_case_heading,
)

# named sources of these labels stand for themselves: never expanded into a longer name
SELF_LABELS = frozenset({"GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"})
SINGULAR_PERSON = frozenset({"he", "she", "him", "her", "himself", "herself"})
PLURAL = frozenset({"they", "them", "themselves"})
NEUTER = frozenset({"it", "itself"})
RELATIVE = frozenset({"who", "which", "that", "whom"})
PRONOUN_GENDER = {"he": "m", "him": "m", "himself": "m", "she": "f", "her": "f", "herself": "f"}
HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
# pronouns (any case) that tell a person's gender, for the document's own votes
GENDERED = PRONOUN_GENDER | {"his": "m", "hers": "f"}
DEFINITE = frozenset({"the", "this", "that"})
# role nouns that name the same job
ROLE_SYNONYMS = {"spokesman": "spokesperson", "spokeswoman": "spokesperson"}
# how far back (in sentences) a previous speaker still counts for a pronoun
SPEAKER_WINDOW = 6
NEUTER_WINDOW = 2


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _ends_with(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    """Whether `small` is how `big` ends ("Jr." and the like after it allowed)."""
    while big and big[-1] in _GENERATIONS and small and small[-1] not in _GENERATIONS:
        big = big[:-1]
    return len(big) >= len(small) > 0 and big[len(big) - len(small):] == small


def _runs(key: tuple[str, ...]) -> dict[tuple[str, ...], None]:
    """Every run of a key's words, itself included, once each."""
    return dict.fromkeys(key[a:b] for a, b in key_runs(key))


def _role(token: Token) -> str:
    lemma = token.lemma_.lower()
    return ROLE_SYNONYMS.get(lemma, lemma)


@dataclass(frozen=True)
class _Name:
    text: str  # canonical
    key: tuple[str, ...]
    label: str
    start: int  # character offsets of this mention
    end: int
    root: int  # token index of the mention's syntactic head


@dataclass(frozen=True)
class _RoleMention:
    role: str
    phrase: str  # the role's words, lowercase, to check modifiers against
    person: str  # full name
    start: int


@dataclass
class _Speaker:
    """What one attribution's source turned out to be."""

    entity: str | None
    kind: str | None  # "person", "plural", "org" or None when unknown
    start: int
    sent: int


class _Resolver:
    def __init__(self, doc: Doc, attributions: list[Attribution]):
        self.doc = doc
        self.atts = attributions
        self.ents = entities(doc)
        self._ent_of = {i: e for e in self.ents for i in range(e.start, e.end)}
        self._found: dict[tuple[tuple[str, ...], bool], list[_Name]] = {}
        text = doc_text(doc)
        heading = self.heading = title_case_heading(text)
        # the body's people, by which a headline's run-on name is cut (text.headlines)
        self.body = body_people([(e.start_char, e.end_char, e.text, e.label_)
                                 for e in self.ents], heading, text)
        names = [
            _Name(
                canonical_name(e.text), resolver_key(e.text), e.label_, e.start_char, e.end_char,
                e.root.i,
            )
            for e in self.ents
            if e.label_ in SPEAKER_LABELS | {"GPE"} and resolver_key(e.text)
            and e.start_char >= heading
        ]
        # the tagger often calls a bare surname ORG: it is a person when a person has it
        people = {run for n in names if n.label == "PERSON" for run in _runs(n.key)}
        self.names = [
            replace(n, label="PERSON") if n.label == "ORG" and n.key in people else n
            for n in names
        ]
        self.label_at = {n.start: n.label for n in self.names}
        self._lower: frozenset[str] | None = None  # the words the text writes in lower case
        # Looked up, not scanned, for each source: a 100 KB piece of a long document
        # names hundreds of people and holds hundreds of pronouns.
        # - each token's sentence (Token.sent walks its sentence at every call);
        self._sent_at = [0] * len(doc)
        for k, sent in enumerate(sentences(doc)):
            self._sent_at[sent.start:sent.end] = [k] * (sent.end - sent.start)
        # - the names holding each run of words (full_name_label);
        self._holding: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, n in enumerate(self.names):
            for run in _runs(n.key):
                self._holding[run].append(i)
        # - where the names start and the sentences of their heads, both in order,
        #   so a search by position stops where the sentences it wants end
        self._starts = [n.start for n in self.names]
        self._name_sent = [self._sent_at[n.root] for n in self.names]
        self._in_order = all(a <= b for a, b in pairwise(self._starts)) and all(
            a <= b for a, b in pairwise(self._name_sent))
        self.gender = self._genders()
        self.roles = self._role_mentions()
        self.speakers: list[_Speaker] = []

    # ---- names -------------------------------------------------------
    def _genders(self) -> dict[str, str]:
        """Full name -> "m"/"f": an honorific says so ("Mrs. Clinton"), else the
        document's own usage: pronouns that follow a person who is the only one
        named in their sentence ("Huffman said his ..."), when one-sided."""
        honorific: dict[str, str] = {}
        votes: dict[str, Counter[str]] = {}
        by_sent: dict[int, list[_Name]] = {}
        for n in self.names:
            if n.label == "PERSON":
                by_sent.setdefault(sentences(self.doc)[self._sent_at[n.root]].start, []).append(n)
        for sent in sentences(self.doc):
            people = by_sent.get(sent.start, [])
            for n in people:
                full = self.full_name(n.text, n.label, n.start)
                span = self.doc.char_span(n.start, n.end, alignment_mode="expand")
                if span is not None and span.start > 0:
                    g = HONORIFIC_GENDER.get(self.doc[span.start - 1].lower_.rstrip("."))
                    if g:
                        honorific.setdefault(full, g)
            fulls = {self.full_name(n.text, n.label, n.start) for n in people}
            if len(fulls) != 1:
                continue
            first = min(n.root for n in people)
            tally = votes.setdefault(fulls.pop(), Counter())
            tally.update(
                GENDERED[t.lower_] for t in self.doc[first : sent.end] if t.lower_ in GENDERED
            )
        out = {}
        for name, tally in votes.items():
            m, f = tally["m"], tally["f"]
            if max(m, f) >= 1 and min(m, f) * 3 <= max(m, f) and m != f:
                out[name] = "m" if m > f else "f"
        out.update(honorific)
        return out

    def fits(self, name: str | None, token: Token) -> bool:
        """The name's known gender does not contradict the pronoun's."""
        want = PRONOUN_GENDER.get(token.lower_)
        return name is None or want is None or self.gender.get(name, want) == want

    def sent_index(self, token: Token) -> int:
        return self._sent_at[token.i]

    def _names_before(self, pos: int) -> range:
        """Indices of the names, latest first: those starting before `pos` where the
        names are in order (the others cannot qualify), else all of them."""
        hi = bisect.bisect_left(self._starts, pos) if self._in_order else len(self.names)
        return range(hi - 1, -1, -1)

    def full_name(self, name: str, label: str | None, at: int) -> str:
        """The longest document name containing `name` (earlier mentions first)."""
        return self.full_name_label(name, label, at)[0]

    def full_name_label(self, name: str, label: str | None, at: int) -> tuple[str, str | None]:
        """full_name, with the label of the name it matched (a surname the tagger
        missed is still a person when the document names that person)."""
        key = resolver_key(name)
        if label in SELF_LABELS or not key:
            return canonical_name(name), label
        person = label == "PERSON"
        found = self._found.get((key, person))
        if found is None:
            labels = {"PERSON"} if person else {"PERSON", "ORG"}
            found = self._found[key, person] = [
                n for n in (self.names[i] for i in self._holding.get(key, ()))
                if n.label in labels]
        # a person's longer "name" running on into a plain word is the recogniser's:
        # "Obama Speech" of a caption in Title Case, where the text writes "speech" (an
        # organisation's runs on in plain words: "State Department")
        found = [n for n in found if len(n.key) <= len(key) or n.label != "PERSON"
                 or not self._runs_on(n.key, key)]
        if not found:
            return canonical_name(name), label
        earlier = [n for n in found if n.start < at] or found
        counts = Counter(n.key for n in found)
        # a person's longer name that ends with the source's first ("Obama" is "Barack
        # Obama", not the recogniser's "Obama Speech" of a caption; "Zimmerman" is
        # "George Zimmerman", not "George Zimmerman Auctioning Off"), where one does:
        # "Hillary", "Mr. Lou" (Lou Jiwei) and "Ms. Acosta" (Melba Acosta Febo) end
        # none and still find theirs, and an organisation's name runs on after its
        # first words ("Brennan Center for Justice"); then the longest; then the most
        # mentioned ("Clinton" in a story about Hillary, not Bill); then the most
        # recent before the source
        best = max(
            earlier,
            key=lambda n: (len(n.key) > len(key)
                           and (n.label != "PERSON" or _ends_with(n.key, key)),
                           len(n.key), counts[n.key], n.start if n.start < at else -n.start),
        )
        return (best.text if len(best.key) > len(key) else canonical_name(name)), best.label

    def _runs_on(self, key: tuple[str, ...], part: tuple[str, ...]) -> bool:
        """Whether a word after `part` in the name is a plain word of the document,
        written in lower case elsewhere in it: "Obama Speech" (a caption's Title Case,
        "speech" in the text) is no name; "Lou Jiwei" is. Only the words after it: a
        first name may be a word too ("Bill Clinton", "a bill")."""
        if self._lower is None:
            self._lower = frozenset(_LOWER_WORD.findall(doc_text(self.doc)))
        n = len(part)
        for i in range(len(key) - n + 1):
            if key[i : i + n] == part:
                return any(w in self._lower for w in key[i + n :])
        return False

    def name_at(self, token: Token) -> tuple[str, str | None] | None:
        """The name whose head is `token`: an entity, or a run of proper nouns."""
        if token.ent_type_ in SPEAKER_LABELS | SELF_LABELS:
            ent = self._ent_of.get(token.i)
            if ent is not None:
                return ent.text, self.label_at.get(ent.start_char, ent.label_)
        if token.pos_ == "PROPN":
            lo = hi = token.i
            while lo > 0 and self.doc[lo - 1].pos_ == "PROPN" and self.doc[lo - 1].head.i != lo:
                lo -= 1
            while hi + 1 < len(self.doc) and self.doc[hi + 1].pos_ == "PROPN":
                hi += 1
            return self.doc[lo : hi + 1].text, None
        return None

    # ---- roles -------------------------------------------------------
    def _role_mentions(self) -> list[_RoleMention]:
        """Who the text says holds which role: "X, the spokesman", "the commander
        X", "the spokesman, X", "X is the spokesman"."""
        out = []
        for n in self.names:
            if n.label != "PERSON":
                continue
            root = self.doc[n.root]
            nouns = [
                t for t in root.children if t.dep_ in ("appos", "compound") and t.pos_ == "NOUN"
            ]
            if root.dep_ == "appos" and root.head.pos_ == "NOUN":
                nouns.append(root.head)
            if root.dep_ == "nsubj" and root.head.lemma_ == "be":
                nouns += [t for t in root.head.children if t.dep_ == "attr" and t.pos_ == "NOUN"]
            for t in nouns:
                phrase = " ".join(w.lower_ for w in t.subtree if not (n.start <= w.idx < n.end))
                out.append(_RoleMention(_role(t), phrase, n.text, n.start))
        return out

    def by_role(self, noun: Token) -> str | None:
        role = _role(noun)
        mods = {c.lower_ for c in noun.children if c.dep_ in ("amod", "compound")}
        mods -= {"former", "then", "current"}
        hits = [r for r in self.roles if r.role == role and mods <= set(r.phrase.split())]
        before = [r for r in hits if r.start < noun.idx]
        if before:
            return self.full_name(before[-1].person, "PERSON", noun.idx)
        # a headline names the role before the body introduces its holder
        if hits and self.sent_index(noun) == 0:
            return self.full_name(hits[0].person, "PERSON", hits[0].start + 1)
        return None

    # ---- pronouns ----------------------------------------------------
    def pronoun(self, token: Token) -> tuple[str | None, str | None]:
        word = token.lower_
        if word in SINGULAR_PERSON:
            return self.previous_speaker(token, "person"), "person"
        if word in PLURAL:
            return self.previous_speaker(token, "plural"), "plural"
        if word in NEUTER:
            if token.dep_ in ("nsubjpass", "expl"):  # "it is believed": nobody
                return None, None
            return self.previous_speaker(token, "org"), "org"
        return None, None

    def previous_speaker(self, token: Token, kind: str) -> str | None:
        sent = self.sent_index(token)
        for sp in sorted(self.speakers, key=lambda s: s.start, reverse=True):
            if sp.start >= token.idx or sent - sp.sent > SPEAKER_WINDOW:
                continue
            if sp.kind == kind and self.fits(sp.entity, token):
                if kind == "person" and (rival := self.new_subject(sp, token)):
                    return rival
                return sp.entity  # None: the speaker is a person we cannot name
        if kind == "person":
            return self.nearest(token, ("PERSON",), SPEAKER_WINDOW)
        if kind == "org":  # places act as institutions: "Washington says it ..."
            return self.nearest(token, ("ORG", "GPE"), NEUTER_WINDOW)
        return None

    def new_subject(self, speaker: _Speaker, token: Token) -> str | None:
        """A different person who became a sentence subject after the speaker's
        sentence: in "Smith spoke. Then Jones arrived. He said", he is Jones."""
        for k in self._names_before(token.idx):
            n = self.names[k]
            if self._in_order and self._name_sent[k] <= speaker.sent:
                break  # the earlier names are in the speaker's sentence or before it
            root = self.doc[n.root]
            if (
                n.label == "PERSON"
                and speaker.sent < self._name_sent[k]
                and n.start < token.idx
                and root.dep_ in ("nsubj", "nsubjpass")
                and root.head.dep_ == "ROOT"
                and not self.in_content(n.start)
            ):
                name = self.full_name(n.text, n.label, n.start)
                if self.fits(name, token):
                    return name if name != speaker.entity else None
        return None

    def in_content(self, pos: int) -> bool:
        # the hull: the extractor cuts nested sources out of the outer fragments
        return any(a.content.start <= pos < a.content.end for a in self.atts)

    def nearest(self, token: Token, labels: tuple[str, ...], window: int) -> str | None:
        """The name nearest before `token` that fits it, within `window` sentences; in
        a sentence before the pronoun's, its subject first: in "George Zimmerman is
        selling the gun he used to kill Trayvon Martin. “I'm a free American,” he told
        Fox 35", he is Zimmerman, not the object named last."""
        sent = self.sent_index(token)
        found: list[tuple[_Name, str]] = []
        for k in self._names_before(token.idx):
            n = self.names[k]
            at = self._name_sent[k]
            if found and at != self.sent_index(self.doc[found[0][0].root]):
                break  # the candidates are those of the nearest sentence naming one
            if self._in_order and sent - at > window:
                break  # so are the earlier names: none is within the window
            if (
                n.label in labels
                and n.end <= token.idx
                and sent - at <= window
                and self.fits(name := self.full_name(n.text, n.label, n.start), token)
            ):
                if at == sent:
                    return name  # the pronoun's own sentence: the nearest name
                found.append((n, name))
        for n, name in found:
            if self.doc[n.root].dep_ in ("nsubj", "nsubjpass"):
                return name
        return found[0][1] if found else None

    # ---- one source --------------------------------------------------
    def resolve_token(self, root: Token, depth: int = 0) -> tuple[str | None, str | None]:
        """(full name, kind) for the source whose head token is `root`."""
        word = root.lower_
        if root.pos_ == "PRON" and word in RELATIVE and depth == 0:
            head = root.head
            while head.dep_ == "conj":
                head = head.head
            if head.dep_ in ("relcl", "acl") and head.head.i != root.i:
                return self.resolve_token(head.head, depth + 1)
            return None, None
        if root.pos_ == "PRON":
            return self.pronoun(root)
        if any(c.dep_ == "conj" for c in root.children):
            return None, "plural"  # "Qatar and Turkey": no single entity
        named = self.name_at(root)
        if named is not None:
            text, tagged = named
            name, label = self.full_name_label(text, tagged, root.idx)
            kind = "person" if label == "PERSON" else "org" if label else None
            if label is None:
                # a capitalised role the tagger took for a name ("Pro-Russian Commander")
                return self.by_role(root) or name, kind
            return name, kind
        if root.pos_ != "NOUN":
            return None, None
        kind = "plural" if root.tag_ == "NNS" else "person"
        if kind == "person":
            # "the minister, John Lee": the appositive names the role's holder
            for child in root.children:
                if child.dep_ == "appos" and (named := self.name_at(child)) is not None:
                    text, tagged = named
                    name, label = self.full_name_label(text, tagged, child.idx)
                    if label in ("PERSON", None):
                        return name, "person"
        if kind == "person" and any(
            c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in DEFINITE) for c in root.children
        ):
            return self.by_role(root), kind
        return None, kind


def resolve_sources(doc: Doc, attributions: list[Attribution]) -> None:
    """Fill `source_entity` for each attribution whose source can be named."""
    res = _Resolver(doc, attributions)
    order = sorted(
        (i for i, a in enumerate(attributions) if a.source is not None),
        key=lambda i: attributions[i].source.start,  # type: ignore[union-attr]
    )
    for i in order:
        att = attributions[i]
        src = att.source
        assert src is not None
        span = doc.char_span(src.start, src.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        entity, kind = res.resolve_token(span.root)
        if entity and src.start < res.heading and (cut := run_on_span(entity, res.body)):
            # the headline's "Obama" is no "Obama Says" (the name NER ran on)
            entity = entity[cut[0]:cut[1]]
        if entity:
            att.source_entity = entity
        res.speakers.append(_Speaker(entity, kind, src.start, res.sent_index(span.root)))
    inherit_sources(doc, attributions, res.speakers)


# rules whose cue verb would have taken a subject: with none, the sentence leans on context
INHERITING_RULES = frozenset({"verb_clause", "verb_object", "verb_colon", "verb_quote"})
FINITE = frozenset({"VBD", "VBZ", "VBP"})
# how far back (in sentences, same paragraph) the carried-over speaker may be
INHERIT_WINDOW = 2


def inherit_sources(doc: Doc, attributions: list[Attribution], speakers: list[_Speaker]) -> None:
    """A cue with no subject of its own ("Also claimed that ...", "Added that ...")
    takes the previous named speaker of the same paragraph as its source_entity;
    the source span stays None, so readers can tell it was carried over."""
    sent_of = {s.start: i for i, s in enumerate(sentences(doc))}
    for att in attributions:
        if att.source is not None or att.cue is None or att.rule not in INHERITING_RULES:
            continue
        span = doc.char_span(att.cue.start, att.cue.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        verb = next((t for t in span if t.pos_ in ("VERB", "AUX")), span.root)
        if verb.tag_ not in FINITE or any(
            c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children
        ):
            continue
        if verb.dep_ != "ROOT":
            # only a sentence's own main verb: "X said A and claimed B" shares X in the
            # parse, and a verb inside a clause with no subject is a misparse, not context
            continue
        sent = sent_of.get(verb.sent.start, 0)
        earlier = [
            sp
            for sp in speakers
            if sp.entity
            and sp.start < att.cue.start
            and 0 <= sent - sp.sent <= INHERIT_WINDOW
            and "\n\n" not in doc_text(doc)[sp.start : att.cue.start]
        ]
        if earlier:
            att.source_entity = max(earlier, key=lambda sp: sp.start).entity
