"""Fit the answer chooser (app/chooser.py) on held-out SQuAD readings and report it by article rotation.

    python -m eval fit-chooser [--squad FILE] [--out eval/out] [--passages 2]

It reads what `python -m eval fit-reader` saved for each fold (eval/out/reader/fold*.json): every
question of the fold's two articles, answered in open retrieval by the reader fine-tuned on the
other eight, with each retrieved passage's n best spans. Those spans become feature rows labelled
with their F1 against the gold answers, and the logistic model is fitted to that expected F1 (each
row counts as right with weight F1 and as wrong with weight 1 - F1). Rotation: for each fold, the
model is fitted on the other folds' rows, and the fold is scored with the chooser picking the span
and the reader's policy (chosen on the other folds too) deciding whether to answer (and no answer when the
chosen span's passage names nothing the question names, as in the app); beside it, the
reader's policy alone, and both never abstaining. The fold's own questions never touch its model.
The shipped chooser is fitted on every fold's rows.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

from app.chooser import (DEFAULT_PATH, FEATURES, Asked, Chooser, features, names_nothing_asked, offers,
                         within_sentence)
from app.reader import Policy, short_form
from app.retrieve import Hit
from app.text_answer import years_first
from eval.fit_reader import DEFAULT_SQUAD, answer_of, as_read, choose_policy, open_engine
from eval.squad import SquadQuestion, compute_exact, compute_f1


def question_rows(engine, chunks: dict, question: str, saved: dict, passages: int) -> tuple[list[str], np.ndarray]:
    """The spans of the first `passages` retrieved passages of one saved reading, and their feature rows (as
    TextAnswerer._choose makes them)."""
    asked = Asked.of(question, engine.vocabulary)
    texts, rows = [], []
    for rank, passage in enumerate(saved.get("candidates", [])[:passages]):
        chunk = chunks[passage["chunk"]]
        spans = [(score, at, text, s_start, engine.index.texts[chunk.doc][s_start:s_end])
                 for score, s_start, s_end, at, text in passage["spans"]]
        for offer in offers(chunk, rank, passage["retrieval"], [s for s in spans if within_sentence(*s[1:])]):
            texts.append(short_form(offer.text))
            rows.append(features(asked, offer))
    return texts, np.array(rows).reshape(-1, len(FEATURES))


def in_app_order(row: dict, question: str, chunks: dict) -> dict:
    """A saved reading with its retrieved passages in the order the app reads them (app.text_answer.years_first:
    passages naming only other years than the question last), the readings' ranks renumbered to match."""
    hits = [Hit(chunks[c["chunk"]], c["retrieval"]) for c in row["candidates"]]
    rank = {id(h): r for r, h in enumerate(years_first(question, hits))}
    moved = [rank[id(h)] for h in hits]                  # old rank -> new rank
    return {**row, "candidates": [row["candidates"][old] for old in np.argsort(moved)],
            "readings": [[score, moved[r], text, doc] for score, r, text, doc in row["readings"]]}


def best_f1(q: SquadQuestion, prediction: str) -> float:
    return max(compute_f1(g, prediction) for g in (list(q.answers) or [""]))


def table(engine, folds: dict[int, dict], questions: dict[str, SquadQuestion], passages: int) -> dict[int, list]:
    """Per fold, per question: (question, span texts, feature rows, each span's F1 against the gold answers)."""
    chunks = {c.id: c for c in engine.index.chunks}
    out = {}
    for f, fold in folds.items():
        out[f] = []
        for row in fold["rows"]:
            q = questions[row["id"]]
            texts, rows = question_rows(engine, chunks, q.question, row, passages)
            labels = np.array([best_f1(q, t) if q.answers else 0.0 for t in texts])
            out[f].append((q, texts, rows, labels))
    return out


def fit(items: list, passages: int) -> Chooser:
    """A logistic model of a span's F1 over these questions' spans."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([rows for _, _, rows, _ in items if len(rows)])
    f1 = np.concatenate([labels for _, _, rows, labels in items if len(rows)])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    model = LogisticRegression(C=1.0, max_iter=2000).fit(
        np.vstack([z, z]), np.r_[np.ones(len(z)), np.zeros(len(z))], sample_weight=np.r_[f1, 1 - f1])
    return Chooser(tuple(mean), tuple(scale), tuple(model.coef_[0]), float(model.intercept_[0]), passages)


def chosen(chooser: Chooser, rows: np.ndarray) -> int | None:
    """The row of the chosen span (None when the question has no spans)."""
    return int(np.argmax(chooser.probabilities(rows))) if len(rows) else None


def pick(chooser: Chooser, texts: list[str], rows: np.ndarray) -> str:
    """The chosen span ("" when the question has no spans)."""
    k = chosen(chooser, rows)
    return "" if k is None else texts[k]


def scores(items: list, predictions: list[str]) -> dict:
    """HasAns F1 / EM and NoAns accuracy (percent) of predictions ("" = abstained)."""
    has = [(best_f1(q, p), max(compute_exact(g, p) for g in q.answers)) for (q, *_), p in zip(items, predictions)
           if q.answers]
    no = [not p for (q, *_), p in zip(items, predictions) if not q.answers]
    pct = lambda xs: round(100 * sum(xs) / max(1, len(xs)), 1)  # noqa: E731
    return {"n": len(items), "has_ans_f1": pct([f for f, _ in has]), "has_ans_exact": pct([e for _, e in has]),
            "no_ans_accuracy": pct(no), "no_ans_n": len(no)}


def rotation(by_fold: dict[int, list], folds: dict[int, dict], questions: dict, passages: int) -> dict:
    """Each fold scored by a chooser fitted on the other folds, beside the reader's policy on the same readings."""
    read = {g: as_read(fold, passages) for g, fold in folds.items()}
    report, runs = {}, {"chooser": [], "policy": [], "chooser_never_abstaining": [], "policy_never_abstaining": []}
    every = []
    for f, items in sorted(by_fold.items()):
        chooser = fit([it for g, its in by_fold.items() if g != f for it in its], passages)
        others = [r for g, fold in read.items() if g != f for r in fold["rows"]]
        policy = choose_policy(others, [questions[r["id"]] for r in others])
        eager = Policy(-math.inf, policy.rank_penalty)
        assert [r["id"] for r in read[f]["rows"]] == [q.id for q, *_ in items]
        ks = [chosen(chooser, rows) for _, _, rows, _ in items]
        picked = ["" if k is None else texts[k] for k, (_, texts, _, _) in zip(ks, items)]
        named = [k is not None and not names_nothing_asked(rows[k]) for k, (_, _, rows, _) in zip(ks, items)]
        answers = {      # the app's choice: the reader's policy answers and the passage names what is asked
            "chooser": [t if answer_of(r, policy)[0] and n else "" for t, r, n in zip(picked, read[f]["rows"], named)],
            "policy": [answer_of(r, policy)[0] for r in read[f]["rows"]],
            "chooser_never_abstaining": picked,
            "policy_never_abstaining": [answer_of(r, eager)[0] for r in read[f]["rows"]]}
        report[f] = {"articles": folds[f]["articles"], **{k: scores(items, a) for k, a in answers.items()}}
        for k, a in answers.items():
            runs[k] += a
        every += items
    report["overall"] = {k: scores(every, a) for k, a in runs.items()}
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval fit-chooser", description=__doc__.splitlines()[0])
    p.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    p.add_argument("--out", type=Path, default=Path("eval/out"))
    p.add_argument("--passages", type=int, default=2, help="retrieved passages whose spans are chosen among")
    p.add_argument("--model", type=Path, default=DEFAULT_PATH)
    p.add_argument("--no-write", action="store_true", help="report the rotation only")
    args = p.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    folder = args.out / "reader"
    folds = {int(f.stem[4:]): json.loads(f.read_text()) for f in sorted(folder.glob("fold*.json"))}
    if not folds or not all("candidates" in r for fold in folds.values() for r in fold["rows"]):
        log(f"no fold readings with candidates in {folder}: run `python -m eval fit-reader` first")
        return 2
    engine, squad = open_engine(args.squad, args.out)
    questions = {q.id: q for q in squad.questions}
    chunks = {c.id: c for c in engine.index.chunks}
    for fold in folds.values():
        fold["rows"] = [in_app_order(r, questions[r["id"]].question, chunks) for r in fold["rows"]]
    by_fold = table(engine, folds, questions, args.passages)
    result = rotation(by_fold, folds, questions, args.passages)
    print(json.dumps(result, indent=1))
    if not args.no_write:
        chooser = fit([it for items in by_fold.values() for it in items], args.passages)
        args.model.write_text(json.dumps({**chooser.to_dict(), "data": args.squad.name,
                                          "rotation": result["overall"]}, indent=1) + "\n")
        log(f"wrote {args.model}: weights "
            + ", ".join(f"{n} {c:+.2f}" for n, c in zip(FEATURES, chooser.coef)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
