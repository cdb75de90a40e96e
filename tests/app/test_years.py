"""The years a question asks about: named years, and the bounds "after", "since", "before", "until" set."""
from app.years import YearsAsked


def test_a_named_year_is_the_only_one_that_agrees():
    years = YearsAsked.of("Who won the regatta in 2022?")
    assert years.answered_by("August 2022") and not years.answered_by("August 2018")
    assert years.about("In 2022 the Otter crew won.") and not years.about("In 2018 the Heron crew won.")
    assert years.about("The Otter crew won.")                       # a text naming no year is not ruled out


def test_after_a_year_the_later_years_answer_but_not_the_bounds_own():
    years = YearsAsked.of("When is the next regatta after 2022?")
    assert years.answered_by("2025") and not years.answered_by("August 2022")
    assert not years.answered_by("12 August", following=" 2022, when ...")   # the date's year follows the span
    assert years.about("After 2022 the club moved the race.")       # a sentence naming the bound is about it


def test_since_and_until_include_their_year_before_excludes_it():
    assert YearsAsked.of("Who has coached the crew since 2019?").answered_by("2019")
    assert YearsAsked.of("Where did they row until 1954?").answered_by("1954")
    assert not YearsAsked.of("Who coached the crew before 2019?").answered_by("2019")
    assert YearsAsked.of("Who coached the crew before 2019?").answered_by("2016")


def test_a_question_without_years_rules_nothing_out():
    years = YearsAsked.of("Who coached the Otter crew?")
    assert not years and years.answered_by("2018") and years.about("In 2018 the Heron crew won.")
