"""The rule extractor: text -> Extraction (attributions + NER mentions).

Pipeline per document: spaCy parse -> rules.find_attributions ->
resolve_sources (fills source_entity) -> link_chains (fills relayed_by).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from claimtrack.extract.chains import link_chains
from claimtrack.extract.cues import load_lexicon
from claimtrack.extract.quotes import paragraph_sentences
from claimtrack.extract.resolve import resolve_sources
from claimtrack.extract.rules import find_attributions
from claimtrack.models import Extraction, Mention
from claimtrack.nlp import get_nlp

_RULES_VERSION = "1.1.0"
# the lexicon's version is part of the name: editing cues.json changes output
EXTRACTOR = f"claimtrack-rules/{_RULES_VERSION}+cues.{load_lexicon().version}"

MENTION_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})


def _mentions(doc: Doc) -> list[Mention]:
    return [
        Mention(start=e.start_char, end=e.end_char, text=e.text, label=e.label_)
        for e in doc.ents
        if e.label_ in MENTION_LABELS
    ]


def prepare(nlp, text: str) -> Doc:
    """Tokenise and mark paragraph sentence starts, ready for the pipeline.

    Done outside the shared pipeline (nlp.pipe accepts Docs), so get_nlp()'s
    object stays exactly the stock model for everyone else.
    """
    return paragraph_sentences(nlp.make_doc(text))


def extract_doc(doc: Doc) -> Extraction:
    """Attributions (sorted by content start) and entity mentions of a parsed doc."""
    attributions = find_attributions(doc)
    resolve_sources(doc, attributions)
    link_chains(doc, attributions)
    return Extraction(extractor=EXTRACTOR, attributions=attributions, mentions=_mentions(doc))


def extract_text(text: str) -> Extraction:
    nlp = get_nlp()
    return extract_doc(nlp(prepare(nlp, text)))


def extract_texts(
    texts: Iterable[str], jobs: int = 1, batch_size: int = 8
) -> Iterator[Extraction]:
    """Extractions in input order; parsing runs in `jobs` processes."""
    nlp = get_nlp()
    docs = (prepare(nlp, t) for t in texts)
    for doc in nlp.pipe(docs, n_process=max(1, jobs), batch_size=batch_size):
        yield extract_doc(doc)
