"""The Postgres store: BM25 postings score like rank-bm25, builds round-trip, and a failed build changes nothing."""
import numpy as np
import pytest

from index.bm25_postings import postings
from index.fold import terms
from index.postgres import Database
from index.sparse import SparseIndex, TermCounts
from index.tables import tables_to_json


def test_postings_give_rank_bm25_scores():
    from rank_bm25 import BM25Okapi

    docs = [terms(t) for t in ("Bees pollinate the orchard in spring.", "The orchard has forty apple trees.",
                               "Spring frost damaged the apple blossom; apple yield fell.", "Bees swarm.",
                               "the the the orchard", "")]
    reference = BM25Okapi(docs)
    plist = {p.term: p for p in postings(SparseIndex.build(TermCounts.from_tokens(docs)))}
    assert {t: p.idf for t, p in plist.items()} == reference.idf
    for query in (["appl"], ["bee", "orchard"], ["appl", "appl", "spring"], ["the"], ["absent"]):
        scores = np.zeros(len(docs))
        for q in query:
            if q in plist:
                scores[plist[q].chunks] += plist[q].scores
        assert scores == pytest.approx(reference.get_scores(query), abs=1e-12)


def test_a_published_build_reads_back_whole(pg_url, own_engine):
    db = Database(pg_url, "roundtrip")
    build_id = db.publish(own_engine.index)
    loaded = db.load()
    assert loaded.build_id == build_id == db.current_build()
    assert loaded.index.chunks == own_engine.index.chunks
    assert loaded.index.texts == own_engine.index.texts
    assert tables_to_json(loaded.index.tables) == tables_to_json(own_engine.index.tables)
    assert loaded.index.manifest.docs == own_engine.index.manifest.docs
    lexicon, local = loaded.index.lexicon, own_engine.index.lexicon
    assert (lexicon.surface, lexicon.upper, lexicon.lower) == (local.surface, local.upper, local.lower)
    assert {d: lexicon.doc_terms[d] for d in lexicon.doc_terms} == {d: local.doc_terms[d] for d in local.doc_terms}


def test_sql_retrieval_matches_the_local_index(pg_url, own_engine):
    from app.retrieve import Retriever

    db = Database(pg_url, "retrieval")
    db.publish(own_engine.index)
    sql, local = Retriever(db.load().index, own_engine.model), own_engine.retriever
    assert dict(sql.bm25.idf) == dict(local.bm25.idf)
    for q in ("How many members did the cooperative have?", "tomato harvest kg", "who chairs the board"):
        local_hits, sql_hits = local.sparse(q, 10), sql.sparse(q, 10)
        assert [s for _, s in sql_hits] == pytest.approx([s for _, s in local_hits], abs=1e-12)
        assert {i for i, _ in sql_hits} == {i for i, _ in local_hits}
        local_hits, sql_hits = local.dense(q, 5), sql.dense(q, 5)
        assert [i for i, _ in sql_hits] == [i for i, _ in local_hits]
        assert [s for _, s in sql_hits] == pytest.approx([s for _, s in local_hits], abs=1e-5)


def test_full_text_ranking_is_available_for_comparison(pg_url, own_engine):
    from index.postgres import SqlSparse

    db = Database(pg_url, "full-text")
    build_id = db.publish(own_engine.index)
    hits = SqlSparse(db, build_id, {}, len(own_engine.index.chunks), kind="tsvector").top(terms("tomato harvest"), 5)
    assert hits and all("tomato" in own_engine.index.chunks[i].search_text.lower() or
                        "harvest" in own_engine.index.chunks[i].search_text.lower() for i, _ in hits)


def test_a_failed_build_leaves_the_previous_one_current(pg_url, own_engine, monkeypatch):
    db = Database(pg_url, "atomic")
    first = db.publish(own_engine.index)

    def broken(sparse):
        yield from postings(sparse)
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


def test_a_build_in_an_older_table_layout_is_not_read_but_replaced(pg_url, own_engine):
    from index.postgres import LAYOUT
    from index.store import IndexUnavailable

    db = Database(pg_url, "layout")
    old = db.publish(own_engine.index)
    db.connection().execute("UPDATE docqa.builds SET layout = %s WHERE id = %s", (LAYOUT - 1, old))
    assert db.current_build() is None and db.manifest() is None
    with pytest.raises(IndexUnavailable, match="no build"):
        db.load()
    new = db.publish(own_engine.index)
    assert db.load().build_id == new
    kept = db.connection().execute("SELECT id FROM docqa.builds WHERE collection = 'layout'").fetchall()
    assert [r[0] for r in kept] == [new]


def _with_dense(index, kind: str):
    """The same index, its manifest saying it was built with another dense kind."""
    import copy
    from dataclasses import replace

    other = copy.copy(index)
    other.manifest = replace(index.manifest, dense=kind)
    return other


def test_an_approximate_build_searches_through_its_own_hnsw_index(pg_url, own_engine):
    from app.retrieve import Retriever

    db = Database(pg_url, "hnsw")
    build_id = db.publish(_with_dense(own_engine.index, "hnsw"))
    loaded = db.load().index
    assert loaded.vectors.approximate
    sql, local = Retriever(loaded, own_engine.model), own_engine.retriever
    for q in ("How many members did the cooperative have?", "tomato harvest kg", "who chairs the board"):
        assert [i for i, _ in sql.dense(q, 5)] == [i for i, _ in local.dense(q, 5)]   # a small graph is exact
    conn = db.connection()
    with conn.transaction():
        conn.execute("SET LOCAL enable_sort = off")     # a table this small would be sorted: ask for the plan
        vector = own_engine.retriever.embed_query("tomato harvest")[0]
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN SELECT pos FROM docqa.chunks WHERE build_id = {build_id} "
            f"ORDER BY embedding::vector({len(vector)}) <#> %s LIMIT 5", (vector,)))
    assert f"chunks_hnsw_{build_id}" in plan


def test_an_hnsw_index_goes_with_its_build(pg_url, own_engine):
    db = Database(pg_url, "hnsw-history")
    ids = [db.publish(_with_dense(own_engine.index, "hnsw")) for _ in range(3)]
    names = {r[0] for r in db.connection().execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'docqa' AND indexname LIKE 'chunks_hnsw_%'")}
    assert {f"chunks_hnsw_{i}" for i in ids} & names == {f"chunks_hnsw_{i}" for i in ids[1:]}
    exact = db.publish(own_engine.index)                       # a flat build has none, and reads exactly
    assert not db.load().index.vectors.approximate and f"chunks_hnsw_{exact}" not in {r[0] for r in db.connection().execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'docqa'")}
