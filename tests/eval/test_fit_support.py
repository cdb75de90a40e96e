"""Fitting the sentence ranker: it learns which feature marks the sentence holding the answer, and is scored by
whether its first sentence holds it."""
import numpy as np

from app.support import FEATURES
from eval.fit_support import Group, account_right, first_right, fit


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


def test_an_account_is_right_when_one_of_its_best_distinct_sentences_holds_the_answer():
    placed = [("a.md", 0, 10), ("a.md", 0, 10), ("a.md", 11, 20), ("a.md", 21, 30), ("a.md", 31, 40)]
    rows = np.zeros((5, len(FEATURES)))
    rows[:, FEATURES.index("sentence_cover")] = [0.9, 0.8, 0.7, 0.6, 0.5]
    cover = lambda r: r[:, FEATURES.index("sentence_cover")]     # noqa: E731
    third = Group(0, rows, np.arange(5) == 3, placed)      # third once the repeated first is passed over
    fourth = Group(0, rows, np.arange(5) == 4, placed)
    assert first_right([third], cover) == 0 and account_right([third], cover) == 100
    assert account_right([fourth], cover) == 0
