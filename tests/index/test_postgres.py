"""The Postgres store: BM25 postings score like rank-bm25, builds round-trip, and a failed build changes nothing."""
import numpy as np
import pytest

from index.bm25_postings import postings
from index.fold import terms
from index.postgres import Database
from index.tables import tables_to_json


def _scores(plist, n, query):
    by_term = {p.term: p for p in plist}
    scores = np.zeros(n)
    for q in query:
        p = by_term.get(q)
        if p:
            scores[p.chunks] += p.idf * np.array(p.weights)
    return scores


def test_postings_give_rank_bm25_scores():
    from rank_bm25 import BM25Okapi

    docs = [terms(t) for t in ("Bees pollinate the orchard in spring.", "The orchard has forty apple trees.",
                               "Spring frost damaged the apple blossom; apple yield fell.", "Bees swarm.",
                               "the the the orchard", "")]
    reference = BM25Okapi(docs)
    plist = postings(docs)
    assert {p.term: p.idf for p in plist} == pytest.approx(reference.idf)
    for query in (["appl"], ["bee", "orchard"], ["appl", "appl", "spring"], ["the"], ["absent"]):
        assert _scores(plist, len(docs), query) == pytest.approx(reference.get_scores(query))


def test_a_published_build_reads_back_whole(pg_url, own_engine):
    db = Database(pg_url, "roundtrip")
    build_id = db.publish(own_engine.index)
    loaded = db.load()
    assert loaded.build_id == build_id == db.current_build()
    assert loaded.index.chunks == own_engine.index.chunks
    assert loaded.index.texts == own_engine.index.texts
    assert tables_to_json(loaded.index.tables) == tables_to_json(own_engine.index.tables)
    assert loaded.index.manifest.docs == own_engine.index.manifest.docs


def test_sql_retrieval_matches_the_local_retriever(pg_url, own_engine):
    from app.retrieve_sql import SqlRetriever

    db = Database(pg_url, "retrieval")
    build_id = db.publish(own_engine.index)
    sql = SqlRetriever(db.load().index, own_engine.retriever.model, db, build_id)
    assert sql.bm25.idf == pytest.approx(own_engine.retriever.bm25.idf)
    for q in ("How many members did the cooperative have?", "tomato harvest kg", "who chairs the board"):
        local, remote = own_engine.retriever.sparse(q, 10), sql.sparse(q, 10)
        assert [s for _, s in remote] == pytest.approx([s for _, s in local])
        assert {i for i, _ in remote} == {i for i, _ in local}
        local, remote = own_engine.retriever.dense(q, 5), sql.dense(q, 5)
        assert [i for i, _ in remote] == [i for i, _ in local]
        assert [s for _, s in remote] == pytest.approx([s for _, s in local], abs=1e-5)


def test_a_failed_build_leaves_the_previous_one_current(pg_url, own_engine, monkeypatch):
    db = Database(pg_url, "atomic")
    first = db.publish(own_engine.index)

    def broken(tokens):
        yield from []
        raise RuntimeError("interrupted while writing the BM25 index")

    monkeypatch.setattr("index.postgres.postings", broken)
    with pytest.raises(RuntimeError, match="interrupted"):
        db.publish(own_engine.index)
    assert db.current_build() == first
    rows = db.connection().execute("SELECT count(*) FROM docqa.builds WHERE collection = 'atomic'").fetchone()[0]
    assert rows == 1 and db.load().index.chunks == own_engine.index.chunks


def test_builds_older_than_the_previous_one_are_deleted(pg_url, own_engine):
    db = Database(pg_url, "history")
    ids = [db.publish(own_engine.index) for _ in range(3)]
    kept = db.connection().execute("SELECT id FROM docqa.builds WHERE collection = 'history' ORDER BY id").fetchall()
    assert [r[0] for r in kept] == ids[1:]
    chunks = db.connection().execute("SELECT count(DISTINCT build_id) FROM docqa.chunks WHERE build_id = ANY(%s)",
                                     (ids,)).fetchone()[0]
    assert chunks == 2
