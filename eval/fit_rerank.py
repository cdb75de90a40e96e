"""Fit the passage ranker (app/rerank.py) on SQuAD and report it by article rotation.

    python -m eval fit-rerank [--squad FILE] [--out DIR] [--no-write]

Every answerable question is asked in open retrieval over all ten articles through the app's own reading and
retrieval; each text passage the answerer gets (the first `top_k`) is a row, labelled right when it is the
question's own paragraph and holds a gold answer. Fitted on 8 articles (a conditional logit, as eval/fit_support.py
fits the sentence ranker) and scored on the other 2, rotating: how often a passage holding the answer comes first,
and within the first two (which the span reader reads), against retrieval's own order; and so when retrieval's first
passage stays first and the ranker orders the rest, as the app does. A question whose answer was not
retrieved counts as wrong both ways. The shipped ranker is then fitted on every article and written with those figures.
"""
from __future__ import annotations

import numpy as np

from eval.fit_reader import Item, load_items, open_engine, rotation_pairs
from eval.fit_support import Group, finish, fit, log, options, retrieved

WITHIN = (1, 2)   # the places reported: first, and among the two passages the reader reads


def collect(engine, items: list[Item], log=log) -> list[Group]:
    """The feature rows of every answerable question's retrieved text passages, as the app builds them."""
    from app.chooser import Asked
    from app.rerank import features

    groups = []
    for item, read, hits in retrieved(engine, items, log):
        right = np.array([h.chunk.doc == item.doc and any(h.chunk.start <= a < h.chunk.end for a, _ in item.answers)
                          for h in hits])
        rows = features(Asked.of(read, engine.vocabulary), hits, engine.retriever.embed_query(read),
                        engine.text.sentences)
        groups.append(Group(item.article, rows, right))
    return groups


def within(groups: list[Group], score, k: int) -> float:
    """Share of questions (percent) with a passage holding the answer among the k best-scored."""
    hits = [bool(g.right[np.argsort(-score(g.rows), kind="stable")[:k]].any()) for g in groups if len(g.rows)]
    return round(100 * sum(hits) / max(1, len(groups)), 1)


def after_first(ranker):
    """Scores that keep retrieval's first passage first and order the rest by the ranker, as the app reads them
    (app/text_answer.py `TextAnswerer.ordered`)."""
    def score(rows: np.ndarray) -> np.ndarray:
        scores = ranker.scores(rows)
        scores[0] = np.inf
        return scores
    return score


def main(argv: list[str] | None = None) -> int:
    from app.rerank import DEFAULT_PATH, PassageRanker

    args = options(argv, "fit-rerank", __doc__, DEFAULT_PATH)
    items = load_items(args.squad)
    engine, _ = open_engine(args.squad, args.out)
    groups = collect(engine, items, log)
    retrieval = lambda rows: -np.arange(len(rows))  # noqa: E731   retrieval's own order
    lines, held = [], {}
    for test in rotation_pairs(items):
        seen = [g for g in groups if g.article in test]
        ranker = fit([g for g in groups if g.article not in test], kind=PassageRanker)
        orders = (("retrieval", retrieval), ("ranker", ranker.scores), ("after the first", after_first(ranker)))
        scores = {f"{name} @{k}": within(seen, score, k) for name, score in orders for k in WITHIN}
        for name, value in scores.items():
            held.setdefault(name, []).append((value, len(seen)))
        lines.append({"articles": test, "questions": len(seen), **scores})
        log(f"articles {test}: {len(seen)} questions, a passage holding the answer " +
            ", ".join(f"{name} {value}%" for name, value in scores.items()))
    finish(args, held, lines, lambda: fit(groups, kind=PassageRanker))
    return 0
