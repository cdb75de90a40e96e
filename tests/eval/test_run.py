"""Scoring answer contracts, aggregating by kind, choosing settings, floors, and writing the report."""
import json
import math

import pytest

from eval import floors, report
from eval.compare import Trial, choose_retrieval, choose_threshold
from eval.qa_set import QAItem, load_set
from eval.run import SetRun, by_kind, run_set, score, summarize
from tests.conftest import ROOT

ROW = "| Bağcılar | 150,182 | 39.1 | 189,378 | 49.3 | 44,269 | 11.6 | 383,829 | 511,524 |"
TURNOUT = QAItem("t", "What was the turnout in Bağcılar?", ("75.0%", "75.0"), "table_derived",
                 ("d.txt",), ("383,829 | 511,524",))
NOWHERE = QAItem("u", "How many votes did Kurum get in Ankara?", (), "unanswerable")


def contract(short, answer, citations=(), kind="table", computation=None) -> dict:
    return {"answer": answer, "short_answer": short, "kind": kind, "confidence": 0.9,
            "citations": [{"n": i + 1, "doc": "d.txt", "chunk_id": f"d#{i}", "text": t, "quote": t[:10]}
                          for i, t in enumerate(citations)], "computation": computation, "notes": []}


NONE = contract(None, "The documents do not contain an answer to this question (no passage matches the question).",
                kind="none")


def test_a_correct_cited_traceable_answer_passes_every_check():
    result = contract("75.0%", "Turnout in Bağcılar was 75.0% [1].", [ROW], computation="383,829 / 511,524 = 75.0%")
    o = score(TURNOUT, result, ["other row", ROW], 12.0)
    assert o.correct and o.exact and o.f1 == 1.0 and o.contains
    assert o.evidence_hit is True and o.untraced == [] and o.rank == 2
    assert o.problems() == []


def test_each_failed_check_is_named():
    result = contract("76%", "Turnout in Bağcılar was 76% [1].", ["| Esenler | 86,333 |"])
    o = score(TURNOUT, result, [], 5.0)
    assert not o.correct and o.rank is None
    assert o.problems() == ["wrong answer", "citation lacks gold evidence", "untraced numbers 76"]
    assert o.evidence_missing == ["383,829 | 511,524"]


def test_a_number_from_a_cited_rows_column_header_is_traceable():
    result = contract("75.0%", "Turnout 2019 in Bağcılar was 75.0% [1].", [ROW], computation="383,829 / 511,524 = 75.0%")
    assert score(TURNOUT, result, [ROW], 1.0).untraced == ["2019"]
    result["citations"][0]["row"] = {"columns": ["District", "Turnout 2019"]}      # the header the row is read under
    assert score(TURNOUT, result, [ROW], 1.0).untraced == []


def test_a_right_answer_inside_a_long_short_answer_is_not_exact():
    result = contract("Turnout was 75.0% in Bağcılar", "Turnout was 75.0% in Bağcılar [1].", [ROW],
                      computation="75.0%")
    o = score(TURNOUT, result, [ROW], 1.0)
    assert not o.exact and o.contains and o.problems() == ["short answer not exact"]


def test_abstaining_is_right_only_on_unanswerable_questions():
    assert score(NOWHERE, NONE, [], 1.0).correct
    assert score(TURNOUT, NONE, [ROW], 1.0).problems() == ["abstained"]
    answered = score(NOWHERE, contract("81,777", "81,777 [1]", ["81,777"]), [], 1.0)
    assert answered.problems() == ["answered an unanswerable question"]
    assert answered.evidence_hit is None and answered.rank is None


PASSAGE = "On 3 May, a storm flooded the harbour road and the ferry to Brannock was cancelled."
STORM = QAItem("d", "what happened on the harbour road?", (), "prose", ("d.txt",), ("a storm flooded the harbour road",),
               passage=True)


def test_a_descriptive_question_is_right_when_it_cites_the_passage_without_a_short_answer():
    o = score(STORM, contract(None, PASSAGE + " [1]", [PASSAGE], kind="text"), [PASSAGE], 3.0)
    assert STORM.answerable and o.correct and o.exact and o.f1 == 1.0 and o.contains and o.problems() == []
    short = score(STORM, contract("3 May", "3 May [1]", [PASSAGE], kind="text"), [PASSAGE], 3.0)
    assert not short.correct and short.problems() == ["short answer given for a passage question"]
    elsewhere = score(STORM, contract(None, "The ferry runs daily [1].", ["The ferry runs daily."], kind="text"), [], 3.0)
    assert not elsewhere.correct and elsewhere.problems() == ["wrong answer", "citation lacks gold evidence"]
    assert score(STORM, NONE, [PASSAGE], 3.0).problems() == ["abstained"]


def _outcomes():
    good = score(TURNOUT, contract("75.0%", "75.0% [1]", [ROW], computation="383,829 / 511,524 = 75.0%"), [ROW], 10.0)
    wrong = score(TURNOUT, contract("80%", "80% [1]", [ROW]), ["x", "y", ROW], 20.0)
    missed = score(TURNOUT, NONE, [], 30.0)
    caught = score(NOWHERE, NONE, [], 40.0)
    leaked = score(NOWHERE, contract("5", "5 [1]", ["5"]), [], 50.0)
    return [good, wrong, missed, caught, leaked]

WHY = QAItem("w", "why was the ferry cancelled", ("a storm flooded the harbour road", "storm"), "prose", ("d.txt",),
             (PASSAGE,))


def test_an_account_of_a_question_graded_by_phrases_is_right_when_its_text_says_one():
    o = score(WHY, contract(None, PASSAGE + " [1]", [PASSAGE], kind="text"), [PASSAGE], 3.0)
    assert o.correct and o.exact and o.f1 == 1.0 and o.problems() == []
    other = "The ferry to Brannock runs twice a day in summer."
    elsewhere = score(WHY, contract(None, other + " [1]", [other], kind="text"), [], 3.0)
    assert not elsewhere.correct and elsewhere.problems() == ["wrong answer", "citation lacks gold evidence"]
    assert not score(WHY, contract("3 May", "3 May [1]", [PASSAGE], kind="text"), [PASSAGE], 3.0).correct



def test_summary_aggregates_every_metric():
    s = summarize(_outcomes())
    assert (s.n, s.answerable, s.unanswerable) == (5, 3, 2)
    assert s.accuracy == pytest.approx(1 / 3)
    assert s.abstain_precision == 0.5 and s.abstain_recall == 0.5
    assert s.citation_accuracy == 1.0                 # both answered answerable questions cite the row
    assert s.traceable == pytest.approx(2 / 3)        # "80" is in no citation
    assert s.recall[1] == pytest.approx(1 / 3) and s.recall[3] == pytest.approx(2 / 3)
    assert s.mrr == pytest.approx((1 + 1 / 3) / 3)
    assert s.p50_ms == 30.0


def test_by_kind_splits_in_the_sets_kind_order():
    kinds = by_kind(_outcomes())
    assert list(kinds) == ["table_derived", "unanswerable"]
    assert kinds["unanswerable"].abstain_recall == 0.5 and math.isnan(kinds["unanswerable"].accuracy)


def _trial(label, changes, right, wrong, rank=1):
    """A trial over right + wrong answerable questions, the evidence retrieved at `rank`."""
    retrieved = ["filler"] * (rank - 1) + [ROW]
    ok = contract("75.0%", "75.0% [1]", [ROW], computation="75.0%")
    bad = contract("80%", "80% [1]", [ROW], computation="80%")
    outcomes = [score(TURNOUT, ok, retrieved, 1.0) for _ in range(right)]
    outcomes += [score(TURNOUT, bad, retrieved, 1.0) for _ in range(wrong)]
    return Trial(label, changes, summarize(outcomes), 1.0)


BASELINE = {"mode": "hybrid", "fusion": "rrf", "dense_weight": 0.5, "abstain_threshold": 0.45}
RRF = {"mode": "hybrid", "fusion": "rrf"}
W03 = {"mode": "hybrid", "fusion": "weighted", "dense_weight": 0.3}


def test_a_clearly_better_ranking_replaces_the_current_retrieval():
    bm25 = _trial("BM25 only", {"mode": "bm25"}, 6, 4, rank=1)
    rrf = _trial("hybrid RRF", RRF, 9, 1, rank=2)
    w03 = _trial("hybrid weighted w=0.3", W03, 10, 0, rank=1)
    chosen, why = choose_retrieval([bm25, rrf, w03], BASELINE)
    assert chosen is w03 and "hybrid RRF, hybrid weighted w=0.3 within one question" in why and "BM25" not in why


def test_one_question_and_a_hair_of_mrr_do_not_move_the_default():
    rrf = _trial("hybrid RRF", RRF, 9, 1, rank=1)
    w03 = _trial("hybrid weighted w=0.3", W03, 10, 0, rank=1)
    chosen, why = choose_retrieval([w03, rrf], BASELINE)
    assert chosen is rrf and "current setting is kept" in why


def test_answers_outrank_retrieval_scores():
    bm25 = _trial("BM25 only", {"mode": "bm25"}, 6, 4, rank=1)
    rrf = _trial("hybrid RRF", RRF, 10, 0, rank=5)
    assert choose_retrieval([bm25, rrf], BASELINE)[0] is rrf


def test_the_threshold_nearest_the_current_among_the_best_is_chosen():
    trials = [_trial(f"{t}", {"abstain_threshold": t}, right, 10 - right)
              for t, right in ((0.2, 7), (0.3, 10), (0.4, 9), (0.5, 6))]
    chosen, why = choose_threshold(trials, current=0.45)
    assert chosen.changes["abstain_threshold"] == 0.4 and "0.30, 0.40" in why


def test_floors_fail_below_the_minimum_and_on_nothing_measured(tmp_path):
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"set": "eval/qa.jsonl", "docs": "seeds",
                                "floors": {"accuracy": 0.3, "abstain_recall": 0.6, "citation_accuracy": 0.9}}))
    checks = {c.metric: c for c in floors.check(summarize(_outcomes()), floors.load_floors(path))}
    assert checks["accuracy"].ok and not checks["abstain_recall"].ok and checks["citation_accuracy"].ok
    only_unanswerable = summarize([o for o in _outcomes() if not o.answerable])
    assert not floors.check(only_unanswerable, floors.load_floors(path))[0].ok


def test_floors_refuse_timing_metrics(tmp_path):
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"set": "s", "docs": "d", "floors": {"p95_ms": 100}}))
    with pytest.raises(ValueError, match="unknown floor metric"):
        floors.load_floors(path)


def test_committed_floors_name_an_existing_set_and_only_quality_metrics():
    committed = floors.load_floors()
    assert (ROOT / committed.set_path).is_file() and (ROOT / committed.docs).is_dir()
    assert set(committed.minimum) == set(floors.METRICS)
    assert all(0 < v <= 1 for v in committed.minimum.values())


def test_report_writes_markdown_json_and_a_png_chart(tmp_path):
    run = SetRun("qa", "eval/qa.jsonl", "seeds", {"mode": "hybrid"}, _outcomes(), 1.5)
    rep = report.Report("python -m eval", "2026-01-01 00:00", {"mode": "hybrid"}, [run])
    copy = tmp_path / "REPORT.md"
    report.write(rep, tmp_path / "out", copy)
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| table_derived | 3 | 33.3% |" in markdown and "answered an unanswerable question" in markdown
    assert "| abstained | no passage matches the question |" in markdown        # the engine's own reason
    assert "| wrong answer; untraced numbers 80 | d#0 |" in markdown         # what it cited
    assert (tmp_path / "out" / "per_kind_qa.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![per-kind results](REPORT_qa.png)" in copy.read_text() and (tmp_path / "REPORT_qa.png").is_file()
    data = json.loads((tmp_path / "out" / "results.json").read_text())   # strict JSON: nan became null
    assert data["runs"][0]["by_kind"]["unanswerable"]["accuracy"] is None
    assert [o["id"] for o in data["runs"][0]["outcomes"] if o["problems"]] == ["t", "t", "u"]


def test_run_set_asks_the_engine_and_ranks_the_evidence(seed_engine):
    items = {i.id: i for i in load_set(ROOT / "eval" / "qa.jsonl")}
    chosen = [items[k] for k in ("p002", "p005", "p132", "p145")]
    outcomes = {o.id: o for o in run_set(seed_engine, chosen)}
    assert outcomes["p002"].correct and outcomes["p002"].evidence_hit and outcomes["p002"].rank is not None
    assert outcomes["p005"].got == "11" and not outcomes["p005"].untraced
    assert outcomes["p132"].rank is not None          # the follow-up is ranked by its resolved question
    assert outcomes["p145"].abstained and outcomes["p145"].rank is None
    assert all(o.latency_ms > 0 for o in outcomes.values())


def test_recommendations_name_only_defaults_that_move():
    from eval.compare import Comparison

    w05 = _trial("hybrid weighted w=0.5", {"mode": "hybrid", "fusion": "weighted", "dense_weight": 0.5}, 1, 0)
    keep = _trial("0.45", {"abstain_threshold": 0.45}, 1, 0)
    moved = Comparison(BASELINE, chosen_retrieval=w05, chosen_threshold=keep)
    assert moved.recommendations() == ["fusion: 'rrf' -> 'weighted' (with dense_weight=0.5)"]
    w03 = _trial("hybrid weighted w=0.3", W03, 1, 0)
    assert Comparison(BASELINE, chosen_retrieval=w03, chosen_threshold=keep).recommendations() == [
        "fusion: 'rrf' -> 'weighted' (with dense_weight=0.3)", "dense_weight: 0.5 -> 0.3"]
    rrf = _trial("hybrid RRF", RRF, 1, 0)
    assert Comparison(BASELINE, chosen_retrieval=rrf, chosen_threshold=keep).recommendations() == []
