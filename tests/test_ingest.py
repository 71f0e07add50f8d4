"""Reading documents: expanding paths, formats, bad input, the seeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_cli

from claimtrack.cli import cli
from claimtrack.errors import InputError
from claimtrack.ingest import (
    DEFAULT_MAX_BYTES,
    MAX_BYTES_ENV,
    clean_controls,
    expand_inputs,
    max_bytes_from,
    parse_bytes,
    parse_size,
    read_input,
)

ROOT = Path(__file__).resolve().parents[1]
BELHADJ = ROOT / "seeds" / "belhadj-isis-libya-2015.md"
HAFTAR = ROOT / "seeds" / "haftar-spokesman-al-qaeda.md"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _write(tmp_path / "b.md", "# B\n\ntext")
    _write(tmp_path / "a.txt", "A text")
    _write(tmp_path / "sub" / "c.html", "<html><body><p>C</p></body></html>")
    _write(tmp_path / "sub" / "deeper" / "d.HTM", "<p>D</p>")
    _write(tmp_path / "sub" / "e.text", "E")
    _write(tmp_path / "sub" / "f.markdown", "F")
    _write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n....")
    _write(tmp_path / "notes.csv", "x,y")
    _write(tmp_path / ".hidden.md", "hidden")
    _write(tmp_path / ".git" / "x.md", "in a hidden folder")
    _write(tmp_path / "empty" / "readme.pdf", b"%PDF-1.4")
    return tmp_path


def _rel(paths: list[str], base: Path) -> list[str]:
    return [p if p == "-" else os.path.relpath(p, base) for p in paths]


# --- expand_inputs -------------------------------------------------------------


def test_folder_expands_recursively_sorted_skipping_hidden_and_non_documents(tree):
    items, errors = expand_inputs([str(tree)])
    assert errors == []
    assert _rel(items, tree) == [
        "a.txt",
        "b.md",
        "sub/c.html",
        "sub/deeper/d.HTM",
        "sub/e.text",
        "sub/f.markdown",
    ]


def test_glob_patterns_including_double_star(tree):
    items, errors = expand_inputs([str(tree / "**" / "*.html"), str(tree / "*.md")])
    assert errors == []
    assert _rel(items, tree) == ["sub/c.html", "b.md"]  # argument order kept
    items, _ = expand_inputs([str(tree / "*")])  # folders matched are expanded, the PNG skipped
    assert "image.png" not in _rel(items, tree) and "sub/deeper/d.HTM" in _rel(items, tree)


def test_duplicates_removed_first_occurrence_wins(tree):
    items, errors = expand_inputs(
        [str(tree / "b.md"), str(tree), str(tree / "sub" / ".." / "b.md"), "-", "-"]
    )
    assert errors == []
    rel = _rel(items, tree)
    assert rel[0] == "b.md" and rel.count("b.md") == 1 and rel.count("-") == 1
    assert len(rel) == 7


def test_named_file_kept_whatever_its_extension(tree):
    items, errors = expand_inputs([str(tree / "notes.csv"), str(tree / "image.png")])
    assert errors == [] and _rel(items, tree) == ["notes.csv", "image.png"]


def test_bad_arguments_give_one_error_each_and_good_ones_still_come(tree):
    items, errors = expand_inputs(
        [str(tree / "nope.md"), str(tree / "*.doc"), str(tree / "empty"), str(tree / "a.txt")]
    )
    assert _rel(items, tree) == ["a.txt"]
    assert [e.path for e in errors] == [
        str(tree / "nope.md"),
        str(tree / "*.doc"),
        str(tree / "empty"),
    ]
    msgs = [e.problem for e in errors]
    assert "no such file or folder" in msgs[0] and "check the path" in msgs[0]
    assert "matches no document files" in msgs[1] and "check the pattern" in msgs[1]
    assert "no document files" in msgs[2] and "name the files directly" in msgs[2]


# --- read_input / parse_bytes: formats -------------------------------------------


def test_stdin_is_sniffed_and_named(tmp_path):
    parsed = read_input(
        "-",
        stdin=io.BytesIO(
            b"<!DOCTYPE html><html><body><p>Hello <a "
            b"href='http://x.org'>there</a>.</p></body></html>"
        ),
    )
    assert parsed.origin == "<stdin>" and parsed.format == "html"
    assert parsed.text == "Hello there." and parsed.links[0].target == "http://x.org"
    md = read_input("-", stdin=io.BytesIO(b"Some [link](#) here"))
    assert md.format == "markdown" and md.text == "Some link here"
    txt = read_input("-", stdin=io.BytesIO(b"Plain words [sic] only"))
    assert txt.format == "text" and txt.text == "Plain words [sic] only" and txt.links == []


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("a.html", "<p>x</p>", "html"),
        ("a.htm", "<p>x</p>", "html"),
        ("a.md", "plain words", "markdown"),
        ("a.markdown", "plain", "markdown"),
        ("a.txt", "## Heading\n\nbody", "markdown"),
        ("a.txt", "see [x](http://y)", "markdown"),
        ("a.txt", "just text, 3 * 4", "text"),
        ("a.txt", "<html><body>angle text</body></html>", "text"),  # .txt is never HTML
        ("a.text", "[ref]: http://x\n\n[ref] here", "markdown"),
        ("noext", "<html><body><p>y</p></body></html>", "html"),
        ("page.xhtml", '<?xml version="1.0"?>\n<!DOCTYPE html><html><p>y</p></html>', "html"),
        ("noext", "<!-- saved --> <HTML><p>y</p></HTML>", "html"),
        ("a.log", "log line", "text"),
    ],
)
def test_format_from_extension_or_sniffing(tmp_path, name, content, fmt):
    assert read_input(str(_write(tmp_path / name, content))).format == fmt


def test_explicit_format_overrides_and_unknown_format_is_an_error(tmp_path):
    p = _write(tmp_path / "a.md", "[x](#) **y**")
    assert read_input(str(p), fmt="text").text == "[x](#) **y**"
    assert read_input(str(p), fmt="md").text == "x y"
    with pytest.raises(InputError, match="unknown format 'pdf'; use text, markdown or html"):
        read_input(str(p), fmt="pdf")


def test_sha256_is_of_raw_bytes_and_newlines_are_normalised():
    raw = "\ufeffTitle\r\n\r\nBody line\rnext".encode()
    parsed = parse_bytes(raw, "x.txt")
    assert parsed.sha256 == hashlib.sha256(raw).hexdigest()
    assert parsed.text == "Title\n\nBody line\nnext"  # BOM dropped, CRLF/CR -> LF
    assert parsed.title == "Title"


def test_html_fixture_file():
    parsed = read_input(str(FIXTURES / "article.html"))
    assert parsed.format == "html"
    assert parsed.title == "Minister Denies Talks Failed"
    assert parsed.published == dt.date(2016, 9, 19)
    assert parsed.text.startswith("Minister Denies Talks Failed\n\nAccording to recent reports,")
    assert [(lk.text, lk.target, lk.missing) for lk in parsed.links] == [
        ("recent reports", "https://example.org/report", False),
        ("told", "#", True),
        ("not convinced", "", True),
    ]
    for lk in parsed.links:
        assert parsed.text[lk.start : lk.end] == lk.text


def test_markdown_front_matter_gives_title_and_date(tmp_path):
    p = _write(tmp_path / "f.md", "---\ntitle: Front Title\ndate: 2014-05-06\n---\n\nFirst line\n")
    parsed = read_input(str(p))
    assert parsed.title == "Front Title" and parsed.published == dt.date(2014, 5, 6)
    assert parsed.text == "First line"


# --- bad input ---------------------------------------------------------------------


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file; check the path"):
        read_input(str(tmp_path / "gone.md"))
    with pytest.raises(InputError, match="is a folder.*pass the folder"):
        read_input(str(tmp_path))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path):
    p = _write(tmp_path / "secret.md", "x")
    p.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied; make the file readable"):
            read_input(str(p))
    finally:
        p.chmod(0o600)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"%PDF-1.7\n...", "is a PDF.*pdftotext"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is a PNG image"),
        (b"PK\x03\x04\x14\x00", "ZIP archive.*export it to text"),
        (b"\x1f\x8b\x08\x00", "gzip.*decompress"),
        (b"text then a NUL \x00 byte", "looks binary.*add a text, Markdown or HTML file"),
        (bytes(range(1, 32)) * 4 + b"abc", "looks binary"),
    ],
)
def test_binary_input_is_refused(raw, message):
    with pytest.raises(InputError, match=message):
        parse_bytes(raw, "blob.txt")


def test_sqlite_database_is_refused(tmp_path):
    db = tmp_path / "claims.md"  # misleading extension on purpose
    with sqlite3.connect(db) as con:
        con.execute("create table t (x)")
    con.close()
    with pytest.raises(InputError, match="SQLite database, not a text document; add documents"):
        read_input(str(db))


@pytest.mark.parametrize("raw", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf", " \n".encode("utf-16")])
def test_empty_or_whitespace_only(raw):
    with pytest.raises(InputError, match="is empty.*add a file with text in it"):
        parse_bytes(raw, "e.txt")


@pytest.mark.parametrize(
    ("raw", "origin"),
    [(b"![](x.png) [](#)", "m.md"), (b"<html><body><script>x()</script></body></html>", "h.html")],
)
def test_no_text_left_after_markup(raw, origin):
    with pytest.raises(InputError, match="no readable text"):
        parse_bytes(raw, origin)


def test_invalid_utf8_is_replaced_with_a_note():
    raw = b"Caf\xe9 and na\xefve, good \xe2\x82\xac"
    parsed = parse_bytes(raw, "latin.txt")
    assert parsed.text == "Caf\ufffd and na\ufffdve, good \u20ac"
    assert len(parsed.notes) == 1
    note = parsed.notes[0]
    assert note.startswith("invalid UTF-8 at byte 3: replaced with U+FFFD")
    assert "2 replacements" in note and "iconv" in note


def test_a_legacy_single_byte_file_is_read_as_windows_1252():
    # no UTF-8 sequence in it at all: an old archive's Latin-1 / Windows-1252 file,
    # its accents and curly quotes kept rather than replaced
    raw = "Caf\u00e9 owner says \u201cno\u201d to na\u00efve plan".encode("cp1252")
    parsed = parse_bytes(raw, "old.txt")
    assert parsed.text == "Caf\u00e9 owner says \u201cno\u201d to na\u00efve plan"
    assert len(parsed.notes) == 1
    assert parsed.notes[0].startswith("not UTF-8 (byte 3): read as Windows-1252")
    # its five unassigned bytes are replaced, one character each
    assert parse_bytes(b"a \x81 b \xe9", "old.txt").text == "a \ufffd b \u00e9"


def test_one_utf8_sequence_keeps_a_file_utf8():
    # "Ã©" is two Windows-1252 letters and one UTF-8 "é": read as UTF-8, stray byte replaced
    parsed = parse_bytes(b"caf\xc3\xa9 \xff", "mixed.txt")
    assert parsed.text == "caf\u00e9 \ufffd" and "invalid UTF-8" in parsed.notes[0]


def test_a_utf8_file_cut_inside_its_last_character_stays_utf8():
    # "He said “..." cut after two of the quotation mark's three bytes: no UTF-8
    # beyond ASCII in it, yet no Windows-1252 file ("He said â€")
    parsed = parse_bytes("He said “no".encode()[:10], "cut.txt")
    assert parsed.text == "He said �"
    assert parsed.notes == ["ends inside a UTF-8 character (byte 8; cut off?): its last "
                            "bytes replaced with U+FFFD"]
    # a fault before the end is what it was: a single-byte file read as Windows-1252
    assert parse_bytes(b"caf\xe9 \xe2\x80", "old.txt").text == "café â€"


def test_utf16_with_bom_is_decoded():
    text = "Titel\n\nÄrger über [Links](#)."
    for codec in ("utf-16", "utf-16-be"):
        raw = text.encode(codec)
        if codec == "utf-16-be":
            raw = b"\xfe\xff" + raw
        parsed = parse_bytes(raw, "de.md")
        assert parsed.text == "Titel\n\nÄrger über Links." and parsed.notes == []
        assert parsed.links[0].text == "Links"


# --- the seeds -------------------------------------------------------------------


def test_seed_belhadj():
    parsed = read_input(str(BELHADJ))
    assert parsed.format == "markdown"
    assert parsed.title == "Washington's Al Qaeda Ally Now Leading ISIS in Libya"
    assert parsed.published == dt.date(2015, 3, 10)
    assert parsed.links and all(lk.missing and lk.target == "#" for lk in parsed.links)
    assert "](#)" not in parsed.text and "[aka Abdelhakim Belhadj]" in parsed.text
    i = parsed.text.index("According to recent reports, ")
    start = i + len("According to recent ")
    assert any(lk.start == start and lk.text == "reports" for lk in parsed.links)
    for lk in parsed.links:
        assert parsed.text[lk.start : lk.end] == lk.text
    assert "\n\n" in parsed.text  # paragraphs kept apart


def test_seed_haftar():
    parsed = read_input(str(HAFTAR))
    assert parsed.title == (
        "UN-Backed Government in Libya Collaborating With Al-Qaeda, Says Pro-Russian Commander"
    )
    assert parsed.published is None
    assert parsed.links == []
    assert parsed.text == HAFTAR.read_text(encoding="utf-8").strip()


def test_seed_folder_and_glob_agree():
    by_folder, e1 = expand_inputs([str(ROOT / "seeds")])
    by_glob, e2 = expand_inputs([str(ROOT / "seeds" / "*.md")])
    assert e1 == e2 == [] and by_folder == by_glob == [str(BELHADJ), str(HAFTAR)]


def test_html_declared_charset_is_honoured():
    raw = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Caf\xe9</title></head><body><p>He said \x93no\x94 at the caf\xe9.</p></body></html>"
    ).encode("latin-1")
    parsed = parse_bytes(raw, "page.html")
    assert parsed.notes == []
    assert parsed.text == "He said \u201cno\u201d at the caf\u00e9."


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded_not_called_binary(codec):
    parsed = parse_bytes("Title\n\nThe mayor said [it](#) was fine.".encode(codec), "w.md")
    assert parsed.text == "Title\n\nThe mayor said it was fine." and parsed.notes == []


# --- size limit (issue 9) ----------------------------------------------------------


class _Counting(io.RawIOBase):
    """An endless stream (like /dev/zero) that counts what was read from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        b[:] = b"a" * len(b)
        self.read_bytes += len(b)
        return len(b)


@pytest.mark.parametrize(
    ("value", "size"),
    [("10000000", 10_000_000), ("10MB", 10_000_000), ("10M", 10_000_000), ("512kB", 512_000),
     ("1GiB", 2**30), ("1_000", 1000), (7, 7)],
)
def test_parse_size(value, size):
    assert parse_size(value) == size


@pytest.mark.parametrize("value", ["", "ten", "10 XB", "0", "-5", "1.5MB"])
def test_parse_size_refuses_non_sizes(value):
    with pytest.raises(ValueError, match="not a size"):
        parse_size(value)


def test_limit_comes_from_argument_then_environment_then_default(monkeypatch):
    monkeypatch.delenv(MAX_BYTES_ENV, raising=False)
    assert max_bytes_from() == DEFAULT_MAX_BYTES == 10_000_000
    monkeypatch.setenv(MAX_BYTES_ENV, "2kB")
    assert max_bytes_from() == 2000
    assert max_bytes_from(50) == 50
    monkeypatch.setenv(MAX_BYTES_ENV, "lots")
    with pytest.raises(InputError, match=r"^\$CLAIMTRACK_MAX_BYTES: 'lots' is not a size"):
        max_bytes_from()


def test_file_over_the_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(50_000_000)  # sparse: no disk used
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as e:
            read_input(str(big))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # it was 435 MB: the file was read, decoded and parsed
    assert str(e.value) == (
        f"{big}: is larger than the size limit (50,000,000 bytes, limit 10,000,000 bytes); "
        "raise it with --max-bytes or $CLAIMTRACK_MAX_BYTES if the document is real"
    )


def test_limit_is_inclusive_and_set_by_environment(tmp_path, monkeypatch):
    p = _write(tmp_path / "a.txt", "x" * 100)
    assert read_input(str(p), max_bytes=100).text == "x" * 100
    with pytest.raises(InputError, match=r"larger than the size limit \(100 bytes, limit 99"):
        read_input(str(p), max_bytes=99)
    monkeypatch.setenv(MAX_BYTES_ENV, "99")
    with pytest.raises(InputError, match="limit 99 bytes"):
        read_input(str(p))


def test_endless_stdin_is_read_only_up_to_the_limit():
    stream = _Counting()
    with pytest.raises(InputError, match=r"^<stdin>: is larger than the size limit \(more than"):
        read_input("-", stdin=io.BufferedReader(stream, buffer_size=4096), max_bytes=100_000)
    assert stream.read_bytes <= 100_001 + 4096  # the limit, one byte more, one buffer at most


def test_dev_zero_on_stdin_is_bounded():
    with open("/dev/zero", "rb") as zero, pytest.raises(InputError, match="size limit"):
        read_input("-", stdin=zero, max_bytes=1000)


# --- paths that are no regular file (issue 9) ----------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # nobody writes: a plain open() would block forever
    with pytest.raises(InputError, match=r"is a FIFO \(named pipe\), not a document file; name a"):
        read_input(str(fifo))
    items, errors = expand_inputs([str(tmp_path)])  # a folder passes over it
    assert items == [] and "folder has no document files" in str(errors[0])
    items, errors = expand_inputs([str(tmp_path / "*.txt")])
    assert items == [] and "pattern matches no document files" in str(errors[0])


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_device_is_refused():
    with pytest.raises(InputError, match=r"^/dev/zero: is a device, not a document file"):
        read_input("/dev/zero")


# --- NUL and control characters (issue 9) ----------------------------------------------


def test_nul_anywhere_is_binary_not_only_in_the_first_8kb():
    raw = b"The mayor said taxes will rise. " * 300 + b"\x00 and more text.\n"
    assert len(raw) > 8192
    with pytest.raises(InputError, match=r"looks binary \(NUL byte at offset 9600\)"):
        parse_bytes(raw, "late-nul.txt")


def test_utf16_nul_code_point_is_replaced_not_stored():
    parsed = parse_bytes("\ufeffThe mayor\x00 said.".encode("utf-16-le")[0:], "u.txt")
    assert "\x00" not in parsed.text and parsed.text == "The mayor\ufffd said."


def test_control_characters_are_replaced_one_for_one_with_a_note():
    raw = 'The mayor said that "taxes\x1bwill rise." \x1b]0;owned\x07 \x7f\x9b2J\n'.encode()
    parsed = parse_bytes(raw, "vt.txt")
    assert parsed.text == (
        'The mayor said that "taxes\ufffdwill rise." \ufffd]0;owned\ufffd \ufffd\ufffd2J'
    )
    assert parsed.notes == [
        "5 control character(s) replaced with U+FFFD (the first U+001B); they are not stored"
    ]


def test_page_breaks_become_newlines_and_tabs_bidi_stay():
    rtl = "\u202bقال الوزير\u202c \u2067x\u2069"
    parsed = parse_bytes(f"Page one.\fPage two.\vLine\tthree {rtl}\n".encode(), "pdf.txt")
    assert parsed.text == f"Page one.\nPage two.\nLine\tthree {rtl}"
    assert parsed.notes == []


def test_clean_controls_keeps_length_and_lists_what_it_replaced():
    text = "a\x00b\x1b\x85c\ud800d\u200f"
    cleaned, replaced = clean_controls(text)
    assert cleaned == "a\ufffdb\ufffd\nc\ufffdd\u200f" and len(cleaned) == len(text)
    assert replaced == ["\x00", "\x1b", "\ud800"]


def test_html_controls_are_cleaned_before_markup():
    parsed = parse_bytes(b"<html><body><p>The mayor\x1b said it.</p></body></html>", "a.html")
    assert "\x1b" not in parsed.text and "The mayor\ufffd said it." in parsed.text


def test_cli_add_max_bytes_option_and_environment(tmp_path):
    small = _write(tmp_path / "small.txt", "The mayor said taxes will rise.")
    big = _write(tmp_path / "big.txt", "The mayor said taxes will rise. " * 10)
    db = tmp_path / "c.db"
    r = run_cli("add", "--max-bytes", "100", str(small), str(big), db=db)
    assert r.exit_code == 1
    assert f"error: {big}: is larger than the size limit (320 bytes, limit 100 bytes)" in r.stderr
    assert f"added: {small}" in r.stderr
    r = CliRunner().invoke(cli, ["add", str(big), "--db", str(db)],
                           env={MAX_BYTES_ENV: "200"})
    assert r.exit_code == 1 and "limit 200 bytes" in r.stderr
    r = CliRunner().invoke(cli, ["add", str(big), "--db", str(db)], env={MAX_BYTES_ENV: "1x"})
    assert r.exit_code == 2 and "'1x' is not a size" in r.stderr


@pytest.mark.parametrize("name", ["belhadj-isis-libya-2015.md", "haftar-spokesman-al-qaeda.md"])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_hard_wrapped_file_gives_the_claims_of_the_unwrapped_one(name, suffix):
    """A seed with every paragraph wrapped at 72 columns (as a text saved from an email
    or a feed is): each line was read as a paragraph and sentences were cut in two."""
    import textwrap

    from claimtrack.extract import extract_text
    from claimtrack.ingest import parse_bytes

    seed = (Path(__file__).parents[1] / "seeds" / name).read_text(encoding="utf-8")
    wrapped = "\n".join(textwrap.fill(line, 72, break_on_hyphens=False) if line else ""
                        for line in seed.split("\n"))
    assert wrapped.count("\n") > seed.count("\n") + 20

    def said(raw: str) -> list[str]:
        text = parse_bytes(raw.encode("utf-8"), "seed" + suffix).text
        return [" ".join(a.content.text.split()) for a in extract_text(text).attributions]

    assert said(wrapped) == said(seed)
