"""`claimtrack eval GOLD.jsonl`: run the extractor on annotated documents and score it.

The gold file is in ../shared/eval/README.md's format (one JSON object a line:
"id", "text", "attributions"). Predictions come from the extractor exactly as
`claimtrack extract` writes them (claimtrack.jsonl), or from a file given with
`pred_path`; claimtrack.scoring turns the pair into an EvalMetrics record.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimtrack import extractor_names as names
from claimtrack.errors import ClaimtrackError, InputError
from claimtrack.jsonl import extract_jsonl, iter_objects
from claimtrack.models import ErrorExample, EvalMetrics
from claimtrack.output import shorten
from claimtrack.scoring import parse_only, score

EXTRACTORS = names.CHOICES

Docs = dict[str, dict[str, Any]]


def read_jsonl_docs(path: str | Path, need_text: bool, notes: list[str] | None = None,
                    max_bytes: int | None = None) -> Docs:
    """Documents of a JSONL file by id (a repeated id: the last one counts,
    with a note). Bad lines raise InputError naming the line; texts and lines
    are held to the size limit as `claimtrack extract` holds them."""
    from claimtrack.ingest import max_bytes_from
    from claimtrack.jsonl import LINE_FACTOR, document_id, document_text

    p = Path(path)
    if not p.is_file():
        raise InputError(str(path), "no such file: give a JSONL file of {\"id\", ...} lines")
    limit = max_bytes_from(max_bytes)
    docs: Docs = {}
    with p.open("rb") as f:  # bytes: a line is decoded (and refused) one at a time
        for n, obj in iter_objects(f, str(path), LINE_FACTOR * limit):
            doc_id = str(document_id(obj, str(path), n))
            if need_text:
                if not isinstance(obj.get("text"), str):
                    raise InputError(str(path), f'line {n}: gold documents need a string "text"')
                obj["text"] = document_text(obj, str(path), n, limit, notes)
            atts = obj.get("attributions", [])
            if not isinstance(atts, list) or not all(isinstance(a, dict) for a in atts):
                raise InputError(
                    str(path), f'line {n}: "attributions" must be a list of objects')
            if doc_id in docs and notes is not None:
                notes.append(f"{path}: id {doc_id!r} repeated; the last one counts")
            docs[doc_id] = obj
    return docs


def predict(
    gold: Docs, jobs: int = 1, progress: Callable[[int, int | None], None] | None = None,
    extractor: str = names.DEFAULT, gold_path: str | Path = "gold",
    max_bytes: int | None = None,
) -> Docs:
    """Run the rule extractor on every gold text; predictions by id, in the
    shape `claimtrack extract` writes (the same function makes them). A text
    the extractor fails on raises: scores without it would be wrong."""
    total = len(gold)
    if progress:
        progress(0, total)
    src = io.StringIO(
        "".join(json.dumps({"id": k, "text": d["text"]}) + "\n" for k, d in gold.items())
    )
    out = io.StringIO()
    failures: list[InputError] = []
    extract_jsonl(src, out, jobs=jobs, extractor=extractor, failures=failures,
                  max_bytes=max_bytes,
                  progress=(lambda done: progress(done, total)) if progress else None)
    if failures:
        raise InputError(str(gold_path), f"{len(failures)} document(s) could not be extracted "
                         f"(the first: {failures[0].problem}); no scores without them")
    preds: Docs = {}
    for line in out.getvalue().splitlines():
        row = json.loads(line)
        preds[row["id"]] = row
    return preds


def evaluate(
    gold_path: str | Path,
    pred_path: str | Path | None = None,
    extractor: str = names.DEFAULT,
    jobs: int = 1,
    only: Sequence[str] = (),
    errors: int = 0,
    seed: int = 0,
    threshold: float = 0.5,
    progress: Callable[[int, int | None], None] | None = None,
    notes: list[str] | None = None,
    max_bytes: int | None = None,
) -> EvalMetrics:
    """Score `extractor` (or the predictions in `pred_path`) on the gold file.

    `only` holds FIELD=VALUE filters on gold attributions (e.g.
    "cue_class=speech"); `errors` > 0 samples that many misses and false
    alarms, the same ones for the same `seed`.
    """
    if extractor not in EXTRACTORS:
        raise ClaimtrackError(
            f"unknown extractor {extractor!r}: use one of {', '.join(EXTRACTORS)}")
    if not 0.0 < threshold <= 1.0:
        raise ClaimtrackError(f"the Jaccard threshold must be in (0, 1], got {threshold}")
    if errors < 0:
        raise ClaimtrackError(f"the number of error examples must be >= 0, got {errors}")
    filters = parse_only(only)
    gold = read_jsonl_docs(gold_path, need_text=True, notes=notes, max_bytes=max_bytes)
    if not gold:
        raise InputError(str(gold_path), "no documents: nothing to score")
    if pred_path is not None:
        preds = read_jsonl_docs(pred_path, need_text=False, notes=notes, max_bytes=max_bytes)
        extractor_name = None
        used: str | None = None
    else:
        from claimtrack.extract import EXTRACTORS as NAMES

        preds = predict(gold, jobs=jobs, progress=progress, extractor=extractor,
                        gold_path=gold_path, max_bytes=max_bytes)
        extractor_name, used = NAMES[extractor], extractor
    metrics = score(gold, preds, threshold=threshold, only=filters, errors=errors, seed=seed)
    return metrics.model_copy(update={
        "extractor": used,
        "extractor_name": extractor_name,
        "gold_path": str(gold_path),
        "pred_path": str(pred_path) if pred_path is not None else None,
    })


# --- the terminal rendering ------------------------------------------------------

CONTENT_CHARS = 160
_SPACE = re.compile(r"\s+")


def _f(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"


def _example_text(e: ErrorExample) -> Text:
    before = _SPACE.sub(" ", e.context_before)
    after = _SPACE.sub(" ", e.context_after)
    # «» mark the content where bold is lost (pipes, NO_COLOR)
    t = Text("…" + before if before else "")
    t.append("«" + shorten(e.content, CONTENT_CHARS) + "»", style="bold")
    if after:
        t.append(after + "…")
    return t


def _errors_table(title: str, rows: list[ErrorExample], other: str) -> Table:
    table = Table(title=title, show_lines=True, title_justify="left", expand=True)
    table.add_column("doc", ratio=2, overflow="fold")
    table.add_column("content in context", ratio=7, overflow="fold")
    table.add_column("source / cue", ratio=2, overflow="fold")
    table.add_column(other, ratio=4, overflow="fold")
    for e in rows:
        label = "/".join(x for x in (e.kind, e.cue_class) if x)
        mine = Text(f"source: {shorten(e.source or '(none)', 60)}\ncue: {e.cue or '(none)'}")
        if e.other_content is None:
            theirs = Text("(nothing overlaps)")
        else:
            theirs = Text(
                f"J={e.other_jaccard:.2f}: {shorten(e.other_content, 80)}\n"
                f"source: {shorten(e.other_source or '(none)', 60)}\n"
                f"cue: {e.other_cue or '(none)'}"
            )
        table.add_row(Text(f"{e.doc_id}\n{label}"), _example_text(e), mine, theirs)
    return table


def render_metrics(m: EvalMetrics, console: Console) -> None:
    """The metrics as rich tables (JSON comes from output.emit_model)."""
    what = f"extractor {m.extractor_name}" if m.extractor_name else f"predictions {m.pred_path}"
    only = f" (only {', '.join(m.only)})" if m.only else ""
    console.print(Text(f"{m.gold_docs} gold documents{only}; {what}"))

    main = Table(title="content", title_justify="left")
    for col in ("", "P", "R", "F1", "tp", "pred", "gold"):
        main.add_column(col, justify="left" if not col else "right")
    for label, r in (
        ("exact token match", m.content_exact),
        (f"overlap J>={m.jaccard_threshold:.2f}", m.content_overlap),
        ("overlap + source (lenient)", m.content_and_source),
    ):
        main.add_row(label, _f(r.precision), _f(r.recall), _f(r.f1), str(r.tp), str(r.pred),
                     str(r.gold))
    console.print(main)

    roles = Table(title=f"given matched content ({m.matched_pairs} pairs)", title_justify="left")
    for col in ("", "lenient", "exact"):
        roles.add_column(col, justify="left" if not col else "right")
    roles.add_row("source", _f(m.source_lenient_acc), _f(m.source_exact_acc))
    roles.add_row("cue", _f(m.cue_lenient_acc), _f(m.cue_exact_acc))
    console.print(roles)

    by = Table(title="recall (overlap) by gold label", title_justify="left")
    for col in ("label", "recall", "n", "source acc"):
        by.add_column(col, justify="left" if col == "label" else "right")
    for key, b in m.recall_by.items():
        by.add_row(key, _f(b.recall), str(b.gold), _f(b.source_acc_given_match))
    console.print(by)

    notes = {k: v for k, v in m.counts.model_dump().items() if v}
    if notes:
        console.print(Text("notes: " + ", ".join(f"{k}={v}" for k, v in sorted(notes.items()))))
    if m.misses:
        console.print(_errors_table(f"misses (seed {m.errors_seed})", m.misses,
                                    "closest prediction"))
    if m.false_alarms:
        console.print(_errors_table(f"false alarms (seed {m.errors_seed})", m.false_alarms,
                                    "closest gold"))
    console.print(Text(
        f"content_f1={m.content_overlap.f1:.3f} source_acc={m.source_lenient_acc:.3f}"))
