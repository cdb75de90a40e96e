"""Unanswerable questions made by swapping one of a question's names, years or numbers for another of its article's."""
import random

from eval.swaps import Pool, swapped

ARTICLE = ["The Tollerby Rowing Club was founded in 1931 by Ada Finch. It has 40 boats.",
           "In 1954 the harbour wall was rebuilt by Bo Lind and 12 volunteers.",
           "The Otter crew won in 2022."]


def test_the_pool_holds_the_articles_names_years_and_numbers_but_no_sentences_first_words():
    pool = Pool.of(ARTICLE)
    assert {"Tollerby", "Finch", "Lind", "Otter"} <= set(pool.names)
    assert "In" not in pool.names and "It" not in pool.names and "The" not in pool.names
    assert set(pool.years) == {"1931", "1954", "2022"} and set(pool.numbers) == {"40", "12"}


def test_a_swap_puts_in_what_the_passage_never_mentions_in_place_of_what_it_does():
    pool, passage = Pool.of(ARTICLE), ARTICLE[0]
    question = "Who founded the Tollerby Rowing Club in 1931?"
    for seed in range(20):
        other = swapped(question, passage, pool, random.Random(seed))
        (put_in,) = set(other.rstrip("?").split()) - set(question.rstrip("?").split())
        (taken_out,) = set(question.rstrip("?").split()) - set(other.rstrip("?").split())
        assert taken_out in passage and put_in not in passage and put_in in pool.names + pool.years


def test_a_question_naming_nothing_its_passage_holds_is_not_swapped():
    assert swapped("Who painted the lighthouse?", ARTICLE[0], Pool.of(ARTICLE), random.Random(1)) is None
