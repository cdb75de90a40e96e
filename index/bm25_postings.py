"""BM25 as an inverted index: per term its IDF and, per chunk holding it, the term's saturated weight.

The numbers are rank-bm25's BM25Okapi (k1=1.5, b=0.75, IDF floored at epsilon * mean IDF), so a
chunk's score is sum over the query's terms of idf[term] * weight[term, chunk], whatever stores them.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

K1, B, EPSILON = 1.5, 0.75, 0.25


@dataclass
class Posting:
    """One term: its IDF and the chunks (positions) holding it, with the term's weight in each."""

    term: str
    idf: float
    chunks: list[int]
    weights: list[float]


def postings(tokens: list[list[str]], k1: float = K1, b: float = B, epsilon: float = EPSILON) -> list[Posting]:
    """The inverted index of chunk token lists, with rank-bm25's IDF and term weights."""
    n = len(tokens)
    doc_len = np.array([len(t) for t in tokens], dtype=np.float64)
    avgdl = float(doc_len.sum()) / n if n else 0.0
    by_term: dict[str, tuple[list[int], list[int]]] = {}
    for pos, toks in enumerate(tokens):
        for term, tf in Counter(toks).items():
            chunks, tfs = by_term.setdefault(term, ([], []))
            chunks.append(pos)
            tfs.append(tf)
    idf = {t: math.log(n - len(c) + 0.5) - math.log(len(c) + 0.5) for t, (c, _) in by_term.items()}
    floor = epsilon * (sum(idf.values()) / len(idf)) if idf else 0.0
    out = []
    for term, (chunks, tfs) in by_term.items():
        q_freq = np.array(tfs, dtype=np.float64)
        dl = doc_len[chunks]
        # the same expression, evaluated in the same order, as BM25Okapi.get_scores
        weights = q_freq * (k1 + 1) / (q_freq + k1 * (1 - b + b * dl / avgdl)) if avgdl else np.zeros(len(chunks))
        out.append(Posting(term, floor if idf[term] < 0 else idf[term], chunks, weights.tolist()))
    return out
