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
import stat
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, BinaryIO, Literal

from claimtrack.errors import InputError
from claimtrack.markup import (
    find_published_date,
    find_title,
    html_to_markdown,
    split_front_matter,
    strip_markdown_links,
)
from claimtrack.models import ParsedInput
from claimtrack.text.unwrap import unwrap
from claimtrack.zones import find_zones

Format = Literal["text", "markdown", "html"]

# The most bytes one document may have (a file, stdin, one JSONL document's
# text): past it reading stops, so a huge file or an endless stream costs at
# most this much memory. Raised with --max-bytes or this environment variable.
DEFAULT_MAX_BYTES = 10_000_000
MAX_BYTES_ENV = "CLAIMTRACK_MAX_BYTES"
_SIZE_UNITS = {"": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
               "kib": 2**10, "mib": 2**20, "gib": 2**30}

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


def parse_size(value: str | int) -> int:
    """'10000000', '10MB', '10M', '512kB', '1GiB' -> bytes (decimal units; KiB/MiB/GiB
    binary). Anything else, or less than 1 byte, raises ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        n = value
    else:
        m = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", str(value).replace("_", ""))
        unit = m.group(2).lower() if m else None
        if m is None or unit not in _SIZE_UNITS:
            raise ValueError(f"{value!r} is not a size: give bytes, e.g. 10000000 or 10MB")
        n = int(m.group(1)) * _SIZE_UNITS[unit]
    if n < 1:
        raise ValueError(f"{value!r} is not a size: give at least 1 byte")
    return n


def max_bytes_from(max_bytes: int | None = None) -> int:
    """The size limit that applies: `max_bytes` if given, else $CLAIMTRACK_MAX_BYTES,
    else DEFAULT_MAX_BYTES. A bad environment value raises InputError."""
    if max_bytes is not None:
        return parse_size(max_bytes)
    env = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not env:
        return DEFAULT_MAX_BYTES
    try:
        return parse_size(env)
    except ValueError as e:
        raise InputError(f"${MAX_BYTES_ENV}", str(e)) from None


def _too_big(size: str, limit: int) -> str:
    return (f"is larger than the size limit ({size}, limit {limit:,} bytes); "
            f"raise it with --max-bytes or ${MAX_BYTES_ENV} if the document is real")


def _is_doc(path: str) -> bool:
    return path.lower().endswith(DOC_EXTENSIONS)


def _regular(path: str) -> bool:
    """A regular file (after symlinks): FIFOs, devices and sockets would block
    or never end, so folders and globs pass over them."""
    return os.path.isfile(path)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _folder_docs(folder: str) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not _hidden(d)]  # also prunes .git, .venv
        found.extend(
            os.path.join(root, f)
            for f in files
            if not _hidden(f) and _is_doc(f) and _regular(os.path.join(root, f))
        )
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
                elif _is_doc(m) and _regular(m):
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


def read_limited(stream: BinaryIO, limit: int, origin: str) -> bytes:
    """At most `limit` bytes of `stream`; one byte more means it is too big, and
    the rest is never read (stdin may be /dev/zero)."""
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise InputError(origin, _too_big(f"more than {limit:,} bytes", limit))
    return raw


def read_input(
    item: str, stdin: BinaryIO | None = None, fmt: str | None = None,
    max_bytes: int | None = None,
) -> ParsedInput:
    """Read one expanded input ("-" = stdin, origin "<stdin>") and parse it.

    At most `max_bytes` (default: max_bytes_from()) are read; a bigger input,
    and a path that is no regular file (FIFO, device, socket), raise InputError."""
    limit = max_bytes_from(max_bytes)
    if item == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return parse_bytes(read_limited(stream, limit, "<stdin>"), "<stdin>", fmt)
    if os.path.isdir(item):
        raise InputError(
            item,
            "is a folder, not a file; pass the folder to `claimtrack add` "
            "to add the documents inside it",
        )
    try:
        # O_NONBLOCK: opening a FIFO nobody writes to would block forever; with
        # it the open returns and fstat below tells what the path is.
        fd = os.open(item, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(item, "no such file; check the path") from None
    except PermissionError:
        raise InputError(
            item, "permission denied; make the file readable (e.g. `chmod u+r`) or copy it"
        ) from None
    except OSError as e:
        raise InputError(item, f"cannot read it ({e.strerror or e}); check the file") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode)
                    else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                    else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            raise InputError(
                item, f"is {kind}, not a document file; name a regular file or pipe it to - (stdin)"
            )
        if st.st_size > limit:  # refused before reading a byte
            raise InputError(item, _too_big(f"{st.st_size:,} bytes", limit))
        try:
            os.set_blocking(fd, True)
            raw = read_limited(f, limit, item)  # the file may have grown since fstat
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
    # NUL anywhere, not only in the sniffed head: no text format has one, and a
    # NUL stored deep in a text cuts it short for every C-string reader (sqlite's
    # length(), terminals). find() is a memchr: cheap even at the size limit.
    nul = raw.find(b"\x00")
    head = raw[:_SNIFF_BYTES]
    if nul >= 0 or sum(b in _CONTROL for b in head) > _CONTROL_MAX * len(head):
        where = f"NUL byte at offset {nul}" if nul >= 0 else "NUL/control bytes"
        raise InputError(
            origin,
            f"looks binary ({where}), not a text document; "
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
    it is not UTF-8; Windows-1252 (with a note) when no byte sequence in it is
    UTF-8 beyond ASCII, unless its only fault is a last character cut off (a UTF-8
    file cut short: that character is replaced, with a note); otherwise invalid
    UTF-8 is replaced (with a note) rather than refused: most of such a text is
    usually fine and the user is warned."""
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
        # the first fault is a character its last bytes begin and do not finish: a UTF-8
        # file cut off (`head -c`, a download that stopped), not a single-byte one
        cut = e.end == len(raw) and "end of data" in e.reason
    declared = _declared_charset(raw)
    if declared:
        try:
            return raw.decode(declared), []
        except UnicodeDecodeError:
            pass
    # what the codec reads of it, its invalid bytes left out: beyond ASCII only where a
    # well-formed UTF-8 sequence stands (a file holding one is UTF-8 with stray bytes)
    valid = raw.decode("utf-8", errors="ignore")
    if valid.isascii() and not cut:
        # Not one character of it is UTF-8 beyond ASCII: a legacy single-byte file
        # (an old archive's Latin-1 or Windows-1252). Windows-1252 reads both, as
        # browsers do for pages that declare Latin-1; its five unassigned bytes
        # become U+FFFD. Replacing every accented letter instead would lose them.
        return raw.decode("cp1252", errors="replace"), [
            f"not UTF-8 (byte {first}): read as Windows-1252 (Latin-1); if it is "
            "another encoding, convert it (e.g. `iconv -f ISO-8859-2 -t utf-8`)"
        ]
    text = raw.decode("utf-8", errors="replace")
    if cut:
        return text, [f"ends inside a UTF-8 character (byte {first}; cut off?): "
                      "its last bytes replaced with U+FFFD"]
    bad = text.count("\ufffd") - valid.count("\ufffd")
    more = f" ({bad} replacements in all)" if bad > 1 else ""
    note = (
        f"invalid UTF-8 at byte {first}: replaced with U+FFFD{more}; "
        "if it is Latin-1/Windows-1252, convert it (e.g. `iconv -f cp1252 -t utf-8`)"
    )
    return text, [note]


# What the stored text may not hold (offsets index it, and every reader and
# terminal shows it): C0 controls but tab and newline, DEL, C1 controls, and
# lone surrogates. Each is replaced by one character, so nothing shifts:
# vertical tab, form feed (pdftotext's page break) and NEL become a newline,
# the rest U+FFFD, as invalid UTF-8 is. Bidi controls (U+202A-U+202E,
# U+2066-U+2069) are no control characters here: RTL text keeps them.
_LINE_BREAKS = {"\v": "\n", "\f": "\n", "\x85": "\n"}
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"
)


def clean_controls(text: str) -> tuple[str, list[str]]:
    """(text with control characters replaced, the characters that became U+FFFD,
    in order). Same length as `text`: a character for a character."""
    replaced: list[str] = []

    def sub(m: re.Match[str]) -> str:
        c = m.group()
        if c in _LINE_BREAKS:
            return _LINE_BREAKS[c]
        replaced.append(c)
        return "\ufffd"

    return _CONTROL_CHARS.sub(sub, text), replaced


def controls_note(replaced: list[str]) -> str:
    """The warning for clean_controls' replacements."""
    return (f"{len(replaced)} control character(s) replaced with U+FFFD "
            f"(the first U+{ord(replaced[0]):04X}); they are not stored")


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


def parse_bytes(raw: bytes, origin: str, fmt: str | None = None, *, title: str | None = None,
                published: date | None = None, meta: dict[str, str | None] | None = None,
                ) -> ParsedInput:
    """Raw document bytes -> ParsedInput (stored text, links, title, date, notes).

    sha256 is of the raw bytes, so re-adding an unchanged file is detected.
    `title`, `published` and `meta` ("url", "publisher") are what a record of
    documents says about this one (claimtrack.records): they win over what the
    text itself says, as a Markdown file's front matter does."""
    sha = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        raise InputError(origin, "is empty (or only whitespace); add a file with text in it")
    _check_binary(raw, origin)
    decoded, notes = _decode(raw, origin)
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    decoded, controls = clean_controls(decoded)  # before markup: offsets index the result
    if controls:
        notes.append(controls_note(controls))
    if not decoded.strip():
        raise InputError(origin, "is empty (or only whitespace); add a file with text in it")
    fmt_ = _resolve_format(decoded, origin, fmt)
    given_title, given_published, given_meta = title, published, meta or {}
    title = None
    published = None
    meta_: dict[str, Any] = {"origin": origin}  # what zones.find_zones reads a publisher from
    if fmt_ == "html":
        md, html_meta = html_to_markdown(decoded)
        text, links = strip_markdown_links(md)
        title, published = html_meta.get("title"), html_meta.get("date")
        meta_.update({k: html_meta.get(k) for k in ("sitename", "url") if html_meta.get(k)})
    elif fmt_ == "markdown":
        body, front = split_front_matter(decoded)
        # a hard-wrapped paragraph is one paragraph again (text/unwrap.py), read at the
        # widths the file was wrapped at, before its link syntax is taken out
        text, links = strip_markdown_links(unwrap(body))
        title = front.get("title") or None
        published = find_published_date(front.get("date", ""))
        meta_.update({k: front[k] for k in ("publisher", "url") if front.get(k)})
    else:
        text, links = unwrap(decoded.strip()), []
    if not text.strip():
        raise InputError(
            origin,
            f"has no readable text once {fmt_} markup is removed; "
            "check that it is the article, not an empty page",
        )
    meta_.update({k: v for k, v in given_meta.items() if v})
    title = given_title or title or find_title(text)
    published = given_published or published
    zones = find_zones(text, title, meta_)
    return ParsedInput(
        origin=origin,
        format=fmt_,
        title=title,
        text=text,
        sha256=sha,
        published=published or find_published_date(text),
        links=links,
        notes=notes,
        publisher=zones.publisher,
        zones=zones,
    )
