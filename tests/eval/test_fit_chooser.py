"""Fitting the answer chooser: labels from gold answers, the threshold, and scoring by rotation."""
import numpy as np

from app.chooser import FEATURES
from eval.fit_chooser import decide, fit, scores
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
    """Answerable questions whose right span is the typed one, and unanswerable ones with weak offers."""
    out = []
    for i in range(40):
        q = SquadQuestion(f"a{i}", "When?", ("1887",), False, "d")
        rows = spans((2.0 + i % 3, 0.0), (1.5 + i % 3, 1.0))      # the reader prefers the wrong, untyped span
        out.append((q, ["Paris", "1887"], rows, np.array([0.0, 1.0])))
    for i in range(20):
        q = SquadQuestion(f"n{i}", "When?", (), True, "d")
        out.append((q, ["Lyon", "1901"], spans((-4.0 - i % 3, 0.0), (-4.5 - i % 3, 1.0)), np.array([0.0, 0.0])))
    return out


def test_the_fitted_chooser_learns_which_feature_marks_a_right_span_and_when_to_abstain():
    data = items()
    chooser = fit(data, passages=2)
    assert chooser.coef[TYPE_MATCH] > 0
    predictions = [t if p >= chooser.threshold else "" for t, p in (decide(chooser, t, r) for _, t, r, _ in data)]
    result = scores(data, predictions)
    assert result["has_ans_f1"] == 100.0 and result["no_ans_accuracy"] == 100.0


def test_a_question_with_no_offered_span_abstains():
    data = items()
    chooser = fit(data, passages=2)
    assert decide(chooser, [], np.zeros((0, len(FEATURES)))) == ("", 0.0)
