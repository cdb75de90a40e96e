"""Fit the answer chooser (app/chooser.py) on held-out SQuAD readings and report it by article rotation.

    python -m eval fit-chooser [--squad FILE] [--out eval/out] [--passages 2]

It reads what `python -m eval fit-reader` saved for each fold (eval/out/reader/fold*.json): every
question of the fold's two articles, answered in open retrieval by the reader fine-tuned on the
other eight, with each retrieved passage's n best spans. Those spans become feature rows labelled
with their F1 against the gold answers, and the logistic model is fitted to that expected F1 (each
row counts as right with weight F1 and as wrong with weight 1 - F1). The saved passages are replayed in
the order the app reads them (`in_app_order`). Rotation: for each fold, the model is fitted on the other
folds' rows, and the fold is scored with the chooser picking the span and abstaining below an expected
F1 chosen on the other folds' out-of-fold judgements (and no answer when the chosen span's passage names
nothing the question names, as in the app); beside it, the reader's policy deciding instead, the
policy alone, and both never abstaining. The fold's own questions never touch its model or its cut.
The `trade_off` row gives the has-answer F1 left where a cut would abstain on 30, 45 and 60% of the unanswerable
questions (out-of-fold judgements): how well the expected F1 separates them, whatever cut the folds choose.
The `calibration` row compares, over the questions the rotation answers, the expected F1 (the confidence a
chosen answer shows) with the F1 they got, beside the same for the reader's odds.
The answer-type model behind the `type_odds` feature (app/answer_types.py) is fitted on the same folds' answerable
questions: a fold's rows are typed by a model fitted without it, and in the rotation the folds a chooser is fitted
on are typed without the scored fold too.
The shipped chooser is fitted on every fold's rows, its threshold on every fold's out-of-fold judgements, and
carries the answer-type model fitted on every fold.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.answer_types import KINDS, AnswerTypes, question_features, span_type
from app.chooser import (DEFAULT_PATH, FEATURES, Asked, Chooser, best_offer, features, names_nothing_asked, offers,
                         type_odds, within_sentence)
from app.reader import Policy, short_form
from app.retrieve import Hit
from app.text_answer import years_first
from eval.fit_reader import (DEFAULT_SQUAD, UNANSWERABLE_SHARE, answer_of, as_read, choose_policy,
                             f1_at_no_answer_shares, open_engine)
from eval.squad import SquadQuestion, compute_exact, compute_f1
from index.parse import Span

CUT_STEP = 0.005     # expected F1: the abstention cuts tried
SMOOTHING = 0.025    # expected F1 either side of a cut over which its objective is averaged
FIXED_CUTS = (0.25, 0.30, 0.35)   # where the rotation also reports the objective: a comparison free of the cut's landing
RARE = 5             # an answer-type feature seen in fewer training questions than this is left out


def question_rows(engine, chunks: dict, question: str, saved: dict, passages: int) -> tuple[list[str], np.ndarray]:
    """The spans of the first `passages` retrieved passages of one saved reading, and their feature rows (as
    TextAnswerer._choose makes them)."""
    asked = Asked.of(question, engine.vocabulary)
    offered = []
    for rank, passage in enumerate(saved.get("candidates", [])[:passages]):
        chunk = chunks[passage["chunk"]]
        spans = [(score, at, text, s_start, engine.index.texts[chunk.doc][s_start:s_end])
                 for score, s_start, s_end, at, text in passage["spans"]]
        spans = [s for s in spans if within_sentence(*s[1:])]
        sentences = [(chunk.doc, Span(s_start, s_start + len(sentence), sentence)) for *_, s_start, sentence in spans]
        offered += offers(chunk, rank, passage["retrieval"], spans, engine.vocabulary.names,
                          engine.text.cosines(question, sentences))
    return [short_form(offer.text) for offer in offered], features(asked, offered)


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


def fit_types(questions: list[SquadQuestion], vectors) -> AnswerTypes:
    """The answer-type model (app/answer_types.py) fitted on these answerable questions, labelled by the kind of
    their first gold answer."""
    from sklearn.linear_model import LogisticRegression

    rows = [question_features(q.question, vectors) for q in questions]
    seen = Counter(name for row in rows for name in row)
    columns = {name: k for k, name in enumerate(n for n, count in seen.items() if count >= RARE)}
    x = np.zeros((len(rows), len(columns)))
    for i, row in enumerate(rows):
        for name, value in row.items():
            if name in columns:
                x[i, columns[name]] = value
    labels = [KINDS.index(span_type(q.answers[0])) for q in questions]
    model = LogisticRegression(C=1.0, max_iter=3000).fit(x, labels)
    coef, intercept = np.zeros((len(KINDS), len(columns))), np.full(len(KINDS), -30.0)   # a kind never seen: odds ~0
    if len(model.classes_) == 2:     # one row of weights: the second kind's log odds against the first's
        intercept[model.classes_[0]] = 0.0
        coef[model.classes_[1]], intercept[model.classes_[1]] = model.coef_[0], model.intercept_[0]
    else:
        coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
    return AnswerTypes(columns, coef, intercept)


def with_types(items: list, types: AnswerTypes, vectors) -> list:
    """The items with their `type_odds` column given by this answer-type model (`table` leaves it 0)."""
    column = FEATURES.index("type_odds")
    out = []
    for q, texts, rows, labels in items:
        if len(rows):
            expects = types.odds(q.question, vectors)
            rows = rows.copy()
            rows[:, column] = [type_odds(expects, t) for t in texts]
        out.append((q, texts, rows, labels))
    return out


class TypesOutOf:
    """Answer-type models each fitted on the answerable questions of every fold but some, made once each."""

    def __init__(self, by_fold: dict[int, list], vectors):
        self.by_fold, self.vectors, self.made = by_fold, vectors, {}

    def __call__(self, *left_out: int) -> AnswerTypes:
        key = frozenset(left_out)
        if key not in self.made:
            self.made[key] = fit_types([q for g, items in self.by_fold.items() if g not in key
                                        for q, *_ in items if q.answers], self.vectors)
        return self.made[key]

    def typed(self, fold: int, *left_out: int) -> list:
        """The fold's items typed by the model fitted without it and `left_out`."""
        return with_types(self.by_fold[fold], self(fold, *left_out), self.vectors)


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


def judged(chooser: Chooser, items: list) -> list[tuple[int | None, float]]:
    """Per question: the chosen span's row and its expected F1, -inf when it has no span or the span's passage
    names nothing the question names (the app abstains on both)."""
    out = []
    for _, _, rows, _ in items:
        if not len(rows):
            out.append((None, -math.inf))
            continue
        expected = chooser.probabilities(rows)
        k = best_offer(expected, rows)
        out.append((k, -math.inf if names_nothing_asked(rows[k]) else float(expected[k])))
    return out


def abstention_cut(items: list, judgements: list[tuple[int | None, float]]) -> float:
    """The expected-F1 threshold (answer at or above it) maximising (1 - s) x has-answer F1 + s x no-answer accuracy
    over these held-out judgements, s = UNANSWERABLE_SHARE as for the reader's policy, that objective averaged over
    the cuts within SMOOTHING of each one. The objective is flat over a wide range of cuts, so its exact maximum
    moves with any small change of the features (one fold's cut went from 0.16 to 0.23 for 40 changed feature
    values out of ~47,000), and the mean over neighbouring cuts does not."""
    grid = np.arange(0.0, 1.0 + CUT_STEP / 2, CUT_STEP)
    total = objective(items, judgements, grid)
    width = int(round(SMOOTHING / CUT_STEP))
    padded = np.pad(total, width, mode="edge")
    smoothed = np.convolve(padded, np.ones(2 * width + 1) / (2 * width + 1), mode="valid")
    return float(grid[int(np.argmax(smoothed))])


def objective(items: list, judgements: list[tuple[int | None, float]], cuts: np.ndarray) -> np.ndarray:
    """(1 - s) x has-answer F1 + s x no-answer accuracy (fractions) of these judgements at each cut."""
    has = np.array([bool(q.answers) for q, *_ in items])
    weight = np.where(has, (1 - UNANSWERABLE_SHARE) / max(1, has.sum()), UNANSWERABLE_SHARE / max(1, (~has).sum()))
    answer = np.array([best_f1(q, texts[k]) if k is not None and q.answers else 0.0
                       for (q, texts, _, _), (k, _) in zip(items, judgements)]) * weight
    values = np.array([v for _, v in judgements])
    return np.array([answer[values >= c].sum() + weight[~has & (values < c)].sum() for c in cuts])


def held_out_cut(by_fold: dict[int, list], passages: int) -> float:
    """The abstention cut chosen on out-of-fold judgements: each fold judged by a chooser fitted on the others."""
    items, judgements = [], []
    for f, its in sorted(by_fold.items()):
        chooser = fit([it for g, other in by_fold.items() if g != f for it in other], passages)
        items += its
        judgements += judged(chooser, its)
    return abstention_cut(items, judgements)


def answers(items: list, judgements: list[tuple[int | None, float]], cut: float) -> list[str]:
    """The chosen spans, "" (abstained) where the expected F1 is below the cut or the app abstains anyway (-inf)."""
    return [texts[k] if v > -math.inf and v >= cut else "" for (_, texts, _, _), (k, v) in zip(items, judgements)]


def calibration(items: list, judgements: list[tuple[int | None, float]], cut: float) -> dict:
    """How well the expected F1 (the confidence an answer shows) matches the F1 the answered questions got: their
    means and the expected calibration error over ten equal-width bins; beside it, the same error of the reader's
    odds (the confidence shown before)."""
    rows = [(v, 1 / (1 + math.exp(-r[k][FEATURES.index("reader")])), labels[k])
            for (_, _, r, labels), (k, v) in zip(items, judgements) if v > -math.inf and v >= cut]
    expected, odds, f1 = np.array(rows).reshape(-1, 3).T

    def ece(p: np.ndarray) -> float:
        bins = np.clip((p * 10).astype(int), 0, 9)
        return round(float(sum(abs(p[bins == b].mean() - f1[bins == b].mean()) * (bins == b).sum()
                               for b in set(bins.tolist()))) / max(1, len(p)), 3)

    return {"answered": len(f1), "mean_expected_f1": round(float(expected.mean()), 3),
            "mean_f1": round(float(f1.mean()), 3), "ece": ece(expected), "reader_odds_ece": ece(odds)}


def rotation(untyped: dict[int, list], folds: dict[int, dict], questions: dict, passages: int,
             types: TypesOutOf) -> dict:
    """Each fold scored by a chooser fitted on the other folds, abstaining below a cut chosen on those folds' own
    out-of-fold judgements (never on the fold); beside it, the reader's policy deciding instead (as the app did
    before the chooser abstained), the policy alone, and both never abstaining. Each fold's answer types come from a
    model fitted without it, and, for the folds its chooser is fitted on, without them too."""
    read = {g: as_read(fold, passages) for g, fold in folds.items()}
    runs = {"chooser": [], "chooser_with_policy": [], "policy": [], "chooser_never_abstaining": [],
            "policy_never_abstaining": []}
    report, every, judged_every, raw = {}, [], [], []
    for f in sorted(untyped):
        items = types.typed(f)
        others = {g: types.typed(g, f) for g in untyped if g != f}
        chooser = fit([it for its in others.values() for it in its], passages)
        cut = held_out_cut(others, passages)
        rows = [r for g, fold in read.items() if g != f for r in fold["rows"]]
        policy = choose_policy(rows, [questions[r["id"]] for r in rows])
        eager = Policy(-math.inf, policy.rank_penalty)
        assert [r["id"] for r in read[f]["rows"]] == [q.id for q, *_ in items]
        judgements = judged(chooser, items)
        picked = answers(items, judgements, -math.inf)      # the chooser's pick wherever the app would answer
        found = {
            "chooser": answers(items, judgements, cut),
            "chooser_with_policy": [t if answer_of(r, policy)[0] else "" for t, r in zip(picked, read[f]["rows"])],
            "policy": [answer_of(r, policy)[0] for r in read[f]["rows"]],
            "chooser_never_abstaining": [texts[k] if k is not None else "" for (_, texts, _, _), (k, _)
                                         in zip(items, judgements)],
            "policy_never_abstaining": [answer_of(r, eager)[0] for r in read[f]["rows"]]}
        report[f] = {"articles": folds[f]["articles"], "cut": round(cut, 4),
                     **{k: scores(items, a) for k, a in found.items()}}
        for k, a in found.items():
            runs[k] += a
        every += items
        judged_every += [(k, v if v >= cut else -math.inf) for k, v in judgements]   # answered: above the fold's cut
        raw += judgements
    report["overall"] = {k: scores(every, a) for k, a in runs.items()}
    report["overall"]["calibration"] = calibration(every, judged_every, -math.inf)
    report["overall"]["trade_off"] = trade_off(every, raw)
    report["overall"]["objective_at_cuts"] = {f"{c:.2f}": round(100 * float(o), 1) for c, o
                                              in zip(FIXED_CUTS, objective(every, raw, np.array(FIXED_CUTS)))}
    return report


def trade_off(items: list, judgements: list[tuple[int | None, float]]) -> dict:
    """`f1_at_no_answer_shares` with the chooser's expected F1 as the confidence, over out-of-fold judgements: how well
    it tells unanswerable questions apart, whatever cut is chosen (the rotation's cuts move)."""
    f1 = np.array([best_f1(q, texts[k]) if k is not None and q.answers else 0.0
                   for (q, texts, _, _), (k, _) in zip(items, judgements)])
    return f1_at_no_answer_shares(np.array([bool(q.answers) for q, *_ in items]), f1,
                                  np.array([v for _, v in judgements]))


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
    # each question read as the engine (and `fit-reader`'s readings) read it
    questions = {q.id: replace(q, question=engine.read_as(q.question)) for q in squad.questions}
    chunks = {c.id: c for c in engine.index.chunks}
    for fold in folds.values():
        fold["rows"] = [in_app_order(r, questions[r["id"]].question, chunks) for r in fold["rows"]]
    untyped = table(engine, folds, questions, args.passages)
    types = TypesOutOf(untyped, engine.text.word_vectors)
    result = rotation(untyped, folds, questions, args.passages, types)
    print(json.dumps(result, indent=1))
    if not args.no_write:
        by_fold = {f: types.typed(f) for f in untyped}      # each fold typed out of fold, as the rotation's
        chooser = fit([it for items in by_fold.values() for it in items], args.passages)
        chooser = replace(chooser, threshold=held_out_cut(by_fold, args.passages), types=types())
        args.model.write_text(json.dumps({**chooser.to_dict(), "data": args.squad.name,
                                          "rotation": result["overall"]}, indent=1) + "\n")
        log(f"wrote {args.model}: weights "
            + ", ".join(f"{n} {c:+.2f}" for n, c in zip(FEATURES, chooser.coef))
            + f"; abstains below an expected F1 of {chooser.threshold:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
