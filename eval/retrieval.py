"""Retrieval alone on a SQuAD file: how often each question's own paragraph comes first, in the top 2 and top 5.

    python -m eval retrieval [--squad FILE] [--out DIR] [--dense-weights 0.3,0.5,0.7] [--rrf]

Every question (answerable or not) is asked over all the file's paragraphs, each indexed as a document; a hit
is right when it comes from the paragraph the question was written on. No reader or chooser is involved, so
nothing here was fitted on the questions it is scored on: it checks a change to tokenizing, fusion or the
embedder on text we did not write.
"""
from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass, replace
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


def own_paragraph_ranks(engine, squad: SquadSet, settings=None) -> list[int | None]:
    """Per question, the 1-based rank of the first hit from its own paragraph (None when not retrieved)."""
    ranks = []
    for q in squad.questions:
        docs = [h.chunk.doc for h in engine.retrieve(q.question, settings)]
        ranks.append(docs.index(q.doc) + 1 if q.doc in docs else None)
    return ranks


def candidate_floor(engine, squad: SquadSet) -> str:
    """What the last of each retriever's candidates scores: the dense cosine's median is the floor the fusion scales
    a short list from (app/retrieve.py DENSE_FLOOR); how many BM25 lists come out short."""
    k = engine.settings.candidates
    dense = [engine.retriever.dense(q.question, k) for q in squad.questions]
    short = sum(len(engine.retriever.sparse(q.question, k)) < k for q in squad.questions)
    last = [d[-1][1] for d in dense if len(d) == k]
    median = f"median {statistics.median(last):.3f}" if last else f"none (fewer than {k} chunks)"
    return (f"dense cosine of the {k}th candidate: {median} over {len(last)} questions; "
            f"BM25 lists shorter than {k}: {short} of {len(squad.questions)}")


def score(ranks: list[int | None]) -> RetrievalScores:
    """Recall at CUTOFFS and MRR over the ranks (eval/metrics.py, as the Q/A sets report them)."""
    return RetrievalScores(len(ranks), {k: metrics.recall_at(ranks, k) for k in CUTOFFS}, metrics.mrr(ranks))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval retrieval", description=__doc__.splitlines()[0])
    p.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    p.add_argument("--out", type=Path, default=Path("eval/out"), help="where the paragraphs and their index are kept")
    p.add_argument("--dense-weights", default="", metavar="W,W,...",
                   help="also score weighted fusion at these dense weights (the shipped one is app/settings.py's)")
    p.add_argument("--rrf", action="store_true", help="also score reciprocal rank fusion")
    args = p.parse_args(argv)
    engine, squad = open_engine(args.squad, args.out)
    print(f"{args.squad.name}, own paragraph retrieved, {score(own_paragraph_ranks(engine, squad)).line()}")
    others = [replace(engine.settings, fusion="weighted", dense_weight=float(w))
              for w in args.dense_weights.split(",") if w.strip()]
    for settings in others + ([replace(engine.settings, fusion="rrf")] if args.rrf else []):
        how = f"weighted, dense weight {settings.dense_weight}" if settings.fusion == "weighted" else "rrf"
        print(f"  {how}: {score(own_paragraph_ranks(engine, squad, settings)).line()}")
    print(candidate_floor(engine, squad))
    return 0
