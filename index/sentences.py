"""Sentence vectors of the text chunks, computed at build time and stored with the index.

The descriptive-sentence ranker (app/support.py) and the rules answer path (`Settings(reader=False)`) compare
sentences of the retrieved passages with the question; storing the vectors keeps embedding off the answer path
(~47 ms a descriptive question on the seeds). They come from the chunks' own forward pass (index/embed.py
`embed_with_spans`): each sentence's tokens pooled in the context of its chunk, at no extra embedding cost.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.chunk import Chunk
from index.parse import split_sentences
from index.store import EXTRA_DTYPE

NAME = "sentences"


def chunk_sentences(chunk: Chunk) -> list[tuple[str, tuple[int, int]]]:
    """A text chunk's sentences: their keys ("start:end", file offsets) and where each lies in the chunk's
    `search_text` (which ends with the chunk's text, its reference markers blanked); none for a table row."""
    if chunk.kind != "text":
        return []
    body = len(chunk.search_text) - len(chunk.text)
    return [(f"{s.start}:{s.end}", (body + s.start - chunk.start, body + s.end - chunk.start))
            for s in split_sentences(chunk.text, chunk.start)]


def sentence_rows(chunks: Sequence[Chunk], pooled: Sequence[np.ndarray], dim: int) -> tuple[list[str], np.ndarray]:
    """One document's distinct sentences (keys) and their vectors (in the stored precision, EXTRA_DTYPE), given each
    chunk's vectors of its `chunk_sentences` in order; a sentence two chunks share takes the first chunk's."""
    keys: list[str] = []
    rows: list[np.ndarray] = []
    seen: set[str] = set()
    for chunk, vectors in zip(chunks, pooled):
        for (key, _), vector in zip(chunk_sentences(chunk), vectors):
            if key not in seen:
                seen.add(key)
                keys.append(key)
                rows.append(vector)
    return keys, np.asarray(rows, dtype=EXTRA_DTYPE).reshape(len(keys), dim)


class SentenceLookup:
    """Stored sentence vectors by (document, start, end); per-document tables are built on first use."""

    def __init__(self, extra=None):
        self.extra = extra          # index.store.Extra, or None for an index built without sentence vectors
        self._rows: dict[str, dict[str, int]] = {}

    def get(self, doc: str, start: int, end: int) -> np.ndarray | None:
        """The stored vector of one sentence, or None when the index does not hold it."""
        if self.extra is None or doc not in self.extra.doc_rows:
            return None
        rows = self._rows.get(doc)
        if rows is None:
            lo, hi = self.extra.doc_rows[doc]
            rows = self._rows[doc] = {k: lo + i for i, k in enumerate(self.extra.keys[lo:hi])}
        row = rows.get(f"{start}:{end}")
        return None if row is None else np.asarray(self.extra.vectors[row])
