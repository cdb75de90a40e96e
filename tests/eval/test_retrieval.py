"""Own-paragraph retrieval scores: recall at each cutoff and the mean reciprocal rank."""
import pytest

from eval.retrieval import score


def test_recall_counts_a_question_within_each_cutoff_and_mrr_ignores_misses():
    scores = score([1, 2, None, 7])
    assert scores.recall == {1: 0.25, 2: 0.5, 5: 0.5, 10: 0.75}
    assert scores.mrr == pytest.approx((1 + 1 / 2 + 1 / 7) / 4)
    assert "R@1 25.0" in scores.line()
