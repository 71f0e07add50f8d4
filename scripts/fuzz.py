"""The long robustness run (issue 9), and the generators the robustness tests share.

    python scripts/fuzz.py --n 10000 [--seed S] [--jobs N] [--out DIR] [--big]

Each input is generated (a short news article with quotes, attributions,
brackets and links), a mutated seed or article (spans inserted, deleted or
replaced with hostile characters: quotes, brackets, colons, long tokens,
punctuation runs, control characters, lone surrogates / invalid UTF-8, RTL,
combining marks, NUL, deep HTML) or random text, 50-3000 characters. Each goes
through ingest (parse_bytes) -> extraction -> store (store.add_document into
one temporary database, as `claimtrack add` does). The run reports inputs
tried, crashes (an exception that is not the library's own one-line
ClaimtrackError, or a dead worker), offset violations (a stored offset that
does not slice its text exactly) and the slowest inputs per character. A
reproducer (the input's bytes, plus what went wrong) is saved for each crash
and violation under --out (default: a new temporary folder, never the repo).

`--big` also adds one ~990,000-character article with `claimtrack add --jobs 1`
in a child process and reports its time and peak RSS (issue 9: under 1 GB).

tests/test_fuzz.py, tests/test_kill.py and tests/test_concurrency.py import
this file's generators and checks (article, mutate, offset_violations, ...).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MIN_CHARS, MAX_CHARS = 50, 3000

# --- generators ------------------------------------------------------------------------

NAMES = ["Ahmed Al-Mismari", "Khalifa Haftar", "Maria Lopez", "John O'Neill", "Li Wei",
         "Fatima Zahra", "Abdelhakim Belhadj", "Sarah Connor", "Jean-Luc Picard", "Ana Souza"]
ORGS = [("Libyan National Army", "LNA"), ("United Nations", "UN"),
        ("Ministry of Finance", "MoF"), ("World Health Organization", "WHO"),
        ("Benghazi Defense Brigades", "BDB"), ("Central Bank", "CB")]
ROLES = ["spokesman", "spokeswoman", "senior official", "minister", "analyst", "commander"]
CUES = ["said", "told reporters", "claimed", "warned", "added", "argued", "insisted", "noted"]
CLAUSES = ["taxes will rise next year", "the talks have failed", "the ports were recaptured",
           "the meeting was held in secret", "the budget is balanced", "no deal is possible",
           "the attack was planned in Tripoli", "more troops are needed", "prices fell sharply",
           "the report was wrong"]
QUOTES = [('"', '"'), ("\u201c", "\u201d"), ("'", "'"), ("\u2018", "\u2019"), ("\u00ab", "\u00bb")]


def _sentence(rng: random.Random) -> str:
    name, (org, acr) = rng.choice(NAMES), rng.choice(ORGS)
    cue, clause = rng.choice(CUES), rng.choice(CLAUSES)
    o, c = rng.choice(QUOTES)
    surname = name.split()[-1]
    return rng.choice([
        f"{o}{clause.capitalize()},{c} {name} {cue}.",
        f"{name}, a {rng.choice(ROLES)} for the {org} ({acr}), {cue} that {clause}.",
        f"According to the {org}, {clause}.",
        f"{surname} {cue}: {o}{clause.capitalize()}.{c}",
        f"He {cue} that {clause}, and {o}nothing will change{c}.",
        f"{rng.choice(NAMES).split()[0]} [aka {name}] {cue} on Monday that {clause}.",
        f"Officials {cue} {clause}, but {name} {cue} the opposite.",
        f"The [{org}](https://example.org/{acr.lower()}) {cue} that {clause}.",
        f"{o}We will not accept this,{c} {cue} {name}, {o}not now, not ever.{c}",
        f"Mr. {surname} {cue} that {clause}, a claim the {acr} denied.",
    ])


def article(rng: random.Random, paragraphs: int | None = None) -> str:
    """A short Markdown news article: a title, then paragraphs of attributed sentences."""
    n = paragraphs if paragraphs is not None else rng.randint(2, 6)
    title = f"{rng.choice(ORGS)[0]} {rng.choice(['denies', 'confirms', 'rejects'])} report"
    paras = [" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(n)]
    return f"# {title}\n\n" + "\n\n".join(paras) + "\n"


def _run(rng: random.Random, chars: str, lo: int, hi: int) -> str:
    return rng.choice(chars) * rng.randint(lo, hi)


# Fixed hostile pieces; lone surrogates are kept apart (str input only).
HOSTILE = [
    '"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "``", "''",
    "[", "]", "(", ")", "{", "}", "<", ">", ":", ";", " : ", "...", "\u2026", "\u2014", "-",
    "[aka ", "(also known as ", " (ISIS)", '" he said', "said:", "according to ", "[]", "()",
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1b[2J", "\x1b]0;pwned\x07",
    "\x1b]52;c;ZXZpbA==\x07", "\x7f", "\x85", "\x9b", "\t", "\r", "\r\n", "\n", "\n\n",
    "\u2028", "\u2029", "\u202e", "\u200f", "\u200e", "\u2066", "\u2069",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "\u05e9\u05dc\u05d5\u05dd", "e\u0301", "\u0301", "\u0300\u0301\u0302\u0303\u0304",
    "\ufeff", "\u200b", "\u200d", "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\U0001d400\U0001d401", "\ufffd", "\uffff", "\ufdd0", "=cmd|' /C calc'!A0", "+1", "@SUM(1)",
    "<script>alert(1)</script>", "&amp;", "&#0;", "MR.", "\u201cMR.\n", "MR. O'NEILL", "Dr.",
    "\n---\ntitle: x\ntitle: y\n---\n", "[link](http://example.com)", "[](#)", "![i](x.png)",
    "# ", "\n> ", "*", "_", "`", "\\",
]
SURROGATES = ["\ud800", "\udfff", "\udc80", "\udbff\udbff"]


def hostile(rng: random.Random, surrogates: bool = True) -> str:
    """One hostile piece: a fixed one, or a generated run."""
    k = rng.random()
    if k < 0.55:
        return rng.choice(HOSTILE)
    if k < 0.62 and surrogates:
        return rng.choice(SURROGATES)
    return rng.choice([
        lambda: _run(rng, "\u2014-._!?,*#=~\u2026", 20, 1500),  # punctuation runs
        lambda: _run(rng, "\"\u201c\u201d'\u2019\u00ab", 20, 800),  # quote runs
        lambda: _run(rng, "([{<", 5, 300) + _run(rng, ")]}>", 5, 300),  # brackets
        lambda: _run(rng, "aZ0", 50, 1200),  # long tokens
        lambda: "https://example.org/" + _run(rng, "ab/?=&%", 50, 600),
        lambda: "a" + "\u0301" * rng.randint(10, 500),  # combining marks
        lambda: _run(rng, " \t\n\u00a0\u3000", 10, 400),  # whitespace runs
        lambda: "<div>" * rng.randint(100, 400) + "text" + "</div>" * rng.randint(0, 400),
        lambda: _run(rng, "\x00\x1b\x07\x7f", 1, 50),  # control runs
    ])()


def mutate(rng: random.Random, text: str, ops: int | None = None,
           surrogates: bool = True) -> str:
    """Insert, delete or replace spans of `text` with hostile pieces."""
    for _ in range(ops if ops is not None else rng.randint(1, 8)):
        i = rng.randint(0, len(text))
        j = min(len(text), i + rng.randint(0, 40))
        op = rng.choice(("insert", "delete", "replace"))
        if op == "insert":
            text = text[:i] + hostile(rng, surrogates) + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        else:
            text = text[:i] + hostile(rng, surrogates) + text[j:]
    return text


def random_text(rng: random.Random, n: int) -> str:
    """Random code points, weighted toward letters, spaces and punctuation."""
    pools = ["abcdefghijklmnopqrstuvwxyz ", "ABCXYZ .,;:!?\"'()[]\n",
             "\u201c\u201d\u2018\u2019\u2014", "\u0627\u0628\u062a\u05d0\u05d1 \u0301\u0300",
             "\t\r\x0c\u2028"]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.9:
            out.append(rng.choice(pools[0] if r < 0.6 else rng.choice(pools[1:])))
        else:
            out.append(chr(rng.randint(0x20, 0x10FFFF)))
    if rng.random() < 0.1:  # control characters now and then (NUL makes it binary)
        out.insert(rng.randint(0, len(out)), rng.choice(("\x00", "\x1b", "\x07", "\x7f")))
    return "".join(out)


def to_bytes(rng: random.Random, text: str) -> bytes:
    """UTF-8; lone surrogates become invalid UTF-8, sometimes with stray bytes added."""
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        i = rng.randint(0, len(raw))
        stray = rng.choice([b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\x80"])
        raw = raw[:i] + stray + raw[i:]
    return raw


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.md"))]


def fuzz_input(rng: random.Random, seeds: list[str]) -> tuple[str, bytes, str]:
    """(kind, bytes, extension) of one input, MIN_CHARS..MAX_CHARS characters long."""
    kind = rng.choice(("article", "mutated-article", "mutated-seed", "mutated-seed",
                       "random", "html"))
    if kind == "article":
        text = article(rng)
    elif kind == "mutated-article":
        text = mutate(rng, article(rng))
    elif kind == "mutated-seed":
        seed = rng.choice(seeds)
        start = rng.randint(0, max(0, len(seed) - MAX_CHARS))
        text = mutate(rng, seed[start:start + rng.randint(MIN_CHARS, MAX_CHARS)])
    elif kind == "random":
        text = random_text(rng, rng.randint(MIN_CHARS, 1500))
    else:
        body = "".join(f"<p>{p}</p>" for p in article(rng).split("\n\n"))
        text = mutate(rng, f"<html><head><title>t</title></head><body>{body}</body></html>")
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if len(text) < MIN_CHARS:
        text = text + " " + article(rng, 1)[: MIN_CHARS * 2]
    ext = ".html" if kind == "html" else rng.choice((".md", ".txt", ".txt"))
    return kind, to_bytes(rng, text), ext


# --- checks ----------------------------------------------------------------------------


def one_line(e: BaseException) -> bool:
    """The library's own error, fit for one line of a terminal."""
    from claimtrack.errors import ClaimtrackError

    msg = str(e)
    return isinstance(e, ClaimtrackError) and "\n" not in msg and "\r" not in msg and bool(msg)


def span_problems(text: str, what: str, start, end, got) -> list[str]:
    if start is None and end is None:
        return []
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        return [f"{what}: offsets {start}-{end} outside text of {len(text)} chars"]
    if got is not None and text[start:end] != got:
        return [f"{what}: text[{start}:{end}]={text[start:end]!r} but stored {got!r}"]
    return []


def extraction_problems(text: str, extraction) -> list[str]:
    """Offsets of an Extraction (attributions with fragments, mentions) against its text."""
    out: list[str] = []
    for i, a in enumerate(extraction.attributions):
        for part in ("source", "cue", "content"):
            span = getattr(a, part)
            if span is None:
                continue
            out += span_problems(text, f"attribution {i} {part}", span.start, span.end, span.text)
            for k, f in enumerate(span.fragments or ()):
                out += span_problems(text, f"attribution {i} {part} fragment {k}",
                                     f.start, f.end, f.text)
                if not span.start <= f.start <= f.end <= span.end:
                    out.append(f"attribution {i} {part} fragment {k} outside its hull")
    for i, m in enumerate(extraction.mentions):
        out += span_problems(text, f"mention {i}", m.start, m.end, m.text)
    return out


def offset_violations(conn: sqlite3.Connection) -> list[str]:
    """Every stored offset against documents.text: claims (with fragments), links,
    mentions, aliases; and the stored text's SQL length against its real length."""
    out: list[str] = []
    texts = {}
    for doc_id, text, sql_len in conn.execute("SELECT id, text, length(text) FROM documents"):
        texts[doc_id] = text
        if sql_len != len(text):
            out.append(f"{doc_id}: SQL length(text)={sql_len} but the text has {len(text)} chars")
    cols = [d[1] for d in conn.execute("PRAGMA table_info(claims)")]
    for row in conn.execute("SELECT * FROM claims"):
        r = dict(zip(cols, row, strict=True))
        text = texts.get(r["doc_id"])
        if text is None:
            out.append(f"claim {r['id']}: no document {r['doc_id']}")
            continue
        for part in ("source", "cue", "content"):
            s, e, t = r[f"{part}_start"], r[f"{part}_end"], r[f"{part}_text"]
            out += span_problems(text, f"claim {r['id']} {part}", s, e, t)
            for k, f in enumerate(json.loads(r[f"{part}_fragments"] or "[]")):
                out += span_problems(text, f"claim {r['id']} {part} fragment {k}",
                                     f["start"], f["end"], f["text"])
                if s is None or not s <= f["start"] <= f["end"] <= e:
                    out.append(f"claim {r['id']} {part} fragment {k} outside its hull")
    for table in ("links", "mentions"):
        for doc_id, seq, s, e, t in conn.execute(
                f'SELECT doc_id, seq, start, "end", text FROM {table}'):
            if doc_id not in texts:
                out.append(f"{table} {doc_id}:{seq}: no such document")
                continue
            out += span_problems(texts[doc_id], f"{table} {doc_id}:{seq}", s, e, t)
    for doc_id, s, e, name, alias in conn.execute(
            'SELECT doc_id, start, "end", name, alias FROM aliases'):
        if doc_id not in texts:
            out.append(f"alias {doc_id}@{s}: no such document")
            continue
        out += span_problems(texts[doc_id], f"alias {doc_id}@{s}", s, e, None)
        if not (name and alias):
            out.append(f"alias {doc_id}@{s}: empty name or alias")
    return out


TIMESTAMPS = {"added", "at"}  # columns that differ between equal runs


# What reads keep for the next reads (the stored listings, shares, records, names and
# marks): a database that was read differs from one that was not only here, and any of
# it may be dropped and computed again (entity_stale_keys: marks writes leave, reads clear).
READ_KEPT = ("listing_state", "listing_rows", "source_parts", "source_share_rows",
             "source_totals", "entity_rows", "entity_stale_keys", "component_names",
             "entity_unkept", "entity_base")


def snapshot(db: str | Path, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every table's rows (timestamps left out), sorted: equal runs give equal snapshots.
    `skip`: tables left out (READ_KEPT, where one database was read meanwhile)."""
    from claimtrack.store import postings

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        out = {}
        for t in sorted(tables):
            if t in skip:
                continue
            if t.startswith(("claim_words_", "person_words_")) and not t.endswith("_map"):
                continue  # FTS5's own tables: their segments depend on the order of writes
            if t in ("unit_docs", "unit_blocks", "unit_gone"):
                continue  # numbered in the order of writes: compared as postings below
            cols = [d[1] for d in conn.execute(f"PRAGMA table_info({t})")
                    if d[1] not in TIMESTAMPS and not (t in ("entity_decisions", "source_grades")
                                                       and d[1] == "id")
                    and not (t.endswith("words_map") and d[1] == "word_row")]
            sel = ", ".join(f'"{c}"' for c in cols)
            out[t] = sorted((tuple(r) for r in conn.execute(f"SELECT {sel} FROM {t}")), key=repr)
        if "unit_blocks" in tables:  # the unit index's live postings, without numbers
            out["unit postings"] = postings.stored(conn)
        return out
    finally:
        conn.close()


def by_document(db: str | Path) -> dict[str, dict[str, list[tuple]]]:
    """doc id -> table -> its rows (timestamps left out), for the per-document tables."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out: dict[str, dict[str, list[tuple]]] = {}
        for t, key in (("documents", "id"), ("links", "doc_id"), ("mentions", "doc_id"),
                       ("claims", "doc_id"), ("aliases", "doc_id")):
            cols = [d[1] for d in conn.execute(f"PRAGMA table_info({t})")
                    if d[1] not in TIMESTAMPS]
            sel = ", ".join(f'"{c}"' for c in cols)
            k = cols.index(key)
            for r in conn.execute(f"SELECT {sel} FROM {t}"):
                out.setdefault(r[k], {}).setdefault(t, []).append(tuple(r))
        for tables in out.values():
            for rows in tables.values():
                rows.sort(key=repr)
        return out
    finally:
        conn.close()


# --- the long run ----------------------------------------------------------------------


@dataclass
class Outcome:
    index: int
    kind: str
    ext: str
    chars: int  # of the input (decoded), so time per character is per input character
    seconds: float = 0.0
    stored_chars: int = 0
    refused: str | None = None  # the library's one-line refusal
    crash: str | None = None  # traceback text
    parsed: object = None
    extraction: object = None
    problems: list[str] = field(default_factory=list)


def _work(index: int, kind: str, raw: bytes, ext: str) -> Outcome:
    """Ingest and extract one input (in a worker with --jobs > 1), timed."""
    from claimtrack.extract import extract_text
    from claimtrack.ingest import parse_bytes

    chars = len(raw.decode("utf-8", "replace"))
    out = Outcome(index, kind, ext, chars)
    t0 = time.perf_counter()
    try:
        parsed = parse_bytes(raw, f"fuzz-{index}{ext}")
        out.parsed = parsed
        out.stored_chars = len(parsed.text)
        out.extraction = extract_text(parsed.text)
        out.problems = extraction_problems(parsed.text, out.extraction)
    except Exception as e:  # noqa: BLE001 - classifying is the point
        if one_line(e):
            out.refused = str(e)
        else:
            out.crash = traceback.format_exc()
    out.seconds = time.perf_counter() - t0
    return out


def _store(db, out: Outcome) -> None:
    from claimtrack.aliases import find_aliases, quoted_spans
    from claimtrack.assess import assess
    from claimtrack.entities import stored_facts
    from claimtrack.errors import DatabaseError
    from claimtrack.store import documents as store

    parsed, extraction = out.parsed, out.extraction
    try:
        flags = assess(extraction, parsed.text, parsed.links, parsed.published)
        aliases = find_aliases(parsed.text, quoted_spans(extraction.attributions))
        if store.find_by_sha(db, parsed.sha256) is None:
            store.add_document(db, parsed, extraction, flags, aliases, facts=stored_facts)
    except DatabaseError as e:
        if not one_line(e):
            out.crash = traceback.format_exc()
        else:
            out.crash = f"refused at store time: {e}"  # valid text must be stored
    except Exception:  # noqa: BLE001
        out.crash = traceback.format_exc()


def _inputs(n: int, seed: int) -> Iterator[tuple[int, str, bytes, str]]:
    rng = random.Random(seed)
    seeds = seed_texts()
    for i in range(n):
        kind, raw, ext = fuzz_input(rng, seeds)
        yield i, kind, raw, ext


def _save(out_dir: Path, i: int, raw: bytes, ext: str, what: str) -> Path:
    path = out_dir / f"input-{i}{ext}"
    path.write_bytes(raw)
    (out_dir / f"input-{i}.txt").write_text(what, encoding="utf-8")
    return path


def _outcomes(n: int, seed: int, jobs: int) -> Iterator[tuple[Outcome, bytes]]:
    if jobs <= 1:
        for i, kind, raw, ext in _inputs(n, seed):
            yield _work(i, kind, raw, ext), raw
        return
    from claimtrack.extract.nlp import get_nlp

    get_nlp()  # forked workers share the loaded model
    chunk: list[tuple[int, str, bytes, str]] = []
    it = _inputs(n, seed)
    while True:
        chunk = [x for _, x in zip(range(jobs * 16), it, strict=False)]
        if not chunk:
            return
        try:
            with ProcessPoolExecutor(jobs) as pool:
                futures = [(pool.submit(_work, *x), x) for x in chunk]
                for fut, x in futures:
                    yield fut.result(), x[2]
        except BrokenProcessPool:
            # a worker died (signal, out of memory): redo the chunk one by one to find it
            for i, kind, raw, ext in chunk:
                with ProcessPoolExecutor(1) as one:
                    try:
                        yield one.submit(_work, i, kind, raw, ext).result(), raw
                    except BrokenProcessPool:
                        yield Outcome(i, kind, ext, len(raw), crash="worker process died"), raw


def big_article_rss(out_dir: Path, seed: int) -> dict:
    """`claimtrack add` of one ~990,000-character article, --jobs 1: seconds and peak RSS."""
    import resource
    import shutil
    import subprocess

    rng = random.Random(seed)
    parts, size = [], 0
    while size < 990_000:
        a = article(rng, 8)
        parts.append(a)
        size += len(a) + 1
    text = "\n".join(parts)[:990_000]
    path = out_dir / "big-article.txt"
    path.write_text(text, encoding="utf-8")
    exe = shutil.which("claimtrack") or str(Path(sys.executable).parent / "claimtrack")
    t0 = time.perf_counter()
    proc = subprocess.run([exe, "add", str(path), "--jobs", "1", "--db",
                           str(out_dir / "big.db")], capture_output=True, text=True, timeout=1800)
    secs = time.perf_counter() - t0
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"chars": len(text), "seconds": round(secs, 1), "peak_rss_mb": round(rss_kb / 1024),
            "exit": proc.returncode, "stderr_tail": proc.stderr.strip().splitlines()[-3:]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="inputs to try")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes for ingest+extract")
    ap.add_argument("--out", type=Path, help="folder for the database and reproducers")
    ap.add_argument("--big", action="store_true", help="also add a 990k-char article (RSS)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="claimtrack-fuzz-"))
    out_dir.mkdir(parents=True, exist_ok=True)

    from claimtrack.store import db as dbmod

    db_path = out_dir / "fuzz.db"
    if db_path.exists():
        db_path.unlink()
    db = dbmod.open_db(db_path)
    _work(-1, "warm-up", b"The mayor said taxes will rise.", ".txt")  # load spaCy untimed
    t0 = time.perf_counter()
    tried = refused = stored = 0
    crashes: list[dict] = []
    violations: list[dict] = []
    slowest: list[tuple[float, Outcome, bytes]] = []
    kinds: dict[str, int] = {}
    for out, raw in _outcomes(args.n, args.seed, args.jobs):
        tried += 1
        kinds[out.kind] = kinds.get(out.kind, 0) + 1
        if out.crash is None and out.refused is None:
            _store(db, out)
            stored += out.crash is None
        if out.refused is not None:
            refused += 1
        if out.crash is not None:
            path = _save(out_dir, out.index, raw, out.ext, out.crash)
            crashes.append({"input": str(path), "kind": out.kind, "chars": out.chars,
                            "error": out.crash.strip().splitlines()[-1][:300]})
        if out.problems:
            path = _save(out_dir, out.index, raw, out.ext, "\n".join(out.problems))
            violations.append({"input": str(path), "kind": out.kind,
                               "first": out.problems[0][:300], "count": len(out.problems)})
        if out.chars:
            slowest.append((out.seconds / out.chars, out, raw))
            slowest = sorted(slowest, key=lambda x: -x[0])[:5]
        if tried % 1000 == 0:
            print(f"... {tried} inputs, {len(crashes)} crashes, {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr)
    stored_violations = offset_violations(db.conn)
    summary = {
        "command": "python scripts/fuzz.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "inputs": tried, "kinds": kinds, "stored": stored, "refused_one_line": refused,
        "crashes": len(crashes), "crash_examples": crashes[:10],
        "offset_violations_extraction": len(violations), "violation_examples": violations[:10],
        "offset_violations_stored": len(stored_violations),
        "stored_violation_examples": stored_violations[:10],
        "slowest_per_char": [
            {"us_per_char": round(1e6 * spc, 1), "seconds": round(o.seconds, 3),
             "chars": o.chars, "stored_chars": o.stored_chars, "kind": o.kind, "ext": o.ext,
             "input": str(_save(out_dir, o.index, raw, o.ext,
                                f"slow: {o.seconds:.3f} s for {o.chars} chars"))}
            for spc, o, raw in slowest],
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "out": str(out_dir),
    }
    if args.big:
        summary["big_article"] = big_article_rss(out_dir, args.seed)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for k, v in summary.items():
            print(f"{k}: {json.dumps(v, ensure_ascii=True) if not isinstance(v, str) else v}")
    return 1 if crashes or violations or stored_violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
