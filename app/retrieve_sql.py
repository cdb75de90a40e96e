"""Hybrid retrieval through SQL: pgvector for dense, BM25 (or Postgres full text) for sparse, fused as locally."""
from __future__ import annotations

import os
from functools import lru_cache
from types import SimpleNamespace

from app.retrieve import Retriever
from index.fold import terms
from index.postgres import Database
from index.store import StoredIndex

SPARSE_KINDS = ("bm25", "tsvector")


class SqlRetriever(Retriever):
    """The local Retriever's fusion over candidates that Postgres finds; one build of one collection."""

    def __init__(self, index: StoredIndex, model, db: Database, build_id: int, sparse_kind: str | None = None):
        self.index = index
        self.model = model
        self.db = db
        self.build_id = build_id
        self.sparse_kind = sparse_kind or os.environ.get("DOCQA_PG_SPARSE", "bm25")
        if self.sparse_kind not in SPARSE_KINDS:
            raise ValueError(f"DOCQA_PG_SPARSE must be one of {SPARSE_KINDS}, not {self.sparse_kind!r}")
        self.bm25 = SimpleNamespace(idf=db.idf(build_id))   # what the vocabulary weighs words by
        self.embed_query = lru_cache(maxsize=1024)(self._embed_query)

    def dense(self, question: str, k: int) -> list[tuple[int, float]]:
        """(chunk position, cosine) of the k nearest chunks, by exact pgvector inner product."""
        return self.db.dense(self.build_id, self.embed_query(question)[0], k)

    def sparse(self, question: str, k: int) -> list[tuple[int, float]]:
        """(chunk position, score) of the k best sparse matches with a positive score."""
        if self.sparse_kind == "tsvector":
            return self.db.full_text(self.build_id, terms(question), k)
        return self.db.bm25(self.build_id, terms(question), k)
