"""HTML -> Markdown of the page's main text (trafilatura, with fallbacks for
pages nested too deeply) and the page's own metadata (title, date, author,
site, url). The Markdown then goes through markdown.py like any other."""

from __future__ import annotations

import datetime as dt
import html.parser as htmlmod_parser
import re
from typing import Any

_MD_ESCAPE = re.compile(r"([\\\[\]*_<&`!])")
_LINE_START_ESCAPE = re.compile(r"^([ \t]*)([#>=])", re.M)
_BLOCK_TAGS = {
    # trafilatura XML
    "p",
    "head",
    "quote",
    "list",
    "item",
    "table",
    "row",
    "code",
    "cell",
    # HTML (fallback)
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "li",
    "ul",
    "ol",
    "blockquote",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "tr",
    "pre",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "aside",
    "address",
    "td",
    "th",
}
_SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "form",
    "select",
    "button",
    "nav",
    "graphic",
    "img",
}
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _md_text(s: str) -> str:
    return _MD_ESCAPE.sub(r"\\\1", re.sub(r"\s+", " ", s))


class _ToMarkdown:
    """Element tree (trafilatura XML or lxml HTML) -> Markdown paragraphs."""

    def __init__(self, html_vocab: bool):
        self.html_vocab = html_vocab
        self.blocks: list[str] = []
        self.cur: list[str] = []
        self.prefix = ""

    def flush(self) -> None:
        para = re.sub(r"[ \t]+", " ", "".join(self.cur)).strip()
        para = "\n".join(line.strip() for line in para.split("\n"))
        if para:
            para = _LINE_START_ESCAPE.sub(r"\1\\\2", para)
            self.blocks.append(self.prefix + para)
        self.cur = []
        self.prefix = ""

    def _heading_level(self, tag: str, el: Any) -> int:
        if tag in _HEADING_TAGS:
            return _HEADING_TAGS[tag]
        if tag == "head" and not self.html_vocab:  # trafilatura: <head rend="h2">
            rend = el.get("rend") or ""
            return int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
        return 0

    def walk(self, el: Any) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP_TAGS or (self.html_vocab and tag in ("head", "title")):
            self.cur.append(_md_text(el.tail or ""))  # comments, scripts: drop all but tail
            return
        if tag in ("ref", "a"):
            target = el.get("target" if tag == "ref" else "href") or ""
            inner = _ToMarkdown(self.html_vocab)
            inner.cur.append(_md_text(el.text or ""))
            for child in el:
                inner.walk(child)
            anchor = re.sub(r"\s+", " ", "".join(inner.cur)).strip()
            if anchor:
                # trafilatura trims the space between a word and a link: "Hi<ref>"
                before = next((c for c in reversed(self.cur) if c), "")
                if before[-1:].isalnum() and anchor[0].isalnum():
                    self.cur.append(" ")
                self.cur.append(f"[{anchor}](<{target.strip().replace('>', '%3E')}>)")
            tail = _md_text(el.tail or "")
            if anchor and anchor[-1].isalnum() and tail[:1].isalnum():
                tail = " " + tail
            self.cur.append(tail)
            return
        if tag in ("lb", "br"):
            self.cur.append("\n" + _md_text(el.tail or ""))
            return
        block = tag in _BLOCK_TAGS or (tag == "head" and not self.html_vocab)
        if block:
            self.flush()
            level = self._heading_level(tag, el)
            if level:
                self.prefix = "#" * level + " "
            elif tag in ("item", "li"):
                self.prefix = "- "
        self.cur.append(_md_text(el.text or ""))
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        self.cur.append(_md_text(el.tail or ""))

    def markdown(self) -> str:
        self.flush()
        return "\n\n".join(self.blocks)


def _deep_tree(html: str) -> Any | None:
    """lxml's tree of a page, with no limit on depth. libxml2 stops at 255
    levels by default and silently drops what lies deeper: a page of 300 nested
    <div>s around its article then has no text at all."""
    import lxml.etree
    import lxml.html

    try:
        return lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (ValueError, lxml.etree.ParserError):
        return None


def _fallback_markdown(html: str, root: Any | None = None) -> str:
    """Plain extraction of <body> for pages trafilatura finds no article in."""
    root = _deep_tree(html) if root is None else root
    if root is None:
        return ""
    body = root.find("body")
    conv = _ToMarkdown(html_vocab=True)
    try:
        conv.walk(body if body is not None else root)
    except RecursionError:  # nested deeper than Python recurses: the flat reading below
        return ""
    return conv.markdown()


class _FlatText(htmlmod_parser.HTMLParser):
    """The text of a page, a paragraph per block element, in one pass with no
    tree and so no depth limit: the last resort for pages nested deeper than
    libxml2 (about 2,000 levels even with huge_tree) or Python's recursion go."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.cur: list[str] = []
        self.skip = 0

    def flush(self) -> None:
        para = re.sub(r"\s+", " ", "".join(self.cur)).strip()
        if para:
            self.blocks.append(_LINE_START_ESCAPE.sub(r"\1\\\2", _md_text(para)))
        self.cur = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP_TAGS or tag in ("head", "title"):
            self.skip += 1
        elif tag in _BLOCK_TAGS or tag in ("br", "p"):
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS or tag in ("head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS or tag == "p":
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.cur.append(data)


def _flat_markdown(html: str) -> str:
    parser = _FlatText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return "\n\n".join(parser.blocks)


def _parse_iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _trafilatura_markdown(html: str | Any) -> str:
    """trafilatura's main text of a page (a string or an lxml tree) as Markdown."""
    import lxml.etree
    import trafilatura

    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_links=True,
        include_formatting=False,
        include_images=False,
        include_comments=False,
        include_tables=True,
    )
    if not xml:
        return ""
    try:
        tree = lxml.etree.fromstring(xml.encode("utf-8"))
    except lxml.etree.XMLSyntaxError:
        return ""
    main = tree.find("main")
    conv = _ToMarkdown(html_vocab=False)
    for child in [main] if main is not None else list(tree):
        conv.walk(child)
    return conv.markdown()


def html_to_markdown(html: str) -> tuple[str, dict]:
    """HTML -> (Markdown of the main text with links, metadata).

    Metadata keys: title, date (datetime.date), author, sitename, url; None when
    absent. Dates come only from the page's own markup (no extensive search,
    which guesses from copyright footers). A page nested too deeply for the
    usual reading still gives its text: read again without a depth limit,
    and last as flat text."""
    import trafilatura

    md = _trafilatura_markdown(html)
    if not md.strip():
        deep = _deep_tree(html)
        if deep is not None:
            md = _trafilatura_markdown(deep)  # the article, had the page been read whole
            if not md.strip():
                md = _fallback_markdown(html, deep)
    if not md.strip():
        md = _flat_markdown(html)
    meta: dict[str, Any] = {
        "title": None,
        "date": None,
        "author": None,
        "sitename": None,
        "url": None,
    }
    try:
        doc = trafilatura.extract_metadata(html, extensive=False)
    except Exception:  # noqa: BLE001 - metadata is optional; a bad page still has text
        doc = None
    if doc is not None:
        meta.update(
            title=(doc.title or "").strip() or None,
            date=_parse_iso_date(doc.date),
            author=doc.author,
            sitename=doc.sitename,
            url=doc.url,
        )
    return md, meta
