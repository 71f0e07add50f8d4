"""Paths, folders, globs and stdin -> ParsedInput records.

Every way a file can be unusable raises InputError with what is wrong and
what to do, so `claimtrack add` can report it in one line and go on.
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import re
import sys
from collections.abc import Sequence
from typing import BinaryIO, Literal

from claimtrack.errors import InputError
from claimtrack.markup import (
    find_published_date,
    find_title,
    html_to_markdown,
    split_front_matter,
    strip_markdown_links,
)
from claimtrack.models import ParsedInput

Format = Literal["text", "markdown", "html"]

DOC_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".text")
_EXT_FORMAT: dict[str, Format | None] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": None,  # sniffed: plenty of .txt files hold Markdown
    ".text": None,
}
_FMT_ALIASES: dict[str, Format] = {
    "text": "text",
    "txt": "text",
    "markdown": "markdown",
    "md": "markdown",
    "html": "html",
    "htm": "html",
}
_DOC_LIST = " ".join(DOC_EXTENSIONS)

# Known binary formats, named so the message can say what to convert.
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF", "a PDF", "extract its text first (e.g. `pdftotext FILE.pdf`) and add the .txt"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "add the article's text, not an image"),
    (b"\xff\xd8\xff", "a JPEG image", "add the article's text, not an image"),
    (b"GIF8", "a GIF image", "add the article's text, not an image"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.epub)", "unpack or export it to text/HTML first"),
    (b"SQLite format 3\x00", "an SQLite database", "add documents, not a database file"),
    (b"\x1f\x8b", "a gzip archive", "decompress it first (e.g. `gunzip`)"),
    (b"\x7fELF", "an executable", "add a text, Markdown or HTML document"),
]
_BOMS: list[tuple[bytes, str]] = [
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]
_CONTROL = set(range(0x00, 0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}
_CONTROL_MAX = 0.10  # share of control bytes above which a file is not text
_SNIFF_BYTES = 8192

_HTML_SNIFF = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_MD_SNIFF = re.compile(
    r"\[[^\]\n]+\]\([^)\n]*\)"  # [anchor](target)
    r"|^ {0,3}#{1,6}[ \t]+\S"  # # heading
    r"|^ {0,3}\[[^\]\n]+\]:[ \t]*\S"  # [ref]: target
    r"|\[[^\]\n]+\]\[[^\]\n]*\]",  # [anchor][ref]
    re.M,
)


# --- expanding arguments -------------------------------------------------------


def _is_doc(path: str) -> bool:
    return path.lower().endswith(DOC_EXTENSIONS)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _folder_docs(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not _hidden(d)]  # also prunes .git, .venv
        found.extend(os.path.join(root, f) for f in files if not _hidden(f) and _is_doc(f))
    return sorted(found)


def expand_inputs(args: Sequence[str]) -> tuple[list[str], list[InputError]]:
    """Arguments -> document paths ("-" = stdin) and one error per unusable argument.

    Files named directly are kept whatever their extension; folders give their
    document files recursively (hidden ones skipped); glob patterns (`**` too)
    give the document files and folders they match. Each argument's expansion
    is sorted; the first occurrence of a path wins."""
    items: list[str] = []
    errors: list[InputError] = []
    seen: set[str] = set()

    def keep(path: str) -> None:
        key = path if path == "-" else os.path.normcase(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            items.append(path)

    for arg in args:
        if arg == "-":
            keep("-")
        elif os.path.isdir(arg):
            docs = _folder_docs(arg)
            if not docs:
                errors.append(
                    InputError(
                        arg,
                        f"folder has no document files ({_DOC_LIST}); "
                        "name the files directly or pick another folder",
                    )
                )
            for d in docs:
                keep(d)
        elif os.path.exists(arg):
            keep(arg)
        elif glob.has_magic(arg):
            matched: list[str] = []
            for m in sorted(glob.glob(arg, recursive=True)):
                if os.path.isdir(m):
                    matched.extend(_folder_docs(m))
                elif _is_doc(m):
                    matched.append(m)
            if not matched:
                errors.append(
                    InputError(
                        arg,
                        f"pattern matches no document files ({_DOC_LIST}); "
                        "check the pattern and the current folder",
                    )
                )
            for m in matched:
                keep(m)
        else:
            errors.append(
                InputError(
                    arg, "no such file or folder; check the path (use - to read standard input)"
                )
            )
    return items, errors


# --- reading -------------------------------------------------------------------


def read_input(item: str, stdin: BinaryIO | None = None, fmt: str | None = None) -> ParsedInput:
    """Read one expanded input ("-" = stdin, origin "<stdin>") and parse it."""
    if item == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return parse_bytes(stream.read(), "<stdin>", fmt)
    if os.path.isdir(item):
        raise InputError(
            item,
            "is a folder, not a file; pass the folder to `claimtrack add` "
            "to add the documents inside it",
        )
    try:
        with open(item, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise InputError(item, "no such file; check the path") from None
    except PermissionError:
        raise InputError(
            item, "permission denied; make the file readable (e.g. `chmod u+r`) or copy it"
        ) from None
    except OSError as e:
        raise InputError(item, f"cannot read it ({e.strerror or e}); check the file") from None
    return parse_bytes(raw, item, fmt)


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 with no BOM (some Windows tools): mostly-ASCII text then has a NUL
    in every other byte and nowhere else."""
    head = raw[:_SNIFF_BYTES]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and others.count(0) == 0:
            return codec
    return None


def _check_binary(raw: bytes, origin: str) -> None:
    for sig, what, todo in _SIGNATURES:
        if raw.startswith(sig):
            raise InputError(origin, f"is {what}, not a text document; {todo}")
    if any(raw.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(raw):
        return  # UTF-16/32 text is full of NUL bytes
    head = raw[:_SNIFF_BYTES]
    if b"\x00" in head or sum(b in _CONTROL for b in head) > _CONTROL_MAX * len(head):
        raise InputError(
            origin,
            "looks binary (NUL/control bytes), not a text document; "
            "add a text, Markdown or HTML file",
        )


_CHARSET = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares (e.g. windows-1252), if Python knows it."""
    m = _CHARSET.search(raw[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return None if name == "utf-8" else name


def _decode(raw: bytes, origin: str) -> tuple[str, list[str]]:
    """bytes -> str. UTF-8 (BOM dropped); UTF-16/32 when a BOM (or the NUL
    pattern of BOM-less UTF-16) says so; an HTML page's declared charset when
    it is not UTF-8; otherwise invalid UTF-8 is replaced (with a note) rather
    than refused: most of such a text is usually fine and the user is warned."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), []
            except UnicodeDecodeError as e:
                raise InputError(
                    origin,
                    f"invalid {codec.upper()} at byte {e.start + len(bom)}; "
                    "re-save the file as UTF-8",
                ) from None
    codec16 = _utf16_without_bom(raw)
    if codec16:
        try:
            return raw.decode(codec16), []
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: read as UTF-8 below
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as e:
        first = e.start
    declared = _declared_charset(raw)
    if declared:
        try:
            return raw.decode(declared), []
        except UnicodeDecodeError:
            pass
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - raw.decode("utf-8", errors="ignore").count("\ufffd")
    more = f" ({bad} replacements in all)" if bad > 1 else ""
    note = (
        f"invalid UTF-8 at byte {first}: replaced with U+FFFD{more}; "
        "if it is Latin-1/Windows-1252, convert it (e.g. `iconv -f cp1252 -t utf-8`)"
    )
    return text, [note]


def _resolve_format(text: str, origin: str, fmt: str | None) -> Format:
    if fmt not in (None, "", "auto"):
        resolved = _FMT_ALIASES.get(fmt.lower())
        if resolved is None:
            raise InputError(origin, f"unknown format {fmt!r}; use text, markdown or html")
        return resolved
    ext = os.path.splitext(origin)[1].lower() if origin != "<stdin>" else ""
    by_ext = _EXT_FORMAT.get(ext)
    if by_ext is not None:
        return by_ext
    if ext not in _EXT_FORMAT and _HTML_SNIFF.match(text[:_SNIFF_BYTES]):
        return "html"  # stdin and unknown extensions only: a .txt stays text/markdown
    if _MD_SNIFF.search(text):
        return "markdown"
    return "text"


def parse_bytes(raw: bytes, origin: str, fmt: str | None = None) -> ParsedInput:
    """Raw document bytes -> ParsedInput (stored text, links, title, date, notes).

    sha256 is of the raw bytes, so re-adding an unchanged file is detected."""
    sha = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        raise InputError(origin, "is empty (or only whitespace); add a file with text in it")
    _check_binary(raw, origin)
    decoded, notes = _decode(raw, origin)
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if not decoded.strip():
        raise InputError(origin, "is empty (or only whitespace); add a file with text in it")
    fmt_ = _resolve_format(decoded, origin, fmt)
    title: str | None = None
    published = None
    if fmt_ == "html":
        md, meta = html_to_markdown(decoded)
        text, links = strip_markdown_links(md)
        title, published = meta.get("title"), meta.get("date")
    elif fmt_ == "markdown":
        body, front = split_front_matter(decoded)
        text, links = strip_markdown_links(body)
        title = front.get("title") or None
        published = find_published_date(front.get("date", ""))
    else:
        text, links = decoded.strip(), []
    if not text.strip():
        raise InputError(
            origin,
            f"has no readable text once {fmt_} markup is removed; "
            "check that it is the article, not an empty page",
        )
    return ParsedInput(
        origin=origin,
        format=fmt_,
        title=title or find_title(text),
        text=text,
        sha256=sha,
        published=published or find_published_date(text),
        links=links,
        notes=notes,
    )
