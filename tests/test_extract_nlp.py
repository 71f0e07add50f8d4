"""claimtrack's pipeline (numpy BLAS, one thread) against spaCy's as shipped (blis)."""

from __future__ import annotations

import itertools
from pathlib import Path

from claimtrack.extract.nlp import get_nlp, load_stock

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"
POLNEAR = ROOT / ".." / "shared" / "eval" / "polnear.jsonl"


def _view(doc):
    return [(t.text, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
            for t in doc]


def test_numpy_blas_pipeline_equals_the_stock_one():
    """Every tag, lemma, head, dependency and entity of the seeds (and of 20 dev
    PolNeAR texts, when present) equals what spaCy's own pipeline gives."""
    from claimtrack.evalsplit import iter_split

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.md"))]
    if POLNEAR.exists():
        texts += [d["text"] for d in itertools.islice(iter_split(POLNEAR, "dev"), 20)]
    ours, stock = get_nlp(), load_stock()
    assert ours is get_nlp()  # loaded once per process
    from thinc.api import NumpyOps

    tok2vec = ours.get_pipe("tok2vec").model
    assert isinstance(tok2vec.ops, NumpyOps) and not tok2vec.ops.use_blis
    assert stock.get_pipe("tok2vec").model.ops.use_blis  # the reference is spaCy's own
    for a, b in zip(ours.pipe(texts), stock.pipe(texts), strict=True):
        assert _view(a) == _view(b)


def test_blas_is_held_to_one_thread():
    from threadpoolctl import threadpool_info

    get_nlp()
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas)
