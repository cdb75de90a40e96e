"""Who won and who lost: the side of a contest a question asks for, the side a sentence puts a name on, and the
engine answering "who won" with the winner when one sentence names both sides."""
import pytest

from app.roles import LOSER, WINNER, asked_side, contradicts, side_of


@pytest.mark.parametrize("question, side", [
    ("Who won the 2027 final?", WINNER),
    ("which crew finished ahead of the otter crew", WINNER),
    ("What is the name of the skipper who won?", WINNER),
    ("Who was Ingrid Halvorsen defeated by?", WINNER),
    ("Who did Tomas Ferreira lose to?", WINNER),
    ("Who was the winner?", WINNER),
    ("who came out on top in the final", WINNER),
    ("Who lost the 2027 final?", LOSER),
    ("Who did Lena Brandt beat?", LOSER),
    ("Who was defeated in 2028?", LOSER),
    ("Who was the runner-up?", LOSER),
    ("Which club came second?", LOSER),
    ("What did the club win in 1931?", None),          # the prize, not a side
    ("In which year did Tomas Ferreira lose?", None),  # a year
    ("How many votes did the winner get?", None),
    ("When was the harbour wall rebuilt?", None),
])
def test_the_side_a_question_asks_for(question, side):
    assert asked_side(question) == side


@pytest.mark.parametrize("sentence, name, side", [
    ("Lena Brandt beat Yusuf Demir in the final.", "Lena Brandt", WINNER),
    ("Lena Brandt beat Yusuf Demir in the final.", "Yusuf Demir", LOSER),
    ("Ingrid Halvorsen was defeated by Yusuf Demir in the final.", "Ingrid Halvorsen", LOSER),
    ("Ingrid Halvorsen was defeated by Yusuf Demir in the final.", "Yusuf Demir", WINNER),
    ("In the final, Tomas Ferreira lost the title to Ingrid Halvorsen.", "Tomas Ferreira", LOSER),
    ("In the final, Tomas Ferreira lost the title to Ingrid Halvorsen.", "Ingrid Halvorsen", WINNER),
    ("The race was won by the Heron crew, with the Otter crew in second place.", "Heron crew", WINNER),
    ("The race was won by the Heron crew, with the Otter crew in second place.", "Otter crew", LOSER),
    ("Mara Quill, the club's captain, defeated the visitors.", "Mara Quill", WINNER),
    ("The lamp was lit every night by the keeper, Mara Quill.", "Mara Quill", None),
    ("Yusuf Demir, the runner-up the year before, took the title from Lena Brandt.", "Yusuf Demir", WINNER),
    ("A swing towards Mara Quill, who tripled her margin to win 61% of the votes against Tomas Ferreira's 39%.",
     "Mara Quill", WINNER),                       # the name's own relative clause
    ("A swing towards Mara Quill, who tripled her margin to win 61% of the votes against Tomas Ferreira's 39%.",
     "Tomas Ferreira", LOSER),                    # "won (61% of the votes) against"
    ("Incumbent Lena Brandt was narrowly re-elected.", "Lena Brandt", WINNER),
    ("At the 2029 open, the Otter crew was entered in nine races, winning three.", "2029 open", None),  # other subject
    ("The cup was handed over by Mara Quill, and the Heron crew won.", "Mara Quill", None),  # another clause
    ("Mara Quill regretted the Heron crew's defeat.", "Heron crew", LOSER),     # the noun: its possessor lost
    ("Mara Quill regretted the Heron crew's defeat.", "Mara Quill", None),      # not she
    ("It was a narrow victory for the Otter crew.", "Otter crew", WINNER),
    ("Lena Brandt's victory over Yusuf Demir was her first.", "Yusuf Demir", LOSER),
])
def test_the_side_a_sentence_puts_a_name_on(sentence, name, side):
    start = sentence.index(name)
    assert side_of(sentence, start, start + len(name)) == side


def test_a_span_holding_both_sides_answers_neither():
    sentence = "Tomas Ferreira lost to Ingrid Halvorsen."
    assert side_of(sentence, 0, len(sentence) - 1) == "both"
    assert contradicts(WINNER, sentence, 0, len(sentence) - 1) and contradicts(LOSER, sentence, 0, len(sentence) - 1)
    assert not contradicts(None, sentence, 0, 14)


@pytest.mark.parametrize("year, winner, loser", [
    ("2027", "Ingrid Halvorsen", "Tomas Ferreira"),   # "A lost to B"
    ("2028", "Yusuf Demir", "Ingrid Halvorsen"),      # "A was defeated by B"
    ("2029", "Lena Brandt", "Yusuf Demir"),           # "A beat B"
    ("2030", "Yusuf Demir", "Lena Brandt"),           # "A, the runner-up the year before, took the title from B"
])
def test_who_won_and_who_lost_get_different_names_from_the_same_sentence(contest_engine, year, winner, loser):
    won = contest_engine.ask(f"Who won the {year} final?")
    lost = contest_engine.ask(f"who lost the {year} final")
    assert won["short_answer"] == winner and lost["short_answer"] == loser
    assert won["citations"][0]["quote"] == lost["citations"][0]["quote"]   # one sentence names both


def test_a_name_the_sentence_says_won_answers_though_the_reader_is_unsure(contest_engine):
    # The 2031 sentence says who won only through "who ... to win ... against": the fitted chooser's expected F1 for
    # the name falls below its cut, and the grammar, which it has no feature for, carries the answer.
    won = contest_engine.ask("Who won the 2031 club vote?")
    assert won["short_answer"] == "Mara Quill"
    assert "2031" in won["citations"][0]["quote"]
    lost = contest_engine.ask("who lost the 2031 club vote")   # "... against Tomas Ferreira's 39%": not the figure
    assert lost["short_answer"] == "Tomas Ferreira"
