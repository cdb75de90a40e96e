"""The supporting-sentence ranker: which sentence of the retrieved passages answers a question.

A descriptive question ("why…", "what happened…", "tell me about…") is answered with its best sentences
(`best_distinct`), not with a short span, so the sentences themselves must be chosen well. Every sentence of the
passages read becomes a row of features (how much of the question it, its neighbours and its heading cover,
whether it misses the names the question asks about, its passage's retrieval rank and score, its place in
the passage, whether it holds a span of the kind asked for, its embedding similarity to the question and how far
and how much of the question it lacks but says in other words, by word vectors: app/wordvectors.py). A linear score
over them, softmaxed over the question's candidates, gives each the probability that it is the one holding the answer
(a conditional logit: only how a sentence compares with the others read with it counts). The similarities bridge words
the documents do not use ("redone" for "re-run", "spouse" for "wife"). The model is fitted on SQuAD, the sentence
holding each answer against the other sentences retrieved with it, and reported by article rotation
(`python -m eval fit-support`); it is stored as a small JSON file (app/models/support.json).
"""
from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import numpy as np

from app.chooser import Asked
from app.question import candidates
from app.retrieve import Hit
from index.fold import terms
from index.parse import Span, split_sentences

DEFAULT_PATH = Path(__file__).parent / "models" / "support.json"
FEATURES = ("sentence_cover", "neighbour_cover", "heading_cover", "names_missing",
            "rank", "retrieval", "position", "type_match", "similarity", "paraphrase")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a retrieved passage, with what surrounds it."""

    hit: Hit
    rank: int                    # the passage's retrieval rank
    span: Span                   # file offsets and text
    position: int                # its place in the passage
    neighbours: str              # the sentences before and after it in the passage

    @property
    def placed(self) -> tuple[str, int, int]:
        """Where it is: its document and file offsets (`best_distinct` tells overlapping sentences apart by them)."""
        return self.hit.chunk.doc, self.span.start, self.span.end


def sentences_of(passages: list[Hit]) -> list[Sentence]:
    """Every sentence of the passages, in retrieval order."""
    out = []
    for rank, hit in enumerate(passages):
        spans = split_sentences(hit.chunk.text, hit.chunk.start)
        for k, span in enumerate(spans):
            around = " ".join(s.text for s in spans[max(0, k - 1):k + 2] if s is not span)
            out.append(Sentence(hit, rank, span, k, around))
    return out


def features(asked: Asked, sentences: list[Sentence], similarity: np.ndarray) -> np.ndarray:
    """The ranker's feature rows (in FEATURES order) for the sentences, given each one's cosine with the question."""
    names = sum(asked.names.values())
    typed = asked.kind not in ("span", "quote")
    cover = asked.cover
    rows = []
    for s, sim in zip(sentences, similarity):
        in_sentence = set(terms(s.span.text))
        missing = sum(w for t, w in asked.names.items() if t not in in_sentence) / names if names else 0.0
        heading = set(terms(" ".join([s.hit.chunk.title, *s.hit.chunk.section])))
        rows.append([cover(in_sentence), cover(set(terms(s.neighbours))), cover(heading),
                     missing, s.rank, s.hit.score,
                     math.log1p(s.position), float(typed and bool(candidates(s.span.text, asked.kind))),
                     float(sim), asked.paraphrased(s.span.text)])
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def best_distinct(placed: list[tuple[str, int, int]], scores: np.ndarray, most: int) -> list[int]:
    """The indices of the `most` best-scored sentences, best first, passing over one that shares text with a better
    one (passages overlap, so a sentence may be offered twice); `placed` holds each one's document and offsets."""
    chosen: list[int] = []
    for k in np.argsort(-np.asarray(scores), kind="stable"):
        doc, start, end = placed[k]
        if not any(doc == placed[c][0] and start < placed[c][2] and placed[c][1] < end for c in chosen):
            chosen.append(int(k))
        if len(chosen) == most:
            break
    return chosen


@dataclass(frozen=True)
class SentenceRanker:
    """A fitted conditional logit over FEATURES: which of a question's candidate sentences holds the answer."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    FEATURES: ClassVar[tuple[str, ...]] = FEATURES
    FIT: ClassVar[str] = "python -m eval fit-support"     # the command that writes its file

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """Each row's linear score; only differences between one question's candidates mean anything."""
        return ((np.atleast_2d(rows) - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.coef)

    def shares(self, rows: np.ndarray) -> np.ndarray:
        """Each candidate's probability of being the sentence that holds the answer, among these (one or more)."""
        z = self.scores(rows)
        e = np.exp(z - z.max())
        return e / e.sum()

    def to_dict(self) -> dict:
        return {"features": list(self.FEATURES), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef)}

    @classmethod
    def from_dict(cls, data: dict) -> "SentenceRanker":
        if tuple(data.get("features", ())) != cls.FEATURES:
            raise ValueError(f"the ranker file was fitted on other features; run `{cls.FIT}`")
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]))


@lru_cache(maxsize=1)
def default_ranker(path: Path = DEFAULT_PATH) -> SentenceRanker | None:
    """The shipped ranker, or None without one (said on stderr when the file is unreadable)."""
    if not Path(path).is_file():
        return None
    try:
        return SentenceRanker.from_dict(json.loads(Path(path).read_text()))
    except (ValueError, KeyError, TypeError) as err:
        print(f"warning: the sentence ranker {path} cannot be used ({err}); the reader's sentence answers",
              file=sys.stderr)
        return None
