"""Terminal renderings of the non-list results (entity view, diff).

JSON/NL for these come from output.emit_model; this module only draws tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimtrack.diff import DiffResult
from claimtrack.escape import for_terminal
from claimtrack.models import Claim
from claimtrack.output import Column, flatten, shorten
from claimtrack.queries import EntityClaim, EntityView

if TYPE_CHECKING:  # entities.py loads the resolver (spaCy): only for annotations here
    from claimtrack.entities import DecisionResult

CONTENT_WIDTH = 160


def _t(value: object) -> Text:
    """Plain text cell: brackets in data are never read as rich markup, and no
    control character of a document reaches the terminal (escape.py)."""
    return Text(for_terminal("" if value is None else str(value)))


def _flags(c: Claim) -> Text:
    """The Admiralty grade (when computed) above the flag codes."""
    lines = [f"grade {c.grade.reliability}{c.grade.credibility}"] if c.grade else []
    return _t("\n".join(lines + [f.code for f in c.flags]))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _cue(c: Claim) -> str:
    return c.cue.text if c.cue else ""


def _source_with_chain(item: EntityClaim) -> Text:
    """The source, then whom it relays (via ...) and who stands behind it (from ...)."""
    c, hops = item.claim, item.chain.hops
    lines = [c.source_label]
    at = next((i for i, h in enumerate(hops) if h.claim_id == c.id), 0)
    for h in reversed(hops[:at]):
        lines.append(f"via {h.entity or h.source or '(author)'}")
    for h in hops[at + 1:]:
        lines.append(f"from {h.entity or h.source or '(unstated)'}")
    if item.via:
        lines.append(f"(via an author identification: {item.via})")
    return _t("\n".join(lines))


def render_entity_view(view: EntityView, console: Console) -> None:
    total = sum(len(d.by) + len(d.about) for d in view.documents)
    console.print(_t(f"{view.name}: {_plural(total, 'claim')} in "
                     f"{_plural(len(view.documents), 'document')}"))
    if view.entity is not None and view.entity.aliases:
        console.print(_t(f"entity {view.entity.name}, also: {', '.join(view.entity.aliases)}"))
    for d in view.documents:
        for role, items in ((f"said by {view.name}", d.by), (f"about {view.name}", d.about)):
            if not items:
                continue
            table = Table(title=_t(f"{d.title or d.origin} ({d.id}): {role}"),
                          show_lines=True, title_justify="left", expand=True)
            table.add_column("source", ratio=3, overflow="fold")
            table.add_column("cue", min_width=12, overflow="fold")
            table.add_column("content", ratio=6, overflow="fold")
            table.add_column("flags", min_width=20, overflow="fold")
            for item in items:
                c = item.claim
                table.add_row(_source_with_chain(item), _t(_cue(c)),
                              _t(shorten(c.content.text, CONTENT_WIDTH)), _flags(c))
            console.print(table)


def render_diff(diff: DiffResult, console: Console) -> None:
    a, b = diff.a, diff.b
    head = Table(title=_t("accounts compared"), title_justify="left")
    head.add_column("")
    head.add_column(_t(f"A {a.id}"), overflow="fold")
    head.add_column(_t(f"B {b.id}"), overflow="fold")
    head.add_row(_t("title"), _t(a.title), _t(b.title))
    sa, sb = diff.sourcing.a.model_dump(), diff.sourcing.b.model_dump()
    for key in sa:
        head.add_row(_t(key.replace("_", " ")), _t(sa[key]), _t(sb[key]))
    head.add_row(_t("shared claims"), _t(len(diff.shared)), _t(len(diff.shared)))
    console.print(head)

    if diff.shared_entities:
        ents = Table(title=_t("entities in both"), title_justify="left")
        for col in ("entity", "label", "mentions in A", "mentions in B"):
            ents.add_column(col)
        for e in diff.shared_entities:
            ents.add_row(_t(e.name), _t(e.label), _t(e.count_a), _t(e.count_b))
        console.print(ents)

    if diff.shared:
        shared = Table(title=_t("the same claim in both"), show_lines=True, title_justify="left")
        for col in ("A says", "B says", "similarity", "differences"):
            shared.add_column(col, overflow="fold")
        for s in diff.shared:
            shared.add_row(
                _t(f"{s.a.source_label} ({_cue(s.a)}): {shorten(s.a.content.text, 60)}"),
                _t(f"{s.b.source_label} ({_cue(s.b)}): {shorten(s.b.content.text, 60)}"),
                _t(f"{s.similarity:.2f}"), _t("\n".join(s.differences)))
        console.print(shared)
    else:
        console.print(_t("no claim appears in both accounts"))

    for label, items in (("only in A", diff.only_in_a), ("only in B", diff.only_in_b)):
        table = Table(title=_t(f"{label} ({len(items)})"), title_justify="left")
        for col in ("source", "cue", "content", "flags"):
            table.add_column(col, overflow="fold")
        for c in items:
            table.add_row(_t(c.source_label), _t(_cue(c)),
                          _t(shorten(c.content.text, CONTENT_WIDTH)), _flags(c))
        console.print(table)


# --- entities (issue 5) ---

ENTITY_COLUMNS = (
    Column("name", lambda e: e.name, max_width=40),
    Column("type", lambda e: e.type),
    Column("aliases", lambda e: e.aliases, max_width=40),
    Column("documents", lambda e: e.documents, justify="right"),
    Column("claims by", lambda e: e.claims_by, justify="right"),
    Column("mentions", lambda e: e.mentions, justify="right"),
    Column("anonymous", lambda e: e.anonymous),
)


def render_decision(result: DecisionResult, console: Console) -> None:
    """Entities before and after a merge/split (or what a dry run would give)."""
    for label, items in (("before", result.before), ("after", result.after)):
        if result.dry_run and label == "after":
            label += " (dry run: nothing written)"
        table = Table(title=_t(label), title_justify="left")
        for col in ENTITY_COLUMNS:
            table.add_column(col.header, overflow="fold")
        for e in items:
            table.add_row(*(_t(flatten(col.get(e))) for col in ENTITY_COLUMNS))
        console.print(table)
