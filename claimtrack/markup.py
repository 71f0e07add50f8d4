"""Markdown/HTML -> stored text + link records; title and publication date.

The stored text is built in one pass so that every Link's offsets index it
exactly (`text[l.start:l.end] == l.text`). Paragraph structure (blank lines)
is kept: the extractor relies on it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html as htmlmod
import html.parser as htmlmod_parser
import re
from typing import Any

from claimtrack.models import Link

# --- Markdown ----------------------------------------------------------------

_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LOOKAHEAD = 1000  # bound the search for a closing bracket/emphasis (no O(n^2) blowups)
_MAX_NESTING = 50  # links/emphasis inside each other, deeper than any real text
_PARA_SPLIT = re.compile(r"(\n(?:[ \t]*\n)+)")

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_SETEXT = re.compile(r"^ {0,3}=+[ \t]*$")
_REF_DEF = re.compile(
    r"^ {0,3}\[([^\]\n^][^\]\n]*)\]:[ \t]*(<[^>\n]*>|\S+)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$"
)
_AUTOLINK = re.compile(
    r"<((?:https?|ftp)://[^\s<>]*|mailto:[^\s<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _missing(target: str) -> bool:
    """A target the reader cannot follow. A fragment like "#intro" is followable."""
    t = target.strip()
    return t in ("", "#") or t.lower().startswith("javascript:")


def _norm_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _block_pass(md: str) -> tuple[str, dict[str, str]]:
    """Line-level markup: heading/quote markers, setext underlines, reference
    definitions (collected, then dropped). Runs before offsets exist."""
    refs: dict[str, str] = {}
    out: list[str] = []
    prev = ""
    for line in md.split("\n"):
        m = _REF_DEF.match(line)
        if m:
            refs.setdefault(_norm_label(m.group(1)), m.group(2).strip("<>"))
            continue
        if _SETEXT.match(line) and prev.strip():
            out.append("")
            prev = ""
            continue
        line = _QUOTE.sub("", line)
        if _HEADING.match(line):
            line = _HEADING_CLOSE.sub("", _HEADING.sub("", line))
        out.append(line)
        prev = line
    return "\n".join(out), refs


class _Inline:
    """One-pass inline scanner writing the stored text and collecting links."""

    def __init__(self, refs: dict[str, str]):
        self.refs = refs
        self.parts: list[str] = []
        self.pos = 0  # length of the text emitted so far
        self.links: list[Link] = []
        self.depth = 0

    def emit(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def run(self, s: str) -> None:
        """Scan one paragraph (inline constructs never cross a blank line)."""
        if self.depth > _MAX_NESTING:  # pathological nesting: keep it as it is
            self.emit(s)
            return
        self.depth += 1
        try:
            self._scan(s)
        finally:
            self.depth -= 1

    def _scan(self, s: str) -> None:
        i, n = 0, len(s)
        closers: dict[str, list[int]] = {}  # emphasis closer positions, per delimiter
        while i < n:
            c = s[i]
            if c == "\\" and i + 1 < n and s[i + 1] in _PUNCT:
                self.emit(s[i + 1])
                i += 2
            elif c == "!" and s.startswith("[", i + 1) and (hit := self._link(s, i + 1)):
                anchor, _target, i = hit
                self.run(anchor)  # image: alt text only, no link record
            elif c == "[" and (hit := self._link(s, i)):
                anchor, target, i = hit
                start, first = self.pos, len(self.parts)
                self.run(anchor)
                text = "".join(self.parts[first:])
                self.links.append(
                    Link(
                        start=start,
                        end=self.pos,
                        text=text,
                        target=target,
                        missing=_missing(target),
                    )
                )
            elif c == "<" and (m := _AUTOLINK.match(s, i)):
                url = m.group(1)
                start = self.pos
                self.emit(url)
                target = url if ":" in url else f"mailto:{url}"
                self.links.append(
                    Link(start=start, end=self.pos, text=url, target=target, missing=False)
                )
                i = m.end()
            elif c in "*_" and (em := self._emphasis(s, i, closers)):
                inner, i = em
                self.run(inner)
            elif c == "&" and (m := _ENTITY.match(s, i)):
                self.emit(htmlmod.unescape(m.group(0)))
                i = m.end()
            else:
                j = i + 1
                while j < n and s[j] not in "\\![<*_&":
                    j += 1
                self.emit(s[i:j])
                i = j

    # -- pieces ---------------------------------------------------------------

    @staticmethod
    def _close_bracket(s: str, i: int) -> int | None:
        """Index of the `]` matching the `[` at i, within the paragraph."""
        depth, j, end = 0, i, min(len(s), i + _LOOKAHEAD)
        if s.find("]", i, end) < 0:
            return None
        while j < end:
            c = s[j]
            if c == "\\":
                j += 2
                continue
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return j
            j += 1
        return None

    @staticmethod
    def _destination(s: str, i: int) -> tuple[str, int] | None:
        """Parse `(target "title")` starting at the `(` at i -> (target, index after `)`)."""
        n, j = min(len(s), i + _LOOKAHEAD), i + 1
        j = _skip_space(s, j)
        if j < n and s[j] == "<":
            k = s.find(">", j, n)
            if k < 0 or "\n" in s[j:k]:
                return None
            target, j = s[j + 1 : k], k + 1
        else:
            depth, k = 0, j
            while k < n and not s[k].isspace():
                if s[k] == "\\":
                    k += 2
                    continue
                if s[k] == "(":
                    depth += 1
                elif s[k] == ")":
                    if depth == 0:
                        break
                    depth -= 1
                k += 1
            target, j = s[j:k], k
        j = _skip_space(s, j)
        if j < n and s[j] in "\"'(":
            close = ")" if s[j] == "(" else s[j]
            k = s.find(close, j + 1, n)
            if k < 0:
                return None
            j = _skip_space(s, k + 1)
        if j < n and s[j] == ")":
            return re.sub(r"\\([^\w\s])", r"\1", target), j + 1
        return None

    def _link(self, s: str, i: int) -> tuple[str, str, int] | None:
        """`[anchor](target)`, `[anchor][ref]`, `[anchor][]`, `[ref]` at i."""
        close = self._close_bracket(s, i)
        if close is None:
            return None
        anchor = s[i + 1 : close]
        j = close + 1
        if j < len(s) and s[j] == "(" and (dest := self._destination(s, j)):
            return anchor, dest[0], dest[1]
        if j < len(s) and s[j] == "[":
            k = s.find("]", j + 1)
            if k >= 0 and "\n\n" not in s[j:k]:
                label = s[j + 1 : k] or anchor
                target = self.refs.get(_norm_label(label))
                if target is not None:
                    return anchor, target, k + 1
        target = self.refs.get(_norm_label(anchor))
        if target is not None and anchor.strip():
            return anchor, target, j
        return None

    @staticmethod
    def _emphasis(s: str, i: int, closers: dict[str, list[int]]) -> tuple[str, int] | None:
        """`*x*`, `**x**`, `_x_`, `__x__` (and triple) -> (inner, index after closer).

        Flanking rules keep `3 * 4`, `snake_case` and list bullets literal."""
        c = s[i]
        if i > 0 and s[i - 1] == c:
            return None
        run = 1
        while i + run < len(s) and s[i + run] == c:
            run += 1
        if run > 3:
            return None
        after = i + run
        if after >= len(s) or s[after].isspace():
            return None
        if c == "_" and i > 0 and s[i - 1].isalnum():
            return None
        delim = c * run
        if delim not in closers:
            closers[delim] = _closers(s, delim)
        found = closers[delim]
        n = bisect.bisect_right(found, after)
        if n == len(found):
            return None
        k = found[n]
        return s[after:k], k + run


def _closers(s: str, delim: str) -> list[int]:
    """Positions of runs of exactly `delim` that can close emphasis: right after a
    non-space, unescaped; `_` not followed by a letter/digit (intraword)."""
    c = delim[0]
    out = []
    for m in re.finditer(re.escape(c) + "+", s):
        k = m.start()
        if m.group() != delim or k == 0 or s[k - 1].isspace() or s[k - 1] == "\\":
            continue
        if c == "_" and m.end() < len(s) and s[m.end()].isalnum():
            continue
        out.append(k)
    return out


def _skip_space(s: str, j: int) -> int:
    """Skip spaces/tabs and at most one newline (a link may wrap a line)."""
    newline = False
    while j < len(s) and s[j] in " \t\n":
        if s[j] == "\n":
            if newline:
                break
            newline = True
        j += 1
    return j


def strip_markdown_links(md: str) -> tuple[str, list[Link]]:
    """Markdown -> (stored text, links). Link/image/emphasis/heading/quote
    markup is removed; anchors stay in the text with Link records on them."""
    body, refs = _block_pass(md)
    sc = _Inline(refs)
    for n, piece in enumerate(_PARA_SPLIT.split(body)):
        if n % 2:
            sc.emit(piece)  # blank lines between paragraphs, kept as they are
        else:
            sc.run(piece)
    raw = "".join(sc.parts)
    text = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    links: list[Link] = []
    for link in sc.links:
        start = min(max(link.start - lead, 0), len(text))
        end = min(max(link.end - lead, start), len(text))
        links.append(link.model_copy(update={"start": start, "end": end, "text": text[start:end]}))
    return text, links


def split_front_matter(md: str) -> tuple[str, dict[str, str]]:
    """Drop a YAML front-matter block (`---` ... `---`), returning its simple
    `key: value` pairs (title, date) so they are not read as article text."""
    m = _FRONT_MATTER.match(md)
    if not m:
        return md, {}
    fields: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t", "-")):
            fields[key.strip().lower()] = value.strip().strip("\"'")
    if not fields:
        return md, {}
    return md[m.end() :], fields


# --- HTML --------------------------------------------------------------------

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


# --- title and date ----------------------------------------------------------

_TITLE_MAX = 200


def find_title(text: str) -> str | None:
    """First non-empty line, heading markers removed; long lines cut at a word."""
    for line in text.splitlines():
        line = re.sub(r"^\s*#{1,6}\s*", "", line).strip()
        if not line:
            continue
        if len(line) > _TITLE_MAX:
            line = line[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"
        return line
    return None


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_RE = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR_RE = r"(?P<year>(?:19|20)\d\d)"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<mon>[01]?\d)[-/.](?P<day>[0-3]?\d)\b"),
    re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE},?\s+{_YEAR_RE}\b", re.I),
    re.compile(rf"\b{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE},?\s+{_YEAR_RE}\b", re.I),
]
_DATE_LINES = 15
_DATELINE_MAX = 120  # longer lines are prose: the body has begun
_DATELINE_WORDS = 10  # a header line holding a date says little else ("Global Research, ...")
_TITLE_DATE_WORDS = 3  # the first line is the title: a date there is its subject, unless alone
_PUBLISHED_CUE = re.compile(r"\b(?:published|posted|updated|dated?)\b[:\s]*(?:on\s+)?$", re.I)
_DASH_AFTER = re.compile(r"[\s,]*(?:\([^)\n]{1,40}\)\s*)?[-\u2013\u2014]")


def _dates_in(line: str) -> list[tuple[int, int, dt.date]]:
    found = []
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(line):
            mon = m["mon"]
            month = int(mon) if mon.isdigit() else _MONTHS[mon.lower().rstrip(".")]
            try:
                date = dt.date(int(m["year"]), month, int(m["day"]))
            except ValueError:
                continue
            found.append((m.start(), m.end(), date))
    return sorted(found, key=lambda x: x[0])


def find_published_date(text: str) -> dt.date | None:
    """The publication date from an article's header, or None.

    A full date (ISO, "March 10, 2015", "10 March 2015"; numeric dd/mm vs
    mm/dd is ambiguous and ignored) counts when it follows "published/posted/
    updated", or sits on a short header line that says little else
    ("Global Research, March 10, 2015"), or opens the first paragraph as a
    dateline ("WASHINGTON, March 10, 2015 — ..."). Once a paragraph of prose
    has begun, later dates are events in the story, not publication."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:_DATE_LINES]
    for idx, line in enumerate(lines):
        prose = len(line) > _DATELINE_MAX
        for start, end, date in _dates_in(line):
            if _PUBLISHED_CUE.search(line[max(0, start - 30) : start]):
                return date
            if prose:
                if start <= 40 and _DASH_AFTER.match(line, end):
                    return date
                continue
            others = len((line[:start] + " " + line[end:]).split())
            if others <= (_TITLE_DATE_WORDS if idx == 0 else _DATELINE_WORDS):
                return date
        if prose:
            break
    return None
