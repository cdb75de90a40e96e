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
    assert not years.answered_by("12", following=" August 2022, when ...")   # ... or its month and year do
    assert years.answered_by("12", following=" August 2025")
    assert years.about("After 2022 the club moved the race.")       # a sentence naming the bound is about it


def test_since_and_until_include_their_year_before_excludes_it():
    assert YearsAsked.of("Who has coached the crew since 2019?").answered_by("2019")
    assert YearsAsked.of("Where did they row until 1954?").answered_by("1954")
    assert not YearsAsked.of("Who coached the crew before 2019?").answered_by("2019")
    assert YearsAsked.of("Who coached the crew before 2019?").answered_by("2016")


def test_a_question_without_years_rules_nothing_out():
    years = YearsAsked.of("Who coached the Otter crew?")
    assert not years and years.answered_by("2018") and years.about("In 2018 the Heron crew won.")


def test_a_month_named_with_its_year_must_agree_too():
    years = YearsAsked.of("who won the june 2031 harbour regatta")
    assert years.about("The regatta of 14 June 2031 was won by the Otter crew.")
    assert not years.about("The regatta planned for 2 May 2031 was postponed.")
    assert years.about("In 2031 the Otter crew won.")               # the year alone, or no month of it: not ruled out
    assert years.about("After the May 2031 storm, the June 2031 race went ahead.")
    assert years.about("In May 2031 the club bought a boat, and in June it won the regatta.")   # June of 2031
    assert not years.answered_by("2 May", following=" 2031, when")  # a date's year may follow the span
    assert years.answered_by("June 14, 2031") and not years.answered_by("May 2, 2031")


def test_months_of_a_year_the_question_names_without_a_month_are_not_held_against_a_text():
    years = YearsAsked.of("Who won the regatta in 2031?")
    assert years.about("The regatta of 2 May 2031 was won by the Otter crew.") and years.answered_by("2 May 2031")
