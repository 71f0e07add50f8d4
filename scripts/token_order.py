"""Rebuild claimtrack/data/token_order.json: the matcher's fixed token order.

Cross-document matching probes the index with each claim's rarest tokens
(prefix filtering). The order only decides how fast that is, never what is
found, and it must not depend on what a database holds (or the result would
depend on the order documents were added in), so it is fixed: tokens by how
many PolNeAR articles (outside the held-out fifth) contain them, commonest
first; a token not listed counts as rarer than every listed one. Beside each
token its document frequency: the matcher weights shared tokens by IDF from this
fixed table (relate.py), never from the database, for the same reason. Only
counts are written, no text.

    python scripts/token_order.py [../shared/eval/polnear.jsonl]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from claimtrack.corpus.relate import core_tokens
from claimtrack.evalsplit import is_held_out

MIN_DF = 3  # rarer tokens are left out: unlisted already means rare

def main(path: str = "../shared/eval/polnear.jsonl") -> None:
    df: Counter[str] = Counter()
    docs = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            if is_held_out(obj["id"]):
                continue
            docs += 1
            df.update(core_tokens(obj["text"]))
    common = sorted((t for t, c in df.items() if c >= MIN_DF), key=lambda t: (-df[t], t))
    out = Path(__file__).resolve().parents[1] / "claimtrack" / "data" / "token_order.json"
    data = {"version": 2, "documents": docs, "min_df": MIN_DF, "tokens": common,
            "df": [df[t] for t in common]}
    out.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(common)} tokens from {docs} documents -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
