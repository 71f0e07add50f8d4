"""Renderers for the provenance report: Markdown, self-contained HTML, W3C PROV.

Everything taken from a document (titles, quotes, source names) is escaped:
the texts come from the web and may carry markup meant for a reader's browser,
and control characters meant for a terminal (escape.py: for_terminal in Markdown
and HTML, for_xml in PROV).
"""

from __future__ import annotations

import hashlib
import html
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from claimtrack.escape import for_terminal, for_xml, map_strings
from claimtrack.models import Claim, Report, ReportClaim, ReportDocument, Span

if TYPE_CHECKING:  # prov is imported where PROV is rendered; here only annotations
    from prov.model import Namespace, ProvDocument, QualifiedName

TITLE = "Provenance report"


def offsets_text(span: Span) -> str:
    """'[120:245]', with its pieces when the quote is split: '[120:245] = [120:180] + [200:245]'."""
    hull = f"[{span.start}:{span.end}]"
    if not span.fragments:
        return hull
    return hull + " = " + " + ".join(f"[{f.start}:{f.end}]" for f in span.fragments)


def attribution_text(c: Claim) -> str:
    """'source (cue), kind' as the report prints it."""
    cue = f" ({c.cue.text})" if c.cue else ""
    return f"{c.source_label}{cue}, {c.kind}"


def summary_text(report: Report) -> str:
    return _counted_summary(report, len(report.documents), report.claim_count)


# --- Markdown ---------------------------------------------------------------

# Inline characters that would turn quoted text into markup (CommonMark lets
# any ASCII punctuation be backslash-escaped). Brackets are left readable
# ("he [= Al-Mismari]") except where they could form a link: "](", "][" and a
# line-starting "[" (a link definition). '>' and '#' only matter at the start
# of a line, so chains keep their readable '->'.
_MD_INLINE = re.compile(r"([\\`*_<&])|\](?=[(\[])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=|\[-])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def _md(text: str) -> str:
    text = for_terminal(text)
    return _MD_INLINE.sub(lambda m: "\\" + m.group(0) if m.group(1) else "]\\", text)


def _md_line(text: str) -> str:
    """One line of quoted text that must not start a heading, list or quote."""
    text = _MD_ORDERED.sub(r"\1\\\2", _md(text))
    return _MD_LINE_START.sub(r"\1\\\2", text)


def _md_claim(rc: ReportClaim) -> list[str]:
    c = rc.claim
    # A split quote shows its pieces only: the words between them are not quoted.
    text = " … ".join(f.text for f in rc.quote.pieces())
    quote = [f"> {_md_line(line)}".rstrip() for line in text.splitlines() or [""]]
    lines = [f"### Claim {_md(c.id)}", "", *quote, ""]
    lines += [f"— {_md(attribution_text(c))}", ""]
    lines += [f"Chain: {_md(rc.chain_text)}", ""]
    lines += [f"Note: {_md(n)}" for n in rc.notes] + ([""] if rc.notes else [])
    lines += [f"Offsets: {offsets_text(rc.quote)}", ""]
    if c.flags:
        lines.append("Flags:")
        lines += [f"- `{f.code}` ({f.severity}): {_md(f.explanation)}" for f in c.flags]
    else:
        lines.append("Flags: none")
    if c.grade is not None:  # Admiralty grade (credibility.py), with its reasons
        g = c.grade
        lines += ["", f"Grade: {g.reliability}{g.credibility} (Admiralty)"]
        lines += [f"- {_md(r)}" for r in g.reasons]
    lines.append("")
    return lines


def _md_document(rd: ReportDocument) -> list[str]:
    d = rd.document
    lines = [f"## {_md_line(d.title or '(untitled)')}", ""]
    lines += [f"- id: {_md(d.id)}", f"- origin: {_md(d.origin)}"]
    lines += [f"- published: {d.published.isoformat() if d.published else 'unknown'}", ""]
    if rd.headline_vs_body is not None:
        lines += [f"**Headline vs body:** {_md(rd.headline_vs_body.note)}", ""]
    if not rd.claims:
        lines += ["No claims in this document.", ""]
    for rc in rd.claims:
        lines += _md_claim(rc)
    return lines


def _md_head(summary: str, claims: int) -> list[str]:
    lines = [f"# {TITLE}", "", _md(summary) + ".", ""]
    if claims == 0:
        lines += ["No claims in this report.", ""]
    return lines


def render_markdown(report: Report) -> str:
    lines = _md_head(summary_text(report), report.claim_count)
    for rd in report.documents:
        lines += _md_document(rd)
    return "\n".join(lines).rstrip() + "\n"


# --- HTML -------------------------------------------------------------------

_CSS = """
body{font:16px/1.5 Georgia,serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}
h1,h2,h3,.meta,.attribution,.chain,.offsets,.flags,dl{font-family:system-ui,sans-serif}
.meta,.offsets{color:#666;font-size:.9em}
section.document{border-top:2px solid #ccc;margin-top:2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:0 1rem}dt{font-weight:bold}dd{margin:0}
article.claim{border-left:4px solid #ddd;padding-left:1rem;margin:1.5rem 0}
.context{white-space:pre-wrap}mark{background:#fff3a3}
.src{text-decoration:underline}.cue{font-style:italic}
.chain{font-weight:bold}.sev-high{color:#a00}.sev-warning{color:#a60}.sev-info{color:#555}
""".strip()


def _e(text: str) -> str:
    return html.escape(for_terminal(text), quote=True)


def _context_html(rc: ReportClaim) -> str:
    """The paragraph, escaped, with the quote's pieces in <mark> and source/cue tagged."""
    para = rc.paragraph
    marks: list[tuple[int, int, str]] = []
    for f in rc.quote.pieces():
        marks.append((f.start, f.end, f'<mark data-start="{f.start}" data-end="{f.end}">'))
    c = rc.claim
    for span, cls in ((c.source, "src"), (c.cue, "cue")):
        for f in span.pieces() if span else []:
            marks.append((f.start, f.end, f'<span class="{cls}">'))
    kept: list[tuple[int, int, str]] = []
    for start, end, tag in marks:  # quote first: it wins any overlap
        inside = para.start <= start <= end <= para.end
        if inside and all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, tag))
    out, pos = [], para.start
    base = para.text
    for start, end, tag in sorted(kept):
        closing = "</mark>" if tag.startswith("<mark") else "</span>"
        out.append(_e(base[pos - para.start : start - para.start]))
        out.append(tag + _e(base[start - para.start : end - para.start]) + closing)
        pos = end
    out.append(_e(base[pos - para.start :]))
    return "".join(out)


def _html_grade(c: Claim) -> str:
    """The Admiralty grade (credibility.py) with its reasons, or nothing."""
    if c.grade is None:
        return ""
    g = c.grade
    why = "".join(f"<li>{_e(r)}</li>" for r in g.reasons)
    return (f'<p class="grade">Grade {_e(g.reliability)}{g.credibility} (Admiralty)</p>\n'
            f'<ul class="grade">{why}</ul>\n')


def _html_claim(rc: ReportClaim) -> str:
    c = rc.claim
    if c.flags:
        items = "".join(
            f'<li class="sev-{_e(f.severity)}"><code>{_e(f.code)}</code> ({_e(f.severity)}): '
            f"{_e(f.explanation)}</li>"
            for f in c.flags
        )
        flags = f'<ul class="flags">{items}</ul>'
    else:
        flags = '<p class="flags">No flags.</p>'
    return (
        f'<article class="claim" id="claim-{_e(c.id)}">\n'
        f"<h3>Claim {_e(c.id)}</h3>\n"
        f'<p class="context">{_context_html(rc)}</p>\n'
        f'<p class="attribution">— {_e(attribution_text(c))}</p>\n'
        f'<p class="chain">{_e(rc.chain_text)}</p>\n'
        + "".join(f'<p class="note">{_e(n)}</p>\n' for n in rc.notes)
        + f'<p class="offsets">offsets {_e(offsets_text(rc.quote))}</p>\n'
        f"{flags}\n{_html_grade(c)}</article>"
    )


def _html_document(rd: ReportDocument) -> str:
    d = rd.document
    published = d.published.isoformat() if d.published else "unknown"
    meta = "".join(
        f"<dt>{k}</dt><dd>{_e(v)}</dd>"
        for k, v in (("id", d.id), ("origin", d.origin), ("published", published))
    )
    body = "\n".join(_html_claim(rc) for rc in rd.claims) or "<p>No claims in this document.</p>"
    if rd.headline_vs_body is not None:
        body = (f'<p class="headline-vs-body"><strong>Headline vs body:</strong> '
                f"{_e(rd.headline_vs_body.note)}</p>\n{body}")
    return (
        f'<section class="document" id="doc-{_e(d.id)}">\n'
        f"<h2>{_e(d.title or '(untitled)')}</h2>\n<dl>{meta}</dl>\n{body}\n</section>"
    )


def _html_head(summary: str, claims: int) -> str:
    empty = "<p>No claims in this report.</p>\n" if claims == 0 else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{TITLE}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f'<header><h1>{TITLE}</h1>\n<p class="meta">{_e(summary)}</p></header>\n{empty}'
    )


_HTML_TAIL = "\n</body>\n</html>\n"


def render_html(report: Report) -> str:
    """A self-contained page: inline CSS, no scripts, no external resources."""
    docs = "\n".join(_html_document(rd) for rd in report.documents)
    return _html_head(summary_text(report), report.claim_count) + docs + _HTML_TAIL


# --- streamed: a whole corpus, a document at a time ----------------------------

# the formats a report can be written in as it is built (PROV by stream_prov)
STREAMED = ("md", "html", "json", "prov-json", "prov-xml", "prov-n", "provn")
_PROV_FORMATS: dict[str, Literal["json", "xml", "provn"]] = {
    "prov-json": "json", "prov-xml": "xml", "prov-n": "provn", "provn": "provn"}
_SPOOL = 16 * 2**20  # characters of rendered documents held in memory before a file


def stream_report(head: Report, documents: Iterable[ReportDocument], fmt: str,
                  for_json: Callable[[str], str]) -> Iterator[str]:
    """The text of render(`head` with `documents`, fmt) in pieces, each document rendered
    and dropped in turn: a report of every document of an archive (1.3 GB to render
    3,000 documents whole in Markdown) holds one document at a time. Markdown and HTML
    say the number of claims at the top: the documents are rendered to a temporary
    file first (in memory up to _SPOOL characters), then read back after the header."""
    if fmt == "json":
        skeleton = head.model_copy(update={"documents": []}).model_dump_json(indent=2)
        before, _, after = skeleton.rpartition('"documents": []')
        yield for_json(before + '"documents": [')
        first = True
        for rd in documents:
            body = rd.model_dump_json(indent=2)
            yield for_json(("\n" if first else ",\n") + textwrap.indent(body, "    "))
            first = False
        yield for_json(("]" if first else "\n  ]") + after) + "\n"
        return
    if fmt in _PROV_FORMATS:
        yield from stream_prov(documents, _PROV_FORMATS[fmt])
        return
    if fmt not in ("md", "html"):
        raise ValueError(f"a report in {fmt!r} is not streamed; use one of {STREAMED}")
    with tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8") as spool:
        claims = docs = 0
        for rd in documents:
            claims += len(rd.claims)
            docs += 1
            if fmt == "md":
                spool.write("\n" + "\n".join(_md_document(rd)))
            else:
                spool.write(("\n" if docs > 1 else "") + _html_document(rd))
        summary = _counted_summary(head, docs, claims)
        if fmt == "md":
            head_text, tail = "\n".join(_md_head(summary, claims)), "\n"
        else:
            head_text, tail = _html_head(summary, claims), _HTML_TAIL
        spool.seek(0)
        pending = head_text
        while chunk := spool.read(2**20):
            # render_markdown strips the end of the whole text: whitespace ending a
            # piece waits for the next, so the last piece holds all of it
            kept = pending.rstrip() if fmt == "md" else pending
            yield kept
            pending = pending[len(kept):] + chunk
        yield (pending.rstrip() if fmt == "md" else pending) + tail


def _counted_summary(report: Report, docs: int, claims: int) -> str:
    """summary_text of a report of `docs` documents and `claims` claims."""
    parts = [
        f"Generated {report.generated.strftime('%Y-%m-%d %H:%M %Z').strip()}",
        f"extractor {report.extractor or '(unknown)'}",
    ]
    if report.scope.entity:
        parts.append(f"entity {report.scope.entity!r}")
    parts.append(f"{docs} document{'s' * (docs != 1)}, {claims} claim{'s' * (claims != 1)}")
    return "; ".join(parts)


# --- W3C PROV -----------------------------------------------------------------

NAMESPACE = ("ct", "urn:claimtrack:")


def _local(prefix: str, *parts: str) -> str:
    """A QName-safe local name; a hash stands in when nothing ASCII is left."""
    slug = "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_") for p in parts).strip("_")
    if not slug or len(slug) > 80:
        slug = (slug[:60] + "_" if slug else "") + hashlib.sha1(
            "\x1f".join(parts).encode()
        ).hexdigest()[:10]
    return f"{prefix}_{slug}"


# claimtrack source types that PROV has an agent type for
_PROV_AGENT_TYPES = {"person": "Person", "anonymous": "Person", "organization": "Organization",
                     "outlet": "Organization"}


def _agent_key(name: str | None, cue: str | None, doc_id: str) -> tuple[str, str] | None:
    """(agent local name, label) for a source; None when no one is behind it."""
    if name:
        return _local("agent", name), name
    if cue:
        return None  # "it was reported that ...": no one to attribute it to
    return _local("author", doc_id), f"author of document {doc_id}"


def render_prov(report: Report, fmt: Literal["json", "xml", "provn"] = "json") -> str:
    """The report as a W3C PROV document (stream_prov, joined)."""
    return "".join(stream_prov(report.documents, fmt))


class _ProvRecords:
    """The PROV records of a report, one document at a time.

    document = prov:Entity; each claim as it appears there = prov:Entity whose
    prov:value is the quoted content (ct:start/ct:end/ct:fragments give its
    offsets); each attribution (the act of saying it) = prov:Activity that
    generated the claim, associated with the source = prov:Agent, to which the
    claim is attributed. Along a chain each account wasDerivedFrom the one that
    relays it, the outermost from the document. Relaying claims left out of
    the report by a filter still appear, as bare entities, to keep chains whole.
    An agent is declared once, where a document first names it; a chain's hops
    are its document's claims, so what a document declares is known per document.
    """

    def __init__(self) -> None:
        self.agents: set[str] = set()  # agent names: what the report holds across documents

    def of(self, rd: ReportDocument) -> ProvDocument:
        """A PROV document of one report document's records (agents declared before
        left out: they are declared in an earlier document's)."""
        from prov.model import PROV, PROV_LABEL, PROV_TYPE, PROV_VALUE

        # every string, once: XML 1.0 cannot hold most control characters
        rd = type(rd).model_validate(map_strings(rd.model_dump(), for_xml))
        doc, ns = _new_prov()
        declared: set[str] = set()
        derived: set[tuple[str, str]] = set()

        def attribute(entity_id: str, name: str | None, cue: str | None, doc_id: str,
                      stype: str | None = None) -> QualifiedName | None:
            key = _agent_key(name, cue, doc_id)
            if key is None:
                return None
            if key[0] not in self.agents:
                self.agents.add(key[0])
                agent_attrs: dict[QualifiedName, Any] = {PROV_LABEL: key[1]}
                if stype and stype != "unknown":
                    agent_attrs[ns["source_type"]] = stype
                    if stype in _PROV_AGENT_TYPES:
                        agent_attrs[PROV_TYPE] = PROV[_PROV_AGENT_TYPES[stype]]
                doc.agent(ns[key[0]], agent_attrs)
            doc.wasAttributedTo(ns[entity_id], ns[key[0]])
            return ns[key[0]]

        d = rd.document
        attrs: dict[QualifiedName, Any] = {
            PROV_LABEL: d.title or "(untitled)",
            ns["origin"]: d.origin,
            ns["sha256"]: d.sha256,
        }
        if d.published:
            attrs[ns["published"]] = d.published.isoformat()
        doc_id = _local("doc", d.id)
        doc.entity(ns[doc_id], attrs)
        for rc in rd.claims:
            c = rc.claim
            own = _local("claim", c.id)
            attrs = {
                PROV_VALUE: rc.quote.text,
                PROV_LABEL: f"claim {c.id}",
                ns["start"]: rc.quote.start,
                ns["end"]: rc.quote.end,
                ns["kind"]: c.kind,
                ns["chain"]: rc.chain_text,
                ns["extractor"]: c.extractor,
            }
            if rc.quote.fragments:
                attrs[ns["fragments"]] = offsets_text(rc.quote)
            if c.flags:
                attrs[ns["flags"]] = "; ".join(f.code for f in c.flags)
            doc.entity(ns[own], attrs)
            declared.add(own)
            act_attrs: dict[QualifiedName, Any] = {PROV_LABEL: attribution_text(c)}
            if c.cue:
                act_attrs.update(
                    {ns["cue"]: c.cue.text, ns["cue_start"]: c.cue.start, ns["cue_end"]: c.cue.end}
                )
            if c.relation:
                act_attrs[ns["relation"]] = c.relation
            act = doc.activity(ns[_local("attribution", c.id)], None, None, act_attrs)
            doc.wasGeneratedBy(ns[own], act)
            name = (c.source_entity or c.source.text) if c.source else None
            stype = c.source_info.type if c.source_info else None
            agent = attribute(own, name, c.cue.text if c.cue else None, c.doc_id, stype)
            if agent is not None:
                doc.wasAssociatedWith(act, agent)

        # Derivations along each chain: document -> outermost -> ... -> claim.
        for rc in rd.claims:
            hops = rc.chain.hops
            k = next(i for i, h in enumerate(hops) if h.claim_id == rc.claim.id)
            path = [doc_id]
            for h in hops[: k + 1]:
                hop_id = _local("claim", h.claim_id)
                if hop_id not in declared:  # a relay the filter left out
                    declared.add(hop_id)
                    doc.entity(ns[hop_id], {PROV_LABEL: f"claim {h.claim_id}"})
                    attribute(hop_id, h.entity or h.source, h.cue, rd.document.id)
                path.append(hop_id)
            for used, generated in zip(path, path[1:], strict=False):
                if (generated, used) not in derived:
                    derived.add((generated, used))
                    doc.wasDerivedFrom(ns[generated], ns[used])
        return doc


def stream_prov(documents: Iterable[ReportDocument],
                fmt: Literal["json", "xml", "provn"] = "json") -> Iterator[str]:
    """The W3C PROV document of a report's `documents`, in pieces: each document's
    records are built, serialised by the `prov` library and dropped in turn, so a
    report of every document of an archive holds one document's records, not all
    (2.4 GB for 3,000 documents as one ProvDocument). What only the whole document
    knows (PROV-N's and PROV-XML's namespace declarations, PROV-JSON's sections, its
    prefixes and blank-node numbers) is gathered as the documents go and the
    records are spooled (in memory up to _SPOOL characters, then a temporary file):
    the text is the one `prov` gives for the whole document, byte for byte."""
    records = _ProvRecords()
    if fmt == "provn":
        yield from _stream_provn(map(records.of, documents))
    elif fmt == "json":
        yield from _stream_prov_json(map(records.of, documents))
    elif fmt == "xml":
        yield from _stream_prov_xml(map(records.of, documents))
    else:
        raise ValueError(f"unknown PROV format {fmt!r}")


def _new_prov() -> tuple[ProvDocument, Namespace]:
    """An empty PROV document with our namespace, and the namespace."""
    from prov.model import ProvDocument

    doc = ProvDocument()
    return doc, doc.add_namespace(*NAMESPACE)


def _empty_prov(fmt: Literal["json", "xml"]) -> str:
    """The serialisation of a PROV document with our namespace and no record."""
    doc = _new_prov()[0]
    text = doc.serialize(format="json", indent=2) if fmt == "json" else doc.serialize(format=fmt)
    assert isinstance(text, str)
    return text if text.endswith("\n") else text + "\n"


def _drained(spool: Any) -> Iterator[str]:
    """What was written to a spool, from its start, a megabyte at a time."""
    spool.seek(0)
    while chunk := spool.read(2**20):
        yield chunk


def _stream_provn(docs: Iterable[ProvDocument]) -> Iterator[str]:
    """PROV-N: the statements of each document in turn, under the namespace lines the
    whole document would have (a prefix `prov` adds where a record needs it, "xsi",
    comes from the documents whose records do)."""
    header = ""
    with tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8") as spool:
        for doc in docs:
            # the document's statements follow its prefix lines: where its first one
            # (every report document has its own entity) starts
            text = doc.get_provn()
            first = "\n  " + next(iter(doc.get_records())).get_provn()
            at = text.find(first)
            if at < 0 or not text.endswith("\nendDocument"):  # a layout `prov` does not give
                raise ValueError("unexpected PROV-N layout from the prov library")
            header = max(header, text[:at], key=len)  # every prefix any document declares
            spool.write(text[at: -len("\nendDocument")])
        if not header:
            header = _new_prov()[0].get_provn().removesuffix("\nendDocument")
        yield header
        yield from _drained(spool)
    yield "\nendDocument\n"


def _stream_prov_json(docs: Iterable[ProvDocument]) -> Iterator[str]:
    """PROV-JSON: `prov`'s encoding of each document, its records spooled by record
    type in the order the types first appear, its blank nodes ("_:id3") numbered on
    from the documents before, and the prefixes any document uses declared first."""
    import json
    from contextlib import ExitStack

    from prov.serializers.provjson import encode_json_container

    prefixes: dict[str, Any] = {}
    blanks = 0
    with ExitStack() as stack:
        spools: dict[str, Any] = {}  # record type -> its entries, types in first-use order
        for doc in docs:
            container = encode_json_container(doc)
            prefixes.update(container.pop("prefix", {}))
            for kind, records in container.items():
                if kind not in spools:
                    spools[kind] = stack.enter_context(tempfile.SpooledTemporaryFile(
                        _SPOOL // 8, mode="w+", encoding="utf-8"))
                spool = spools[kind]
                for key, value in records.items():
                    if key.startswith("_:id") and key[4:].isdigit():
                        key = f"_:id{int(key[4:]) + blanks}"
                    entry = json.dumps(key) + ": " + json.dumps(value, indent=2)
                    spool.write(("",  ",\n")[spool.tell() > 0] + "    "
                                + entry.replace("\n", "\n    "))
            blanks += sum(1 for r in doc.get_records() if r.identifier is None)
        if not spools:  # no document: the namespaces alone
            yield _empty_prov("json")
            return
        opening = "{\n"
        if prefixes:
            opening += '  "prefix": ' + json.dumps(prefixes, indent=2).replace("\n", "\n  ")
        for kind, spool in spools.items():
            yield opening + ("" if opening == "{\n" else ",\n") + "  " + json.dumps(kind) + ": {\n"
            opening = ""
            yield from _drained(spool)
            yield "\n  }"
        yield "\n}\n"


def _stream_prov_xml(docs: Iterable[ProvDocument]) -> Iterator[str]:
    """PROV-XML: each document's record elements in turn, inside the one root element
    every document's serialisation opens with (its namespaces are `prov`'s defaults
    and ours, the same in each)."""
    root: str | None = None
    with tempfile.SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8") as spool:
        for doc in docs:
            text = doc.serialize(format="xml")
            assert isinstance(text, str)
            declaration, start, rest = text.split("\n", 2)
            if root is None:
                root = declaration + "\n" + start + "\n"
            elif declaration + "\n" + start + "\n" != root:
                raise ValueError("unexpected PROV-XML root from the prov library")
            body, _, _ = rest.rstrip("\n").rpartition("\n")  # less "</prov:document>"
            spool.write(body + "\n")
        if root is None:  # no document: the namespaces alone
            yield _empty_prov("xml")
            return
        yield root
        yield from _drained(spool)
    yield "</prov:document>\n"
