"""Batch indexing on a dask.distributed cluster: documents are parsed and chunks embedded on the workers.

    python -m index build --dask                      # a LocalCluster on this machine
    python -m index build --dask tcp://host:8786      # an existing cluster's scheduler

The build itself (index/build.py) stays the same function: it hands its per-document parsing and its
embedding to a `DaskCluster`, then merges, indexes and stores the results locally exactly as a plain
build does. Workers load the embedder once each and keep it. Every worker must be able to import
this project and its dependencies (same versions) and the embedder must be installed there.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np

EMBED_BATCH = 1024          # chunks per embedding task: large enough to amortise scheduling, small enough to spread


class DaskCluster:
    """A dask.distributed client (LocalCluster when no scheduler address) that maps build stages."""

    def __init__(self, scheduler: str | None = None, n_workers: int | None = None):
        import dask
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            workers = n_workers or os.cpu_count() or 1
            with dask.config.set({"distributed.nanny.pre-spawn-environ": _without_eager_trim()}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None)
            self.client = Client(self.cluster)

    def __enter__(self) -> "DaskCluster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info()["workers"])

    def map(self, fn: Callable, items: Iterable, progress: bool = False, desc: str = "tasks",
            unit: str = "task") -> list:
        """fn over items on the workers, results in the items' order (with a progress bar as they finish)."""
        items = list(items)
        if not items:
            return []
        return self._gather(self.client.map(fn, items, pure=False), [1] * len(items), progress, desc, unit)

    def embed(self, model_name: str, texts: list[str], spans: list[list[tuple[int, int]]],
              progress: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
        """`index.embed.embed_with_spans` of the texts (sentence vectors in the stored precision), in batches spread over
        the workers, in the texts' order."""
        starts = range(0, len(texts), EMBED_BATCH)
        batches = [(texts[i:i + EMBED_BATCH], spans[i:i + EMBED_BATCH]) for i in starts]
        futures = self.client.map(_embed_batch, batches, model_name=model_name, pure=False)
        done = self._gather(futures, [len(b) for b, _ in batches], progress, "embedding", "chunk")
        return np.concatenate([vectors for vectors, _ in done]), [p for _, pooled in done for p in pooled]

    def _gather(self, futures: list, sizes: list[int], progress: bool, desc: str, unit: str) -> list:
        """The futures' results in their order, a progress bar (with an ETA) counting `sizes` as each finishes."""
        from dask.distributed import as_completed
        from tqdm import tqdm

        size = {f.key: n for f, n in zip(futures, sizes)}
        with tqdm(total=sum(sizes), desc=desc, unit=unit, disable=not progress, mininterval=1.0) as bar:
            for done in as_completed(futures):
                bar.update(size[done.key])
        return self.client.gather(futures)


def _without_eager_trim() -> dict:
    """Dask's environment for new workers, less its MALLOC_TRIM_THRESHOLD_ (None unsets it): glibc giving freed
    memory back that eagerly made embedding ~10% slower in a worker (README, Dask)."""
    import dask

    return {**dask.config.get("distributed.nanny.pre-spawn-environ"), "MALLOC_TRIM_THRESHOLD_": None}


@lru_cache(maxsize=2)
def _worker_model(name: str):
    """The embedder, loaded once per worker process, using as many torch threads as the worker has."""
    import torch
    from dask.distributed import get_worker

    from index.embed import load_model

    try:
        torch.set_num_threads(max(1, get_worker().state.nthreads))
    except ValueError:   # not on a worker (called directly): leave torch's default
        pass
    return load_model(name)


def _embed_batch(batch: tuple[list[str], list[list[tuple[int, int]]]], model_name: str):
    """A batch's chunk vectors and sentence vectors, the latter already in the stored precision (half the bytes sent
    back to the client; the build would narrow them anyway)."""
    from index.embed import embed_with_spans
    from index.store import EXTRA_DTYPE

    vectors, pooled = embed_with_spans(_worker_model(model_name), *batch)
    return vectors, [p.astype(EXTRA_DTYPE) for p in pooled]
