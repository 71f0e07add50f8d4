"""The extractor on ~40 held-out PolNeAR documents, scored by ../shared/eval/score.py.

Skipped when ../shared/eval is absent. Only figures are read here: the
held-out texts are never printed, stored or tuned on.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import json
from pathlib import Path

import pytest

from claimtrack.evalsplit import iter_split
from claimtrack.jsonl import extract_jsonl

EVAL = Path(__file__).parents[1] / ".." / "shared" / "eval"
N_DOCS = 40

pytestmark = pytest.mark.polnear


def _scorer():
    spec = importlib.util.spec_from_file_location("polnear_score", EVAL / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def metrics():
    corpus = EVAL / "polnear.jsonl"
    if not corpus.exists() or not (EVAL / "score.py").exists():
        pytest.skip("../shared/eval (PolNeAR and its scorer) is absent")
    docs = list(itertools.islice(iter_split(corpus, "heldout"), N_DOCS))
    out = io.StringIO()
    extract_jsonl(io.StringIO("".join(json.dumps(d) + "\n" for d in docs)), out)
    pred = {}
    for line in out.getvalue().splitlines():
        row = json.loads(line)
        pred[row["id"]] = row
    gold = {d["id"]: d for d in docs}
    score = _scorer()
    return {
        "all": score.score(gold, pred),
        "speech": score.score(gold, pred, only=[("cue_class", "speech")]),
    }


def test_speech_content_f1_well_above_floor(metrics):
    assert metrics["speech"]["content_overlap"]["f1"] >= 0.55


def test_all_content_f1_above_floor(metrics):
    assert metrics["all"]["content_overlap"]["f1"] >= 0.45


def test_source_accuracy_given_content(metrics):
    assert metrics["speech"]["source_lenient_acc"] >= 0.8
