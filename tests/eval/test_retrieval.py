"""Own-paragraph retrieval scores: recall at each cutoff and the mean reciprocal rank."""
import pytest

from eval.retrieval import score


def test_recall_counts_a_question_within_each_cutoff_and_mrr_ignores_misses():
    scores = score([1, 2, None, 7])
    assert scores.recall == {1: 0.25, 2: 0.5, 5: 0.5, 10: 0.75}
    assert scores.mrr == pytest.approx((1 + 1 / 2 + 1 / 7) / 4)
    assert "R@1 25.0" in scores.line()


def test_the_fusion_sweep_scores_each_setting_asked_for(tmp_path, capsys):
    from eval.retrieval import main
    from tests.conftest import ROOT

    assert main(["--squad", str(ROOT / "tests" / "data" / "squad_tiny.json"), "--out", str(tmp_path),
                 "--dense-weights", "0.2,0.8", "--rrf"]) == 0
    *lines, floor = capsys.readouterr().out.strip().splitlines()[-5:]
    assert "own paragraph retrieved" in lines[0]
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "weighted, dense weight 0.2", "weighted, dense weight 0.8", "rrf"]
    assert all("R@1 100.0" in line for line in lines)   # each tiny paragraph is about its own questions
    # a corpus of fewer than 30 chunks has no 30th candidate, and every BM25 list is short
    assert floor.startswith("dense cosine of the 30th candidate: none") and floor.endswith(" of 10")
