"""Acronyms a passage spells out, and what the chooser makes of a question using one (the tests' own texts)."""
from app.acronym import spelled_out, spells
from app.chooser import FEATURES, Asked, Offer, features
from app.vocabulary import Vocabulary
from index.fold import terms
from index.lexicon import Lexicon

TEXT = ("The Tollerby Rowing Club runs the regatta. Members of the TRC train twice a week.\n\n"
        "The club was founded in 1931 by the Tollerby Rowing Club's first captain, Ada Marsh.")


def test_an_acronym_is_the_leading_letters_of_a_run_of_capitalised_words():
    assert spelled_out("trc", "founded by the Tollerby Rowing Club in 1931")
    assert spelled_out("nyc", "a flat in New York City")
    assert spelled_out("akp", "the AK Party's candidate")                  # two letters from one word
    assert spelled_out("jdp", "the Justice and Development Party")         # "and" skipped


def test_words_that_only_share_letters_are_no_acronym():
    assert not spelled_out("trc", "the rowing club of Tollerby")          # no run of capitalised words
    assert not spelled_out("crt", "the Tollerby Rowing Club")              # letters out of order
    assert not spelled_out("regatta", "Rowing Event Grand ... ")           # too long for an acronym
    assert not spells("tr", ["tollerby", "rowing", "club"])                # the whole run must be spelt


def test_a_passage_that_spells_out_the_questions_acronym_names_what_it_asks_about():
    vocabulary = Vocabulary({t: 1.0 for t in terms(TEXT)}, Lexicon.build({"club.md": TEXT}))
    asked = Asked.of("When was the TRC founded?", vocabulary)
    assert "trc" in asked.names
    sentence = "The club was founded in 1931 by the Tollerby Rowing Club's first captain, Ada Marsh."
    elsewhere = "The harbour wall was rebuilt in 1954 by the Harbour Board."

    def missing(s: str) -> float:
        row = features(asked, [Offer(2.0, 2.0, 0, 0, 0.5, "1931", s.index("19"), s, 0, s)])[0]
        return float(row[FEATURES.index("names_missing")])

    assert missing(sentence) == 0.0 and missing(elsewhere) == 1.0
