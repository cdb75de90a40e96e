"""The passage ranker on the tests' own document: it loads, was fitted on SQuAD and beats retrieval's order on
held-out articles, puts a passage whose sentence says what is asked before one that only shares its words, and
leaves retrieval's first passage first."""
import json

import numpy as np
import pytest

from app.chooser import Asked
from app.rerank import DEFAULT_PATH, FEATURES, PassageRanker, default_passage_ranker, features
from app.retrieve import Hit
from app.settings import Settings

APIARY = """# Wrenfield Beekeepers

## The apiary

The apiary hives stand behind the village hall at Wrenfield. Members visit the apiary hives every Saturday morning,
and the apiary hives are inspected in pairs. The apiary hive stands were rebuilt in the spring.

## Honey

Honey from the apiary hives is sold at the summer fete. The apiary hives gave 212 jars of honey this year, and the
honey from the apiary hives won a rosette at the county show.

## Early days

The association was founded in 1952 by six growers from the valley. Morag Lindsay was the first person to manage its
hives, and kept twelve colonies in her orchard until 1970.
"""
QUESTION = "who was the first manager of the apiary hives"


def test_the_model_file_round_trips_and_refuses_other_features():
    ranker = PassageRanker(tuple([0.0] * len(FEATURES)), tuple([1.0] * len(FEATURES)),
                           tuple([1.0] + [0.0] * (len(FEATURES) - 1)))
    assert PassageRanker.from_dict(json.loads(json.dumps(ranker.to_dict()))) == ranker
    with pytest.raises(ValueError, match="fit-rerank"):
        PassageRanker.from_dict({**ranker.to_dict(), "features": ["retrieval"]})


def test_an_unreadable_ranker_file_is_reported_and_not_used(tmp_path, capsys):
    bad = tmp_path / "rerank.json"
    bad.write_text("{not json")
    assert default_passage_ranker(bad) is None
    assert "retrieval order" in capsys.readouterr().err


def test_the_shipped_ranker_was_fitted_on_squad_beats_retrieval_order_on_held_out_articles_and_is_small():
    meta = json.loads(DEFAULT_PATH.read_text())
    assert meta["features"] == list(FEATURES) and len(meta["rotation"]["folds"]) == 5
    held = meta["rotation"]["all"]
    assert held["after the first @2"] > held["retrieval @2"] and held["ranker @1"] > held["retrieval @1"]
    assert DEFAULT_PATH.stat().st_size < 50e3
    assert isinstance(default_passage_ranker(), PassageRanker)


@pytest.fixture(scope="module")
def apiary(engine_over):
    engine = engine_over("bees.md", APIARY)
    chunks = {c.section[-1]: c for c in engine.index.chunks if c.kind == "text"}
    return engine, chunks


def _hits(chunks, order: list[str]) -> list[Hit]:
    """The chunks under these headings as retrieval would hand them over, best first."""
    return [Hit(chunks[heading], score) for heading, score in zip(order, (0.9, 0.8, 0.7))]


def test_a_passage_whose_sentence_says_what_is_asked_is_read_before_one_that_only_shares_its_words(apiary):
    engine, chunks = apiary
    hits = _hits(chunks, ["The apiary", "Honey", "Early days"])
    rows = features(Asked.of(QUESTION, engine.vocabulary), hits, engine.text.embed_query(QUESTION),
                    engine.text.sentences)
    assert rows[2, FEATURES.index("cover")] > rows[1, FEATURES.index("cover")]
    ordered = engine.text.ordered(QUESTION, hits, Settings())
    assert [h.chunk.section[-1] for h in ordered] == ["The apiary", "Early days", "Honey"]   # the first stays first
    assert engine.text.ordered(QUESTION, hits, Settings(rerank=False)) == hits


def test_the_ranker_scores_passages_only_against_each_other():
    ranker = default_passage_ranker()
    rows = np.random.default_rng(0).normal(size=(4, len(FEATURES)))
    assert np.argsort(ranker.scores(rows)).tolist() == np.argsort(ranker.scores(rows + 2.0)).tolist()
