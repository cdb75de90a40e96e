"""The dense index: FAISS inner product over L2-normalised chunk vectors (cosine).

"flat" (exact, the default) is the stored embedding matrix itself: loading copies it into an
IndexFlatIP, nothing is trained or linked. "hnsw" and "ivf" are approximate FAISS indexes for
corpora where flat search gets too slow; they are built once and stored as vectors.faiss.
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
        index.hnsw.efSearch = HNSW_EF_SEARCH
        return index
    if kind == "ivf" and n >= 2:
        nlist = max(1, min(int(4 * math.sqrt(n)), n // 39 or 1))
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).permutation(n)[: nlist * 256]]
        index.train(np.ascontiguousarray(sample))
        index.add(np.ascontiguousarray(vectors))
        index.nprobe = min(IVF_NPROBE, nlist)
        return index
    index = faiss.IndexFlatIP(d)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save_dense(index, kind: str, folder: Path) -> list[str]:
    """Write the approximate index (flat needs nothing beyond the embeddings); returns the files written."""
    import faiss

    if kind == "flat":
        return []
    faiss.write_index(index, str(Path(folder) / "vectors.faiss"))
    return ["vectors.faiss"]


def load_dense(folder: Path, kind: str, vectors: np.ndarray):
    """The search index of a stored index folder."""
    import faiss

    if kind == "flat":
        return build_dense(vectors, "flat")
    index = faiss.read_index(str(Path(folder) / "vectors.faiss"))
    if kind == "hnsw":
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "ivf":
        index.nprobe = min(IVF_NPROBE, index.nlist)
    return index
