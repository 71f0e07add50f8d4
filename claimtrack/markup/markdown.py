"""Markdown -> stored text + link records, in one pass so that every Link's
offsets index the text exactly (`text[l.start:l.end] == l.text`); paragraph
structure (blank lines) is kept, the extractor relies on it. Also a YAML
front-matter block's title and date."""

from __future__ import annotations

import bisect
import html as htmlmod
import re

from claimtrack.models import Link

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
