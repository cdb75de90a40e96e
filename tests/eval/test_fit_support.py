"""Fitting the sentence ranker: it learns which feature marks the sentence holding the answer, and is scored by
whether its first sentence holds it."""
import numpy as np

from app.support import FEATURES
from eval.fit_support import Group, first_right, fit


def _group(article: int, right_row: int, rng) -> Group:
    rows = rng.normal(size=(4, len(FEATURES)))
    rows[right_row, FEATURES.index("sentence_cover")] += 3.0     # the answering sentence covers the question
    return Group(article, rows, np.arange(4) == right_row)


def test_the_ranker_learns_the_feature_that_marks_the_answer_and_is_scored_on_its_first_sentence():
    rng = np.random.default_rng(0)
    groups = [_group(k % 3, int(rng.integers(4)), rng) for k in range(300)]
    ranker = fit(groups)
    assert ranker.coef[FEATURES.index("sentence_cover")] == max(ranker.coef)
    assert first_right(groups, ranker.scores) > 90
    assert first_right(groups, lambda rows: -rows[:, FEATURES.index("sentence_cover")]) < 10


def test_the_ranker_is_fitted_on_how_a_sentence_compares_with_those_read_with_it():
    rng = np.random.default_rng(1)
    groups = [_group(k % 3, int(rng.integers(4)), rng) for k in range(300)]
    position = FEATURES.index("position")
    for g in groups:     # the same for every candidate of a question, high where the answer is easy to tell
        g.rows[:, position] = g.rows[g.right, FEATURES.index("sentence_cover")].max()
    ranker = fit(groups)
    assert abs(ranker.coef[position]) < 0.05 * ranker.coef[FEATURES.index("sentence_cover")]
