"""Question cues pick the kind of span wanted; spans of that kind are found in sentences."""
import pytest

from app.question import answer_type, as_squad_asks, candidates, repair_interrogative, restore_contractions


@pytest.mark.parametrize("question, kind", [
    ("What share of the vote did she win?", "percent"),
    ("When was the harbour opened?", "date"),
    ("How many people were arrested?", "number"),
    ("Which body approved the re-count of invalid votes?", "org"),
    ("Who chairs the board?", "person"),
    ("Where was the speech given?", "place"),
    ("What is the harbour known for?", "span"),
    ("Esenler'de kaç oy kullanıldı?", "number"),
    ("How wide is the strait?", "measure"),
    ("In what year was the abbey founded?", "date"),
    ("Who held the largest share of the catch?", "person"),          # the wh-word decides, not a later cue
    ("What vessel was launched when the harbour opened?", "span"),   # a later "when" opens a clause
    ("What is the name of the skipper who won?", "span"),
    ("How did the crew survive?", "span"),
    ("ferry fare share 2023", "percent"),                            # keywords: cue words anywhere
])
def test_answer_type(question, kind):
    assert answer_type(question) == kind


def test_numbers_skip_years_and_percentages():
    found = [c.text for c in candidates("In 2019 he won 54.2% and a 13,700-vote margin grew 57-fold.", "number")]
    assert found == ["13,700", "57-fold"]


def test_years_before_1800_are_dates():
    assert [c.text for c in candidates("The abbey was founded in 1565 and rebuilt in 1712.", "date")] == ["1565", "1712"]


def test_dates_in_several_forms():
    found = [c.text for c in candidates("On 7 January, and in March 2019, and 31 March 2024.", "date")]
    assert found == ["7 January", "March 2019", "31 March 2024"]


def test_candidate_offsets_point_into_the_sentence():
    sentence = "The chair is Ingrid Halvorsen, a hydrologist."
    for c in candidates(sentence, "person"):
        assert sentence[c.start:c.end] == c.text


def test_measures_keep_their_unit():
    found = [c.text for c in candidates("It is seven kilometres wide; the crossing takes 25 minutes.", "measure")]
    assert found == ["seven kilometres", "25 minutes"]


@pytest.mark.parametrize("typed, read", [
    ("wen did the club get its first boat", "when did the club get its first boat"),
    ("Wat year was the wall rebuilt", "What year was the wall rebuilt"),
    ("whats the entry fee", "what is the entry fee"),
    ("hw many boats sank", "how many boats sank"),
    ("Whic crew won in 2022?", "Which crew won in 2022?"),
])
def test_a_misspelt_or_run_together_interrogative_is_read_as_the_one_meant(typed, read):
    assert repair_interrogative(typed) == read


@pytest.mark.parametrize("question", [
    "were the boats insured?",           # a word, one edit from "where"
    "whe won?",                          # "when", "who" or "why"
    "Hok-Lam Chan wrote what?",          # part of a hyphenated name
    "Wen Jiabao visited which city?",    # a word the documents use
    "who coached the Otter crew?",
])
def test_a_word_that_is_a_word_or_could_be_several_interrogatives_stays(question):
    assert repair_interrogative(question, known={"wen", "jiabao"}) == question


@pytest.mark.parametrize("typed, read", [
    ("who kept the lighthouse lamp", "who kept the lighthouse lamp?"),
    ("Who kept the lighthouse lamp.  ", "Who kept the lighthouse lamp?"),
    ("Who kept the lighthouse lamp?", "Who kept the lighthouse lamp?"),
    ('Which ship was named "Why Not?"', 'Which ship was named "Why Not?"'),
    ("Kim tuttu? (who kept)", "Kim tuttu? (who kept)"),     # a gloss after the question's own mark
])
def test_a_question_is_read_with_a_question_mark_as_squads_were(typed, read):
    assert as_squad_asks(typed) == read


@pytest.mark.parametrize("typed, read", [
    ("how many boats didnt sink", "how many boats didn't sink"),
    ("Why Cant the ferry sail", "Why Can't the ferry sail"),
    ("which crews werent insured?", "which crews weren't insured?"),
    ("the distant lighthouse", "the distant lighthouse"),      # "-nt" inside a word that is no contraction
    ("who won? the Otter crew hasnt", "who won? the Otter crew hasn't"),
])
def test_a_negative_contraction_typed_without_its_apostrophe_is_read_as_written(typed, read):
    assert restore_contractions(typed) == read
