"""Scoring predicted attributions against gold ones (PolNeAR's definitions).

Pure functions over documents in the eval JSONL shape
({"id", "text", "attributions": [{"source", "cue", "content", "kind", "cue_class"}]},
spans {"text", "start", "end", "fragments"?}); the numbers are defined as in
../shared/eval/score.py so claimtrack's own figures can be compared with it:

- a span is the set of word tokens (regex \\w+ over the gold text) it touches,
  taking only its fragments when it has them; a span with no word character
  falls back to its non-space characters;
- a predicted span whose offsets do not fit the gold text (or that has only a
  "text") is looked up by its text, nearest to its "start", and counted as
  relocated; one that cannot be found is unresolved and matches nothing;
- contents match one-to-one per document, best Jaccard first (ties: gold
  order, then prediction order): "exact" needs equal token sets, "overlap"
  Jaccard >= the threshold;
- source and cue are judged on the overlap pairs: right when both are null,
  or (lenient) equal, nested or Jaccard >= threshold; exact needs equality;
- `only` keeps gold attributions whose field equals the value; a prediction
  matched to a left-out gold attribution, or unmatched with its own label
  outside the filter, is ignored rather than counted wrong.
"""

from __future__ import annotations

import bisect
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from claimtrack.errors import ClaimtrackError
from claimtrack.models import (  # the eval records live in models.py; importable from here too
    PRF,
    ErrorExample,
    EvalMetrics,
    RecallBucket,
    ScoreCounts,
)

WORD = re.compile(r"\w+")
CONTEXT_CHARS = 50  # either side of an error example's content (~100 in all)

Range = tuple[int, int]
TokenSet = frozenset[Range]
Only = Sequence[tuple[str, str]]
ROLES = ("content", "source", "cue")


# --- spans to token sets -----------------------------------------------------


@dataclass(frozen=True)
class GoldText:
    """The gold text with its word tokens: turns spans into token sets."""

    text: str
    tokens: tuple[Range, ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> GoldText:
        tokens = tuple(m.span() for m in WORD.finditer(text))
        return cls(text, tokens, tuple(s for s, _ in tokens))

    def locate(self, needle: str, near: int | None) -> int | None:
        """Start of the occurrence of `needle` nearest to `near` (else the first)."""
        hits = [m.start() for m in re.finditer(re.escape(needle), self.text)]
        if not hits:
            return None
        if isinstance(near, int):
            return min(hits, key=lambda h: abs(h - near))
        return hits[0]

    def ranges(
        self, span: Mapping[str, Any] | None, counts: Counter, trust_offsets: bool = True
    ) -> list[Range] | None:
        """The (start, end) of each fragment of `span`, checked against the text;
        counts["relocated"] / counts["unresolved"] say how each was found."""
        if not span:
            return None
        out: list[Range] = []
        for piece in span.get("fragments") or [span]:
            s, e, t = piece.get("start"), piece.get("end"), piece.get("text")
            fits = (
                trust_offsets
                and isinstance(s, int)
                and isinstance(e, int)
                and 0 <= s <= e <= len(self.text)
                and (t is None or self.text[s:e] == t)
            )
            if fits:
                out.append((s, e))
                continue
            at = self.locate(t, s) if t else None
            if at is not None:
                out.append((at, at + len(t)))
                counts["relocated"] += 1
            else:
                counts["unresolved"] += 1
        return out

    def token_set(self, ranges: list[Range] | None) -> TokenSet | None:
        """Word tokens touching any range; non-space characters when none does."""
        if ranges is None:
            return None
        found: set[Range] = set()
        for s, e in ranges:
            i = max(bisect.bisect_right(self.starts, s) - 1, 0)
            while i < len(self.tokens) and self.tokens[i][0] < e:
                if self.tokens[i][1] > s:
                    found.add(self.tokens[i])
                i += 1
        if not found:
            for s, e in ranges:
                found.update((k, k + 1) for k in range(s, e) if not self.text[k].isspace())
        return frozenset(found)


# --- the measures --------------------------------------------------------------


def jaccard(a: TokenSet | None, b: TokenSet | None) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def match_contents(
    gold: Sequence[TokenSet | None],
    pred: Sequence[TokenSet | None],
    accept: Callable[[float], bool],
) -> dict[int, int]:
    """One-to-one gold index -> prediction index, best Jaccard first; pairs that
    share no token never match."""
    pairs = sorted(
        (-jaccard(g, p), i, j)
        for i, g in enumerate(gold)
        if g
        for j, p in enumerate(pred)
        if p and g & p
    )
    match: dict[int, int] = {}
    taken: set[int] = set()
    for neg, i, j in pairs:
        if accept(-neg) and i not in match and j not in taken:
            match[i] = j
            taken.add(j)
    return match


def role_right(
    gold: TokenSet | None, pred: TokenSet | None, threshold: float
) -> tuple[bool, bool]:
    """(lenient, exact) correctness of a predicted source or cue."""
    if gold is None or pred is None:
        both_null = gold is None and pred is None
        return both_null, both_null
    exact = gold == pred
    lenient = exact or bool(
        gold and pred and (gold <= pred or pred <= gold or jaccard(gold, pred) >= threshold)
    )
    return lenient, exact


def prf(tp: int, npred: int, ngold: int) -> PRF:
    """Nothing predicted and nothing to find is perfect; nothing to find is full recall."""
    p = tp / npred if npred else (1.0 if ngold == 0 else 0.0)
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(precision=p, recall=r, f1=f, tp=tp, pred=npred, gold=ngold)


def parse_only(items: Iterable[str]) -> list[tuple[str, str]]:
    """FIELD=VALUE strings -> (field, value) pairs."""
    out = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ClaimtrackError(
                f"a filter wants FIELD=VALUE (e.g. cue_class=speech), got {item!r}")
        out.append((name, value))
    return out


def _kept(att: Mapping[str, Any], only: Only, missing_keeps: bool) -> bool:
    """Whether an attribution's labels pass `only`. Gold without the field
    compares as "None"; a prediction without it is kept."""
    for name, value in only:
        if name not in att and missing_keeps:
            continue
        label = att.get(name)
        if missing_keeps and label is None:
            continue
        if str(label) != value:
            return False
    return True


# --- one document --------------------------------------------------------------


@dataclass
class _Side:
    atts: list[Mapping[str, Any]]
    sets: list[dict[str, TokenSet | None]]
    hulls: list[Range | None]


@dataclass
class _Candidate:
    """An error before it is chosen for display (built only when asked for)."""

    what: Literal["miss", "false_alarm"]
    doc_id: str
    text: str
    att: Mapping[str, Any]
    hull: Range | None
    other: Mapping[str, Any] | None
    other_jaccard: float


@dataclass
class _Tally:
    c: Counter = field(default_factory=Counter)
    by: defaultdict = field(default_factory=lambda: defaultdict(Counter))
    misses: list[_Candidate] = field(default_factory=list)
    false_alarms: list[_Candidate] = field(default_factory=list)


def _read_side(
    gt: GoldText, atts: list[Mapping[str, Any]], trust: bool, counts: Counter
) -> _Side:
    sets, hulls = [], []
    for a in atts:
        row: dict[str, TokenSet | None] = {}
        for role in ROLES:
            rng = gt.ranges(a.get(role), counts, trust)
            row[role] = gt.token_set(rng)
            if role == "content":
                hulls.append((min(s for s, _ in rng), max(e for _, e in rng)) if rng else None)
        sets.append(row)
    return _Side(atts, sets, hulls)


def _closest(target: TokenSet | None, others: _Side) -> tuple[int | None, float]:
    best, best_j = None, 0.0
    if target:
        for j, row in enumerate(others.sets):
            o = row["content"]
            if o and target & o and jaccard(target, o) > best_j:
                best, best_j = j, jaccard(target, o)
    return best, best_j


def _score_document(
    tally: _Tally,
    doc_id: str,
    gdoc: Mapping[str, Any],
    pdoc: Mapping[str, Any],
    threshold: float,
    only: Only,
    want_errors: bool,
) -> None:
    c = tally.c
    gt = GoldText.of(gdoc["text"])
    same_text = pdoc.get("text") in (None, gdoc["text"])
    if not same_text:
        c["pred_docs_with_other_text"] += 1
    pred_all = pdoc.get("attributions") or []
    gold_atts = [a for a in gdoc.get("attributions") or [] if a.get("content")]
    pred_atts = [a for a in pred_all if a.get("content")]
    c["pred_without_content"] += len(pred_all) - len(pred_atts)
    keep = [_kept(a, only, missing_keeps=False) for a in gold_atts]
    pred_keep = [_kept(a, only, missing_keeps=True) for a in pred_atts]

    gcount: Counter[str] = Counter()
    pcount: Counter[str] = Counter()
    gold = _read_side(gt, gold_atts, True, gcount)
    pred = _read_side(gt, pred_atts, same_text, pcount)
    for side, cnt in (("gold", gcount), ("pred", pcount)):
        c[f"{side}_relocated"] += cnt["relocated"]
        c[f"{side}_unresolved"] += cnt["unresolved"]

    gc = [s["content"] for s in gold.sets]
    pc = [s["content"] for s in pred.sets]
    for mode, accept in (("exact", lambda j: j >= 1.0), ("overlap", lambda j: j >= threshold)):
        match = match_contents(gc, pc, accept)
        gold_of = {j: i for i, j in match.items()}
        ignored = {
            j for j in range(len(pred_atts))
            if (not keep[gold_of[j]] if j in gold_of else not pred_keep[j])
        }
        c[f"{mode}_gold"] += sum(keep)
        c[f"{mode}_pred"] += len(pred_atts) - len(ignored)
        c[f"{mode}_tp"] += sum(1 for i in match if keep[i])
        if mode == "overlap":
            _judge_pairs(tally, gold, pred, match, keep, threshold)
            if want_errors:
                _collect_errors(tally, doc_id, gt.text, gold, pred, match, gold_of, keep, ignored)


def _judge_pairs(
    tally: _Tally, gold: _Side, pred: _Side, match: dict[int, int], keep: list[bool],
    threshold: float,
) -> None:
    c, by = tally.c, tally.by
    for i, a in enumerate(gold.atts):
        if not keep[i]:
            continue
        hit = i in match
        source_key = "source=" + ("null" if a.get("source") is None else "span")
        for key in (f"kind={a.get('kind', '?')}", f"cue_class={a.get('cue_class', '?')}",
                    source_key):
            by[key]["gold"] += 1
            by[key]["hit"] += hit
        if not hit:
            continue
        g, p = gold.sets[i], pred.sets[match[i]]
        src_lenient, src_exact = role_right(g["source"], p["source"], threshold)
        cue_lenient, cue_exact = role_right(g["cue"], p["cue"], threshold)
        c["pairs"] += 1
        c["source_lenient"] += src_lenient
        c["source_exact"] += src_exact
        c["cue_lenient"] += cue_lenient
        c["cue_exact"] += cue_exact
        by[source_key]["source_right"] += src_lenient


def _collect_errors(
    tally: _Tally, doc_id: str, text: str, gold: _Side, pred: _Side,
    match: dict[int, int], gold_of: dict[int, int], keep: list[bool], ignored: set[int],
) -> None:
    for i, a in enumerate(gold.atts):
        if keep[i] and i not in match:
            j, jac = _closest(gold.sets[i]["content"], pred)
            tally.misses.append(_Candidate(
                "miss", doc_id, text, a, gold.hulls[i],
                pred.atts[j] if j is not None else None, jac))
    for j, a in enumerate(pred.atts):
        if j not in gold_of and j not in ignored:
            g, jac = _closest(pred.sets[j]["content"], gold)
            tally.false_alarms.append(_Candidate(
                "false_alarm", doc_id, text, a, pred.hulls[j],
                gold.atts[g] if g is not None else None, jac))


# --- errors for display --------------------------------------------------------


def _span_text(span: Mapping[str, Any] | None) -> str | None:
    if not span:
        return None
    pieces = span.get("fragments") or [span]
    texts = [p.get("text") for p in pieces if p.get("text") is not None]
    if texts:
        return " … ".join(texts)
    return span.get("text")


def _example(cand: _Candidate) -> ErrorExample:
    a, other = cand.att, cand.other or {}
    s: int | None
    e: int | None
    if cand.hull is not None:
        s, e = cand.hull
        content = cand.text[s:e]
        before = cand.text[max(0, s - CONTEXT_CHARS):s]
        after = cand.text[e:e + CONTEXT_CHARS]
    else:
        s = e = None
        content, before, after = _span_text(a.get("content")) or "", "", ""
    return ErrorExample(
        what=cand.what,
        doc_id=cand.doc_id,
        start=s,
        end=e,
        content=content,
        context_before=before,
        context_after=after,
        source=_span_text(a.get("source")),
        cue=_span_text(a.get("cue")),
        kind=a.get("kind"),
        cue_class=a.get("cue_class"),
        other_content=_span_text(other.get("content")),
        other_source=_span_text(other.get("source")),
        other_cue=_span_text(other.get("cue")),
        other_jaccard=cand.other_jaccard,
    )


def sample_errors(candidates: Sequence[_Candidate], n: int, seed: int) -> list[ErrorExample]:
    """`n` of the candidates, the same ones for the same inputs and seed, in
    document order."""
    chosen = random.Random(seed).sample(range(len(candidates)), min(n, len(candidates)))
    chosen.sort(key=lambda k: (candidates[k].doc_id, candidates[k].hull or (-1, -1), k))
    return [_example(candidates[k]) for k in chosen]


# --- the corpus ----------------------------------------------------------------


def score(
    gold_docs: Mapping[str, Mapping[str, Any]],
    pred_docs: Mapping[str, Mapping[str, Any]],
    threshold: float = 0.5,
    only: Only = (),
    errors: int = 0,
    seed: int = 0,
) -> EvalMetrics:
    """Score predictions against gold, documents paired by id. A gold document
    with no prediction has all its attributions missed; `errors` > 0 samples
    that many misses and false alarms (with `seed`)."""
    tally = _Tally()
    c = tally.c
    for doc_id in sorted(gold_docs):
        gdoc = gold_docs[doc_id]
        pdoc = pred_docs.get(doc_id)
        if pdoc is None:
            c["gold_docs_without_prediction"] += 1
            pdoc = {"attributions": []}
        _score_document(tally, doc_id, gdoc, pdoc, threshold, only, errors > 0)
    c["pred_docs_not_in_gold"] = len(set(pred_docs) - set(gold_docs))

    pairs = c["pairs"]
    recall_by = {}
    for key, v in sorted(tally.by.items()):
        if not v["gold"]:
            continue
        bucket = RecallBucket(gold=v["gold"], recall=v["hit"] / v["gold"])
        if key.startswith("source=") and v["hit"]:
            bucket.source_acc_given_match = v["source_right"] / v["hit"]
        recall_by[key] = bucket
    return EvalMetrics(
        jaccard_threshold=threshold,
        only=[f"{k}={v}" for k, v in only],
        gold_docs=len(gold_docs),
        content_exact=prf(c["exact_tp"], c["exact_pred"], c["exact_gold"]),
        content_overlap=prf(c["overlap_tp"], c["overlap_pred"], c["overlap_gold"]),
        content_and_source=prf(c["source_lenient"], c["overlap_pred"], c["overlap_gold"]),
        source_lenient_acc=c["source_lenient"] / pairs if pairs else 0.0,
        source_exact_acc=c["source_exact"] / pairs if pairs else 0.0,
        cue_lenient_acc=c["cue_lenient"] / pairs if pairs else 0.0,
        cue_exact_acc=c["cue_exact"] / pairs if pairs else 0.0,
        matched_pairs=pairs,
        recall_by=recall_by,
        counts=ScoreCounts(**{k: c[k] for k in ScoreCounts.model_fields}),
        errors_seed=seed if errors > 0 else None,
        misses=sample_errors(tally.misses, errors, seed) if errors > 0 else [],
        false_alarms=sample_errors(tally.false_alarms, errors, seed) if errors > 0 else [],
    )
