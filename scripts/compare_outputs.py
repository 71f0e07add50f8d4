"""Does every command print what it printed before? Renders the CLI at a pinned commit and at
HEAD on the same inputs and compares the outputs (issue 11: a restructure must not change them).

    python scripts/compare_outputs.py                 # pin 8b41642 vs HEAD (the working tree)
    python scripts/compare_outputs.py --pin REV       # another pinned commit
    python scripts/compare_outputs.py --record        # also write evalsets/outputs_digests.json
    python scripts/compare_outputs.py --head-only     # HEAD against the recorded digests only

Inputs: the two seeds, and the first 30 PolNeAR articles named in evalsets/polnear_pairs.json
(same-story pairs, so diffs, clusters and timelines have something to show), read from
../shared/eval/polnear.jsonl; a held-out article (claimtrack.evalsplit.is_held_out) is never
read. Each side builds one database per corpus once (every article added with its publisher and
date), then renders every command in every format it takes (table, --json, --csv, --nl, --md;
`report` in each --format; --help of each command), and the writing commands (rm, rematch,
reextract, entities merge/split, sources grade/import) on copies of that database followed by
the reads they change. A side runs in its own process with only its tree on PYTHONPATH: the pin
is checked out with `git worktree add` into a temporary folder outside the repository and
removed afterwards.

Before comparing, each output is normalised: timestamps (ISO 8601 with a time), the work folder
and the temporary folder. Stdout, stderr, the exit status and any file written (report -o) are
compared. A command the pin refuses as a usage error (exit 2) but HEAD runs is reported as
`new` (a new option such as `add --json`), not as a difference.

PolNeAR texts are copyrighted: for them only sha256 digests leave this script
(evalsets/outputs_digests.json with --record; a PolNeAR difference is shown as its line counts
unless --show-polnear-diff, which prints the text to your terminal only). Seeds differences are
shown as a short unified diff.

Exit status: 0 when every output is identical (or new), 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear.jsonl"
PAIRS = ROOT / "evalsets" / "polnear_pairs.json"
DIGESTS = ROOT / "evalsets" / "outputs_digests.json"
DEFAULT_PIN = "8b41642"
ARTICLES = 30
FORMATS = ([], ["--json"], ["--csv"], ["--nl"])
REPORT_FORMATS = ("md", "html", "json", "prov-json", "prov-xml", "prov-n")
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}


# --------------------------------------------------------------------------- inputs (driver)


def polnear_articles(n: int) -> list[dict]:
    """The first n distinct documents of the labelled pairs, in pair order; none held out."""
    sys.path.insert(0, str(ROOT))
    from claimtrack.evalsplit import is_held_out

    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))["pairs"]
    wanted: list[str] = []
    for pair in pairs:
        for doc_id in (pair["a"], pair["b"]):
            if doc_id not in wanted and not is_held_out(doc_id):
                wanted.append(doc_id)
    wanted = wanted[:n]
    found: dict[str, dict] = {}
    with POLNEAR.open(encoding="utf-8") as f:
        for line in f:
            # the id is read first: a held-out article's text is never kept
            record = json.loads(line)
            if record["id"] in wanted and not is_held_out(record["id"]):
                found[record["id"]] = record
    return [found[i] for i in wanted if i in found]


def write_inputs(work: Path, articles: list[dict]) -> None:
    """The files both sides read, laid out identically under each side's work folder."""
    seeds = work / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    with (work / "seeds.jsonl").open("w", encoding="utf-8") as f:
        for path in sorted(seeds.glob("*.md")):
            f.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) + "\n")
    folder = work / "polnear"
    folder.mkdir()
    meta = []
    with (work / "polnear.jsonl").open("w", encoding="utf-8") as f, \
            (work / "polnear3.jsonl").open("w", encoding="utf-8") as few:
        for i, a in enumerate(articles):
            (folder / f"{a['id']}.txt").write_text(a["text"], encoding="utf-8")
            f.write(json.dumps(a) + "\n")
            if i < 3:  # eval running the extractor itself: a few articles are enough
                few.write(json.dumps(a) + "\n")
            meta.append({"id": a["id"], "publisher": a["meta"].get("publisher"),
                         "published": a["meta"].get("publication_date")})
    (work / "polnear_meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with (work / "grades.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "grade", "why"])
        w.writerow(["Libya Observer", "C", "compare_outputs: a fixed row"])
        w.writerow(["Donald Trump", "D", "compare_outputs: a fixed row"])


# --------------------------------------------------------------------------- render (one side)


class Renderer:
    """Runs commands in-process (spaCy loads once) and keeps each one's output."""

    def __init__(self, work: Path) -> None:
        from click.testing import CliRunner

        from claimtrack.cli import cli

        self.cli, self.runner, self.work = cli, CliRunner(), work
        self.results: dict[str, dict] = {}

    def run(self, name: str, argv: list[str], db: Path | None = None, stdin: bytes | None = None,
            files: tuple[str, ...] = ()) -> dict:
        args = [*argv, *(["--db", str(db)] if db is not None else [])]
        result = self.runner.invoke(self.cli, args, input=stdin, env=ENV)
        out = {
            "argv": argv,
            "exit": result.exit_code,
            "stdout": result.stdout,
            "stderr": result.stderr,
            # an unexpected exception is an output too (a traceback would be a regression)
            "exception": None if result.exception is None or isinstance(result.exception,
                                                                       SystemExit)
            else f"{type(result.exception).__name__}: {result.exception}",
            "files": {f: (self.work / f).read_text(encoding="utf-8")
                      for f in files if (self.work / f).is_file()},
        }
        if name in self.results:
            raise SystemExit(f"compare_outputs: command name used twice: {name}")
        self.results[name] = out
        return out

    def formats(self, name: str, argv: list[str], db: Path,
                fmts: tuple[list[str], ...] = FORMATS) -> None:
        for fmt in fmts:
            self.run(" ".join([name, *fmt]), [*argv, *fmt], db)

    @staticmethod
    def copy(db: Path, name: str) -> Path:
        """A copy of the database (its WAL folded in) for a command that writes."""
        import sqlite3

        target = db.with_name(f"{db.stem}-{name}.db")
        src, dst = sqlite3.connect(str(db)), sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return target


def _json(out: dict) -> list[dict]:
    if out["exit"] != 0:
        raise SystemExit(f"compare_outputs: {' '.join(out['argv'])} failed: {out['stderr']}")
    return json.loads(out["stdout"])


def render_corpus(r: Renderer, corpus: str) -> None:
    work = r.work
    db = work / f"{corpus}.db"
    p = corpus  # command names carry the corpus: "seeds: claims --json"

    # -- build: the one database of this corpus
    if corpus == "seeds":
        r.run(f"{p}: add", ["add", "seeds"], db)
        r.run(f"{p}: add again (unchanged)", ["add", "seeds"], db)
        text = (work / "seeds" / "haftar-spokesman-al-qaeda.md").read_bytes()
        r.run(f"{p}: add - (stdin, unchanged)", ["add", "-"], db, stdin=text)
        docs = ["haftar-spokesman-al-qaeda", "belhadj-isis-libya-2015"]
    else:
        meta = json.loads((work / "polnear_meta.json").read_text(encoding="utf-8"))
        for i, m in enumerate(meta):
            argv = ["add", f"polnear/{m['id']}.txt"]
            argv += ["--publisher", m["publisher"]] if m["publisher"] else []
            argv += ["--published", m["published"]] if m["published"] else []
            r.run(f"{p}: add #{i}", argv, db)
        docs = [meta[0]["id"], meta[1]["id"]]
    r.run(f"{p}: add --json", ["add", "--json", "seeds" if corpus == "seeds" else "polnear"],
          db)

    # -- the arguments the reads take, picked from the database by fixed rules
    entities = _json(r.run(f"{p}: entities --json", ["entities", "--json"], db))
    claims = _json(r.run(f"{p}: claims --json", ["claims", "--json"], db))
    named = [e for e in entities if e.get("type") in (None, "person", "PERSON")] or entities
    entity = "Belhadj" if corpus == "seeds" else named[0]["name"]
    other = next((e["name"] for e in entities if e["name"] != entity), entity)
    claim = claims[0]["id"]
    # a claim whose timeline has more than one appearance, when the corpus has one
    for c in claims[:60]:
        out = r.runner.invoke(r.cli, ["timeline", "--claim", c["id"], "--json", "--db", str(db)],
                              env=ENV)
        if out.exit_code == 0 and len(json.loads(out.stdout)) > 1:
            claim = c["id"]
            break
    source = next((c["source_label"] for c in claims if c.get("source_label")), entity)

    # -- reads, every format
    r.formats(f"{p}: docs", ["docs"], db, FORMATS[:1] + FORMATS[2:])
    r.formats(f"{p}: docs --limit 1 --offset 1", ["docs", "--limit", "1", "--offset", "1"], db)
    r.formats(f"{p}: claims", ["claims"], db, FORMATS[:1] + FORMATS[2:])
    r.formats(f"{p}: claims --doc A", ["claims", "--doc", docs[0]], db)
    r.formats(f"{p}: claims --entity E", ["claims", "--entity", entity], db)
    r.formats(f"{p}: claims --author --limit 5 --offset 3",
              ["claims", "--author", "--limit", "5", "--offset", "3"], db)
    for opt in (["--flag", "single_source"], ["--flag", "vague_source"], ["--kind", "direct"],
                ["--kind", "mixed"], ["--class", "other"], ["--class", "speech"], ["--author"]):
        r.formats(f"{p}: claims {' '.join(opt)}", ["claims", *opt], db, (["--json"],))
    r.formats(f"{p}: claims --limit 3", ["claims", "--limit", "3"], db)
    r.formats(f"{p}: flags", ["flags"], db)
    r.formats(f"{p}: flags --doc A --author", ["flags", "--doc", docs[0], "--author"], db)
    r.formats(f"{p}: flags --flag anonymous_source", ["flags", "--flag", "anonymous_source"], db,
              (["--json"],))
    r.formats(f"{p}: show --entity E", ["show", "--entity", entity], db)
    r.formats(f"{p}: show --entity E --author", ["show", "--entity", entity, "--author"], db)
    r.formats(f"{p}: show --entity E2", ["show", "--entity", other], db, (["--json"],))
    r.formats(f"{p}: diff A B", ["diff", docs[0], docs[1]], db, FORMATS + (["--md"],))
    r.formats(f"{p}: diff --entity E", ["diff", "--entity", entity], db, FORMATS + (["--md"],))
    r.formats(f"{p}: diff --entity E --limit 2", ["diff", "--entity", entity, "--limit", "2"], db,
              ([], ["--md"]))
    r.formats(f"{p}: timeline --claim C", ["timeline", "--claim", claim], db)
    r.formats(f"{p}: timeline --entity E", ["timeline", "--entity", entity], db)
    r.formats(f"{p}: timeline --entity E --limit 1",
              ["timeline", "--entity", entity, "--limit", "1"], db, ([],))
    for fmt in REPORT_FORMATS:
        r.run(f"{p}: report --format {fmt}", ["report", "--format", fmt], db)
        r.run(f"{p}: report --entity E --format {fmt}",
              ["report", "--entity", entity, "--format", fmt], db)
    r.run(f"{p}: report --doc A", ["report", "--doc", docs[0]], db)
    r.run(f"{p}: report --doc A -o", ["report", "--doc", docs[0], "--format", "html", "-o",
                                      "report.html"], db, files=("report.html",))
    r.formats(f"{p}: entities", ["entities"], db, FORMATS[:1] + FORMATS[2:])
    r.formats(f"{p}: entities --doc A", ["entities", "--doc", docs[0]], db)
    r.formats(f"{p}: entities --limit 4 --offset 2", ["entities", "--limit", "4", "--offset", "2"],
              db, ([],))
    r.formats(f"{p}: entities merge E E2 --dry-run",
              ["entities", "merge", entity, other, "--dry-run"], db)
    r.formats(f"{p}: sources", ["sources"], db)
    r.formats(f"{p}: sources --doc A", ["sources", "--doc", docs[0]], db)
    r.formats(f"{p}: sources tags", ["sources", "tags"], db)
    r.formats(f"{p}: sources tags --doc A --limit 5", ["sources", "tags", "--doc", docs[0],
                                                       "--limit", "5"], db, ([], ["--json"]))
    r.formats(f"{p}: sources log (empty)", ["sources", "log"], db)

    # -- errors: one line, exit 1 or 2
    r.run(f"{p}: error show --entity unknown", ["show", "--entity", "Nobody Atall Xq"], db)
    r.run(f"{p}: error claims --doc unknown", ["claims", "--doc", "no-such-document"], db)
    r.run(f"{p}: error diff one document", ["diff", docs[0]], db)
    r.run(f"{p}: error timeline no option", ["timeline"], db)
    r.run(f"{p}: error timeline --claim unknown", ["timeline", "--claim", "ffffffffffff:999"], db)
    r.run(f"{p}: error sources grade bad", ["sources", "grade", source, "G", "--why", "x"], db)

    # -- writes, each on a copy of the database, then the reads they change
    c = r.copy(db, "grades")
    r.run(f"{p}: sources grade", ["sources", "grade", source, "B", "--why",
                                  "compare_outputs", "--who", "compare"], c)
    r.run(f"{p}: sources grade unknown name", ["sources", "grade", "Nobody Atall Xq", "A",
                                               "--why", "ahead", "--who", "compare"], c)
    r.run(f"{p}: sources import", ["sources", "import", "grades.csv"], c)
    r.formats(f"{p}: after grades: sources log", ["sources", "log"], c)
    r.formats(f"{p}: after grades: sources log NAME", ["sources", "log", source], c, ([],))
    r.formats(f"{p}: after grades: sources", ["sources"], c, ([], ["--json"]))
    r.formats(f"{p}: after grades: sources tags", ["sources", "tags"], c, (["--csv"],))
    r.formats(f"{p}: after grades: claims", ["claims"], c, (["--json"],))
    r.run(f"{p}: after grades: report json", ["report", "--format", "json"], c)

    c = r.copy(db, "merge")
    r.formats(f"{p}: entities merge E E2", ["entities", "merge", entity, other, "--why", "test"],
              c, ([],))
    r.formats(f"{p}: after merge: entities", ["entities"], c, ([], ["--json"]))
    r.formats(f"{p}: after merge: show --entity E", ["show", "--entity", entity], c, (["--json"],))
    r.formats(f"{p}: entities split E E2", ["entities", "split", entity, other], c,
              (["--json"],))
    r.formats(f"{p}: after split: entities", ["entities"], c, (["--json"],))

    c = r.copy(db, "rematch")
    r.run(f"{p}: rematch", ["rematch"], c)
    r.formats(f"{p}: after rematch: claims", ["claims"], c, (["--json"],))
    r.formats(f"{p}: after rematch: timeline --claim C", ["timeline", "--claim", claim], c,
              (["--json"],))

    c = r.copy(db, "rm")
    r.run(f"{p}: rm A", ["rm", docs[0]], c)
    r.formats(f"{p}: after rm: docs", ["docs"], c, ([],))
    r.formats(f"{p}: after rm: claims", ["claims"], c, (["--json"],))
    r.formats(f"{p}: after rm: diff --entity E", ["diff", "--entity", entity], c, (["--json"],))
    r.run(f"{p}: error rm unknown", ["rm", "no-such-document"], c)

    c = r.copy(db, "reextract")
    if corpus == "seeds":
        r.run(f"{p}: reextract", ["reextract"], c)
        r.run(f"{p}: reextract --extractor rules --doc A",
              ["reextract", "--extractor", "rules", "--doc", docs[0]], c)
    else:  # one document: a full re-parse of every article is slow and checks nothing more
        r.run(f"{p}: reextract --doc A", ["reextract", "--doc", docs[0]], c)
    r.formats(f"{p}: after reextract: claims", ["claims"], c, (["--json"],))
    # its own copy: at the pin --json is a usage error that changes nothing, at HEAD it
    # re-extracts, and the reads above must compare the same database
    c = r.copy(db, "reextract-json")
    r.run(f"{p}: reextract --json --doc A", ["reextract", "--json", "--doc", docs[0]], c)

    # -- no database: extract and eval
    pred = f"{corpus}-pred.jsonl"
    out = r.run(f"{p}: extract", ["extract", f"{corpus}.jsonl"])
    (work / pred).write_text(out["stdout"], encoding="utf-8")
    if corpus == "seeds":
        r.run(f"{p}: extract --extractor rules", ["extract", "--extractor", "rules",
                                                  "seeds.jsonl"])
        r.run(f"{p}: extract --jobs 2", ["extract", "--jobs", "2", "seeds.jsonl"])
    else:  # PolNeAR is gold: eval, from the predictions extract wrote (no second parse)
        for fmt in FORMATS:
            r.run(" ".join([f"{p}: eval --pred", *fmt]),
                  ["eval", "polnear.jsonl", "--pred", pred, *fmt])
        r.run(f"{p}: eval --pred --only cue_class=speech --errors 3",
              ["eval", "polnear.jsonl", "--pred", pred, "--only", "cue_class=speech",
               "--errors", "3"])
        r.run(f"{p}: eval --pred --jaccard 0.8 --json",
              ["eval", "polnear.jsonl", "--pred", pred, "--jaccard", "0.8", "--json"])
        r.run(f"{p}: eval 3 articles", ["eval", "polnear3.jsonl"])
        r.run(f"{p}: eval 3 articles --extractor rules --json",
              ["eval", "polnear3.jsonl", "--extractor", "rules", "--json"])


def render_help(r: Renderer) -> None:
    import click

    def walk(cmd: click.Command, path: list[str]) -> None:
        r.run("help: " + " ".join(["claimtrack", *path, "--help"]), [*path, "--help"])
        if isinstance(cmd, click.Group):
            for name in sorted(cmd.commands):
                walk(cmd.commands[name], [*path, name])

    walk(r.cli, [])
    r.run("version", ["--version"])


def render(work: Path, out: Path, corpora: list[str]) -> None:
    """One side: runs in its own process, with only its tree importable."""
    os.chdir(work)
    r = Renderer(work)
    render_help(r)
    for corpus in corpora:
        started = time.perf_counter()
        render_corpus(r, corpus)
        print(f"  {corpus}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    out.write_text(json.dumps(r.results, ensure_ascii=False), encoding="utf-8")


# --------------------------------------------------------------------------- compare (driver)

_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


# add's throughput on its summary line and progress bar ("(0.9 documents/s)"): a timing,
# not an output; it flickered between runs of the same commit
_RATE = re.compile(r"\d[\d,]*(?:\.\d+)? (documents?/s)")


# the rules' version and their lexicon's (cues.json) are one version of the rules
_RULES = re.compile(r"(claimtrack-(?:filtered|rules))/\d+\.\d+\.\d+(?:\+cues\.\d+\.\d+\.\d+)?")


def normalise(text: str, work: Path) -> str:
    for folder, name in ((work.resolve(), "<WORK>"), (work, "<WORK>"),
                         (Path(tempfile.gettempdir()).resolve(), "<TMP>")):
        text = text.replace(str(folder), name)
    return _RATE.sub(r"<RATE> \1", _TIME.sub("<TIME>", text))


def flatten(out: dict, work: Path) -> str:
    """One comparable text per command: exit, stdout, stderr, exception, files."""
    parts = [f"exit {out['exit']}", "--- stdout", out["stdout"], "--- stderr", out["stderr"]]
    if out["exception"]:
        parts += ["--- exception", out["exception"]]
    for name, text in sorted(out["files"].items()):
        parts += [f"--- file {name}", text]
    return normalise("\n".join(parts), work)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_side(label: str, tree: Path, work: Path, corpora: list[str]) -> dict[str, str]:
    out = work / "outputs.json"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CLAIMTRACK_DB")}
    env["PYTHONPATH"] = str(tree)
    env["PYTHONHASHSEED"] = "0"
    started = time.perf_counter()
    print(f"{label}: rendering with {tree} ...", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--render", str(work), "--out", str(out),
         "--corpora", ",".join(corpora)],
        cwd=work, env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"compare_outputs: the {label} side failed (exit {done.returncode})")
    print(f"{label}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    results = json.loads(out.read_text(encoding="utf-8"))
    return {name: flatten(o, work) for name, o in results.items()} | {
        f"{name}\0exit": str(o["exit"]) for name, o in results.items()}


def short_diff(a: str, b: str, lines: int = 12) -> list[str]:
    diff = list(difflib.unified_diff(a.splitlines(), b.splitlines(), "pin", "head", n=1,
                                     lineterm=""))
    return diff[:lines] + ([f"... ({len(diff) - lines} more diff lines)"]
                           if len(diff) > lines else [])


def private(name: str) -> bool:
    """Outputs that hold PolNeAR text: digests only."""
    return name.startswith("polnear:")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pin", default=DEFAULT_PIN, help=f"the commit before (default {DEFAULT_PIN})")
    ap.add_argument("--articles", type=int, default=ARTICLES, help="PolNeAR articles (dev only)")
    ap.add_argument("--seeds-only", action="store_true", help="leave PolNeAR out")
    ap.add_argument("--record", action="store_true",
                    help=f"write the pin's digests to {DIGESTS.relative_to(ROOT)}")
    ap.add_argument("--head-only", action="store_true",
                    help="render HEAD only and compare it with the recorded digests")
    ap.add_argument("--show-polnear-diff", action="store_true",
                    help="print PolNeAR differences as text (your terminal only)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--any-rules-version", action="store_true",
                    help="read the extractor's rules version as equal on both sides (a "
                         "bumped version alone then changes nothing)")
    ap.add_argument("--render", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--corpora", default="seeds,polnear", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.render:  # the child: one side
        render(args.render, args.out, args.corpora.split(","))
        return 0

    corpora = ["seeds"]
    articles: list[dict] = []
    if not args.seeds_only:
        if not POLNEAR.is_file():
            print(f"compare_outputs: {POLNEAR} is absent: seeds only", file=sys.stderr)
        else:
            articles = polnear_articles(args.articles)
            corpora.append("polnear")
    pin = subprocess.run(["git", "rev-parse", "--verify", f"{args.pin}^{{commit}}"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="claimtrack-compare-"))
    tree = tmp / "pin-tree"
    outputs: dict[str, dict[str, str]] = {}
    try:
        sides = [("head", ROOT)]
        if not args.head_only:
            subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), pin],
                           cwd=ROOT, check=True)
            sides.insert(0, ("pin", tree))
        for label, src in sides:
            work = tmp / label  # the same relative layout on both sides
            work.mkdir()
            write_inputs(work, articles)
            outputs[label] = run_side(label, src, work, corpora)
    finally:
        if tree.exists():
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    if args.any_rules_version:
        outputs = {side: {n: _RULES.sub(r"\1/<RULES>", t) for n, t in out.items()}
                   for side, out in outputs.items()}
    head = outputs["head"]
    recorded = json.loads(DIGESTS.read_text(encoding="utf-8")) if DIGESTS.is_file() else None
    if args.head_only:
        if recorded is None:
            raise SystemExit(f"compare_outputs: {DIGESTS} is absent: run with --record first")
        rows = compare(recorded["outputs"],
                       {n: digest(t) for n, t in head.items() if "\0" not in n},
                       recorded.get("exits", {}), head, digests=True, show_private=False)
    else:
        pin_out = outputs["pin"]
        rows = compare({n: t for n, t in pin_out.items() if "\0" not in n},
                       {n: t for n, t in head.items() if "\0" not in n},
                       {n[:-5]: t for n, t in pin_out.items() if n.endswith("\0exit")},
                       head, digests=False, show_private=args.show_polnear_diff)
        if args.record:
            DIGESTS.write_text(json.dumps({
                "pin": pin,
                "articles": [a["id"] for a in articles],
                "how": "scripts/compare_outputs.py --record: sha256 of each command's "
                       "normalised output (exit, stdout, stderr, files) at the pin",
                "outputs": {n: digest(t) for n, t in sorted(pin_out.items()) if "\0" not in n},
                "exits": {n[:-5]: t for n, t in sorted(pin_out.items()) if n.endswith("\0exit")},
            }, indent=1) + "\n", encoding="utf-8")
            print(f"wrote {DIGESTS.relative_to(ROOT)}", file=sys.stderr)
        elif recorded is not None and recorded.get("pin") == pin and \
                recorded.get("articles") == [a["id"] for a in articles]:
            drift = [n for n, t in pin_out.items() if "\0" not in n
                     and recorded["outputs"].get(n) not in (None, digest(t))]
            print(f"pin against {DIGESTS.relative_to(ROOT)}: "
                  f"{'same' if not drift else f'{len(drift)} differ: ' + ', '.join(drift)}")
    return report(rows)


def compare(before: dict[str, str], after: dict[str, str], before_exit: dict[str, str],
            head: dict[str, str], digests: bool,
            show_private: bool) -> list[tuple[str, str, list[str]]]:
    """(name, status, detail lines) for every command either side rendered; with `digests`,
    both sides are sha256 digests (the recorded pin against HEAD)."""
    rows = []
    for name in sorted(set(before) | set(after), key=lambda n: (n.split(":")[0], n)):
        a, b = before.get(name), after.get(name)
        if a is None:
            rows.append((name, "only at head", []))
        elif b is None:
            rows.append((name, "only at pin", []))
        elif a == b:
            rows.append((name, "identical", []))
        elif before_exit.get(name) == "2" and head.get(f"{name}\0exit") == "0":
            rows.append((name, "new", []))  # the pin refused the usage: a new option
        elif digests:
            rows.append((name, "differs", ["(digest differs)"]))
        elif private(name) and not show_private:
            rows.append((name, "differs", [f"({len(a.splitlines())} -> {len(b.splitlines())} "
                                           "lines; --show-polnear-diff to see them)"]))
        else:
            rows.append((name, "differs", short_diff(a, b)))
    return rows


def report(rows: list[tuple[str, str, list[str]]]) -> int:
    width = max(len(n) for n, _, _ in rows)
    counts: dict[str, int] = {}
    for name, status, detail in rows:
        counts[status] = counts.get(status, 0) + 1
        print(f"{name:<{width}}  {status}")
        for line in detail:
            print(f"    {line}")
    print("; ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return 0 if set(counts) <= {"identical", "new"} else 1


if __name__ == "__main__":
    sys.exit(main())
