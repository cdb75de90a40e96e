"""Hybrid retrieval: dense (FAISS inner product) and BM25 candidates, fused by rank or by score."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.question import as_squad_asks
from app.settings import Settings
from index.chunk import Chunk
from index.embed import query_embedder
from index.fold import terms
from index.store import StoredIndex

DENSE_FLOOR = 0.373   # median cosine of the 30th dense candidate over SQuAD's questions (`python -m eval retrieval`)


@dataclass
class Hit:
    """A retrieved chunk with its fused score."""

    chunk: Chunk
    score: float


class Retriever:
    """Searches the index's dense vectors and BM25 sparse index; `search` is safe to call concurrently.

    Any storage backend works whose index has `vectors.search(query_vectors, k)` (FAISS's
    signature), `vectors.ntotal`, `sparse.top(terms, k)` and `sparse.idf` (see index/store.py).
    """

    def __init__(self, index: StoredIndex, model):
        self.index = index
        self.bm25 = index.sparse          # `.idf`: term -> idf, as rank_bm25's BM25Okapi had it
        embed = query_embedder(model)
        # the question as the models fitted on SQuAD's questions read them (`as_squad_asks`): the chooser's and the
        # sentence ranker's similarity features come from this vector too
        self.embed_query = lru_cache(maxsize=1024)(lambda question: embed(as_squad_asks(question)))

    def dense(self, question: str, k: int) -> list[tuple[int, float]]:
        """(chunk position, cosine) of the k nearest chunks."""
        scores, ids = self.index.vectors.search(self.embed_query(question), min(k, self.index.vectors.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def sparse(self, question: str, k: int) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) of the k best-scoring chunks with a positive score."""
        return self.bm25.top(terms(question), k)

    def search(self, question: str, settings: Settings = Settings()) -> list[Hit]:
        """Fused candidates, best first (at most `settings.candidates`)."""
        k = settings.candidates
        dense = self.dense(question, k) if settings.mode in ("hybrid", "dense") else []
        sparse = self.sparse(question, k) if settings.mode in ("hybrid", "bm25") else []
        if settings.fusion == "weighted" and settings.mode == "hybrid":
            fused = _weighted(dense, sparse, settings.dense_weight, k)
        else:
            fused = _rrf([dense, sparse], settings.rrf_k)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        return [Hit(self.index.chunks[i], s) for i, s in ranked]


def _rrf(rankings: list[list[tuple[int, float]]], k: int) -> dict[int, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings a chunk appears in."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (i, _) in enumerate(ranking, 1):
            fused[i] = fused.get(i, 0.0) + 1.0 / (k + rank)
    return fused


def _minmax(pairs: list[tuple[int, float]], floor: float | None = None) -> dict[int, float]:
    """Scores scaled to [0, 1] between the lowest (or `floor`, if lower) and the highest."""
    if not pairs:
        return {}
    values = [s for _, s in pairs]
    lo, hi = min(values + ([floor] if floor is not None else [])), max(values)
    return {i: (s - lo) / (hi - lo) if hi > lo else 1.0 for i, s in pairs}


def _weighted(dense, sparse, weight: float, k: int) -> dict[int, float]:
    """Convex combination of min-max normalised dense and BM25 scores (missing counts as 0).

    Each list is scaled between its k-th score and its best, as on SQuAD's 1,292 chunks, where both lists are always
    k long. A list cut short by a small corpus (or few BM25 matches) is scaled from the score a k-th candidate would
    have instead (BM25: 0; dense: DENSE_FLOOR), so the second passage of a four-passage document is not scored 0, as
    if it were the thirtieth: the answer chooser reads this score as a feature fitted on SQuAD."""
    d = _minmax(dense, None if len(dense) >= k else DENSE_FLOOR)
    s = _minmax(sparse, None if len(sparse) >= k else 0.0)
    return {i: weight * d.get(i, 0.0) + (1 - weight) * s.get(i, 0.0) for i in set(d) | set(s)}
