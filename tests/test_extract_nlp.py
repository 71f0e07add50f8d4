"""claimtrack's pipeline (numpy BLAS, one thread) against spaCy's as shipped (blis)."""

from __future__ import annotations

import itertools
from pathlib import Path

from claimtrack.extract.nlp import READ_LABELS, get_nlp, load_stock, narrow_ner, use_numpy_blas

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"
POLNEAR = ROOT / ".." / "shared" / "eval" / "polnear.jsonl"


def _view(doc):
    return [(t.text, t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i) for t in doc]


def _ents(doc, labels=READ_LABELS):
    return {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in labels}


def _texts(dev: int) -> list[str]:
    from claimtrack.evalsplit import iter_split

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.md"))]
    if POLNEAR.exists():
        texts += [d["text"] for d in itertools.islice(iter_split(POLNEAR, "dev"), dev)]
    return texts


def test_numpy_blas_pipeline_equals_the_stock_one():
    """Every tag, lemma, head and dependency of the seeds (and of 20 dev PolNeAR
    texts, when present) equals what spaCy's own pipeline gives. Entities (the
    narrowed recogniser, nlp.py): the seeds' stored mentions are the stock ones, and
    every label claimtrack reads agrees at F1 >= 0.99."""
    from claimtrack.extract import MENTION_LABELS

    texts = _texts(20)
    ours, stock = get_nlp(), load_stock()
    assert ours is get_nlp()  # loaded once per process
    from thinc.api import NumpyOps

    tok2vec = ours.get_pipe("tok2vec").model
    assert isinstance(tok2vec.ops, NumpyOps) and not tok2vec.ops.use_blis
    assert stock.get_pipe("tok2vec").model.ops.use_blis  # the reference is spaCy's own
    assert ours.pipe_names == stock.pipe_names
    assert set(ours.get_pipe("ner").labels) == set(READ_LABELS)
    seeds = len(list(SEEDS.glob("*.md")))  # the seeds come first (_texts)
    hit = n_ours = n_stock = 0
    for k, (a, b) in enumerate(zip(ours.pipe(texts), stock.pipe(texts), strict=True)):
        assert _view(a) == _view(b)
        if k < seeds:
            assert _ents(a, MENTION_LABELS) == _ents(b, MENTION_LABELS)
        hit += len(_ents(a) & _ents(b))
        n_ours += len(_ents(a))
        n_stock += len(_ents(b))
    assert 2 * hit / (n_ours + n_stock) >= 0.99


def test_narrowing_to_every_label_is_the_stock_recogniser():
    """narrow_ner keeps each kept action's own weights: given all the stock labels it
    decides exactly as the stock component (in another action order)."""
    stock = use_numpy_blas(load_stock())
    labels = tuple(stock.get_pipe("ner").labels)
    every = use_numpy_blas(narrow_ner(load_stock(), labels[::-1]))
    assert every.pipe_names == stock.pipe_names
    texts = _texts(5)
    for a, b in zip(every.pipe(texts), stock.pipe(texts), strict=True):
        assert _ents(a, labels) == _ents(b, labels)
        assert [(t.ent_iob_, t.ent_type_) for t in a] == [(t.ent_iob_, t.ent_type_) for t in b]


def test_blas_is_held_to_one_thread():
    from threadpoolctl import threadpool_info

    get_nlp()
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas)


def test_every_label_the_rules_read_is_decided():
    from claimtrack.extract import MENTION_LABELS
    from claimtrack.extract.chains import NAMED_LABELS
    from claimtrack.extract.nouns import _WHO
    from claimtrack.extract.resolve import SELF_LABELS, SPEAKER_LABELS

    for labels in (MENTION_LABELS, NAMED_LABELS, _WHO, SELF_LABELS, SPEAKER_LABELS,
                   {"DATE", "TIME"}):
        assert set(labels) <= set(READ_LABELS)
