"""The passage ranker: which retrieved passages the span reader reads first.

Retrieval scores a whole chunk by its BM25 and dense scores, fused, and the reader reads only the first two text
passages: a chunk with one sentence that says what the question asks can come third, behind chunks that share more
of its words overall. The ranker reorders the text passages handed to the answerer by a conditional logit (as
app/support.py ranks sentences) of which passage holds the answer, over the fused retrieval score and rank, how near
the passage's nearest sentence vector (stored with the index) lies to the question's, and how much of the question's
IDF weight the passage's text holds, and its text with its title and headings. It is fitted on SQuAD's questions by
`python -m eval fit-rerank` (eval/fit_rerank.py), reported on held-out articles, and stored as
app/models/rerank.json; applying it is a dot product.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import numpy as np

from app.chooser import Asked, term_set
from app.retrieve import Hit
from app.support import SentenceRanker
from index.parse import split_sentences
from index.sentences import SentenceLookup

DEFAULT_PATH = Path(__file__).parent / "models" / "rerank.json"
FEATURES = ("retrieval", "rank", "nearest_sentence", "cover", "context_cover")


def features(asked: Asked, hits: list[Hit], query: np.ndarray, sentences: SentenceLookup) -> np.ndarray:
    """One row of FEATURES per passage, in the order given."""
    query = np.asarray(query, dtype=np.float32).reshape(-1)

    def nearest(hit: Hit) -> float:
        c = hit.chunk
        vectors = [sentences.get(c.doc, s.start, s.end) for s in split_sentences(c.text, c.start)]
        return max((float(query @ np.asarray(v, dtype=np.float32)) for v in vectors if v is not None), default=0.0)

    if not hits:
        return np.zeros((0, len(FEATURES)))
    return np.array([(h.score, np.log1p(rank), nearest(h), asked.cover(term_set(h.chunk.text)),
                      asked.cover(term_set(" ".join([h.chunk.title, *h.chunk.section, h.chunk.text]))))
                     for rank, h in enumerate(hits)])


@dataclass(frozen=True)
class PassageRanker(SentenceRanker):
    """A fitted conditional logit over FEATURES: which of a question's retrieved passages holds the answer."""

    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    FIT: ClassVar[str] = "python -m eval fit-rerank"

    def order(self, hits: list[Hit], rows: np.ndarray) -> list[Hit]:
        """The passages, the likeliest to hold the answer first (ties keep retrieval order)."""
        if len(hits) < 2:
            return hits
        scores = self.scores(rows)
        return [hits[i] for i in sorted(range(len(hits)), key=lambda i: (-scores[i], i))]


@lru_cache(maxsize=1)
def default_passage_ranker(path: Path = DEFAULT_PATH) -> PassageRanker | None:
    """The shipped passage ranker, or None without one (said on stderr when the file is unreadable): passages are
    then read in retrieval order."""
    if not Path(path).is_file():
        return None
    try:
        return PassageRanker.from_dict(json.loads(Path(path).read_text()))
    except (ValueError, KeyError, TypeError) as err:
        print(f"warning: the passage ranker {path} cannot be used ({err}); passages are read in retrieval order",
              file=sys.stderr)
        return None
