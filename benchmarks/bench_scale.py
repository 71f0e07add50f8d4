"""Archive scale: `claimtrack add --records` at growing database sizes (issue 12).

    python benchmarks/bench_scale.py [--sizes 1000,10000] [--jobs 1,2] [--workdir DIR]
                                     [--sample 40]

The corpus is recombined from PolNeAR dev texts (the held-out fifth is never read;
nothing is written to the repo): each document joins runs of paragraphs of three
articles, every sentence is used at most 3 times, and once the sentences run out the
next "variant" of the corpus starts. In a variant every number and every word outside
the function words, the extractor's cue lexicon and dates' words is replaced,
consistently within the variant: a lowercase word by another of the same suffix class
and fixed IDF weight, a name the IDF table lists by another name it weighs alike (the
variant's "Clinton" is as common as Clinton), a rare name by one of 384,000 made-up
surnames, an acronym by letters (each a permutation per variant). So a claim recurs in
a few documents, as a story does, a variant's sentences parse and weigh like the
originals, and a 10,000-document corpus is neither 10,000 copies of the same 580
articles' people nor ten retellings of each of their sentences: 400 documents of the
second variant store 15,178 claims and 15,348 matches, 400 of the first 15,719 and
15,274. `--substitute names` changes names and numbers only, as before 2026-11-28's
last session: there a variant of "The House is expected to pass a bipartisan bill later
this week" with another name for the House is the same claim, every sentence's cluster
grows by three appearances a variant, and matches per claim grow with the corpus (1.9
at 1,000 documents, 19.2 at 10,000), which the issue's "each sentence used at most 3
times ... so clusters stay realistic" rules out.

For each --jobs and each size (the smaller corpora are prefixes of the larger), a
fresh database gets `claimtrack add --records FILE --jobs J` as a subprocess, as a user
runs it: wall time, documents/s, peak RSS of the process and of its whole tree
(psutil, sampled every 0.1 s). Then, on each size's database, the database size per
1,000 documents, matches per claim, and the store-and-match part of `add` (parsing
excluded): --sample further documents extracted once in this process and stored one
by one, each with the cross-document update, on a copy of the database (mean ms per
document). The target: store-and-match per document at the largest size within 1.3x
of that at the smallest; peak RSS at the largest within 1.2x.

Needs psutil (installed with claimtrack[dask]). At 10,000 documents this takes on the
order of an hour on two cores: it is not run in CI.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_add_memory import measure  # noqa: E402
from bench_reads import (  # noqa: E402
    CORPUS,
    LIMIT,
    PARAGRAPHS,
    PIECES,
    Timing,
    claimtrack,
    copies,
    extract_sample,
    paragraphs_of,
    sentences,
    store_and_match,
    time_commands,
    widest_claim,
)

MAX_USES = 3
PUBLISHERS = ("Reuters", "BBC", "Breitbart", "The New York Times", "Fox News", "AP",
              "The Guardian", "Politico")
# Made-up surnames of `--substitute names`, 25 x 8 x 20 = 4,000 of them (_surname makes
# 384,000 for the default corpus). A first pool of 36 made each of them as common as
# "Trump" past the first variant, while the fixed word weights (corpus/relate.py) rate
# an unknown name rare: every short claim naming one became a candidate of every
# other (108,000 candidates a document at 1,600 stored, 98% of them sharing one word),
# and names chained unrelated claims into clusters of 1,000 ("Esposito Novak" stood
# for many people).
_ONSETS = ("B", "C", "D", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V",
           "W", "Z", "Br", "Ch", "Dr", "Gr", "Kr", "St", "Tr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou")
_CODAS = ("berg", "dale", "field", "ford", "gan", "holm", "kov", "lund", "mann", "nez",
          "rick", "sen", "ston", "vic", "well", "wick", "yev", "zic", "dotti", "mura")
_SURNAMES = tuple(o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS)
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]{2,}(?:\s[A-Z][a-z]{2,})*")
_DIGITS = re.compile(r"\d+")


# What a variant never changes: function words, negations, dates' words, and every
# word of the extractor's cue lexicon (data/cues.json) in its common forms, so the
# variant's attributions are found as the original's are.
_KEEP_IRREGULAR = frozenset((
    "said", "told", "wrote", "written", "thought", "felt", "knew", "known", "spoke", "spoken",
    "meant", "saw", "seen", "heard", "found", "gave", "given", "made", "put", "sought",
    "taught", "understood", "according", "percent", "hundred", "thousand", "million",
    "billion", "trillion"))
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]+(?![\w-]|['’]t\b)")
_MID_CAPITAL = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?![\w-])")
_ANY_WORD = re.compile(r"(?<![\w’'-])[A-Za-z]+(?![\w-]|['’]t\b)")
_SUFFIX_CLASSES = ("tions", "tion", "ments", "ment", "ness", "ings", "ing", "ied", "ed",
                   "ly", "ers", "er", "ies", "ous", "ive", "al", "ic", "s")


def _strings(value: object) -> set[str]:
    """Every word in a lexicon entry (words, phrases, lists and maps of them),
    lowercased."""
    if isinstance(value, str):
        return set(value.lower().split())
    if isinstance(value, dict):
        return {w for k, v in value.items() for w in _strings(k) | _strings(v)}
    if isinstance(value, list):
        return {w for v in value for w in _strings(v)}
    return set()


@lru_cache(maxsize=1)
def _kept_words() -> frozenset[str]:
    """The words a variant keeps. Read from data/cues.json itself, not from
    extract.cues.load_lexicon: the corpus keeps every word of the file (its source
    pronouns too), which the Lexicon record does not carry."""
    from claimtrack.corpus.relate import _MONTHS, _NUMBER_WORDS, _WEEKDAYS
    from claimtrack.similarity import NEGATIONS, STOPWORDS

    cues = json.loads((ROOT / "claimtrack" / "data" / "cues.json").read_text(encoding="utf-8"))
    lemmas = {w for w in _strings({k: v for k, v in cues.items() if k not in ("about", "version")})
              if w.isalpha()}
    forms = set(lemmas)
    for w in lemmas:
        forms |= {w + "s", w + "es", w + "ed", w + "d", w + "ing", w[:-1] + "ing",
                  w[:-1] + "ies", w[:-1] + "ied", w + w[-1] + "ed", w + w[-1] + "ing"}
    return frozenset(forms | STOPWORDS | NEGATIONS | _KEEP_IRREGULAR | set(_MONTHS)
                     | set(_WEEKDAYS) | set(_NUMBER_WORDS))


def _suffix_class(word: str) -> str:
    return next((s for s in _SUFFIX_CLASSES if word.endswith(s) and len(word) > len(s) + 2), "")


@lru_cache(maxsize=1)
def _articles() -> tuple[tuple[str, ...], ...]:
    """The dev articles' paragraphs, read once for the word bins, the names and the
    corpus."""
    return tuple(tuple(paras) for paras in paragraphs_of(CORPUS))


@lru_cache(maxsize=1)
def _word_bins() -> tuple[tuple[str, ...], ...]:
    """The corpus's other lowercase words in bins of one suffix class and one unit of
    fixed IDF weight (corpus/relate.py): a word is replaced by another of its bin, so a
    variant's sentences parse alike and weigh alike."""
    from claimtrack.corpus.relate import weight
    from claimtrack.similarity import stem

    kept = _kept_words() | _name_words()  # names have bins of their own
    words = {w for paras in _articles() for p in paras
             for w in _LOWER_WORD.findall(p) if w not in kept and len(w) > 2}
    bins: dict[str, list[str]] = {}
    for w in sorted(words):
        bins.setdefault(f"{_suffix_class(w)}|{int(weight(stem(w)))}", []).append(w)
    return tuple(tuple(ws) for ws in bins.values())


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    """Words (lowercased) the corpus capitalises inside sentences more often than it
    writes them in lowercase: names ("Trump", "Clinton", "Republican"), replaced as
    names (_name_bins, else a made-up surname) even where a lowercase "trump" exists."""
    low: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    for paras in _articles():
        for p in paras:
            low.update(_LOWER_WORD.findall(p))
            cap.update(w.lower() for w in _MID_CAPITAL.findall(p))
    return frozenset(w for w, n in cap.items() if n > low[w])


@lru_cache(maxsize=1)
def _name_bins() -> tuple[tuple[str, ...], ...]:
    """The names the fixed IDF table lists (corpus/relate.py), in bins of one unit of
    weight: a listed name is replaced by another as common ("Clinton" by a name the
    table weighs as it weighs "clinton"). A made-up name is weighed as the rarest word,
    and the variant's Clinton, in a tenth of its documents, made every claim naming
    her a candidate of every other."""
    from claimtrack.corpus.relate import _idf, weight
    from claimtrack.similarity import stem

    listed = _idf()[0]
    bins: dict[int, list[str]] = {}
    for w in sorted(_name_words() - _kept_words()):
        if stem(w) in listed:
            bins.setdefault(int(weight(stem(w))), []).append(w)
    return tuple(tuple(ws) for ws in bins.values())


@lru_cache(maxsize=4)
def _word_map(variant: int) -> dict[str, str]:
    """Variant's permutation of each bin (a bijection: two words stay two words)."""
    out: dict[str, str] = {}
    for peers in _word_bins() + _name_bins():
        shuffled = sorted(peers, key=lambda w: zlib.crc32(f"{w}|{variant}".encode()))
        out.update(zip(peers, shuffled, strict=True))
    return out


_MIDDLES = ("l", "n", "r", "s", "t", "d", "m", "v", "b", "g", "k", "z")
_NAMES = len(_ONSETS) * len(_VOWELS) * len(_MIDDLES) * len(_VOWELS) * len(_CODAS)


def _surname(word: str, variant: int) -> str:
    """One of 384,000 made-up surnames (onset, vowel, consonant, vowel, coda), the same
    for the same word within a variant: with 4,000 each stood for about 50 names by
    the tenth variant, and, weighed as rare, shared names made every claim naming
    one a candidate of the others."""
    i = zlib.crc32(f"{word}|{variant}".encode()) % _NAMES
    parts = []
    for pool in (_CODAS, _VOWELS, _MIDDLES, _VOWELS, _ONSETS):
        i, k = divmod(i, len(pool))
        parts.append(pool[k])
    return "".join(reversed(parts))


def _acronym(word: str, variant: int) -> str:
    h = zlib.crc32(f"{word}|{variant}".encode())
    return "".join(chr(ord("A") + (h >> (5 * k)) % 26) for k in range(len(word)))


def substitute(text: str, variant: int, words: bool = True) -> str:
    """Names and numbers replaced, the same way for the same word within `variant`
    (variant 0: the text as it is). With `words`, every word outside the kept ones
    (function words, cue words, dates' words; one or two letters), wherever it stands:
    a lowercase word by another of its bin; a capitalised one by its bin's peer if it is
    a name the IDF table lists (_name_bins) or a word the corpus writes in lowercase,
    else (a rare name) by a made-up surname; an acronym by letters. Names at a
    sentence's start, after a digit or after a full stop ("Biden Jr.", "2012 Benghazi")
    were kept before, and every variant's copies of a sentence shared them. Without
    `words` (`--substitute names`): the capitalised runs after a lowercase word or a
    comma, from 4,000 surnames, as before 2026-11-28."""
    if variant == 0:
        return text

    def number(m: re.Match[str]) -> str:
        return str((int(m.group()) * (variant + 1) + variant) % (10 ** len(m.group())))

    if not words:
        def name(m: re.Match[str]) -> str:
            return " ".join(_SURNAMES[zlib.crc32(f"{w}|{variant}".encode()) % len(_SURNAMES)]
                            for w in m.group().split())

        return _DIGITS.sub(number, _NAME.sub(name, text))

    table = _word_map(variant)
    kept = _kept_words()

    def word(m: re.Match[str]) -> str:
        w = m.group()
        low = w.lower()
        if low in kept or len(w) <= 2:
            return w
        if w.islower():
            return table.get(w, w)
        if w[0].isupper() and w[1:].islower():
            peer = table.get(low)  # a listed name's peer, or a word's
            return peer.capitalize() if peer else _surname(w, variant)
        if w.isupper():
            return _acronym(w, variant)
        return _surname(w, variant)

    return _DIGITS.sub(number, _ANY_WORD.sub(word, text))


def corpus(n: int, seed: int = 12, words: bool = True) -> list[dict]:
    """`n` records (id, title, published, publisher, text): see the module's docstring.
    A sentence is used at most MAX_USES times over the whole corpus, counted after
    substitution: a sentence with no name or number to change ("He declined to
    comment.") is dropped from its paragraph once used up."""
    articles = [[sentences(p) for p in paras] for paras in _articles()]
    rng = random.Random(seed)
    uses: Counter[str] = Counter()
    subst: dict[tuple[int, int], list[list[str]]] = {}  # (article, variant) -> paragraphs

    def paragraphs(a: int, variant: int) -> list[list[str]]:
        if (a, variant) not in subst:
            subst[(a, variant)] = [[substitute(x, variant, words) for x in p]
                                   for p in articles[a]]
        return subst[(a, variant)]

    out: list[dict] = []
    variant = 0
    while len(out) < n:
        misses = 0
        while len(out) < n and misses < 200:
            picks = rng.sample(range(len(articles)), PIECES)
            parts: list[str] = []
            for k, a in enumerate(picks):
                free = [kept for p in paragraphs(a, variant)
                        if (kept := [x for x in p if uses[x] < MAX_USES])]
                if len(free) < PARAGRAPHS[0]:
                    break
                run = rng.randint(*PARAGRAPHS)
                start = 0 if k == 0 else rng.randrange(0, max(1, len(free) - run))
                parts.extend(" ".join(p) for p in free[start : start + run])
            else:
                for p in parts:
                    uses.update(sentences(p))
                i = len(out)
                out.append({"id": f"doc{i:06d}", "title": parts[0][:80],
                            "published": f"{2015 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                            "publisher": PUBLISHERS[rng.randrange(len(PUBLISHERS))],
                            "text": "\n\n".join(parts) + "\n"})
                misses = 0
                continue
            misses += 1
        variant += 1  # this variant's sentences are used up: names and numbers change
        subst.clear()
    return out


def db_facts(db: Path) -> tuple[int, int, int, int]:
    """(bytes, documents, claims, matches) of a database, its log checkpointed first
    (so the file is the data, whole: a copy of it alone is the database; benchmarks may
    read SQL directly)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        docs, claims, matches = conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM claims), "
            "(SELECT count(*) FROM matches)").fetchone()
        matches += twin_pairs_not_stored(conn)
    finally:
        conn.close()
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return size, docs, claims, matches


def twin_pairs_not_stored(conn: sqlite3.Connection) -> int:
    """The pairs of twins (claims of two documents whose twin classes relate,
    corpus/twins.py) that reads give and the database does not store: matches all the
    same, as reads give them."""
    from bisect import bisect_right

    members: dict[str, list[tuple[str, str]]] = {}
    for key, claim, doc in conn.execute("SELECT key, claim_id, doc_id FROM twins"):
        members.setdefault(key, []).append((claim, doc))

    def oriented(xs: list[tuple[str, str]], ys: list[tuple[str, str]]) -> int:
        """Pairs x of xs, y of ys with x's id the lesser, in two documents."""
        ids = sorted(c for c, _ in ys)
        by_doc: dict[str, list[str]] = {}
        for c, d in ys:
            by_doc.setdefault(d, []).append(c)
        for v in by_doc.values():
            v.sort()
        return sum((len(ids) - bisect_right(ids, c))
                   - (len(by_doc.get(d, [])) - bisect_right(by_doc.get(d, []), c))
                   for c, d in xs)

    every = sum(oriented(members[a], members[b]) for a, b in conn.execute(
        "SELECT a_key, b_key FROM twin_pairs WHERE relation IS NOT NULL")
        if a in members and b in members)
    (stored,) = conn.execute("SELECT count(*) FROM matches m JOIN twins x ON x.claim_id = m.a "
                             "JOIN twins y ON y.claim_id = m.b").fetchone()
    return every - stored


# a read or an add as a user types it (compiled bytecode, start-up included)
EXE = [sys.executable, "-c", "from claimtrack.cli import cli; cli()"]


def workdir(args: argparse.Namespace) -> Path:
    work = args.workdir or Path(tempfile.mkdtemp(prefix="claimtrack-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    return work


def read_commands(db: Path) -> list[tuple[str, list[str]]]:
    """Issue 12's reads, their subjects chosen on `db`, the smallest database (the
    larger ones hold its documents; benchmarks may read SQL directly): the person named
    in full in most documents and one named in a single document, the two documents
    sharing most matches, a claim of the first in its widest cluster."""
    conn = sqlite3.connect(db)
    try:
        names = conn.execute(
            "SELECT text, COUNT(DISTINCT doc_id) AS n FROM mentions WHERE label = 'PERSON' "
            "AND text LIKE '% %' AND text GLOB '[A-Z]*' GROUP BY text "
            "ORDER BY n DESC, text").fetchall()
        frequent = names[0][0]
        # named in one document, and by or about some claim there (`show` lists claims)
        rare = next(t for t, n in names if n == 1 and claimtrack(
            "show", "--entity", t, "--limit", "1", "--db", str(db), check=False).strip())
        a, b = conn.execute(
            "SELECT substr(a, 1, instr(a, ':') - 1) AS x, substr(b, 1, instr(b, ':') - 1) AS y "
            "FROM matches WHERE x != y GROUP BY x, y ORDER BY COUNT(*) DESC, x, y "
            "LIMIT 1").fetchone()
        claim = widest_claim(conn, a)
    finally:
        conn.close()
    return [
        (f"show --entity (frequent: {frequent})", ["show", "--entity", frequent]),
        (f"show --entity (rare: {rare})", ["show", "--entity", rare]),
        ("claims --flag single_source", ["claims", "--flag", "single_source"]),
        ("flags", ["flags"]),
        ("sources", ["sources"]),
        ("entities", ["entities"]),
        ("diff A B", ["diff", a, b]),
        ("timeline --claim ID", ["timeline", "--claim", claim]),
        ("report --doc A", ["report", "--doc", a]),
    ]


# issue 12's bars at the largest size: p95 above start-up (these under 500 ms, the
# others under 1 s), and the RSS of any read
FAST = ("show", "claims", "diff", "timeline")
READ_RSS = 500 * 2**20


def read_report(timings: list[Timing], dbs: dict[int, Path], commands: list[tuple[str, list[str]]],
                exe: list[str], work: Path) -> str:
    """The reads' table, and at the largest size each read's peak RSS (one more run,
    sampled) and the bars."""
    last = max(dbs)
    lines = [f"{'command':<58} {'docs':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95 above':>10} "
             f"{'lines':>6} {'runs':>4}"]
    for t in timings:
        label = t.command + (f" --limit {LIMIT}" if t.limited else "")
        mine = t.command != "claimtrack --version"
        lines.append(f"{label:<58} {t.size:>7,} {t.p50 * 1000:>8,.0f} {t.p95 * 1000:>8,.0f} "
                     f"{t.above95 * 1000 if mine else float('nan'):>10,.0f} "
                     f"{t.lines if mine else '':>6} {len(t.runs):>4}")
    lines.append(f"at {last:,} documents (p95 above start-up; peak RSS of one more run):")
    by = {t.command: t for t in timings if t.size == last}
    for label, cmd in commands:
        t = by[label]
        full = [*exe, *cmd, *(["--limit", str(LIMIT)] if t.limited else []),
                "--db", str(dbs[last])]
        _, rss, _, _ = measure(full, work / "read.err")
        bar = 0.5 if cmd[0] in FAST else 1.0
        ok = t.above95 < bar and rss < READ_RSS and (t.limited or cmd[0] in ("diff", "report"))
        lines.append(f"  {label:<56} {t.above95 * 1000:>7,.0f} ms (< {bar * 1000:,.0f}) "
                     f"{rss / 2**20:>5,.0f} MiB (< 500)  {'met' if ok else 'NOT met'}")
    return "\n".join(lines)


def reads_only(args: argparse.Namespace) -> None:
    """The reads' table on databases built earlier (--reads), sized by their documents."""
    work = workdir(args)
    args.repeat = args.repeat or 3
    built: dict[int, Path] = {}
    for db in args.reads:
        _, n, claims, _ = db_facts(db)
        print(f"{db}: {n:,} documents, {claims:,} claims", flush=True)
        if n in built:
            sys.exit(f"{db} holds as many documents as {built[n]}: give databases of "
                     "different sizes")
        built[n] = db
    sizes = sorted(built)
    if built[sizes[0]] != args.reads[0]:
        sys.exit("give the smallest database first: the subjects are chosen there")
    timings = time_reads(built, sizes, work, args)
    for t in timings:
        if t.size == sizes[-1]:
            print(f"first run at {t.size:,} (the warm-up): {t.command}: {t.first * 1000:,.0f} ms")


def time_reads(built: dict[int, Path], sizes: list[int], work: Path,
               args: argparse.Namespace) -> list[Timing]:
    """Issue 12's reads on copies of each size's database, subjects chosen on the
    smallest; the table printed, the timings returned."""
    dbs = copies(built, sizes, work)
    commands = read_commands(dbs[sizes[0]])
    timings = time_commands(dbs, sizes, commands, args)
    print(read_report(timings, dbs, commands, EXE, work))
    return timings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--sample", type=int, default=40,
                    help="documents stored one by one to time store-and-match (0: not timed)")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--repeat", type=int, default=0,
                    help="time the read commands this many rounds on each size (0: not)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per read")
    ap.add_argument("--slow", type=float, default=5.0,
                    help="a read slower than this many seconds gets fewer rounds")
    ap.add_argument("--reuse", action="store_true",
                    help="reuse the databases an earlier run built whole in --workdir "
                    "(build the others)")
    ap.add_argument("--substitute", choices=("words", "names"), default="words",
                    help="what a variant changes: names, numbers and every other word "
                    "outside the cue lexicon and function words (words), or only names and "
                    "numbers (names: the corpus before 2026-11-28's last session)")
    ap.add_argument("--reads", nargs="+", type=Path, metavar="DB",
                    help="only time the reads (--repeat rounds, 3 if not given) on these "
                    "databases, built earlier (by this benchmark, or carried on with "
                    "`add --records`): the first is the smallest, where the subjects are "
                    "chosen, and each other holds its documents; a database is "
                    "checkpointed, then copied into --workdir")
    args = ap.parse_args()
    if args.reads:
        reads_only(args)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = workdir(args)
    records = corpus(sizes[-1] + args.sample, words=args.substitute == "words")
    for n in sizes:
        path = work / f"records-{n}.jsonl"
        if not path.exists():
            with path.open("w", encoding="utf-8") as f:
                for r in records[:n]:
                    f.write(json.dumps(r) + "\n")
    sample_dir = work / "sample"
    sample_dir.mkdir(exist_ok=True)
    for r in records[sizes[-1]:]:
        (sample_dir / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")

    print(f"{'jobs':>4} {'docs':>7} {'wall s':>8} {'docs/s':>7} {'main MiB':>9} "
          f"{'tree MiB':>9} {'MB/1k docs':>10} {'claims':>9} {'matches/claim':>13}")
    built: dict[int, Path] = {}
    peaks: dict[tuple[int, int], int] = {}
    for jobs in (int(j) for j in args.jobs.split(",")):
        for n in sizes:
            db = work / f"j{jobs}-{n}.db"
            done = work / f"j{jobs}-{n}.done"  # written once its add completed
            if args.reuse and db.exists() and done.exists():
                print(f"{jobs:>4} {n:>7,} (reused: {db})", flush=True)
                built[n] = db
                continue
            done.unlink(missing_ok=True)
            for p in work.glob(db.name + "*"):
                p.unlink()
            err = work / f"j{jobs}-{n}.err"
            wall, main_rss, tree_rss, rc = measure(
                [*EXE, "add", "--records", str(work / f"records-{n}.jsonl"), "--jobs", str(jobs),
                 "--db", str(db)], err)
            if rc != 0:
                sys.exit(f"add failed ({rc}): {err.read_text()[-400:]}")
            size, _, claims, matches = db_facts(db)
            done.write_text(f"{wall:.1f} s\n")
            peaks[(jobs, n)] = tree_rss
            built[n] = db
            print(f"{jobs:>4} {n:>7,} {wall:>8.1f} {n / wall:>7.1f} {main_rss / 2**20:>9.0f} "
                  f"{tree_rss / 2**20:>9.0f} {size / 1e6 / n * 1000:>10.1f} {claims:>9,} "
                  f"{matches / max(claims, 1):>13.2f}", flush=True)

    sample = extract_sample(sample_dir) if args.sample else []
    per_doc = {}
    for n, db in sorted(built.items()) if sample else ():
        times = store_and_match(db, sample, work)
        per_doc[n] = statistics.mean(times)
        print(f"store-and-match per document at {n:,} stored: {per_doc[n] * 1000:.1f} ms "
              f"(median {statistics.median(times) * 1000:.1f} ms, {len(times)} documents)")
    lo, hi = sizes[0], sizes[-1]
    both = sorted(j for j, n in peaks if n == hi and (j, lo) in peaks)  # built in this run
    if per_doc:
        print(f"growth {lo:,} -> {hi:,}: store-and-match x{per_doc[hi] / per_doc[lo]:.2f} "
              "(target <= 1.3)" + ("; peak tree RSS " + ", ".join(
                  f"--jobs {j} x{peaks[(j, hi)] / peaks[(j, lo)]:.2f}" for j in both)
                  + " (target <= 1.2)" if both else ""), flush=True)
    if args.repeat:
        time_reads(built, sizes, work, args)


if __name__ == "__main__":
    main()
