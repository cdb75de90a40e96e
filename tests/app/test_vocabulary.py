"""Spelling repair: a misspelt question word becomes the closest corpus word, the same one on every run."""
import os
import subprocess
import sys

from app.vocabulary import Vocabulary
from index.fold import terms
from tests.conftest import ROOT


def vocabulary(*texts: str) -> Vocabulary:
    return Vocabulary({}, {f"doc{i}": text for i, text in enumerate(texts)})


def test_a_misspelt_word_is_repaired_to_the_corpus_word():
    assert vocabulary("The lighthouse keeper trimmed the wick.").correct_word("lighthuose") == "lighthouse"
    assert vocabulary("The lighthouse keeper trimmed the wick.").correct_word("keeper") == "keeper"


def test_a_function_word_the_documents_never_write_is_no_typo():
    v = vocabulary("The boats were moored at the quay.")
    assert v.correct_word("where") == "where" and v.correct_text("Where were the boats moored?").startswith("Where")


def test_between_equally_close_words_the_repair_is_the_same_in_every_process():
    # "stationiry" is one letter from both words; sets iterate in an order that changes with PYTHONHASHSEED
    script = ("from app.vocabulary import Vocabulary; v = Vocabulary({}, {'a': 'Office stationery is ordered. "
              "The satellite is stationary. Painted, tainted, fainted, sainted.'}); "
              "print(v.correct_word('stationiry'), v.correct_word('wainted'))")
    runs = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout for seed in range(6)}
    assert runs == {"stationary fainted\n"}      # ties go to the alphabetically first word


def test_a_corpus_word_a_third_longer_is_still_a_candidate():
    # ratio = 200 x 20 common letters / (20 + 27 letters) = 85.1, just above the cut of 85
    long_word = "abcdefghijklmnopqrstuvwxyz" + "a"
    assert vocabulary(f"The code {long_word} appears once.").correct_word(long_word[:20]) == long_word


def test_names_are_words_capitalised_inside_sentences_not_in_title_cased_labels_and_headings():
    names = vocabulary("== Background and Results ==\n\n- Opening Date: 4 May 2021\n\n"
                       "| Keeper Name | Tower |\n|---|---|\n| Ada Lorne | Gull Point |\n\n"
                       "The keeper, Ada Lorne, lit the lamp at Gull Point on that date. Results came late.").names
    assert {"lorn", "gull"} <= names                     # capitalised mid-sentence
    assert not {"date", "background", "result", "name"} & names    # capitals of a label, heading or header cell
    before_any_title = vocabulary("The keeper, Ada Lorne, trimmed the wick.\n\n== Background and Results ==\n").names
    assert {"ada", "lorn"} <= before_any_title          # a title-cased heading further on changes nothing before it


def test_a_function_word_typed_without_its_apostrophe_is_no_content_word():
    v = vocabulary("The keeper's wife trimmed the wick of the lighthouse.")
    assert v.question_words("whats the keepers wifes name") == v.question_words("what's the keepers wifes name")
    assert "what" not in v.question_words("whats the keepers name") and "keeper" in v.question_words("whos the keeper")


def test_a_name_no_document_mentions_is_unknown_but_another_inflection_or_a_spelled_out_acronym_is_not():
    text = "The Tollerby Rowing Club won two Grammy awards for its harbour songs."
    v = Vocabulary({t: 1.0 for t in terms(text)}, {"club.md": text})
    assert v.unknown_terms("How many Grammies did the club win in Lisbon?") == ["Lisbon"]
    assert v.unknown_terms("When was the TRC founded?") == ["TRC"]                 # no passage given spells it out
    assert v.unknown_terms("When was the TRC founded?", context=text) == []
    assert v.unknown_terms("When was the TLC founded?", context=text) == ["TLC"]
    assert v.unknown_terms("How many went to A&E?") == ["A&E"]                     # one word, not "A" and "E"
    assert v.unknown_terms("When did the T&R club win?", context=text) == []        # "Tollerby Rowing" spells it


def test_a_name_is_a_word_the_documents_capitalise_or_never_write_in_lowercase():
    prose = "The ferry was skippered by Ayşe Yıldız. The turnout rose."
    table = "| Branch | Loans |\n|---|---|\n| Harbourside | 12 |"
    v = Vocabulary({}, {"prose.md": prose, "table.md": table, "more.md": "Later Yıldız sold it; turnout fell."})
    assert v.is_name("yildiz") and v.is_name("Harbourside") and v.is_name("ayse yildiz")
    assert not v.is_name("turnout") and not v.is_name("the") and not v.is_name("millbrook")
    # a common word a table only writes capitalised ("| Before |" as a header) is no name, a rare one still is
    headers = Vocabulary({}, {"t.md": "| Branch | Before | After |\n|---|---|---|\n| Harbourside | 12 | 14 |"})
    common = lambda word: word in {"before", "after", "branch"}     # noqa: E731 (the encoder's own word pieces)
    assert not headers.is_name("before", common) and headers.is_name("before")
    assert headers.is_name("harbourside", common)


def test_a_name_typed_with_its_possessives_s_but_no_apostrophe_is_read_as_the_possessive():
    v = vocabulary("Captain Ayşe Yıldız sailed the Curlew. Her crews rowed in the harbour races.",
                   "Lindqvist won the race. Every race had two boats.")
    assert v.possessives("who was yildizs first mate") == "who was yildiz's first mate"
    assert v.possessives("What did Lindqvists crew win?") == "What did Lindqvist's crew win?"
    assert v.possessives("how many crews rowed") == "how many crews rowed"     # a word the documents write
    assert v.possessives("how many races had boats") == "how many races had boats"   # "race" is no name
    assert v.possessives("what is yildiz's boat") == "what is yildiz's boat"
    assert v.possessives("how many Lindqvists were there") == "how many Lindqvists were there"   # a plural
    assert v.possessives("who beat the Lindqvists?") == "who beat the Lindqvists?"


def test_a_possessive_of_a_name_is_capitalised_like_the_name():
    v = vocabulary("Captain Ayşe Yıldız sailed the Curlew across the bay.")
    assert v.truecase("who was yildiz's first mate") == "who was Yildiz's first mate"
