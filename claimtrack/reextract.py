"""`claimtrack reextract`: run the current extractor and flag rules again on
stored documents.

The stored text, links and date are the input (the original file is not
needed). Each document's claims, mentions and aliases are replaced in one
transaction; the user's merges and grades live in entity_decisions and
source_grades, keyed by names, and are left as they are.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence

import sqlite_utils

from claimtrack import extractor_names as names
from claimtrack.assess import assess
from claimtrack.models import Alias, Document, Extraction, Reextracted
from claimtrack.store import documents as store

Progress = Callable[[int, int], None]  # (done, total)


def reextract_documents(
    db: sqlite_utils.Database,
    docs: Sequence[Document],
    progress: Progress | None = None,
    jobs: int = 1,
    extractor: str = names.DEFAULT,
) -> list[Reextracted]:
    """Re-extract and re-flag `docs` in order; one transaction per document.

    A document the extractor fails on (extract_texts yields an ExtractError)
    keeps what is stored and carries the reason in `error`; the others go on."""
    from claimtrack.corpus.update import reextract_hooks
    from claimtrack.entities import stored_facts
    from claimtrack.errors import ExtractError
    from claimtrack.extract import extract_texts

    total = len(docs)
    if progress:
        progress(0, total)
    # Texts are read as the parser asks for them and dropped once stored, so
    # memory does not grow with the number of documents.
    waiting: deque[str] = deque()

    def texts() -> Iterator[str]:
        for d in docs:
            waiting.append(store.get_text(db, d.id))
            yield waiting[-1]

    out: list[Reextracted] = []
    extractions = extract_texts(texts(), jobs=jobs, extractor=extractor)
    for done, (doc, extraction) in enumerate(zip(docs, extractions, strict=True), 1):
        text = waiting.popleft()
        if isinstance(extraction, ExtractError):
            out.append(Reextracted(document=doc, before=doc.claims,
                                   previous_extractor=doc.extractor, error=str(extraction)))
            if progress:
                progress(done, total)
            continue
        links = store.get_links(db, doc.id)
        flags = assess(extraction, text, links, doc.published)
        aliases = _aliases(text, extraction)
        before, derive = reextract_hooks()  # the cross-document index follows the new claims
        stored = store.replace_extraction(db, doc.id, extraction, flags, aliases,
                                          before=before, derive=derive, facts=stored_facts)
        out.append(Reextracted(document=stored, before=doc.claims,
                               previous_extractor=doc.extractor))
        if progress:
            progress(done, total)
    return out


def _aliases(text: str, extraction: Extraction) -> list[Alias]:
    """The text's inserted identifications, as `add` finds them."""
    from claimtrack.aliases import find_aliases, quoted_spans

    return find_aliases(text, quoted_spans(extraction.attributions))
