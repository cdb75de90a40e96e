"""Retrieval alone on a SQuAD file: how often each question's own paragraph comes first, in the top 2 and top 5.

    python -m eval retrieval [--squad FILE] [--out DIR]

Every question (answerable or not) is asked over all the file's paragraphs, each indexed as a document; a hit
is right when it comes from the paragraph the question was written on. No reader or chooser is involved, so
nothing here was fitted on the questions it is scored on: it checks a change to tokenizing, fusion or the
embedder on text we did not write.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from eval import metrics
from eval.fit_reader import DEFAULT_SQUAD, open_engine
from eval.squad import SquadSet

CUTOFFS = (1, 2, 5, 10)


@dataclass(frozen=True)
class RetrievalScores:
    """Share of questions whose own paragraph is within each cutoff, and the mean reciprocal rank (0 when not
    retrieved)."""

    n: int
    recall: dict[int, float]
    mrr: float

    def line(self) -> str:
        return (f"{self.n} questions: " + "  ".join(f"R@{k} {100 * v:.1f}" for k, v in self.recall.items())
                + f"  MRR {self.mrr:.3f}")


def own_paragraph_ranks(engine, squad: SquadSet) -> list[int | None]:
    """Per question, the 1-based rank of the first hit from its own paragraph (None when not retrieved)."""
    ranks = []
    for q in squad.questions:
        docs = [h.chunk.doc for h in engine.retrieve(q.question)]
        ranks.append(docs.index(q.doc) + 1 if q.doc in docs else None)
    return ranks


def score(ranks: list[int | None]) -> RetrievalScores:
    """Recall at CUTOFFS and MRR over the ranks (eval/metrics.py, as the Q/A sets report them)."""
    return RetrievalScores(len(ranks), {k: metrics.recall_at(ranks, k) for k in CUTOFFS}, metrics.mrr(ranks))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval retrieval", description=__doc__.splitlines()[0])
    p.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    p.add_argument("--out", type=Path, default=Path("eval/out"), help="where the paragraphs and their index are kept")
    args = p.parse_args(argv)
    engine, squad = open_engine(args.squad, args.out)
    print(f"{args.squad.name}, own paragraph retrieved, {score(own_paragraph_ranks(engine, squad)).line()}")
    return 0
