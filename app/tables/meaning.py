"""Columns by meaning: a question word that names no header ("which country", "what team") is matched to the
header the embedding model finds closest ("Nation", "Club"), only when it is clearly closer than any other.

    meaning = HeaderMeaning(lambda texts: embed(model, texts))
    meaning.closest("country", ["Rank", "Nation", "Gold"])     # -> 1, or None when no header is clearly meant
"""
from __future__ import annotations

import threading
from typing import Callable

import numpy as np

MIN_SIMILARITY = 0.6     # cosine a header must reach with the question's word
MIN_MARGIN = 0.08        # ... and by how much it must beat the next header
MAX_CACHED = 20_000      # vectors kept (question words are unbounded in a long-running server); oldest go first


class HeaderMeaning:
    """Cosine similarity between question words and header names, each embedded once and cached (bounded)."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray]):
        self.encode = encode
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _of(self, texts: list[str]) -> list[np.ndarray]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                for text, vector in zip(missing, self.encode(missing)):
                    self._vectors[text] = np.asarray(vector, dtype=np.float32)
            found = [self._vectors[t] for t in texts]
            while len(self._vectors) > MAX_CACHED:
                del self._vectors[next(iter(self._vectors))]
            return found

    def closest(self, word: str, headers: list[str], least: float = MIN_SIMILARITY) -> int | None:
        """The position in `headers` of the one `word` means (cosine `least` or more), or None when none is clearly
        meant."""
        named = [(i, h) for i, h in enumerate(headers) if h.strip()]
        if not word or not named:
            return None
        vectors = self._of([word] + [h for _, h in named])
        scores = sorted(((float(vectors[0] @ v), i) for (i, _), v in zip(named, vectors[1:])), reverse=True)
        best, position = scores[0]
        runner_up = scores[1][0] if len(scores) > 1 else -1.0
        if best < least or best - runner_up < MIN_MARGIN:
            return None
        return position
