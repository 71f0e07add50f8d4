"""The rule extractor: text -> Extraction (attributions + NER mentions).

Pipeline per document: spaCy parse -> rules.find_attributions ->
resolve_sources (fills source_entity) -> link_chains (fills relayed_by).
A text over pieces.PIECE_CHARS goes through it in paragraph-aligned pieces
(pieces.py); tokenising is bounded against quadratic runs (tokens.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from claimtrack import extractor_names as names
from claimtrack.batching import batched
from claimtrack.errors import ClaimtrackError, ExtractError
from claimtrack.extract import pieces, workers
from claimtrack.extract.author import author_statements, unattributed_quotations
from claimtrack.extract.chains import link_chains
from claimtrack.extract.cues import load_lexicon
from claimtrack.extract.filter import load_filter
from claimtrack.extract.nlp import get_nlp
from claimtrack.extract.quotes import paragraph_sentences
from claimtrack.extract.resolve import resolve_sources
from claimtrack.extract.rules import find_attributions
from claimtrack.extract.spans import Ctx
from claimtrack.extract.stance import compared_of, stance
from claimtrack.extract.tokens import tokenize
from claimtrack.models import Extraction, Mention, Span

if TYPE_CHECKING:
    from spacy.pipeline import Lemmatizer
    from thinc.types import Ints2d

_RULES_VERSION = "1.28.0"
# the lexicon's and the filter's versions are part of the names: editing
# cues.json or retraining filter.json changes output
RULES = f"claimtrack-rules/{_RULES_VERSION}+cues.{load_lexicon().version}"
FILTERED = (f"claimtrack-filtered/{_RULES_VERSION}+cues.{load_lexicon().version}"
            f"+filter.{load_filter().version}")
EXTRACTORS = {names.FILTERED: FILTERED, names.RULES: RULES}
DEFAULT_EXTRACTOR = names.DEFAULT
EXTRACTOR = EXTRACTORS[DEFAULT_EXTRACTOR]

MENTION_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})


def _mentions(doc: Doc) -> list[Mention]:
    return [
        Mention(start=e.start_char, end=e.end_char, text=e.text, label=e.label_)
        for e in doc.ents
        if e.label_ in MENTION_LABELS
    ]


def prepare(nlp: Language, text: str) -> Doc:
    """Tokenise and mark paragraph sentence starts, ready for the pipeline.

    Done outside the shared pipeline (nlp.pipe accepts Docs), so get_nlp()'s
    object stays exactly the stock model for everyone else.
    """
    return paragraph_sentences(tokenize(nlp, text))


# A lone surrogate (possible in a str from a library caller; ingest and JSONL input
# replace them) cannot be hashed by spaCy's tokenizer: it is parsed as U+FFFD, one
# for one so offsets hold, and the spans' text is read back from the caller's text.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _parseable(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _resliced(ex: Extraction, text: str) -> Extraction:
    def fix(span: Span | None) -> None:
        if span is not None:
            span.text = text[span.start : span.end]
            for f in span.fragments or ():
                fix(f)

    for a in ex.attributions:
        for span in (a.source, a.cue, a.content):
            fix(span)
    for m in ex.mentions:
        m.text = text[m.start : m.end]
    return ex


# The stock lemmatizer sets every token's lemma in Python (~15% of parsing);
# its answer depends only on the word, its POS and its morphology, so the
# pipeline runs without it and lemmas come from a per-process cache of its answers.
SKIP = ("attribute_ruler", "lemmatizer")
_LEMMAS: dict[tuple[int, int, int], int] = {}


# The attribute ruler (tag -> POS and morphology, plus word exceptions) is a
# matcher over every token; a one-token rule's result depends only on the
# token's word, tag, dependency and spacing, so its answers are cached the
# same way (a key not seen yet is answered by the real ruler on a one-token
# doc), and the few multi-token rules ("gon na", "there is") are matched on
# their own and applied after.
_RULED: dict[tuple[int, ...], tuple] = {}  # key -> (POS, MORPH, LEMMA, tag, dep)
_KEY = [LOWER, TAG, DEP, IS_SPACE]
_SET = [POS, MORPH, LEMMA]


def _ruler(nlp: Language) -> Any:
    """The stock attribute ruler (its patterns are dicts spaCy types loosely)."""
    return nlp.get_pipe("attribute_ruler")


@functools.lru_cache(maxsize=1)
def _multi(nlp: Language) -> tuple[Matcher, list[tuple[int, dict]]]:
    matcher = Matcher(nlp.vocab)
    rules: list[tuple[int, dict]] = []
    for p in _ruler(nlp).patterns:
        if any(len(pattern) > 1 for pattern in p["patterns"]):
            matcher.add(str(len(rules)), p["patterns"])
            rules.append((p["index"], p["attrs"]))
    return matcher, rules


@functools.lru_cache(maxsize=1)
def _word_rules(nlp: Language) -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """The words (and word patterns) that some ruler rule names."""
    words: set[str] = set()
    regexes = []
    for p in _ruler(nlp).patterns:
        for pattern in p["patterns"]:
            for t in pattern:
                v = t.get("LOWER")
                if isinstance(v, str):
                    words.add(v)
                elif isinstance(v, dict):
                    words.update(v.get("IN", ()))
                    if "REGEX" in v:
                        regexes.append(re.compile(v["REGEX"]))
                    if set(v) - {"IN", "REGEX"}:
                        regexes.append(re.compile(""))  # unknown operator: every word counts
    return frozenset(words), tuple(regexes)


_NAMED: dict[int, int] = {}  # word id -> itself when a rule may name it, else 0


def _word_key(nlp: Language, lower: int) -> int:
    k = _NAMED.get(lower)
    if k is None:
        words, regexes = _word_rules(nlp)
        w = nlp.vocab.strings[lower]
        named = w in words or any(r.search(w) for r in regexes) or w.isspace()
        k = _NAMED[lower] = lower if named else 0
    return k


def _rule_one(nlp: Language, tok: Token) -> tuple[int, ...]:
    """The ruler's one-token answer for a token, from a doc of that token alone."""
    one = Doc(nlp.vocab, words=[tok.text], spaces=[False])
    one[0].tag_ = tok.tag_
    one[0].dep_ = tok.dep_
    one = nlp.get_pipe("attribute_ruler")(one)
    return (*one.to_array(_SET).tolist()[0], one[0].tag_, one[0].dep_)


def _rule_many(nlp: Language, toks: list[Token]) -> list[tuple]:
    """_rule_one for many tokens with one run of the ruler: the tokens side by
    side in one doc. Every rule tests the token's own attributes (LOWER, TAG,
    DEP, IS_SPACE), so only a multi-token pattern could see a neighbour: a
    token any of those patterns matches here is asked alone."""
    one = Doc(nlp.vocab, words=[t.text for t in toks], spaces=[False] * len(toks))
    for o, t in zip(one, toks, strict=True):
        o.tag_, o.dep_ = t.tag_, t.dep_
    matcher, _ = _multi(nlp)
    near = {i for _, start, end in matcher(one) for i in range(start, end)}
    one = nlp.get_pipe("attribute_ruler")(one)
    arr = one.to_array(_SET).tolist()
    return [_rule_one(nlp, t) if i in near else (*arr[i], one[i].tag_, one[i].dep_)
            for i, t in enumerate(toks)]


@functools.lru_cache(maxsize=1)
def _pairs(nlp: Language) -> list[tuple[dict, dict]] | None:
    """The multi-token rules' patterns as (first, second) token specs, or None
    when one is of another shape (the matcher is then always run)."""
    out = []
    for p in _ruler(nlp).patterns:
        if any(len(pattern) > 1 for pattern in p["patterns"]):
            for pattern in p["patterns"]:
                if len(pattern) != 2 or any("OP" in t for t in pattern):
                    return None
                out.append((pattern[0], pattern[1]))
    return out


def _spec_may_hold(spec: dict, values: dict[str, str]) -> bool:
    """Whether a token with these LOWER, TAG and DEP may satisfy a Matcher token
    spec: False only when a constraint of a form understood here fails."""
    for attr, want in spec.items():
        val = values.get(attr)
        if val is None:
            continue  # an attribute not modelled here: it may hold
        if isinstance(want, str):
            if val != want:
                return False
        elif isinstance(want, dict) and want and set(want) <= {"IN", "REGEX"}:
            if "IN" in want and val not in want["IN"]:
                return False
            if "REGEX" in want and not re.search(want["REGEX"], val):
                return False
    return True


_PAIR_BITS: dict[tuple, int] = {}  # (word key, tag, dep) -> bit 2k: first of pair k, 2k+1: second


def _pair_bits(nlp: Language, key: tuple) -> int:
    bits = _PAIR_BITS.get(key)
    if bits is None:
        pairs = _pairs(nlp) or []
        strings = nlp.vocab.strings
        w, tag, dep = key
        values = {"LOWER": strings[w] if w else "",  # 0: a word no rule names
                  "TAG": tag if isinstance(tag, str) else strings[tag],
                  "DEP": dep if isinstance(dep, str) else strings[dep]}
        bits = 0
        for k, (first, second) in enumerate(pairs):
            bits |= _spec_may_hold(first, values) << (2 * k)
            bits |= _spec_may_hold(second, values) << (2 * k + 1)
        _PAIR_BITS[key] = bits
    return bits


def _may_match_pair(nlp: Language, keys: list[tuple], hits: list[tuple]) -> bool:
    """Whether some multi-token rule may match two neighbours of the doc (its
    tags and dependencies as the ruler left them): exact when False."""
    if _pairs(nlp) is None:
        return True
    bits = [_pair_bits(nlp, (k[0], h[3], h[4]) if k[3] else k[:3])
            for k, h in zip(keys, hits, strict=True)]
    return any(a & (b >> 1) & 0x5555555555555555 for a, b in zip(bits, bits[1:], strict=False))


def apply_ruler(nlp: Language, doc: Doc) -> Doc:
    """What the stock attribute ruler sets on a tagged, parsed doc."""
    named, ruled = _NAMED, _RULED
    keys = []
    for w, t, d, sp in doc.to_array(_KEY).tolist():
        k = named.get(w)
        keys.append((_word_key(nlp, w) if k is None else k, t, d, sp))
    missing: dict[tuple[int, ...], int] = {}
    for i, key in enumerate(keys):
        if key not in ruled:
            missing.setdefault(key, i)
    if missing:  # Token objects only for keys not seen yet: they are not free
        answers = _rule_many(nlp, [doc[i] for i in missing.values()])
        ruled.update(zip(missing, answers, strict=True))
    hits = [ruled[key] for key in keys]
    doc.from_array(_SET, cast("Ints2d", numpy.array([h[:3] for h in hits], dtype="uint64")))
    for i, (key, h) in enumerate(zip(keys, hits, strict=True)):
        if key[3]:  # the ruler re-tags whitespace
            tok = doc[i]
            tok.tag_, tok.dep_ = h[3], h[4]
    matcher, rules = _multi(nlp)
    if not _may_match_pair(nlp, keys, hits):
        return doc  # no two neighbours a multi-token rule could match: skip its matcher
    for m, start, _ in matcher(doc):
        index, attrs = rules[int(nlp.vocab.strings[m])]
        tok = doc[start + index]
        if "LEMMA" in attrs:
            tok.lemma_ = attrs["LEMMA"]
        if "POS" in attrs:
            tok.pos_ = attrs["POS"]
    return doc


class _RuleLemmas:
    """The stock rule lemmatizer's answer (Lemmatizer.rule_lemmatize, spaCy 3.8),
    with its per-POS word index as a set: spaCy keeps it as a list and tests
    each candidate form's membership by a scan (~0.2 ms a word, paid once per
    word, POS and morphology in every fresh process). Same tables, same order
    of rules and exceptions, so the same lemma (a test checks every token of
    the seeds and dev samples against the stock pipeline)."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.base = lemmatizer.is_base_form
        self.tables: dict[str, tuple[bool, frozenset[str], dict, list]] = {}
        lookups = lemmatizer.lookups
        self.index = lookups.get_table("lemma_index", {})
        self.exc = lookups.get_table("lemma_exc", {})
        self.rules = lookups.get_table("lemma_rules", {})

    def _table(self, pos: str) -> tuple[bool, frozenset[str], dict, list]:
        t = self.tables.get(pos)
        if t is None:
            index, exc, rules = self.index.get(pos), self.exc.get(pos), self.rules.get(pos)
            t = self.tables[pos] = (any((index, exc, rules)), frozenset(index or ()),
                                    exc or {}, rules or [])
        return t

    def __call__(self, token: Token) -> str:
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space") or self.base(token):
            return string.lower()
        known, index, exceptions, rules = self._table(univ_pos)
        if not known:
            return string if univ_pos == "propn" else string.lower()
        orig, string = string, string.lower()
        forms: list[str] = []
        oov_forms: list[str] = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        return (forms or oov_forms or [orig])[0]


@functools.lru_cache(maxsize=1)
def _rule_lemmas(nlp: Language) -> _RuleLemmas | None:
    lemmatizer = cast("Lemmatizer", nlp.get_pipe("lemmatizer"))
    # only the rule mode of the lemmatizer this code was written against
    return _RuleLemmas(lemmatizer) if lemmatizer.mode == "rule" and type(
        lemmatizer).__name__ == "EnglishLemmatizer" else None


def fill_lemmas(nlp: Language, doc: Doc) -> Doc:
    """The lemmas the stock lemmatizer would set (it keeps any set earlier)."""
    if doc.has_annotation("LEMMA") and all(t.lemma for t in doc):
        return doc
    arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
    lemmas = arr[:, 3].copy()
    lemmatizer = cast("Lemmatizer", nlp.get_pipe("lemmatizer"))
    fast = _rule_lemmas(nlp)
    strings = doc.vocab.strings
    for i in numpy.flatnonzero(lemmas == 0):
        key = (int(arr[i, 0]), int(arr[i, 1]), int(arr[i, 2]))
        lemma = _LEMMAS.get(key)
        if lemma is None:
            tok = doc[int(i)]
            lemma = _LEMMAS[key] = strings.add(
                fast(tok) if fast is not None else lemmatizer.lemmatize(tok)[0])
        lemmas[i] = lemma
    doc.from_array([LEMMA], cast("Ints2d", lemmas.reshape(-1, 1)))
    return doc


def _check(extractor: str) -> str:
    if extractor not in EXTRACTORS:
        raise ClaimtrackError(
            f"unknown extractor {extractor!r}: use one of {', '.join(EXTRACTORS)}")
    return extractor


def extract_doc(doc: Doc, extractor: str = DEFAULT_EXTRACTOR, at_start: bool = True
                ) -> Extraction:
    """Attributions (sorted by content start), then the author's statements
    (rule "author", likewise sorted), then the paragraphs that are one quotation no
    attribution reaches (rule "quotation"), and the entity mentions of a parsed doc.

    `at_start` False: the doc is a later piece of a long text, whose first
    line is no headline and whose first sentence is not the article's."""
    # the doc's quotations and paragraphs, read once for the rules and the author's part
    ctx = Ctx.of(doc, load_lexicon())
    attributions = find_attributions(doc, at_start=at_start, ctx=ctx)
    if _check(extractor) == names.FILTERED:
        keep = load_filter().keep
        attributions = [a for a in attributions if keep(a, doc, at_start)]
    resolve_sources(doc, attributions)
    link_chains(doc, attributions)
    # The author's own statements come last, after the chains are linked: they
    # are matched across documents but are no attribution, so the attributions'
    # order, ids and relays stay what they were without them.
    attributions += author_statements(doc, attributions, ctx)
    attributions += unattributed_quotations(doc, attributions, ctx)
    text = ctx.text
    for a in attributions:
        a.stance = stance(doc, a)
        a.compared = compared_of(a, text)
    return Extraction(extractor=EXTRACTORS[extractor], attributions=attributions,
                      mentions=_mentions(doc))


def parse(nlp: Language, text: str) -> Doc:
    """The stock pipeline's analysis of one text, paragraphs marked."""
    doc = prepare(nlp, text)
    for name, proc in nlp.pipeline:
        if name not in SKIP:
            doc = proc(doc)
    return fill_lemmas(nlp, apply_ruler(nlp, doc))


def extract_text(text: str, extractor: str = DEFAULT_EXTRACTOR) -> Extraction:
    """One text's Extraction, a long one piece by piece (memory: one piece)."""
    nlp = get_nlp()
    clean = _parseable(text)
    parts = [(offset, extract_doc(parse(nlp, piece), extractor, at_start=offset == 0))
             for offset, piece in pieces.split(clean)]
    joined = pieces.join(parts)
    return joined if clean is text else _resliced(joined, text)


def parse_texts(texts: Iterable[str], batch_size: int = 8, n_process: int = 1) -> Iterator[Doc]:
    """parse() for many texts: the pipeline less what the caches answer.

    One Doc per text: texts over pieces.PIECE_CHARS belong to extract_texts."""
    nlp = get_nlp()
    docs = nlp.pipe((prepare(nlp, t) for t in texts), batch_size=batch_size, disable=SKIP,
                    n_process=n_process)
    for d in docs:
        yield fill_lemmas(nlp, apply_ruler(nlp, d))


def _failed(e: Exception) -> ExtractError:
    why = (str(e).strip().splitlines() or [""])[0][:300]
    return ExtractError(f"the parser failed on this document ({type(e).__name__}: {why})")


def _extract_one(text: str, extractor: str) -> Extraction | ExtractError:
    try:
        return extract_text(text, extractor)
    except Exception as e:  # spaCy or a rule on this text: fail it, not its batch
        return _failed(e)


def _extract_batch(texts: list[str], batch_size: int, extractor: str,
                   ) -> list[Extraction | ExtractError]:
    """One result per text. Ordinary texts share one nlp.pipe (as fast as
    before); a long one goes piece by piece; when the shared pipe fails, the
    texts it had not finished are tried one by one, so only the text that
    fails gets an ExtractError."""
    out: list[Extraction | ExtractError | None] = [None] * len(texts)
    short = [i for i, t in enumerate(texts) if len(t) <= pieces.PIECE_CHARS]
    clean = [_parseable(texts[i]) for i in short]
    try:
        for i, c, doc in zip(short, clean, parse_texts(clean, batch_size), strict=True):
            try:
                ex = extract_doc(doc, extractor)
                out[i] = ex if c is texts[i] else _resliced(ex, texts[i])
            except Exception as e:  # parsed, but a rule failed on it
                out[i] = _failed(e)
    except Exception:
        pass  # which text broke the shared pipe is found one by one below
    return [_extract_one(t, extractor) if r is None else r for t, r in zip(texts, out, strict=True)]


def extract_texts(
    texts: Iterable[str], jobs: int = 1, batch_size: int = 8,
    extractor: str = DEFAULT_EXTRACTOR,
) -> Iterator[Extraction | ExtractError]:
    """One result per text, in input order: its Extraction, or an ExtractError
    (yielded, not raised) saying why that text could not be extracted (the
    parser failed on it, its worker died); the other texts go on.

    With jobs > 1 each worker process parses *and* extracts its batches (the
    rules run beside the parser, not after it in this process); workers are
    forked after the model is loaded, so they share it instead of loading it
    (workers.py: in order, bounded memory, a dead worker fails its batch only).
    """
    _check(extractor)
    work = functools.partial(_extract_batch, batch_size=batch_size, extractor=extractor)
    if jobs <= 1:
        for batch in batched(texts, batch_size):
            yield from work(batch)
        return
    get_nlp()
    for out in workers.run(work, batched(texts, batch_size), jobs):
        yield from out
