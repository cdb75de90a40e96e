"""The evaluation report: what it says about each failed question."""
from types import SimpleNamespace

from eval.report import _why


def test_an_abstentions_reason_is_the_parenthesis_of_its_answer_even_with_a_nearest_passage_after_it():
    bare = SimpleNamespace(abstained=True, citations=[],
                           answer="The documents do not contain an answer to this question (the documents never "
                                  "mention Lisbon).")
    nearest = SimpleNamespace(abstained=True, citations=["regatta.md#c1"],
                              answer="The documents do not contain an answer to this question (no passage answers it "
                                     "clearly enough (expected F1 0.17 < 0.33)). The passage nearest to an answer is "
                                     "cited [1]; it may not answer it.")
    assert _why(bare) == "the documents never mention Lisbon"
    assert _why(nearest) == "no passage answers it clearly enough (expected F1 0.17 < 0.33)"


def test_an_answers_entry_is_what_it_cited():
    answered = SimpleNamespace(abstained=False, citations=["regatta.md#c1", "regatta.md#c2"], answer="Heron [1][2]")
    assert _why(answered) == "regatta.md#c1, regatta.md#c2"
