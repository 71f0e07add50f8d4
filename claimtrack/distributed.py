"""Extraction on a Dask cluster (`--dask SCHEDULER`): the texts go to the workers
shard by shard, each shard's extractions come back in input order, and the caller
stores them here (one writer: `add` runs the cross-document update in each
document's transaction, as without Dask).

Over the network: each shard's texts (client -> worker) and, per text, its
Extraction as a plain dict (attributions and mentions with their offsets:
worker -> client). The database, the documents' metadata and links never leave
this process. Workers need the same claimtrack (and spaCy model) installed: a
worker whose extractor differs from this process's is refused, since its
claims would not be the ones `add` stores here.

Dask is an optional extra (`pip install 'claimtrack[dask]'`); without it,
`--dask` is one error line.
"""

from __future__ import annotations

import functools
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from claimtrack import extractor_names as names
from claimtrack.batching import batched
from claimtrack.errors import ClaimtrackError, ExtractError
from claimtrack.models import Extraction

LOCAL = "local"
# Texts per task: a multiple of the parser's batch (8), so the batches a worker
# parses are the ones a single process parses; big enough that a task's overhead
# (scheduling, a round trip) is small beside its parsing (about 0.1 s a text).
SHARD = 32
CONNECT_TIMEOUT = 30  # seconds to reach a scheduler
WORKERS_TIMEOUT = 120  # seconds for a first worker to join it
MISSING = ("--dask needs the optional Dask extra: pip install 'claimtrack[dask]' "
           "(dask and distributed)")


def require_dask() -> Any:
    """dask.distributed, or the one-line error saying how to install it."""
    try:
        import dask.distributed
    except ImportError:
        raise ClaimtrackError(MISSING) from None
    return dask.distributed


@contextmanager
def cluster(scheduler: str, workers: int = 1, extractor: str = names.DEFAULT,
            shard_size: int = SHARD) -> Iterator[Any]:
    """A function texts -> one Extraction or ExtractError each, in order, that runs
    extraction on the Dask cluster at `scheduler` (an address such as
    tcp://10.0.0.5:8786, or "local": a LocalCluster of `workers` processes here).
    The client (and a local cluster) is closed when the block ends."""
    dd = require_dask()
    local = client = None
    try:
        if scheduler == LOCAL:
            local = dd.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                    dashboard_address=None, silence_logs=logging.ERROR)
            client = dd.Client(local)
        else:
            try:
                client = dd.Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as e:
                why = str(e).splitlines()[0] if str(e) else type(e).__name__
                raise ClaimtrackError(
                    f"cannot reach the Dask scheduler at {scheduler} ({why}); give its "
                    "address (e.g. tcp://HOST:8786) or 'local'") from None
        _check_workers(client, scheduler, extractor)
        yield functools.partial(extract_on, client, extractor=extractor, shard_size=shard_size)
    finally:
        if client is not None:
            client.close()
        if local is not None:
            local.close()


def _check_workers(client: Any, scheduler: str, extractor: str) -> None:
    """Refuse a cluster whose workers cannot extract as this process would."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        raise ClaimtrackError(f"no Dask worker joined the scheduler at {scheduler} in "
                              f"{WORKERS_TIMEOUT} s; start workers (dask worker "
                              f"{scheduler})") from None
    try:
        theirs = client.run(worker_extractor, extractor)
    except Exception as e:  # a worker without claimtrack cannot unpickle the function
        raise ClaimtrackError(f"the Dask workers cannot run claimtrack ({type(e).__name__}: "
                              f"{e}); install the same claimtrack on every worker") from None
    ours = worker_extractor(extractor)
    for worker, name in sorted(theirs.items()):
        if name != ours:
            raise ClaimtrackError(f"Dask worker {worker} extracts with {name}, this process "
                                  f"with {ours}: install the same claimtrack on every worker")


def worker_extractor(extractor: str) -> str:
    """The versioned extractor name this process would store (run on each worker)."""
    from claimtrack.extract import EXTRACTORS

    return EXTRACTORS[extractor]


def extract_shard(texts: list[str], extractor: str) -> list[tuple[str, Any]]:
    """Run on a worker: ("ok", Extraction as a dict) or ("error", why) per text."""
    from claimtrack.extract import extract_texts

    return [("error", str(r)) if isinstance(r, ClaimtrackError) else ("ok", r.model_dump())
            for r in extract_texts(texts, jobs=1, extractor=extractor)]


def extract_on(client: Any, texts: Iterable[str], extractor: str = names.DEFAULT,
               shard_size: int = SHARD, window: int | None = None,
               ) -> Iterator[Extraction | ExtractError]:
    """One result per text, in input order, extracted on `client`'s workers.

    At most `window` shards (default: two per worker thread) are on the cluster
    at once, so memory here stays bounded however many texts stream through. A
    shard the cluster fails on (its workers died, past Dask's retries) yields an
    ExtractError per text; the others go on. Closing the iterator cancels what
    is still on the cluster."""
    ours = worker_extractor(extractor)
    if window is None:
        window = 2 * max(1, sum(client.nthreads().values()))
    source = batched(texts, shard_size)
    pending: deque[tuple[Any, int]] = deque()

    def submit() -> None:
        shard = next(source, None)
        if shard is not None:
            pending.append((client.submit(extract_shard, shard, extractor, pure=False),
                            len(shard)))

    try:
        for _ in range(window):
            submit()
        while pending:
            future, n = pending.popleft()
            submit()
            try:
                results = future.result()
            except Exception as e:  # KilledWorker, a worker's error past the retries
                why = (str(e).splitlines() or [""])[0][:200]
                results = [("error", f"the Dask cluster failed on this shard "
                                     f"({type(e).__name__}: {why}); retry it")] * n
            for kind, value in results:
                if kind == "error":
                    yield ExtractError(value)
                    continue
                extraction = Extraction.model_validate(value)
                if extraction.extractor != ours:  # a worker that joined since the check
                    raise ClaimtrackError(
                        f"a Dask worker extracts with {extraction.extractor}, this process "
                        f"with {ours}: install the same claimtrack on every worker")
                yield extraction
    finally:
        if pending:
            client.cancel([f for f, _ in pending])
