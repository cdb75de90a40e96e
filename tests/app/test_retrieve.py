"""Hybrid retrieval fuses BM25 and dense rankings; each mode finds the passage that holds the answer."""
import numpy as np
import pytest

from app.retrieve import DENSE_FLOOR, _rrf, _weighted
from app.settings import Settings


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = _rrf([[(1, 0.9), (2, 0.8)], [(2, 7.0), (3, 5.0)]], k=60)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert max(fused, key=fused.get) == 2


def test_weighted_fusion_is_a_convex_combination_of_min_max_scores():
    fused = _weighted([(1, 0.9), (2, 0.5)], [(2, 10.0), (3, 2.0)], weight=0.5, k=2)
    assert fused == {1: pytest.approx(0.5), 2: pytest.approx(0.5), 3: pytest.approx(0.0)}


def test_a_list_cut_short_by_a_small_corpus_is_scaled_from_what_a_last_candidate_would_score():
    # k = 30 but only three chunks: BM25 is scaled from 0, the dense cosines from DENSE_FLOOR, not from their lowest
    dense, sparse = [(1, 0.8), (2, 0.7), (3, 0.6)], [(1, 4.0), (2, 3.0)]
    fused = _weighted(dense, sparse, weight=0.5, k=30)
    span = 0.8 - DENSE_FLOOR
    assert fused[2] == pytest.approx(0.5 * (0.7 - DENSE_FLOOR) / span + 0.5 * 3.0 / 4.0)
    assert fused[3] == pytest.approx(0.5 * (0.6 - DENSE_FLOOR) / span) and fused[3] > 0


@pytest.mark.parametrize("settings", [Settings(mode="bm25"), Settings(mode="dense"),
                                      Settings(fusion="rrf"), Settings(fusion="weighted")])
def test_every_mode_ranks_the_answering_passage_first(own_engine, settings):
    hits = own_engine.retrieve("Who has chaired the board since 2020?", settings)
    assert "Ingrid Halvorsen" in hits[0].chunk.text


def test_misspelt_names_are_repaired_before_retrieval(own_engine):
    hits = own_engine.retrieve("Ingrid Halvorsne chair")
    assert "Ingrid Halvorsen" in hits[0].chunk.text


def test_a_question_typed_without_its_question_mark_is_embedded_as_the_one_with_it(own_engine):
    embed = own_engine.retriever.embed_query
    typed, asked = embed("who chairs the board"), embed("who chairs the board?")
    assert np.array_equal(typed, asked)     # the chooser's and the sentence ranker's similarities were fitted with it
