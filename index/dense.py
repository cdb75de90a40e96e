"""The dense index: FAISS inner product over L2-normalised chunk vectors (cosine).

"flat" (exact, the default) is the stored embedding matrix itself: loading copies it into an
IndexFlatIP, nothing is trained or linked. "hnsw" and "ivf" are approximate FAISS indexes for
corpora where flat search gets too slow, stored as vectors.faiss with vectors.rows.npy (which chunk
each FAISS row holds). An incremental build keeps the previous graph: it adds the rows of new or
edited documents and marks those of edited or removed ones dead (search skips them with a FAISS ID
selector), so a one-file edit does not rebuild a 100,000-row graph; once a fifth of the rows are dead
the index is built afresh.
Choose with `DOCQA_DENSE=flat|hnsw|ivf` or `python -m index build --dense KIND`.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

KINDS = ("flat", "hnsw", "ivf")
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128
IVF_NPROBE = 16
MAX_DEAD_SHARE = 0.2      # beyond this share of dead rows, an incremental build makes a fresh index
ROWS_FILE = "vectors.rows.npy"


class Rows:
    """An approximate FAISS index whose row r holds chunk position `positions[r]`, or -1 once dead.

    Answers FAISS's `search(queries, k)` with chunk positions as ids, and `ntotal` / `d` like FAISS.
    """

    def __init__(self, index, kind: str, positions: np.ndarray | None = None):
        import faiss

        self.index, self.kind, self.d = index, kind, index.d
        self.positions = np.arange(index.ntotal, dtype=np.int64) if positions is None else positions
        self.ntotal = int((self.positions >= 0).sum())
        dead = np.flatnonzero(self.positions < 0).astype(np.int64)
        self._selector = None
        if len(dead):   # kept referenced: FAISS's IDSelectorNot holds a bare pointer to the batch
            self._dead = faiss.IDSelectorBatch(dead)
            self._selector = faiss.IDSelectorNot(self._dead)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, chunk positions), one row per query, -1 where fewer than k were found."""
        import faiss

        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(sel=self._selector, efSearch=max(HNSW_EF_SEARCH, k))
        elif hasattr(self.index, "nlist"):
            params = faiss.SearchParametersIVF(sel=self._selector, nprobe=min(IVF_NPROBE, self.index.nlist))
        else:                                   # an "ivf" build of a single chunk is flat
            params = faiss.SearchParameters(sel=self._selector)
        scores, rows = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k, params=params)
        return scores, np.where(rows >= 0, self.positions[np.maximum(rows, 0)], -1)


def default_kind() -> str:
    """The dense index kind asked for by DOCQA_DENSE (default flat)."""
    kind = os.environ.get("DOCQA_DENSE", "flat")
    if kind not in KINDS:
        raise ValueError(f"DOCQA_DENSE={kind!r}: choose one of {', '.join(KINDS)}")
    return kind


def build_dense(vectors: np.ndarray, kind: str = "flat"):
    """A FAISS index over `vectors` (rows are chunk positions)."""
    import faiss

    if kind not in KINDS:
        raise ValueError(f"unknown dense index kind {kind!r}: choose one of {', '.join(KINDS)}")
    n, d = vectors.shape
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.add(np.ascontiguousarray(vectors))
        return Rows(index, kind)
    if kind == "ivf" and n >= 2:
        nlist = max(1, min(int(4 * math.sqrt(n)), n // 39 or 1))
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).permutation(n)[: nlist * 256]]
        index.train(np.ascontiguousarray(sample))
        index.add(np.ascontiguousarray(vectors))
        return Rows(index, kind)
    index = faiss.IndexFlatIP(d)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index if kind == "flat" else Rows(index, kind)


def extend_dense(old, kind: str, old_to_new: np.ndarray, fresh: np.ndarray, fresh_positions: np.ndarray) -> Rows | None:
    """The previous build's approximate index carried into the next build, or None when it cannot be.

    `old_to_new[p]` is the new position of the chunk at old position p (-1: its document was edited or
    removed); `fresh` are the vectors of the new chunks, at `fresh_positions`. None when the previous
    index is of another kind or a fresh one is due (too many dead rows).
    """
    if not isinstance(old, Rows) or old.kind != kind or kind == "flat":
        return None
    alive = old.positions >= 0
    positions = np.full(len(old.positions), -1, np.int64)
    positions[alive] = old_to_new[old.positions[alive]]
    positions = np.concatenate([positions, np.asarray(fresh_positions, np.int64)])
    if 1 - (positions >= 0).sum() / max(len(positions), 1) > MAX_DEAD_SHARE:
        return None
    if len(fresh):
        old.index.add(np.ascontiguousarray(fresh, dtype=np.float32))
    return Rows(old.index, kind, positions)


def save_dense(index, kind: str, folder: Path) -> list[str]:
    """Write the approximate index (flat needs nothing beyond the embeddings); returns the files written."""
    import faiss

    if kind == "flat":
        return []
    faiss.write_index(index.index, str(Path(folder) / "vectors.faiss"))
    np.save(Path(folder) / ROWS_FILE, index.positions)
    return ["vectors.faiss", ROWS_FILE]


def load_dense(folder: Path, kind: str, vectors: np.ndarray):
    """The search index of a stored index folder."""
    import faiss

    if kind == "flat":
        return build_dense(vectors, "flat")
    index = faiss.read_index(str(Path(folder) / "vectors.faiss"))
    rows = Path(folder) / ROWS_FILE
    return Rows(index, kind, np.load(rows) if rows.is_file() else None)
