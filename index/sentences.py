"""Sentence vectors of the text chunks, computed at build time and stored with the index (`build --sentences`).

The descriptive-sentence ranker (app/support.py) and the rules answer path (`Settings(reader=False)`) compare
sentences of the retrieved passages with the question; embedding them at build time keeps that off the answer
path (~47 ms a descriptive question on the seeds). A default build skips them: on prose they cost more embedding
time than the chunks.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.chunk import Chunk
from index.parse import split_sentences

NAME = "sentences"


def sentence_spans(chunks: Sequence[Chunk]) -> tuple[list[str], list[str]]:
    """The distinct sentences of one document's text chunks: keys ("start:end", file offsets) and texts."""
    keys: list[str] = []
    texts: list[str] = []
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.kind != "text":
            continue
        for span in split_sentences(chunk.text, chunk.start):
            key = f"{span.start}:{span.end}"
            if key not in seen:
                seen.add(key)
                keys.append(key)
                texts.append(span.text)
    return keys, texts


def sentence_vectors(model, chunks: Sequence[Chunk]) -> tuple[list[str], np.ndarray]:
    """Keys and unit vectors of one document's sentences (the build's extra for `sentences=True`)."""
    from index.embed import dimension, embed

    keys, texts = sentence_spans(chunks)
    if not texts:
        return [], np.zeros((0, dimension(model)), np.float32)
    return keys, embed(model, texts)


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
