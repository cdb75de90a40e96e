"""Fit the supporting-sentence ranker (app/support.py) on SQuAD and report it by article rotation.

    python -m eval fit-support [--squad FILE] [--out DIR] [--no-write]

Every answerable question is asked in open retrieval over all ten articles, through the app's own
retrieval; every sentence an account may start from (app/text_answer.py `account_sentences`: in the
passages the app reads) is a row, labelled right when it holds a gold answer. Fitted on 8 articles (`fit`: a
softmax over each question's candidates) and scored on the other 2, rotating: a question counts as right when the
ranker's first sentence holds its answer (a question whose answer was not retrieved counts as wrong). Question
coverage alone (ties: the earlier sentence) is the baseline. Beside it: how often the account, the ranker's best
sentences, holds the answer.
The shipped ranker is then fitted on every article and written with those figures.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eval.fit_reader import DEFAULT_SQUAD, Item, load_items, open_engine, rotation_pairs


@dataclass
class Group:
    """One question's candidate sentences: its article, feature rows, which rows hold the answer, and where each
    sentence is (document, start, end)."""

    article: int
    rows: np.ndarray
    right: np.ndarray
    placed: list[tuple[str, int, int]] = field(default_factory=list)


def retrieved(engine, items: list[Item], log=print) -> Iterator[tuple[Item, str, list]]:
    """Every answerable question, as the engine reads it, with the text passages retrieval hands the answerer (the
    first `top_k`); progress every 500 questions."""
    asked = [i for i in items if i.answers]
    for n, item in enumerate(asked):
        read = engine.read_as(item.question)
        yield item, read, [h for h in engine.retrieve(read) if h.chunk.kind == "text"][:engine.settings.top_k]
        if n % 500 == 0:
            log(f"  {n}/{len(asked)} questions")


def collect(engine, items: list[Item], log=print) -> list[Group]:
    """The feature rows of every answerable question's retrieved sentences, as the app builds them."""
    from app.chooser import Asked
    from app.support import features
    from app.text_answer import account_sentences, years_first

    groups = []
    for item, read, hits in retrieved(engine, items, log):
        question = Asked.of(read, engine.vocabulary, engine.text.word_vectors)
        passages = years_first(read, hits)[:engine.settings.account_passages]
        sentences = account_sentences(read, question, passages)
        right = np.array([s.hit.chunk.doc == item.doc and any(s.span.start <= a < s.span.end for a, _ in item.answers)
                          for s in sentences])
        groups.append(Group(item.article, features(question, sentences, engine.text.similarities(read, sentences)),
                            right, [s.placed for s in sentences]))
    return groups


def fit(groups: list[Group], penalty: float = 1.0, kind=None):
    """A SentenceRanker (or another `kind` of it: app/rerank.py) fitted on these questions' rows: a conditional logit,
    the softmax over each question's candidates fitted to give its right ones the most probability (L2 `penalty` on
    the standardised weights).

    Fitted per question rather than per sentence (a logistic model of "holds the answer"), it learns only how the
    right sentence differs from those read with it: 70.3% against 68.0% by rotation (session 32)."""
    from scipy.optimize import minimize

    from app.support import SentenceRanker

    rows = np.vstack([g.rows for g in groups])
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0
    telling = [g for g in groups if g.right.any() and not g.right.all()]   # a question with no wrong or no right
    x = (np.vstack([g.rows for g in telling]) - mean) / scale               # candidate tells nothing
    right = np.concatenate([g.right for g in telling]).astype(float)
    question = np.repeat(np.arange(len(telling)), [len(g.rows) for g in telling])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        top = np.full(len(telling), -np.inf)
        np.maximum.at(top, question, z)
        e = np.exp(z - top[question])
        every, rights = np.bincount(question, e), np.bincount(question, e * right)
        value = float(np.sum(np.log(every) - np.log(rights))) + 0.5 * penalty * float(w @ w)
        gradient = x.T @ (e / every[question] - e * right / rights[question]) + penalty * w
        return value, gradient

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    return (kind or SentenceRanker)(tuple(mean), tuple(scale), tuple(float(c) for c in w))


def first_right(groups: list[Group], score) -> float:
    """Share of questions (percent) whose best-scored sentence holds the answer."""
    hits = [bool(len(g.rows)) and bool(g.right[int(np.argmax(score(g.rows)))]) for g in groups]
    return round(100 * sum(hits) / max(1, len(hits)), 1)


def account_right(groups: list[Group], score) -> float:
    """Share of questions (percent) whose account (app/text_answer.py: the ranker's best distinct sentences, at most
    `ACCOUNT_SENTENCES`) holds the answer."""
    from app.support import best_distinct
    from app.text_answer import ACCOUNT_SENTENCES

    hits = [bool(len(g.rows)) and bool(g.right[best_distinct(g.placed, score(g.rows), ACCOUNT_SENTENCES)].any())
            for g in groups]
    return round(100 * sum(hits) / max(1, len(hits)), 1)


def main(argv: list[str] | None = None) -> int:
    from app.support import DEFAULT_PATH, FEATURES

    args = options(argv, "fit-support", __doc__, DEFAULT_PATH)
    items = load_items(args.squad)
    engine, _ = open_engine(args.squad, args.out)
    groups = collect(engine, items, log)
    cover = FEATURES.index("sentence_cover")
    lines, held = [], {"ranker": [], "coverage": [], "account": [], "retrieved": []}
    for test in rotation_pairs(items):
        seen = [g for g in groups if g.article in test]
        ranker = fit([g for g in groups if g.article not in test])
        scores = {"ranker": first_right(seen, ranker.scores),
                  "coverage": first_right(seen, lambda r: r[:, cover]),
                  "account": account_right(seen, ranker.scores),
                  "retrieved": round(100 * sum(bool(g.right.any()) for g in seen) / max(1, len(seen)), 1)}
        for k, v in scores.items():
            held[k].append((v, len(seen)))
        lines.append({"articles": test, "questions": len(seen), **scores})
        log(f"articles {test}: {len(seen)} questions, first sentence holds the answer: " +
            ", ".join(f"{k} {v}%" for k, v in scores.items() if k != "account") +
            f"; the account's sentences: {scores['account']}%")
    finish(args, held, lines, lambda: fit(groups))
    return 0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def options(argv: list[str] | None, command: str, doc: str, model: Path) -> argparse.Namespace:
    """A fitting script's options: the SQuAD file, the output folder (its index), the model file, --no-write."""
    p = argparse.ArgumentParser(prog=f"python -m eval {command}", description=doc.splitlines()[0])
    p.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    p.add_argument("--out", type=Path, default=Path("eval/out"))
    p.add_argument("--model", type=Path, default=model)
    p.add_argument("--no-write", action="store_true", help="report the rotation only")
    return p.parse_args(argv)


def finish(args: argparse.Namespace, held: dict[str, list[tuple[float, int]]], lines: list[dict], fitted) -> None:
    """Log the folds' figures weighted by their questions and, unless --no-write, write the model `fitted()` gives
    (fitted on every article) with them."""
    total = {k: round(sum(v * n for v, n in vs) / max(1, sum(n for _, n in vs)), 1) for k, vs in held.items()}
    log("all folds: " + ", ".join(f"{k} {v}%" for k, v in total.items()))
    if not args.no_write:
        model = fitted()
        args.model.parent.mkdir(parents=True, exist_ok=True)
        args.model.write_text(json.dumps({**model.to_dict(), "data": args.squad.name,
                                          "rotation": {"all": total, "folds": lines}}, indent=1))
        log(f"wrote {args.model}")
