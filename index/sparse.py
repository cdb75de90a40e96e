"""BM25 from a sparse inverted index stored with the index: rank-bm25's BM25Okapi scores, served by bm25s.

At build time the term counts of every chunk (a CSR matrix, rows = chunks) are turned into the
per-(chunk, term) BM25 contributions with exactly the arithmetic of `rank_bm25.BM25Okapi`
(k1 = 1.5, b = 0.75, negative idf replaced by 0.25 x the mean idf), and stored in bm25s's
term-major (CSC) format. Loading memory-maps those arrays: nothing is recomputed, and a query
only touches the postings of its own terms. The counts are kept too, so an incremental build
can reuse the rows of unchanged documents instead of re-tokenizing them.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

K1, B, EPSILON = 1.5, 0.75, 0.25          # rank_bm25.BM25Okapi's defaults
FILES = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "vocab.index.json",
         "params.index.json", "idf.npy", "counts.npz")


@dataclass
class TermCounts:
    """Term counts per chunk in CSR form; `indices` keep each chunk's first-appearance order."""

    vocab: list[str]          # term id -> term
    indptr: np.ndarray        # int64, len = chunks + 1
    indices: np.ndarray       # int32 term ids
    counts: np.ndarray        # int32 occurrences

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def from_tokens(cls, token_lists: list[list[str]]) -> "TermCounts":
        """Counts of tokenized chunks (terms numbered in order of first appearance)."""
        ids: dict[str, int] = {}
        indptr, indices, counts = [0], [], []
        for tokens in token_lists:
            row: dict[int, int] = {}
            for tok in tokens:
                tid = ids.setdefault(tok, len(ids))
                row[tid] = row.get(tid, 0) + 1
            indices += row.keys()
            counts += row.values()
            indptr.append(len(indices))
        return cls(list(ids), np.asarray(indptr, np.int64), np.asarray(indices, np.int32), np.asarray(counts, np.int32))

    def take(self, start: int, end: int) -> "TermCounts":
        """Rows start..end (same vocabulary)."""
        lo, hi = self.indptr[start], self.indptr[end]
        return TermCounts(self.vocab, self.indptr[start:end + 1] - lo, self.indices[lo:hi], self.counts[lo:hi])

    @classmethod
    def concat(cls, parts: list["TermCounts"]) -> "TermCounts":
        """Rows of several count matrices, one after the other, renumbered by first appearance."""
        union: dict[str, int] = {}
        remapped, counts, lengths = [], [], []
        mappings: dict[int, np.ndarray] = {}    # by vocabulary object: rows taken from one matrix share it, and
        for p in parts:                          # an incremental build concatenates thousands of those
            mapping = mappings.get(id(p.vocab))
            if mapping is None:
                mapping = mappings[id(p.vocab)] = np.asarray([union.setdefault(t, len(union)) for t in p.vocab] or [0],
                                                             np.int64)
            remapped.append(mapping[p.indices] if len(p.indices) else np.zeros(0, np.int64))
            counts.append(p.counts)
            lengths.append(np.diff(p.indptr))
        flat = np.concatenate(remapped) if remapped else np.zeros(0, np.int64)
        names = list(union)
        first = np.full(len(names), len(flat), np.int64)          # each union id's first position in `flat`
        np.minimum.at(first, flat, np.arange(len(flat)))         # (np.unique's sort took 0.7 s at 6.6M terms)
        present = np.flatnonzero(first < len(flat))
        order = present[np.argsort(first[present], kind="stable")]  # union ids in first-appearance order
        renumber = np.full(len(names), -1, np.int64)
        renumber[order] = np.arange(len(order))
        indptr = np.concatenate([[0], np.cumsum(np.concatenate(lengths) if lengths else [])]).astype(np.int64)
        return cls([names[i] for i in order], indptr, renumber[flat].astype(np.int32),
                   np.concatenate(counts).astype(np.int32) if counts else np.zeros(0, np.int32))


class SparseIndex:
    """BM25 over the chunks: `scores(terms)` for every chunk, `top(terms, k)` for the best ones."""

    def __init__(self, bm25, idf: np.ndarray, counts: TermCounts | None = None, folder: Path | None = None):
        self._bm25 = bm25             # bm25s.BM25 holding the CSC score matrix and the vocabulary
        self._idf = idf
        self._counts = counts
        self._folder = folder
        self.num_docs = int(bm25.scores["num_docs"])

    @classmethod
    def build(cls, counts: TermCounts) -> "SparseIndex":
        """BM25Okapi contributions of every (chunk, term), as rank-bm25 would compute them."""
        import bm25s
        import scipy.sparse as sp

        n, vocab = counts.rows, len(counts.vocab)
        rows = np.repeat(np.arange(n), np.diff(counts.indptr))
        doc_len = np.bincount(rows, weights=counts.counts, minlength=n)       # exact integers, as float64
        avgdl = int(doc_len.sum()) / n if n else 1.0
        df = np.bincount(counts.indices, minlength=vocab)
        # math.log once per distinct document frequency, summed term by term in first-appearance order:
        # bit-identical to rank-bm25, without a Python loop of two logs per term
        distinct, inverse = np.unique(df, return_inverse=True)
        idf = np.array([math.log(n - int(d) + 0.5) - math.log(int(d) + 0.5) for d in distinct], np.float64)[inverse]
        idf_sum = 0.0
        for value in idf.tolist():
            idf_sum += value
        negative = idf < 0
        if negative.any():
            idf[negative] = EPSILON * (idf_sum / vocab)
        tf = counts.counts.astype(np.float64)
        # idf * (tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))), operation by operation in place (the same
        # floating-point steps; 6.6M entries at 145k chunks make each temporary array cost)
        data = doc_len[rows]
        data *= B
        data /= avgdl
        data += 1 - B
        data *= K1
        data += tf
        np.divide(tf * (K1 + 1), data, out=data)
        data *= idf[counts.indices]
        csc = sp.csr_matrix((data, counts.indices, counts.indptr), shape=(n, vocab)).tocsc()
        bm25 = bm25s.BM25(k1=K1, b=B, method="robertson", dtype="float64", int_dtype="int32")
        bm25.scores = {"data": csc.data, "indices": csc.indices.astype(np.int32),
                       "indptr": csc.indptr.astype(np.int64), "num_docs": n}
        bm25.vocab_dict = {t: i for i, t in enumerate(counts.vocab)}
        bm25.unique_token_ids_set = set(bm25.vocab_dict.values())
        bm25.nonoccurrence_array = None
        return cls(bm25, idf, counts)

    def save(self, folder: Path, counts: bool = True) -> None:
        """bm25s's files, the idf per term and (unless `counts` is False) the term counts, into `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        np.save(folder / "idf.npy", self._idf)
        if counts:
            c = self.counts
            np.savez(folder / "counts.npz", indptr=c.indptr, indices=c.indices, counts=c.counts)

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> "SparseIndex":
        """A saved index, memory-mapped unless `mmap` is False; the term counts are read only when a build asks."""
        import bm25s

        folder = Path(folder)
        bm25 = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False)
        return cls(bm25, np.load(folder / "idf.npy", mmap_mode="r" if mmap else None), folder=folder)

    @property
    def counts(self) -> TermCounts:
        """The term counts per chunk (loaded on first use: only incremental builds need them)."""
        if self._counts is None:
            with np.load(self._folder / "counts.npz") as z:
                vocab = sorted(self._bm25.vocab_dict, key=self._bm25.vocab_dict.__getitem__)
                self._counts = TermCounts(vocab, z["indptr"], z["indices"], z["counts"])
        return self._counts

    @property
    def idf(self) -> Mapping[str, float]:
        """Term -> idf, as `BM25Okapi.idf` (a read-only view, built without copying the vocabulary)."""
        return _IdfView(self._bm25.vocab_dict, self._idf)

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every chunk for these query terms (repeated terms count again, as in rank-bm25)."""
        ids = self._bm25.get_tokens_ids(terms)
        if not ids:
            return np.zeros(self.num_docs)
        return self._bm25.get_scores_from_ids(ids)

    def top(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """(chunk position, score) of the k best chunks with a positive score, best first."""
        scores = self.scores(terms)
        if len(scores) > 4 * k:
            part = np.argpartition(-scores, k)[:k]
            top = part[np.argsort(-scores[part], kind="stable")]
        else:
            top = np.argsort(-scores)[:k]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


class _IdfView(Mapping):
    """A dict-like term -> idf over the stored arrays."""

    def __init__(self, ids: dict[str, int], idf: np.ndarray):
        self._ids, self._idf = ids, idf

    def __getitem__(self, term: str) -> float:
        return float(self._idf[self._ids[term]])

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, term: object) -> bool:
        return term in self._ids

    def values(self):
        return (float(v) for v in self._idf)
