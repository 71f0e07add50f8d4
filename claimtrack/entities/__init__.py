"""Entities: who and what the stored texts refer to, computed at read time.

Nothing here is stored but the user's decisions and each document's own facts
(written with it): entities are rebuilt from claims (source, resolved source_entity,
source_info), NER mentions and the author's inserted identifications (aliases), so
they follow re-extraction. One job a module, each importing only those above it here:

- `facts`: a document's name nodes and its own edges (folds, the author's
  identifications), computed when it is written;
- `graph`: the entities of some documents' facts (safe same-name edges, the user's
  merges and splits replayed) and their records;
- `reads`: the graphs a read asks for (whole, or only the entities of a name or of
  some claims), kept per database state; the `entities` listing;
- `decisions` (`entities merge/split`), `matcher` (show --entity's claims by or
  about a name), `annotate` (the report's identifications and headline-vs-body note).
"""

from claimtrack.entities.annotate import annotate_report, author_notes, headline_mismatch
from claimtrack.entities.decisions import decide
from claimtrack.entities.facts import DocFacts, document_facts, key_text, stored_facts
from claimtrack.entities.graph import EntityGraph
from claimtrack.entities.matcher import EntityMatcher, EntityNotes
from claimtrack.entities.reads import build, build_for_claims, build_for_name, list_entities

__all__ = [
    "DocFacts", "EntityGraph", "EntityMatcher", "EntityNotes", "annotate_report", "author_notes",
    "build", "build_for_claims", "build_for_name", "decide", "document_facts", "headline_mismatch",
    "key_text", "list_entities", "stored_facts",
]
