"""Peak memory of `claimtrack add --records` as the number of documents streamed grows.

    python benchmarks/bench_add_memory.py [--sizes 200,1000] [--jobs 1,2] [--workdir DIR]

Writes a JSONL of short documents to the work folder (a temporary one by default,
never the repo): each joins two paragraphs of PolNeAR dev texts (the held-out fifth
is never read), with an id, title, date and publisher. For each size and --jobs it
runs `claimtrack add --records FILE` on a fresh database as a subprocess and samples
every 0.1 s the resident memory of that process (main) and of it with its parser
processes (tree): their peaks, the wall time and the throughput `add` reports.
Memory that does not grow with the batch shows as equal peaks across sizes.
Needs psutil (installed with claimtrack[dask]).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear.jsonl"


def write_documents(path: Path, n: int, seed: int = 7) -> None:
    sys.path.insert(0, str(ROOT))
    from claimtrack.evalsplit import is_held_out

    paras = []
    with POLNEAR.open(encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if not is_held_out(o["id"]):
                paras += [p.strip() for p in o["text"].split("\n\n") if 200 < len(p.strip()) < 700]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({
                "id": f"doc{i}", "title": f"Story {i}",
                "published": f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "publisher": rng.choice(["Reuters", "BBC", "Breitbart", "NYT"]),
                "text": "\n\n".join(rng.sample(paras, 2))}) + "\n")


def measure(command: list[str], err: Path) -> tuple[float, int, int, int]:
    """(wall s, peak main RSS, peak tree RSS, exit status) of `command`."""
    start = time.monotonic()
    with err.open("w") as e:
        p = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=e)
    proc = psutil.Process(p.pid)
    main = tree = 0
    while p.poll() is None:
        try:
            m = proc.memory_info().rss
            t = m + sum(c.memory_info().rss for c in proc.children(recursive=True))
        except psutil.Error:
            continue
        main, tree = max(main, m), max(tree, t)
        time.sleep(0.1)
    return time.monotonic() - start, main, tree, p.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="200,1000")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="claimtrack-addmem-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"docs{max(sizes)}.jsonl"
    if not source.exists():
        write_documents(source, max(sizes))
    exe = [sys.executable, "-c", "from claimtrack.cli import cli; cli()"]
    print(f"{'jobs':>4} {'docs':>6} {'wall s':>7} {'docs/s':>7} {'main MiB':>9} {'tree MiB':>9}")
    for jobs in (int(j) for j in args.jobs.split(",")):
        for n in sizes:
            part = work / f"docs{n}.jsonl"
            if not part.exists():
                with source.open(encoding="utf-8") as f, part.open("w", encoding="utf-8") as o:
                    for _, line in zip(range(n), f, strict=False):
                        o.write(line)
            db = work / f"j{jobs}-{n}.db"
            db.unlink(missing_ok=True)
            err = work / f"j{jobs}-{n}.err"
            wall, main_rss, tree_rss, rc = measure(
                [*exe, "add", "--records", str(part), "--jobs", str(jobs), "--db", str(db)], err)
            if rc != 0:
                sys.exit(f"add failed ({rc}): {err.read_text()[-400:]}")
            print(f"{jobs:>4} {n:>6} {wall:>7.1f} {n / wall:>7.1f} {main_rss / 2**20:>9.0f} "
                  f"{tree_rss / 2**20:>9.0f}")


if __name__ == "__main__":
    main()
