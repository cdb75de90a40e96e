"""The supporting-sentence ranker on the tests' own document: it loads, ranks the sentence that answers over its
neighbours and, all else alike, the sentence closer in meaning first; keeps to the year asked; reads stored sentence
vectors when the index has them; and an account abstains only when no passage is about the question."""
import json

import numpy as np
import pytest

from app.chooser import Asked
from app.support import DEFAULT_PATH, FEATURES, SentenceRanker, best_distinct, default_ranker, features
from app.text_answer import account_sentences
from tests.conftest import TEXT_DOCS


def test_the_model_file_round_trips_and_refuses_other_features():
    ranker = SentenceRanker(tuple([0.0] * len(FEATURES)), tuple([1.0] * len(FEATURES)),
                            tuple([1.0] + [0.0] * (len(FEATURES) - 1)))
    assert SentenceRanker.from_dict(json.loads(json.dumps(ranker.to_dict()))) == ranker
    with pytest.raises(ValueError, match="other features"):
        SentenceRanker.from_dict({**ranker.to_dict(), "features": ["sentence_cover"]})


def test_the_ranker_shares_one_probability_among_a_questions_candidates_by_how_they_compare():
    rows = np.random.default_rng(0).normal(size=(5, len(FEATURES)))
    shares = default_ranker().shares(rows)
    assert shares.sum() == pytest.approx(1.0) and np.argmax(shares) == np.argmax(default_ranker().scores(rows))
    assert default_ranker().shares(rows + 3.0) == pytest.approx(shares)    # what all candidates share says nothing
    assert default_ranker().shares(rows[:1]) == pytest.approx([1.0])


def test_the_best_sentences_pass_over_one_that_shares_text_with_a_better_one():
    placed = [("a.md", 0, 40), ("a.md", 0, 40), ("a.md", 41, 80), ("b.md", 0, 40), ("a.md", 30, 60)]
    scores = np.array([0.9, 0.8, 0.5, 0.6, 0.7])   # the second is the first again, from an overlapping passage
    assert best_distinct(placed, scores, 3) == [0, 3, 2]
    assert best_distinct(placed, scores, 1) == [0]


def test_an_unreadable_ranker_file_is_reported_and_not_used(tmp_path, capsys):
    bad = tmp_path / "support.json"
    bad.write_text(json.dumps({"features": list(FEATURES)}))     # no weights
    assert default_ranker(bad) is None
    assert "cannot be used" in capsys.readouterr().err


def test_the_shipped_ranker_was_fitted_on_squad_beats_coverage_on_held_out_articles_and_is_small():
    meta = json.loads(DEFAULT_PATH.read_text())
    assert meta["features"] == list(FEATURES) and len(meta["rotation"]["folds"]) == 5
    assert meta["rotation"]["all"]["ranker"] > meta["rotation"]["all"]["coverage"]
    assert DEFAULT_PATH.stat().st_size < 50e3
    assert isinstance(default_ranker(), SentenceRanker)


def _ranked(engine, question: str) -> tuple[list, np.ndarray]:
    """The candidate sentences of an account and the shipped ranker's shares of them."""
    hits = [h for h in engine.retrieve(question) if h.chunk.kind == "text"]
    asked = Asked.of(question, engine.vocabulary)
    sentences = account_sentences(question, asked, hits)
    return sentences, default_ranker().shares(features(asked, sentences, engine.text.similarities(question, sentences)))


def test_the_ranker_puts_the_sentence_that_answers_over_its_neighbours(regatta_engine):
    sentences, shares = _ranked(regatta_engine, "Who paid for the new boats?")
    assert "council paid for new boats" in sentences[int(np.argmax(shares))].span.text
    assert len(sentences) >= 2     # the storm sentence before it shares its passage and the word "boats"


def test_an_account_is_the_rankers_best_sentences_each_cited_once_as_its_passage_orders_them(regatta_engine):
    question = "How did the club pay for the new boats?"
    sentences, shares = _ranked(regatta_engine, question)
    best = sentences[int(np.argmax(shares))]
    result = regatta_engine.ask(question)
    cited = [(c["doc"], c["quote_start"], c["quote_end"]) for c in result["citations"]]
    assert result["short_answer"] is None and 2 <= len(cited) <= 3 and len(set(cited)) == len(cited)
    assert (best.hit.chunk.doc, best.span.start, best.span.end) in cited     # not always the first: reading order
    by_passage = [(c["chunk_id"], c["quote_start"]) for c in result["citations"]]
    assert all(a[1] < b[1] for a, b in zip(by_passage, by_passage[1:]) if a[0] == b[0])
    assert "storm" in result["answer"] and "council paid for new boats" in result["answer"]


@pytest.mark.parametrize("year, other", [("2018", "2022"), ("2022", "2018")])
def test_an_account_comes_from_the_year_asked(regatta_engine, year, other):
    result = regatta_engine.ask(f"Tell me about the {year} race")
    assert result["kind"] == "text" and result["short_answer"] is None
    quote = result["citations"][0]["quote"]
    assert year in quote + result["citations"][0]["section"] and other not in quote


def test_an_account_abstains_when_no_passage_of_the_year_asked_names_whom_it_asks_about(regatta_engine):
    result = regatta_engine.ask("Tell me about the Heron crew in 1931")
    assert result["kind"] == "none" and not result["citations"]


def test_of_two_sentences_alike_in_every_other_feature_the_one_closer_in_meaning_ranks_first():
    rows = np.zeros((2, len(FEATURES)))
    rows[:, FEATURES.index("similarity")] = 0.6, 0.2   # as many words shared with the question; one means less of it
    shares = default_ranker().shares(rows)
    assert shares[0] > 2 * shares[1]


def test_sentence_similarities_come_from_the_vectors_stored_with_the_index(regatta_engine, monkeypatch):
    question = "Why was the 2020 regatta cancelled?"
    hits = [h for h in regatta_engine.retrieve(question) if h.chunk.kind == "text"]
    sentences = account_sentences(question, Asked.of(question, regatta_engine.vocabulary), hits)
    stored = [regatta_engine.text.sentences.get(s.hit.chunk.doc, s.span.start, s.span.end) for s in sentences]
    assert sentences and all(v is not None for v in stored)
    expected = np.vstack(stored) @ regatta_engine.text.embed_query(question)[0]
    monkeypatch.setattr("app.text_answer.embed", lambda *a, **k: pytest.fail("a stored sentence was embedded again"))
    assert np.allclose(regatta_engine.text.similarities(question, sentences), expected)
