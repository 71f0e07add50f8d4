"""One long document: `claimtrack add` of a text of growing length.

    python benchmarks/bench_long.py [--articles 20,40,80,160] [--repeat 2] [--workdir DIR]
                                    [--repeated 1000,2000] [--voices 500,1000]
                                    [--lines 7500,15000]

A long report, a transcript or a scraped archive page is one document, and the store
compares a document's claims with one another (the voices within it), classifies each
source against its mentions and its text, and checks each claim's spans against the
text. Done pair by pair or by scanning the text for each, that work grew with the
square of a document's length: 160 PolNeAR articles joined into one 590 KB text took 45
s to add where 80 took 17, and a 7.8 MB text of one sentence repeated never finished.

Each size joins the first N dev articles of PolNeAR (never the held-out fifth; nothing
is written to the repository) into one text, blank lines between them, and adds it to
a fresh database as a user runs it (the whole command, start-up and the model's
loading included), best of --repeat. `claimtrack --version` is timed in the same run
as the start-up baseline. Linear work doubles (x2.0) when the articles do.

`--repeated N,...` adds a text of one 16-word sentence told N times, each telling a
claim that relates to every other, and `--voices N,...` the same claim told once each
by N named people. Every telling was paired with every other within the document, N x
N pairs (1,000 tellings: 28.6 s); a claim now keeps its nearest partners of other
voices only (corpus/update.WITHIN_PARTNERS), and tellings in one voice none.
`--lines N,...` adds N one-line statements by named people ("- Mary Jones said yes."),
a list dense with attributions: the extractor asked, for each, which others' contents
held it (7,500 lines: 54 s, 70 of 99 s profiled in those questions).
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_reads as B  # noqa: E402 - the benchmarks' shared helpers

SENTENCE = ("Officials said the old bridge over the Hudson river would close next week "
            "for urgent repairs. ")
_FIRST = ("Mary John Ann Peter Laura David Susan Mark Julia Paul Karen Steven Linda Brian "
          "Nancy Kevin Diane Scott Helen Frank Alice Henry Grace Louis Emma")
_LAST = ("Jones Smith Brown Miller Davis Wilson Moore Taylor Clark Lewis Walker Young Allen "
         "King Wright Hill Green Adams Baker Nelson Carter Mitchell Turner Parker Evans Morris "
         "Cooper Reed Bell Ward Hughes Price Wood Barnes Ross Foster Gray Kelly Cook Bailey")


# the 1,000 people of --voices and --lines
NAMES = [f"{f} {s}" for f in _FIRST.split() for s in _LAST.split()]


def voices(n: int) -> str:
    """SENTENCE told once each by n named people (at most 1,000 names)."""
    if n > len(NAMES):
        raise SystemExit(f"--voices: at most {len(NAMES)} names")
    told = SENTENCE.split(" ", 1)[1]
    return "".join(f"{name} {told}" for name in NAMES[:n])


def lines(n: int) -> str:
    """n lines, each a named person saying yes (names repeat past 1,000)."""
    return "".join(f"- {NAMES[i % len(NAMES)]} said yes.\n" for i in range(n))


def joined(n: int) -> str:
    """The first n dev articles of PolNeAR as one text."""
    docs = itertools.islice(B.iter_split(B.CORPUS, "dev"), n)
    return "\n\n".join(d["text"] for d in docs)


def time_add(text: str, work: Path, name: str, repeat: int) -> tuple[float, int]:
    """(best seconds of `claimtrack add` of one text into a fresh database, its claims)."""
    path = work / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    db = work / f"{name}.db"
    best = float("inf")
    for _ in range(repeat):
        B.remove_database(db)
        took = B.timed_run(["add", "--db", str(db), str(path)], timeout=3600)
        if took is None:
            raise RuntimeError(f"adding {path} took over an hour")
        best = min(best, took[0])
    with sqlite3.connect(db) as conn:
        (claims,) = conn.execute("SELECT count(*) FROM claims").fetchone()
    return best, claims


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", default="20,40,80,160",
                    help="articles joined per document, comma-separated")
    ap.add_argument("--repeated", default="",
                    help="also a sentence told N times, comma-separated")
    ap.add_argument("--voices", default="",
                    help="also a sentence told by N named people, comma-separated")
    ap.add_argument("--lines", default="",
                    help="also N lines of a named person saying yes, comma-separated")
    ap.add_argument("--repeat", type=int, default=2, help="runs per size; the best counts")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    if not B.CORPUS.exists():
        print(f"no corpus at {B.CORPUS}: this benchmark needs ../shared/eval", file=sys.stderr)
        return 1
    work = args.workdir or Path(tempfile.mkdtemp(prefix="claimtrack-long-"))
    work.mkdir(parents=True, exist_ok=True)
    startup = min(B.timed_run(["--version"], timeout=60)[0]  # type: ignore[index]
                  for _ in range(max(3, args.repeat)))
    cases = [(f"{n} articles", joined(n)) for n in map(int, args.articles.split(","))]
    cases += [(f"sentence x{n}", SENTENCE * n)
              for n in map(int, filter(None, args.repeated.split(",")))]
    cases += [(f"{n} voices", voices(n)) for n in map(int, filter(None, args.voices.split(",")))]
    cases += [(f"{n} lines", lines(n)) for n in map(int, filter(None, args.lines.split(",")))]
    print(f"claimtrack --version (start-up): {startup:.2f} s, best of {max(3, args.repeat)}")
    print(f"{'document':>18} {'KB':>7} {'claims':>7} {'add s':>7} {'above':>7} {'growth':>7}")
    last: tuple[str, float] | None = None  # the row before: its kind and time above
    for i, (name, text) in enumerate(cases):
        took, claims = time_add(text, work, f"case{i}", args.repeat)
        above = took - startup
        kind = name.split()[-1] if name.endswith(("articles", "voices", "lines")) else "sentence"
        grew = f"x{above / last[1]:.2f}" if last and last[0] == kind else ""
        print(f"{name:>18} {len(text.encode()) / 1000:7.0f} {claims:7,} {took:7.2f} "
              f"{above:7.2f} {grew:>7}")
        last = (kind, above)
    print("growth: the time above start-up against the row before; x2.0 is linear "
          "where the document doubles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
