"""The SQuAD v2 path: read the file, write contexts as documents, index them, score the SQuAD way."""
import pytest

from eval.squad import (SquadQuestion, compute_exact, compute_f1, load_squad, normalize_answer, run_squad,
                        score_prediction, summarize, write_documents)
from tests.conftest import ROOT

TINY = ROOT / "tests" / "data" / "squad_tiny.json"


@pytest.fixture(scope="module")
def squad_engine(tmp_path_factory, model):
    """The one extra index of the session: the tiny SQuAD file's contexts."""
    from app.engine import Engine
    from index import store
    from index.build import build

    squad = load_squad(TINY)
    root = tmp_path_factory.mktemp("squad")
    docs = write_documents(squad, root / "docs")
    build(docs, root / "index", model=model)
    return Engine(store.load(root / "index"), model, root / "index")


def test_each_paragraph_becomes_a_titled_document_holding_its_context(tmp_path):
    squad = load_squad(TINY)
    assert list(squad.documents) == ["000_00_kellan_point_lighthouse.txt", "000_01_kellan_point_lighthouse.txt",
                                     "001_00_silverleaf_honey.txt"]
    docs = write_documents(squad, tmp_path / "docs")
    text = (docs / "001_00_silverleaf_honey.txt").read_text(encoding="utf-8")
    assert text.startswith("Silverleaf honey\n\n") and "a typical hive yields about 14 kilograms" in text
    assert sorted(p.name for p in docs.iterdir()) == sorted(squad.documents)


def test_questions_keep_their_answers_documents_and_impossibility():
    questions = {q.id: q for q in load_squad(TINY).questions}
    assert len(questions) == 10 and sum(q.impossible for q in questions.values()) == 3
    assert questions["t2"].answers == ("Martha Doyle", "the engineer Martha Doyle")
    assert questions["t4"].impossible and questions["t4"].answers == ()
    assert questions["t9"].doc == "001_00_silverleaf_honey.txt"


def test_a_file_without_data_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"version": "v2.0"}')
    with pytest.raises(ValueError, match="not a SQuAD file"):
        load_squad(path)


def test_official_normalisation():
    assert normalize_answer("The  Cat's hat!") == "cats hat"
    assert normalize_answer("an Apple, a day") == "apple day"
    assert normalize_answer("Theatre") == "theatre"          # articles only as whole words


def test_official_exact_and_f1():
    assert compute_exact("the Marigold", "Marigold") == 1
    assert compute_exact("31 metres", "31 metres tall") == 0
    assert compute_f1("31 metres", "31 metres tall") == pytest.approx(0.8)
    assert compute_f1("", "") == 1.0 and compute_f1("", "anything") == 0.0 and compute_f1("x", "") == 0.0


def test_abstaining_scores_one_only_on_impossible_questions():
    impossible = SquadQuestion("n", "Who captained her?", (), True, "d.txt")
    possible = SquadQuestion("p", "How tall?", ("31 metres",), False, "d.txt")
    assert score_prediction(impossible, "", []).exact == 1
    assert score_prediction(impossible, "Martha", ["d.txt"]).exact == 0
    assert score_prediction(possible, "", []).f1 == 0.0
    scored = score_prediction(possible, "about 31 metres", ["other.txt"])
    assert scored.f1 == pytest.approx(0.8) and scored.cited_own_context is False


def test_summary_splits_has_answer_and_no_answer():
    impossible = SquadQuestion("n", "?", (), True, "d.txt")
    possible = SquadQuestion("p", "?", ("1887",), False, "d.txt")
    s = summarize([score_prediction(possible, "1887", ["d.txt"]), score_prediction(possible, "1888", ["d.txt"]),
                   score_prediction(impossible, "", []), score_prediction(impossible, "x", ["d.txt"])])
    assert (s.n, s.has_ans_n, s.no_ans_n) == (4, 2, 2)
    assert s.exact == 0.5 and s.has_ans_exact == 0.5 and s.no_ans_accuracy == 0.5
    assert s.cited_own_context == 1.0


def test_the_engine_answers_the_tiny_squad_set_from_its_own_paragraphs(squad_engine):
    outcomes = {o.id: o for o in run_squad(squad_engine, load_squad(TINY))}
    assert len(outcomes) == 10
    for easy in ("t1", "t5", "t6", "t9"):      # a year, a count, a count, a year: stated once, plainly
        assert outcomes[easy].exact == 1, outcomes[easy]
    answered = [o for o in outcomes.values() if not o.abstained]
    assert answered and all(o.cited_own_context for o in answered)
    scores = summarize(list(outcomes.values()))
    assert scores.has_ans_exact >= 4 / 7 and 0 <= scores.no_ans_accuracy <= 1
