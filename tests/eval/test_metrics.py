"""The scoring functions: answer normalisation, EM/F1, citations, traceable numbers, ranks, abstention, latency."""
import math

import pytest

from eval import metrics


@pytest.mark.parametrize("a, b", [
    ("81,777", "81777"),                      # thousands separators
    ("54.2%", "54.2"),                        # percent sign
    ("İMAMOĞLU", "imamoglu"),                 # case and Turkish diacritics
    ("Bağcılar", "Bagcilar"),
    ("the CHP", "CHP"),                       # articles
    ("a Cabinet reshuffle", "Cabinet reshuffle"),
    ("%54,2", "54.2"),                        # Turkish percent and decimal comma
    ("45.0", "45"),                           # trailing decimal zeros
    ("Tomás  Reyes.", "tomas reyes"),         # punctuation and spacing
])
def test_normalisation_makes_equivalent_forms_equal(a, b):
    assert metrics.normalize(a) == metrics.normalize(b)
    assert metrics.exact_match(a, [b])


@pytest.mark.parametrize("a, b", [("54.2", "542"), ("81,777", "81,778"), ("Kurum", "Murat Kurum"), ("0.5", "5")])
def test_normalisation_keeps_different_answers_apart(a, b):
    assert not metrics.exact_match(a, [b])


def test_a_missing_prediction_never_matches():
    assert not metrics.exact_match(None, ["54.2%"])
    assert not metrics.exact_match("", [""])
    assert metrics.token_f1(None, ["x"]) == 0.0


def test_canonical_number():
    assert metrics.canonical_number("11,314,534") == "11314534"
    assert metrics.canonical_number("1.234.567") == "1234567"
    assert metrics.canonical_number("75.0") == "75"
    assert metrics.canonical_number("0.50") == "0.5"
    assert metrics.canonical_number("007") == "7"


def test_token_f1_takes_the_best_accepted_answer():
    assert metrics.token_f1("Murat Kurum", ["Kurum", "Murat Kurum"]) == 1.0
    assert metrics.token_f1("Kurum", ["Murat Kurum"]) == pytest.approx(2 / 3)
    assert metrics.token_f1("Istanbul", ["Murat Kurum"]) == 0.0


def test_contains_answer_needs_whole_tokens_in_order():
    answer = "Murat Kurum received 81,777 votes (48.3%) in Arnavutköy [1]."
    assert metrics.contains_answer(answer, ["81777"])
    assert metrics.contains_answer(answer, ["48.3"])
    assert metrics.contains_answer(answer, ["arnavutkoy"])
    assert not metrics.contains_answer(answer, ["8.3"])          # not a token of 48.3
    assert not metrics.contains_answer(answer, ["Kurum Murat"])
    assert not metrics.contains_answer(None, ["81777"])


def test_numbers_are_canonical_and_skip_citation_markers():
    assert metrics.numbers("Kurum won 81,777 votes (48.3%) [1][2].") == ["81777", "48.3"]
    assert metrics.numbers("a 13,700-vote margin, 57-fold") == ["13700", "57"]
    assert metrics.numbers("no digits here") == []


def test_untraced_numbers_lists_what_no_source_holds():
    cited = "| Bağcılar | 150,182 | 39.1 | 189,378 | 49.3 | 44,269 | 11.6 | 383,829 | 511,524 |"
    answer = "Turnout in Bağcılar was 75.0% (383,829 of 511,524 registered electors) [1]."
    assert metrics.untraced_numbers(answer, [cited]) == ["75"]
    assert metrics.untraced_numbers(answer, [cited, "383,829 / 511,524 = 75.0%"]) == []
    assert metrics.untraced_numbers(answer, [None, ""]) == ["75", "383829", "511524"]


def test_evidence_matching_ignores_case_diacritics_and_spacing():
    passage = "The results showed a substantial swing in favour of İmamoğlu,\n  who multiplied"
    assert metrics.passage_contains(passage, "swing in favour of Imamoglu, who")
    assert not metrics.passage_contains(passage, "swing against Imamoglu")
    assert metrics.evidence_found(["swing", "Kurum"], [passage, "Murat Kurum"]) == [True, True]
    assert metrics.evidence_found(["swing", "Kurum"], [passage]) == [True, False]


def test_evidence_rank_waits_for_every_evidence_string():
    ranked = ["nothing", "June 2019: 54.2% of the vote", "filler", "Previous Election: June 2019"]
    assert metrics.evidence_rank(["54.2% of the vote"], ranked) == 2
    assert metrics.evidence_rank(["54.2% of the vote", "Previous Election"], ranked) == 4
    assert metrics.evidence_rank(["not there"], ranked) is None
    assert metrics.evidence_rank([], ranked) is None


def test_recall_at_k_and_mrr():
    ranks = [1, 2, 5, None]
    assert metrics.recall_at(ranks, 1) == 0.25
    assert metrics.recall_at(ranks, 3) == 0.5
    assert metrics.recall_at(ranks, 5) == 0.75
    assert metrics.mrr(ranks) == pytest.approx((1 + 1 / 2 + 1 / 5) / 4)
    assert math.isnan(metrics.recall_at([], 5)) and math.isnan(metrics.mrr([]))


def test_abstention_precision_and_recall():
    abstained = [True, True, False, True, False]
    unanswerable = [True, False, True, True, False]
    precision, recall = metrics.abstention(abstained, unanswerable)
    assert precision == pytest.approx(2 / 3) and recall == pytest.approx(2 / 3)
    precision, recall = metrics.abstention([False, False], [True, False])
    assert math.isnan(precision) and recall == 0.0


def test_percentile_interpolates():
    values = [10, 20, 30, 40, 50]
    assert metrics.percentile(values, 50) == 30
    assert metrics.percentile(values, 95) == pytest.approx(48)
    assert metrics.percentile([7], 95) == 7
    assert math.isnan(metrics.percentile([], 50))


def test_a_passage_answer_needs_every_evidence_string_cited_and_no_short_answer():
    cited = ["Gunmen opened fire at the Dockside rally.", "Nine people were held."]
    assert metrics.passage_answer(None, ["opened fire at the dockside rally"], cited)
    assert metrics.passage_answer("", ["opened fire", "nine people were held"], cited)
    assert not metrics.passage_answer("Dockside", ["opened fire"], cited)
    assert not metrics.passage_answer(None, ["opened fire", "twelve people"], cited)
    assert not metrics.passage_answer(None, [], cited)
