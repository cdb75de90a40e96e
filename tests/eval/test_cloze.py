"""Cloze questions: a sentence with one date, number or name blanked is a question answered by the blanked span."""
import random

from app.reader import passage_of
from eval.cloze import cloze_examples, clozes
from eval.fit_reader import passages
from tests.conftest import TEXT_DOCS

SENTENCE = "The harbour wall was rebuilt by Piet Vandermeer in 1954 after a storm."


def test_a_cloze_question_blanks_one_span_with_the_wh_word_of_its_kind():
    made = dict((SENTENCE[s:e], q) for q, (s, e) in clozes(SENTENCE, random.Random(1), most=5))
    assert made["1954"] == "The harbour wall was rebuilt by Piet Vandermeer in when after a storm?"
    assert made["Piet Vandermeer"].startswith("The harbour wall was rebuilt by who in 1954")
    assert "The" not in made     # never the sentence's first word


def test_a_short_sentence_or_one_without_a_span_makes_no_question():
    assert clozes("It was rebuilt in 1954.", random.Random(1), most=2) == []
    assert clozes("the wall was rebuilt after a long and windy storm", random.Random(1), most=2) == []


def test_examples_point_at_the_blanked_span_in_their_passage_and_negatives_lack_its_sentence():
    text = (TEXT_DOCS / "harbour_regatta.md").read_text(encoding="utf-8")
    chunks = passages({"harbour_regatta.md": text})["harbour_regatta.md"]
    examples = cloze_examples(chunks, random.Random(3), negatives=1.0)
    positives = [x for x in examples if x.answer is not None]
    assert positives and len(examples) > len(positives)
    for x in positives:
        s, e = x.answer
        assert s >= x.skip and x.passage[s:e].strip() == x.passage[s:e] and x.passage[s:e] not in x.question
    bodies = {passage_of(c)[0] for c in chunks}
    assert all(x.passage in bodies for x in examples)
