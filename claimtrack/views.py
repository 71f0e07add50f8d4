"""Terminal renderings of the non-list results (entity view, diff, timeline), and the
diff's Markdown form.

JSON/NL for these come from output.emit_model; this module only draws tables.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimtrack.diff import ClaimPair, DiffResult, cue_word, stance_word, who
from claimtrack.escape import for_terminal
from claimtrack.models import Appearance, Claim, DecisionResult, EntityClaim, EntityDiff, EntityView
from claimtrack.output import Column, flatten, shorten
from claimtrack.report_render import _md, _md_line

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
    shown = sum(len(d.by) + len(d.about) for d in view.documents)
    total = max(view.total_claims, shown)  # a view built by hand may leave totals out
    docs = max(view.total_documents, len(view.documents))
    console.print(_t(f"{view.name}: {_plural(total, 'claim')} in {_plural(docs, 'document')}"))
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


def _side(c: Claim, publisher: str | None = None) -> Text:
    """A claim as one cell: who says it, how, what, and its id."""
    cue = f" ({c.cue.text})" if c.cue else ""
    return _t(f"{who(c, publisher)}{cue}: {shorten(c.content.text, 90)}\n{c.id}")


def _pairs_table(title: str, pairs: list[ClaimPair], diff: DiffResult) -> Table:
    table = Table(title=_t(title), show_lines=True, title_justify="left")
    for col in ("A says", "B says", "relation", "differences"):
        table.add_column(col, overflow="fold")
    for p in pairs:
        rel = p.relation + (f"\n{p.wider} tells more" if p.wider else "")
        table.add_row(_side(p.a, diff.a.publisher), _side(p.b, diff.b.publisher),
                      _t(f"{rel}\n{p.similarity:.2f}"),
                      _t("\n".join(d.said() for d in p.differences)))
    return table


def render_diff(diff: DiffResult, console: Console) -> None:
    a, b = diff.a, diff.b
    head = Table(title=_t("accounts compared"), title_justify="left")
    head.add_column("")
    head.add_column(_t(f"A {a.id}"), overflow="fold")
    head.add_column(_t(f"B {b.id}"), overflow="fold")
    head.add_row(_t("title"), _t(a.title), _t(b.title))
    if a.publisher or b.publisher:
        head.add_row(_t("publisher"), _t(a.publisher), _t(b.publisher))
    if a.published or b.published:
        head.add_row(_t("published"), _t(a.published), _t(b.published))
    sa, sb = diff.sourcing.a.model_dump(), diff.sourcing.b.model_dump()
    for key in sa:
        head.add_row(_t(key.replace("_", " ")), _t(sa[key]), _t(sb[key]))
    head.add_row(_t("shared claims"), _t(len(diff.aligned)), _t(len(diff.aligned)))
    head.add_row(_t("contradictions"), _t(len(diff.contradictions)),
                 _t(len(diff.contradictions)))
    console.print(head)

    if diff.shared_entities:
        ents = Table(title=_t("entities in both"), title_justify="left")
        for col in ("entity", "label", "mentions in A", "mentions in B"):
            ents.add_column(col)
        for e in diff.shared_entities:
            ents.add_row(_t(e.name), _t(e.label), _t(e.count_a), _t(e.count_b))
        console.print(ents)

    if diff.aligned:
        console.print(_pairs_table(f"the same claim in both ({len(diff.aligned)})",
                                   diff.aligned, diff))
    else:
        console.print(_t("no claim appears in both accounts"))
    if diff.contradictions:
        console.print(_pairs_table(f"contradictions ({len(diff.contradictions)})",
                                   diff.contradictions, diff))
    if diff.related:
        rel = Table(title=_t(f"related, not the same claim ({len(diff.related)})"),
                    title_justify="left")
        for col in ("A", "B", "similarity"):
            rel.add_column(col, overflow="fold")
        for r in diff.related:
            rel.add_row(_t(f"{shorten(r.a_text, 70)}\n{r.a_id}"),
                        _t(f"{shorten(r.b_text, 70)}\n{r.b_id}"), _t(f"{r.similarity:.2f}"))
        console.print(rel)

    for label, items in (("only in A", diff.only_in_a), ("only in B", diff.only_in_b)):
        table = Table(title=_t(f"{label} ({len(items)})"), title_justify="left")
        for col in ("source", "cue", "content", "flags"):
            table.add_column(col, overflow="fold")
        for c in items:
            table.add_row(_t(c.source_label), _t(_cue(c)),
                          _t(shorten(c.content.text, CONTENT_WIDTH)), _flags(c))
        console.print(table)


# --- Markdown, for sharing (diff --md) ---


def _cell(value: object) -> str:
    """Markdown table cell: escaped, one line, no column break."""
    return _md(" ".join(str("" if value is None else value).split())).replace("|", "\\|")


_OPENING_QUOTES = "\"\u201c\u2018'\u00ab\u201e"


def _md_quoted(text: str) -> str:
    """A content as Markdown between quotation marks, unless it is a quotation already
    (“How many times ...” was shown as ““How many times ...””)."""
    text = " ".join(text.split())
    return _md(text) if text[:1] in _OPENING_QUOTES else f"\u201c{_md(text)}\u201d"


def _md_side(label: str, c: Claim, publisher: str | None) -> str:
    cue = f" ({c.cue.text})" if c.cue else ""
    return (f"- **{label}** {_md(who(c, publisher))}{_md(cue)}: {_md_quoted(c.content.text)} "
            f"(`{c.id}` [{c.content.start}:{c.content.end}])")


def _md_pairs(title: str, pairs: list[ClaimPair], diff: DiffResult) -> list[str]:
    lines = [f"## {title} ({len(pairs)})", ""]
    for i, p in enumerate(pairs, 1):
        wider = f", {p.wider.upper()} tells more" if p.wider else ""
        lines += [f"{i}. **{p.relation}** (similarity {p.similarity:.2f}{wider})", "",
                  "   " + _md_side("A", p.a, diff.a.publisher),
                  "   " + _md_side("B", p.b, diff.b.publisher)]
        lines += [f"   - differs in {_md(d.said())}" for d in p.differences]
        lines.append("")
    return lines


def diff_markdown(diff: DiffResult) -> str:
    """The diff as Markdown: a table of the two accounts, then the pairs and lists."""
    a, b = diff.a, diff.b
    lines = ["# Two accounts compared", "", "| | A | B |", "| --- | --- | --- |"]
    rows: list[tuple[str, object, object]] = [("document", a.id, b.id), ("title", a.title, b.title),
            ("publisher", a.publisher, b.publisher), ("published", a.published, b.published)]
    sa, sb = diff.sourcing.a.model_dump(), diff.sourcing.b.model_dump()
    rows += [(k.replace("_", " "), sa[k], sb[k]) for k in sa]
    rows += [("shared claims", len(diff.aligned), len(diff.aligned)),
             ("contradictions", len(diff.contradictions), len(diff.contradictions))]
    lines += [f"| {_cell(k)} | {_cell(x)} | {_cell(y)} |" for k, x, y in rows]
    lines.append("")
    if diff.shared_entities:
        lines += ["## Entities in both", "", "| entity | label | in A | in B |",
                  "| --- | --- | --- | --- |"]
        lines += [f"| {_cell(e.name)} | {_cell(e.label)} | {e.count_a} | {e.count_b} |"
                  for e in diff.shared_entities]
        lines.append("")
    if diff.aligned:
        lines += _md_pairs("The same claim in both", diff.aligned, diff)
    else:
        lines += ["No claim appears in both accounts.", ""]
    if diff.contradictions:
        lines += _md_pairs("Contradictions", diff.contradictions, diff)
    if diff.related:
        lines += [f"## Related, not the same claim ({len(diff.related)})", ""]
        lines += [f"- A {_md_quoted(shorten(r.a_text, 100))} (`{r.a_id}`) and "
                  f"B {_md_quoted(shorten(r.b_text, 100))} (`{r.b_id}`)"
                  for r in diff.related]
        lines.append("")
    for label, items in (("Only in A", diff.only_in_a), ("Only in B", diff.only_in_b)):
        lines += [f"## {label} ({len(items)})", ""]
        lines += [f"- {_md(c.source_label)}{_md(f' ({c.cue.text})' if c.cue else '')}: "
                  f"{_md_quoted(c.content.text)} (`{c.id}`)"
                  for c in items]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- diff --entity and timeline (issue 10) ---


def stance_cell(c: Claim) -> str:
    """Polarity and modality, then the reporting verb and its own stance."""
    cue = cue_word(c)
    return f"{stance_word(c)}\n" + ("no cue" if cue == "(none)" else f"cue: {cue}")


def origin_cell(a: Appearance, short: bool = False) -> str:
    """What the index says this appearance adds: an origin, or a relay or copy of one.
    `short`: the origin's name without its kind ("outlet:", "source:")."""
    root = a.root.partition(":")[2] or a.root if short and a.root else a.root
    if root is None:
        text = "no origin (unresolved)"
    elif a.copied:
        text = f"copy of {root}"
    elif a.relay:
        text = f"relays {root}"
    else:
        text = f"origin {root}"
    return text + (f"\ncircular: {a.circular}" if a.circular else "")


def source_cell(a: Appearance) -> str:
    c = a.claim
    return "\n".join([who(c, a.publisher), *(f"via {v}" for v in a.via)])


def _document_cell(a: Appearance) -> str:
    return f"{a.publisher or a.title or a.doc_id}\n{a.doc_id}"


def _date_cell(a: Appearance) -> str:
    """The date an appearance is placed at, and under it "added" where the document
    gave none and the day it was stored stands in (JSON's `dated`): a reader of a
    table of plain text files saw today's date as when each claim appeared."""
    return f"{a.date}\nadded" if a.dated == "added" else str(a.date)


TIMELINE_COLUMNS = (
    Column("date", lambda a: a.date),
    Column("document", _document_cell, max_width=24),
    Column("source", source_cell, max_width=28),
    Column("stance", lambda a: stance_cell(a.claim), max_width=18),
    Column("relation", lambda a: a.relation),
    Column("origin", origin_cell, max_width=30),
    Column("content", lambda a: a.claim.content.text, shorten=90),
    Column("claim", lambda a: a.claim.id),
    Column("cluster", lambda a: a.cluster),
)

# The terminal has less room: the claim id goes under its content, the cluster
# (one per --claim; the grouping shows it for --entity) is left to CSV and JSON. Widths
# are maxima, so a narrow terminal folds every column (fixed widths left the others
# none: an 80-column terminal printed the source empty); under 120 columns stance and
# origin are left out, to keep the source readable.
TIMELINE_TABLE = (
    Column("date", _date_cell, width=10),  # an ISO date is never folded
    Column("document", _document_cell, max_width=14),
    Column("source", source_cell, max_width=20),
    Column("stance", lambda a: stance_cell(a.claim), max_width=10, wider_than=119),
    Column("relation", lambda a: a.relation, max_width=13),
    Column("origin", lambda a: origin_cell(a, short=True), max_width=18, wider_than=119),
    Column("content", lambda a: f"{shorten(a.claim.content.text, 90)}\n{a.claim.id}",
           max_width=34),
)


def _appearances_table(title: str, items: list[Appearance]) -> Table:
    table = Table(title=_t(title), show_lines=True, title_justify="left")
    for col in ("date", "document", "source", "stance", "relation", "origin", "content"):
        table.add_column(col, overflow="fold")
    for a in items:
        table.add_row(_t(_date_cell(a)), _t(_document_cell(a)), _t(source_cell(a)),
                      _t(stance_cell(a.claim)), _t(a.relation), _t(origin_cell(a)),
                      _t(f"{shorten(a.claim.content.text, 90)}\n{a.claim.id}"))
    return table


def render_entity_diff(result: EntityDiff, console: Console) -> None:
    shown = len(result.clusters)
    more = f" (first {shown} of {result.total}: --limit)" if shown < result.total else ""
    console.print(_t(f"{result.name}: {_plural(result.total, 'claim')} told by more than one "
                     f"document or contradicted{more}; "
                     f"{_plural(result.single, 'other claim')} in one document only"))
    for c in result.clusters:
        named = c.origins[:TITLE_ORIGINS]
        rest = len(c.origins) - len(named)
        origins = "; ".join(named) + (f"; and {rest} more" if rest > 0 else "") \
            or "none resolved"
        title = (f"{shorten(c.appearances[0].claim.content.text, 80)} — "
                 f"{_plural(c.documents, 'document')}, "
                 f"{_plural(len(c.origins), 'independent origin')} ({origins})")
        console.print(_appearances_table(title, c.appearances))
        _more(console, c.appearances_total - len(c.appearances), "appearance")
        if c.contradictions:
            console.print(_appearances_table("contradicted by", c.contradictions))
            _more(console, c.contradictions_total - len(c.contradictions), "contradicting claim")


TITLE_ORIGINS = 8  # origins a table's cluster title names; the rest are counted


def _more(console: Console, left: int, what: str) -> None:
    if left > 0:
        console.print(_t(f"... and {_plural(left, 'more ' + what)} (--json, --csv or --md "
                         "list every one)"))


def entity_diff_markdown(result: EntityDiff) -> str:
    lines = [f"# {_md_line(result.name)}: accounts compared", ""]
    lines += [f"{_plural(result.total, 'claim')} told by more than one document or "
              f"contradicted; {_plural(result.single, 'other claim')} in one document only.", ""]
    for i, c in enumerate(result.clusters, 1):
        lines += [f"## {i}. {_md_line(shorten(c.appearances[0].claim.content.text, 100))}", "",
                  f"{c.documents} documents; independent origins: "
                  f"{_md('; '.join(c.origins) or 'none resolved')}", ""]
        for title, items in (("Told by", c.appearances), ("Contradicted by", c.contradictions)):
            if not items:
                continue
            lines += [f"{title}:", "", "| date | document | source | stance | relation | origin "
                      "| content |", "| --- | --- | --- | --- | --- | --- | --- |"]
            lines += [f"| {a.date} | {_cell(_document_cell(a))} | {_cell(source_cell(a))} | "
                      f"{_cell(stance_cell(a.claim).replace(chr(10), '; '))} | {a.relation} | "
                      f"{_cell(origin_cell(a))} | {_cell(a.claim.content.text)} "
                      f"(`{a.claim.id}`) |" for a in items]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


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
