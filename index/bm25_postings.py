"""BM25 as an inverted index for a database: per term its IDF and, per chunk holding it, its score contribution.

The contributions are the local sparse index's own numbers (index/sparse.py: rank-bm25's BM25Okapi
arithmetic over the stored term counts), so a chunk's score is the sum over the query's terms of
contribution[term, chunk], whichever store adds them up.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from index.sparse import B, K1, SparseIndex


@dataclass
class Posting:
    """One term: its IDF, the chunks (positions) holding it, and its BM25 contribution in each."""

    term: str
    idf: float
    chunks: np.ndarray        # int32, ascending
    scores: np.ndarray        # float64


def postings(sparse: SparseIndex) -> Iterator[Posting]:
    """Every term's postings, computed from the index's term counts exactly as the local index computes them."""
    counts = sparse.counts
    n = counts.rows
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    doc_len = np.bincount(rows, weights=counts.counts, minlength=n)
    avgdl = int(doc_len.sum()) / n if n else 1.0
    idf_view = sparse.idf
    idf = np.asarray([idf_view[t] for t in counts.vocab], dtype=np.float64)
    tf = counts.counts.astype(np.float64)
    dl = doc_len[rows]
    data = idf[counts.indices] * (tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl)))
    order = np.argsort(counts.indices, kind="stable")            # term-major, chunks ascending within a term
    bounds = np.searchsorted(counts.indices[order], np.arange(len(counts.vocab) + 1))
    for t, term in enumerate(counts.vocab):
        lo, hi = bounds[t], bounds[t + 1]
        if hi > lo:
            yield Posting(term, float(idf[t]), rows[order[lo:hi]].astype(np.int32), data[order[lo:hi]])
