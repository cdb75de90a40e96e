"""The kind of answer a question expects: spans labelled by their form, and the shipped model's odds on the tests'
own questions (none of them a seed question)."""
import pytest

from app.answer_types import KINDS, AnswerTypes, head_word, span_type
from app.chooser import FEATURES, Asked, Offer, default_chooser, features
from app.vocabulary import Vocabulary
from app.wordvectors import default_word_vectors


@pytest.mark.parametrize("span, kind", [
    ("1887", "date"), ("12 May 1901", "date"), ("May 12", "date"), ("the 1990s", "date"), ("the 18th century", "date"),
    ("60 million", "number"), ("three", "number"), ("4.5%", "number"),
    ("Maren Solberg", "name"), ("Tollerby Rowing Club", "name"), ("The Tollerby Rowing Club", "name"),
    ("The current harbour master", "other"),        # a capital that only opens a sentence
    ("the sluice gates", "other"), ("may be rebuilt", "other"), ("", "other"),
])
def test_a_span_is_a_date_a_number_a_name_or_other_words_by_its_form(span, kind):
    assert span_type(span) == kind


@pytest.fixture(scope="module")
def types() -> AnswerTypes:
    chooser = default_chooser()
    assert chooser is not None and chooser.types is not None, "the shipped chooser carries its answer-type model"
    return chooser.types


@pytest.mark.parametrize("question, kind", [
    ("When did the Heron crew win the regatta?", "date"),
    ("In what year was the boathouse built?", "date"),
    ("How many boats entered the 2018 regatta?", "number"),
    ("What is the population of the town?", "number"),          # no cue word: "population" says it
    ("Who coached the Heron crew?", "name"),
    ("Which river flows past the mill?", "name"),
    ("What did the council decide to do?", "other"),
])
def test_the_shipped_model_expects_the_kind_of_answer_a_question_asks_for(types, question, kind):
    odds = types.odds(question, default_word_vectors())
    assert set(odds) == set(KINDS) and abs(sum(odds.values()) - 1) < 1e-9
    assert max(odds, key=odds.get) == kind


def test_the_model_round_trips_through_its_file_form_and_refuses_other_kinds(types):
    again = AnswerTypes.from_dict(types.to_dict())
    question = "How many boats entered the 2018 regatta?"
    assert again.odds(question, None) == pytest.approx(types.odds(question, None), abs=1e-3)
    with pytest.raises(ValueError):
        AnswerTypes.from_dict({**types.to_dict(), "kinds": ["date", "name"]})


def test_a_span_of_the_expected_kind_gets_higher_odds_in_the_chooser(types):
    vocabulary = Vocabulary({}, {})
    sentence = "In 2018 the regatta was won by the Heron crew, coached by Maren Solberg."
    asked = Asked.of("When did the Heron crew win the regatta?", vocabulary, default_word_vectors(), types)
    rows = features(asked, [Offer(2.0, 2.0, 0, 0, 0.5, span, sentence.index(span), sentence, 0, sentence)
                            for span in ("2018", "Maren Solberg")])
    year, name = rows[:, FEATURES.index("type_odds")]
    assert year > name


@pytest.mark.parametrize("question, head", [
    ("Which river flows past the mill?", "river"),
    ("How many boats entered the 2018 regatta?", "boats"),
    ("In what year was the boathouse built?", "year"),
    ("Whose crew won in 2022?", "crew"),
    ("Who coached the Heron crew?", None),        # "who", "when", "where" name no kind of thing
    ("When was the harbour wall rebuilt?", None),
    ("The regatta's winner?", None),              # no interrogative
])
def test_the_head_word_names_the_kind_of_thing_a_question_asks_for(question, head):
    assert head_word(question) == head
