"""The answer chooser: features of an offered span, the fitted model file, and what it decides on the tests' own
document (none of these asserts a seed answer)."""
import json
import math

import numpy as np
import pytest

from app.chooser import (DEFAULT_PATH, FEATURES, Asked, Chooser, Offer, best_offer, default_chooser, features,
                         whole_date, whole_name, whole_number, within_sentence)
from app.vocabulary import Vocabulary
from index.parse import split_sentences
from tests.conftest import TEXT_DOCS
SENTENCE = "In 2018 the regatta was won by the Heron crew, coached by Maren Solberg."
PASSAGE = "Tollerby Harbour Regatta The 2018 race " + SENTENCE


@pytest.fixture(scope="module")
def vocabulary():
    from index.lexicon import Lexicon
    from index.fold import terms

    text = (TEXT_DOCS / "harbour_regatta.md").read_text(encoding="utf-8")
    idf = {t: 1.0 for t in terms(text)}
    return Vocabulary(idf, Lexicon.build({"harbour_regatta.md": text}))


def row(vocabulary, question: str, span: str, sentence: str = SENTENCE, passage: str = PASSAGE, score=2.0):
    asked = Asked.of(question, vocabulary)
    at = sentence.index(span)
    return dict(zip(FEATURES, features(asked, [Offer(score, score, 0, 0, 0.5, span, at, sentence, 0, passage)])[0]))


def test_a_span_of_the_kind_asked_for_is_marked_as_such(vocabulary):
    assert row(vocabulary, "Who coached the Heron crew in 2018?", "Maren Solberg")["type_match"] == 1.0
    assert row(vocabulary, "When did the Heron crew win?", "Maren Solberg")["type_match"] == 0.0
    assert row(vocabulary, "When did the Heron crew win?", "2018")["type_match"] == 1.0


def test_a_passage_that_never_names_whom_the_question_is_about_is_marked(vocabulary):
    about_heron = row(vocabulary, "Who coached the Heron crew?", "Maren Solberg")
    about_otter = row(vocabulary, "Who coached the Otter crew?", "Maren Solberg")
    assert about_heron["names_missing"] == 0.0 and about_otter["names_missing"] == 1.0


def test_a_span_repeating_the_question_and_one_far_from_its_words_are_marked(vocabulary):
    near = row(vocabulary, "Who coached the Heron crew?", "Maren Solberg")
    echo = row(vocabulary, "Who coached the Heron crew?", "the Heron crew")
    assert echo["span_in_question"] == 1.0 and near["span_in_question"] == 0.0
    assert near["distance"] == pytest.approx(math.log1p(1))   # "coached by Maren Solberg": one word away
    far = row(vocabulary, "Who is the mayor?", "Maren Solberg")
    assert far["distance"] == pytest.approx(math.log1p(30))


def test_the_kind_of_thing_asked_for_is_no_echo_unless_it_is_all_the_span_says(vocabulary):
    sentence = "The regatta is organised by the Tollerby Rowing Club, which was founded in 1931."
    named = row(vocabulary, "Which club organises the regatta?", "Tollerby Rowing Club", sentence, sentence)
    bare = row(vocabulary, "Which club organises the regatta?", "the Tollerby Rowing Club", sentence, sentence)
    echo = row(vocabulary, "What organises the regatta?", "The regatta", sentence, sentence)
    assert named["span_in_question"] == 0.0 and bare["span_in_question"] == 0.0
    assert echo["span_in_question"] == 1.0
    only_the_kind = row(vocabulary, "Which club organises it?", "club", "A club organises it.", "A club organises it.")
    assert only_the_kind["span_in_question"] == 1.0


def test_a_span_ending_or_starting_inside_a_name_is_widened_to_the_whole_name(vocabulary):
    sentence = "The Otter crew was coached by Piet Vandermeer, a former ferry captain of the Tollerby Rowing Club."

    def widened(span: str) -> str:
        at, text = whole_name(sentence.index(span), span, sentence, vocabulary.names)
        assert sentence[at:at + len(text)] == text
        return text

    assert widened("Piet") == "Piet Vandermeer"                   # ends inside the name
    assert widened("Vandermeer") == "Piet Vandermeer"             # starts inside it
    assert widened("Rowing") == "Tollerby Rowing Club"            # both
    assert widened("a former ferry captain") == "a former ferry captain"   # no name: as it was
    assert widened("Otter crew") == "Otter crew"                 # "The" opening the sentence is no part of it


def test_a_capitalised_word_the_documents_also_write_in_lowercase_does_not_join_a_name_on_its_left(vocabulary):
    sentence = "Regatta Winner Maren Solberg spoke to the town."    # "winner", "regatta": lowercase in the document
    at, text = whole_name(sentence.index("Maren"), "Maren", sentence, vocabulary.names)
    assert text == "Maren Solberg"


def test_a_span_that_is_only_the_day_of_a_date_is_widened_to_the_whole_date():
    sentence = "The regatta was held on 14 August 2022 and the 12 boats finished by noon."
    at = sentence.index("14")
    assert whole_date(at, "14", sentence) == (at, "14 August 2022")
    assert whole_date(at, "14 August", sentence) == (at, "14 August")      # not only a day: as it was
    at = sentence.index("12")
    assert whole_date(at, "12", sentence) == (at, "12")                    # a count, no month after it


def test_a_span_that_is_half_a_hyphenated_number_is_widened_to_the_whole_number():
    sentence = "Forty-six rowers raced, and six of them were juniors."
    assert whole_number(6, "six rowers", sentence) == (0, "Forty-six rowers")
    assert whole_number(0, "Forty", sentence) == (0, "Forty-six")
    at = sentence.index("six of")
    assert whole_number(at, "six", sentence) == (at, "six")                # a number of its own, as it was


def test_the_model_file_round_trips_and_refuses_other_features():
    chooser = Chooser(tuple([0.0] * len(FEATURES)), tuple([1.0] * len(FEATURES)),
                      tuple([1.0] + [0.0] * (len(FEATURES) - 1)), 0.0, 2, 0.25)
    assert Chooser.from_dict(json.loads(json.dumps(chooser.to_dict()))) == chooser
    without = {k: v for k, v in chooser.to_dict().items() if k != "threshold"}   # a file fitted before thresholds
    assert Chooser.from_dict(without).threshold is None
    assert chooser.probabilities(np.zeros(len(FEATURES)))[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="other features"):
        Chooser.from_dict({**chooser.to_dict(), "features": ["reader"]})


def test_an_unreadable_chooser_file_is_reported_and_the_reader_alone_answers(tmp_path, capsys):
    bad = tmp_path / "chooser.json"
    bad.write_text(json.dumps({"features": list(FEATURES)}))     # no weights
    assert default_chooser(bad) is None
    assert "cannot be used" in capsys.readouterr().err


def test_the_shipped_chooser_was_fitted_on_held_out_squad_and_is_small():
    meta = json.loads(DEFAULT_PATH.read_text())
    assert meta["features"] == list(FEATURES) and meta["rotation"]["chooser"]["n"] > 1000
    assert 0 < meta["threshold"] < 1
    assert DEFAULT_PATH.stat().st_size < 200e3      # mostly the answer-type model's ~2,000 features x 4 kinds
    assert isinstance(default_chooser(), Chooser) and default_chooser().types is not None


def test_the_chooser_ranks_the_right_span_over_a_distractor(regatta_engine):
    result = regatta_engine.ask("Who coached the Otter crew?")
    assert result["kind"] == "text" and "Vandermeer" in result["short_answer"]
    assert "Otter" in result["citations"][0]["quote"]


def test_the_engine_abstains_when_no_passage_is_about_the_question(regatta_engine):
    result = regatta_engine.ask("What colour are the lighthouse keeper's boots?")
    assert result["kind"] == "none" and result["short_answer"] is None


def test_without_the_chooser_the_reader_still_answers(regatta_engine):
    from app.settings import Settings

    result = regatta_engine.ask("Who coached the Otter crew?", settings=Settings(chooser=False))
    text = (TEXT_DOCS / "harbour_regatta.md").read_text(encoding="utf-8")
    assert result["kind"] == "text" and result["short_answer"] and result["short_answer"] in text


def test_a_year_asked_about_inside_a_date_is_no_echo(vocabulary):
    sentence = "The harbour wall was rebuilt in March 1954 and again in October 2016."
    date = row(vocabulary, "When was the harbour wall rebuilt in 1954?", "March 1954", sentence, sentence)
    year = row(vocabulary, "When was the harbour wall rebuilt in 1954?", "1954", sentence, sentence)
    assert date["span_in_question"] == 0.0 and year["span_in_question"] == 1.0


def test_a_short_answer_never_runs_into_the_next_sentence(regatta_engine):
    result = regatta_engine.ask("Who won the regatta in 2018?")
    c = result["citations"][0]
    assert result["kind"] == "text" and result["short_answer"] in c["quote"]
    assert "." not in result["short_answer"].rstrip(".")


def test_a_passage_naming_nothing_the_question_names_is_no_answer(regatta_engine):
    from app.retrieve import Hit

    def section(name):
        return next(c for c in regatta_engine.index.chunks if c.kind == "text" and name in c.section)

    settings = regatta_engine.settings
    about_otter = regatta_engine.text.answer("Who coached the Otter crew?", [Hit(section("The 2022 race"), 1.0)], settings)
    assert about_otter.short_answer and "Vandermeer" in about_otter.short_answer
    elsewhere = regatta_engine.text.answer("Who coached the Otter crew?", [Hit(section("Organisation"), 1.0)], settings)
    assert elsewhere.support is None and "names nothing" in elsewhere.reason


def test_a_chosen_answer_shows_the_choosers_expected_f1_as_its_confidence(regatta_engine):
    question = "Who coached the Otter crew?"
    text = regatta_engine.text.answer(question, regatta_engine.retrieve(question), regatta_engine.settings)
    result = regatta_engine.ask(question)
    assert result["kind"] == "text" and result["confidence"] == text.expected_f1
    assert 0 < text.expected_f1 < 1 and text.expected_f1 != text.confidence      # not the reader's odds


def test_an_offer_carries_its_sentences_cosine_with_the_question_from_the_index(regatta_engine):
    text = regatta_engine.text
    question = "Who coached the Otter crew?"
    chunk = next(c for c in regatta_engine.index.chunks if c.kind == "text" and "Otter crew was coached" in c.text)
    sentences = [s for s in split_sentences(chunk.text, chunk.start)]
    about = next(s for s in sentences if "Otter crew was coached" in s.text)
    other = next(s for s in sentences if "Otter" not in s.text)
    near, far = text.cosines(question, [(chunk.doc, about), (chunk.doc, other)])
    stored = text.sentences.get(chunk.doc, about.start, about.end)
    assert stored is not None and near == pytest.approx(float(stored @ text.embed_query(question)[0]))
    assert near > far
    assert row(regatta_engine.vocabulary, question, "Maren Solberg")["similarity"] == 0.0   # none given


def test_a_spans_answer_share_is_its_part_of_the_readers_odds_over_every_span_offered(vocabulary):
    asked = Asked.of("Who coached the Heron crew in 2018?", vocabulary)
    at = SENTENCE.index("Maren Solberg")
    spans = [Offer(score, score, 0, rank, 0.5, text, at, SENTENCE, 0, PASSAGE) for rank, (score, text) in
             enumerate([(3.0, "Maren Solberg"), (1.0, "Heron"), (1.0, "2018")])]
    share = features(asked, spans)[:, FEATURES.index("answer_share")]
    assert np.allclose(np.exp(share).sum(), 1.0)
    assert share[0] > share[1] == share[2]
    # the same span scores the same against its own passage, but its share falls when another passage offers better
    alone = features(asked, spans[1:2])[0, FEATURES.index("answer_share")]
    assert alone == 0.0 and share[1] < alone


def test_an_answer_offered_in_several_places_gets_the_share_of_them_all(vocabulary):
    asked = Asked.of("Who coached the Heron crew in 2018?", vocabulary)
    at = SENTENCE.index("Maren Solberg")
    named = lambda score, text: Offer(score, score, 0, 0, 0.5, text, at, SENTENCE, 0, PASSAGE)  # noqa: E731
    once = features(asked, [named(2.0, "Maren Solberg"), named(2.0, "Heron"), named(2.0, "2018")])
    twice = features(asked, [named(2.0, "Maren Solberg"), named(2.0, "maren solberg"), named(2.0, "2018")])
    column = FEATURES.index("answer_share")
    assert np.isclose(np.exp(once[0, column]), 1 / 3)
    assert np.isclose(np.exp(twice[0, column]), 2 / 3) and twice[0, column] == twice[1, column]
    assert np.isclose(np.exp(twice[2, column]), 1 / 3)   # an answer offered once keeps its own share


def test_a_surer_span_in_a_passage_naming_nothing_asked_does_not_hide_one_that_does(vocabulary):
    question = "Who coached the Otter crew?"
    other = "The Heron crew was coached by Maren Solberg."
    about = "The Otter crew was coached by Piet Vandermeer."
    spans = [Offer(4.0, 4.0, 0, 0, 0.9, "Maren Solberg", other.index("Maren"), other, 0, other),
             Offer(1.0, 1.0, 0, 1, 0.5, "Piet Vandermeer", about.index("Piet"), about, 0, about)]
    rows = features(Asked.of(question, vocabulary), spans)
    assert best_offer(np.array([0.6, 0.4]), rows) == 1           # the surer span's passage never names the Otter crew
    assert best_offer(np.array([0.6, -1.0]), rows) == 0          # ruled out (below 0): the other is all there is
    assert best_offer(np.array([0.6, 0.4]), rows[:1]) == 0


def test_a_short_answer_never_crosses_a_pipe_tables_cells():
    row = "| Given to charity | 705 | 17% | £0 |"      # a table row inside a passage, read as a sentence
    assert within_sentence(19, "705", 0, row) and not within_sentence(19, "705 | 17%", 0, row)
