"""Fitting the answer chooser: spans labelled by their F1 against the gold answers, and the pick it learns."""
import numpy as np
import pytest

from app.chooser import FEATURES
from eval.fit_chooser import (abstention_cut, answers, calibration, fit, fit_types, in_app_order, judged, objective,
                              pick, scores, with_types)
from index.chunk import Chunk
from eval.squad import SquadQuestion

READER = FEATURES.index("reader")
TYPE_MATCH = FEATURES.index("type_match")


def spans(*offers):
    """Feature rows where only the reader score and the type match differ."""
    rows = np.zeros((len(offers), len(FEATURES)))
    for k, (reader, typed) in enumerate(offers):
        rows[k, READER], rows[k, TYPE_MATCH] = reader, typed
    return rows


def items():
    """Questions whose right span is the one of the type asked for, though the reader prefers the other."""
    out = []
    for i in range(40):
        q = SquadQuestion(f"a{i}", "When?", ("1887",), False, "d")
        out.append((q, ["Paris", "1887"], spans((2.0 + i % 3, 0.0), (1.5 + i % 3, 1.0)), np.array([0.0, 1.0])))
    return out


def test_the_fitted_chooser_learns_which_feature_marks_a_right_span():
    data = items()
    chooser = fit(data, passages=2)
    assert chooser.coef[TYPE_MATCH] > 0 and chooser.passages == 2
    assert scores(data, [pick(chooser, texts, rows) for _, texts, rows, _ in data])["has_ans_f1"] == 100.0


def test_the_reader_alone_would_have_picked_the_wrong_span():
    data = items()
    by_reader = [texts[int(np.argmax(rows[:, READER]))] for _, texts, rows, _ in data]
    assert scores(data, by_reader)["has_ans_f1"] == 0.0


def test_a_question_with_no_offered_span_gets_no_pick():
    assert pick(fit(items(), passages=2), [], np.zeros((0, len(FEATURES)))) == ""


def test_saved_readings_are_replayed_in_the_order_the_app_reads_passages():
    chunks = {cid: Chunk(cid, cid, title, (), "text", 0, len(text), text, text) for cid, title, text in [
        ("old", "Fair 2019", "The prize went to a grower."), ("new", "Fair 2023", "The prize went to a beekeeper.")]}
    row = {"id": "q1", "candidates": [{"chunk": "old", "retrieval": 1.0, "spans": []},
                                      {"chunk": "new", "retrieval": 0.8, "spans": []}],
           "readings": [[2.0, 0, "a grower", "old"], [1.0, 1, "a beekeeper", "new"]]}
    replayed = in_app_order(row, "Who won the prize in 2023?", chunks)
    assert [c["chunk"] for c in replayed["candidates"]] == ["new", "old"]
    assert replayed["readings"] == [[2.0, 1, "a grower", "old"], [1.0, 0, "a beekeeper", "new"]]


def test_the_abstention_cut_answers_the_questions_the_chooser_is_sure_of_and_abstains_on_the_rest():
    sure = [(SquadQuestion(f"s{i}", "When?", ("1887",), False, "d"), ["1887"], None, None) for i in range(30)]
    unsure = [(SquadQuestion(f"u{i}", "Who?", (), True, "d"), ["Paris"], None, None) for i in range(10)]
    judgements = [(0, 0.8)] * 30 + [(0, 0.1)] * 10
    cut = abstention_cut(sure + unsure, judgements)
    assert 0.1 < cut <= 0.8
    predictions = answers(sure + unsure, judgements, cut)
    assert scores(sure + unsure, predictions) == {"n": 40, "has_ans_f1": 100.0, "has_ans_exact": 100.0,
                                                       "no_ans_accuracy": 100.0, "no_ans_n": 10}


def test_the_objective_weighs_has_answer_f1_and_no_answer_accuracy_at_each_cut():
    right = [(SquadQuestion(f"r{i}", "When?", ("1887",), False, "d"), ["1887"], None, None) for i in range(3)]
    none = [(SquadQuestion(f"n{i}", "Who?", (), True, "d"), ["Paris"], None, None) for i in range(2)]
    judgements = [(0, 0.9)] * 3 + [(0, 0.5), (0, float("-inf"))]      # -inf: the app abstains whatever the cut
    every, between, nothing = objective(right + none, judgements, np.array([0.0, 0.6, 1.0]))
    assert every == pytest.approx(0.75 * 1.0 + 0.25 * 0.5)        # all answered: one unanswerable abstained on
    assert between == pytest.approx(0.75 * 1.0 + 0.25 * 1.0)      # the right answers kept, both refused
    assert nothing == pytest.approx(0.25)                         # abstaining on everything


def test_a_narrow_peak_of_the_objective_does_not_set_the_cut_a_broad_plateau_does():
    # Abstaining between 0.30 and 0.32 gains one unanswerable question and keeps every right answer (a peak 0.02
    # wide); from 0.50 up the same unanswerable and one more are abstained on, one right answer lost (a plateau a
    # little lower, 0.4 wide). The peak's height is luck of where single judgements fall; the plateau's is not.
    right = lambda i: SquadQuestion(f"r{i}", "When?", ("1887",), False, "d")  # noqa: E731
    wrong = lambda i: SquadQuestion(f"w{i}", "When?", ("1887",), False, "d")  # noqa: E731
    none = lambda i: SquadQuestion(f"n{i}", "Who?", (), True, "d")  # noqa: E731
    judged_items = ([(right(0), ["1887"], None, None, 0.32)]
                    + [(right(i), ["1887"], None, None, 0.9) for i in range(1, 28)]
                    + [(wrong(i), ["Paris"], None, None, 0.05) for i in range(2)]
                    + [(none(0), ["Paris"], None, None, 0.30), (none(1), ["Paris"], None, None, 0.50)]
                    + [(none(i), ["Paris"], None, None, 0.05) for i in range(2, 11)])
    data = [it[:4] for it in judged_items]
    cut = abstention_cut(data, [(0, it[4]) for it in judged_items])
    assert 0.50 < cut <= 0.9


def test_a_span_whose_passage_names_nothing_asked_is_judged_no_answer():
    rows = spans((3.0, 1.0))
    rows[0, FEATURES.index("names_missing")] = 1.0
    assert judged(fit(items(), passages=2), [(None, ["1887"], rows, None)]) == [(0, float("-inf"))]


def test_calibration_compares_the_expected_f1_of_answered_questions_with_the_f1_they_got():
    data = items()                                   # the right span (label 1) is row 1, the reader's favourite row 0
    sure = [(1, 0.95)] * 20 + [(0, 0.05)] * 20      # right and sure, wrong and unsure: well calibrated
    report = calibration(data, sure, cut=0.0)
    assert report["answered"] == 40 and report["ece"] == 0.05 and report["mean_f1"] == 0.5
    assert calibration(data, [(0, 0.9)] * 40, cut=0.0)["ece"] == 0.9          # wrong and sure: badly calibrated
    assert calibration(data, sure, cut=0.5)["answered"] == 20                    # below the cut: not answered


def test_the_answer_type_model_is_fitted_on_the_form_of_gold_answers_and_fills_its_feature():
    asked = [SquadQuestion(f"w{i}", f"When did the {thing} open?", (f"{1880 + i}",), False, "d")
             for i, thing in enumerate(["mill", "bridge", "school", "canal", "dock", "market"] * 3)]
    counted = [SquadQuestion(f"h{i}", f"How many {thing} were built?", (str(3 + i),), False, "d")
               for i, thing in enumerate(["mills", "bridges", "schools", "canals", "docks", "markets"] * 3)]
    types = fit_types(asked + counted, None)
    assert max(types.odds("When did the granary open?", None).items(), key=lambda kv: kv[1])[0] == "date"
    assert max(types.odds("How many granaries were built?", None).items(), key=lambda kv: kv[1])[0] == "number"
    q = SquadQuestion("x", "When did the granary open?", ("1890",), False, "d")
    (_, _, rows, _), = with_types([(q, ["1890", "seven"], np.zeros((2, len(FEATURES))), np.array([1.0, 0.0]))],
                                  types, None)
    year, count = rows[:, FEATURES.index("type_odds")]
    assert year > count
