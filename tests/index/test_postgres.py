"""The Postgres store: builds round-trip (BM25 scores included), and a failed build changes nothing."""
import shutil

import pytest

from index.fold import terms
from index.postgres import Database
from index.tables import tables_to_json
from tests.conftest import ROOT

TEXT_DOCS = ROOT / "tests" / "data" / "text_docs"


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
        assert sql_hits == local_hits          # the same BM25 matrix, scored by the same code
        local_hits, sql_hits = local.dense(q, 5), sql.dense(q, 5)
        assert [i for i, _ in sql_hits] == [i for i, _ in local_hits]
        assert [s for _, s in sql_hits] == pytest.approx([s for _, s in local_hits], abs=1e-5)


def test_full_text_ranking_is_available_for_comparison(pg_url, own_engine):
    from index.postgres import FullTextSparse

    db = Database(pg_url, "full-text")
    build_id = db.publish(own_engine.index)
    hits = FullTextSparse(db, build_id, {}).top(terms("tomato harvest"), 5)
    assert hits and all("tomato" in own_engine.index.chunks[i].search_text.lower() or
                        "harvest" in own_engine.index.chunks[i].search_text.lower() for i, _ in hits)


def test_a_failed_build_leaves_the_previous_one_current(pg_url, own_engine, monkeypatch):
    db = Database(pg_url, "atomic")
    first = db.publish(own_engine.index)

    def broken(index):
        raise RuntimeError("interrupted while writing the BM25 index")

    monkeypatch.setattr("index.postgres._build_files", broken)
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
    placed = db.connection().execute("SELECT count(DISTINCT build_id) FROM docqa.build_docs WHERE build_id = ANY(%s)",
                                     (ids,)).fetchone()[0]
    assert placed == 2


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


def test_an_approximate_build_searches_through_its_collections_hnsw_index(pg_url, own_engine):
    from app.retrieve import Retriever

    db = Database(pg_url, "hnsw")
    db.publish(_with_dense(own_engine.index, "hnsw"))
    loaded = db.load().index
    assert loaded.vectors.approximate
    sql, local = Retriever(loaded, own_engine.model), own_engine.retriever
    for q in ("How many members did the cooperative have?", "tomato harvest kg", "who chairs the board"):
        assert [i for i, _ in sql.dense(q, 5)] == [i for i, _ in local.dense(q, 5)]   # a small graph is exact
    conn, vector = db.connection(), own_engine.retriever.embed_query("tomato harvest")[0]
    with conn.transaction():
        conn.execute("SET LOCAL enable_sort = off")     # a table this small would be sorted: ask for the plan
        query = db.approximate_query(len(vector)).as_string(conn)
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + query, (vector, vector, 128, 1, 5)))
    assert db.hnsw_index(len(vector)) in plan


def test_a_collection_has_an_hnsw_index_while_its_builds_are_approximate(pg_url, own_engine):
    db = Database(pg_url, "hnsw-history")
    for _ in range(2):
        db.publish(_with_dense(own_engine.index, "hnsw"))
    indexes = lambda: {r[0] for r in db.connection().execute(  # noqa: E731
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'docqa' AND indexname LIKE 'doc_chunks_hnsw_%'")}
    name = db.hnsw_index(own_engine.index.manifest.dim)
    assert name in indexes()
    db.publish(own_engine.index)                       # a flat build reads exactly, and needs no graph
    assert not db.load().index.vectors.approximate and name not in indexes()


def test_a_publish_writes_rows_only_for_new_or_edited_documents(pg_url, docs_copy, tmp_path, model):
    from index.build import build
    from index.store import load

    shutil.copy(TEXT_DOCS / "harbour_regatta.md", docs_copy)
    out, db = tmp_path / "index", Database(pg_url, "incremental")
    build(docs_copy, out, model=model)
    db.publish(load(out))
    rows = lambda: dict(db.connection().execute(  # noqa: E731
        "SELECT d.name, t.xmin::text || '/' || e.xmin::text FROM docqa.build_docs d JOIN docqa.doc_texts t "
        "ON t.key = d.key JOIN docqa.doc_extras e ON e.key = d.key WHERE d.build_id = %s",
        (db.current_build(),)).fetchall())
    before = rows()
    edited = docs_copy / "greenhouse.md"
    edited_before = sum(c.doc == edited.name for c in load(out).chunks)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe cooperative also keeps bees.\n", encoding="utf-8")
    build(docs_copy, out, model=model)
    local = load(out)
    db.publish(local)
    after = rows()
    assert {n for n in after if after[n] != before[n]} == {edited.name}      # the others' rows were not rewritten
    loaded = db.load().index
    assert loaded.chunks == local.chunks and loaded.texts == local.texts
    assert tables_to_json(loaded.tables) == tables_to_json(local.tables)
    assert loaded.extras["sentences"].doc_rows == local.extras["sentences"].doc_rows
    assert (loaded.extras["sentences"].vectors == local.extras["sentences"].vectors).all()
    stored = db.connection().execute("SELECT count(*) FROM docqa.doc_chunks WHERE collection = 'incremental'").fetchone()[0]
    assert stored == len(local.chunks) + edited_before          # the previous build keeps its version


def test_a_rebuild_publishes_the_index_it_built_without_reading_the_folder_again(pg_url, docs_copy, tmp_path, model,
                                                                                  monkeypatch):
    from index import publish, store

    out, db = tmp_path / "index", Database(pg_url, "published")
    publish.build_and_publish(docs_copy, out, model=model, db=db)
    edited = docs_copy / "greenhouse.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe cooperative also keeps bees.\n", encoding="utf-8")
    reads, load = [], store.load
    monkeypatch.setattr(store, "load", lambda folder: reads.append(folder) or load(folder))
    publish.build_and_publish(docs_copy, out, model=model, db=db)
    assert len(reads) == 1                  # the previous index, for reuse; the new one is published as built
    local, loaded = load(out), db.load().index
    assert loaded.chunks == local.chunks and loaded.texts == local.texts
    assert "keeps bees" in loaded.texts[edited.name]


def test_a_rebuild_whose_publishing_fails_still_writes_the_folder_and_the_next_build_publishes_it(
        pg_url, docs_copy, tmp_path, model, monkeypatch):
    from index import publish, store

    out, db = tmp_path / "index", Database(pg_url, "failing")
    publish.build_and_publish(docs_copy, out, model=model, db=db)
    first = db.current_build()
    edited = docs_copy / "greenhouse.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe cooperative also keeps goats.\n", encoding="utf-8")

    def refuse(index):
        raise RuntimeError("the server went away")

    monkeypatch.setattr(db, "publish", refuse)
    with pytest.raises(RuntimeError, match="went away"):
        publish.build_and_publish(docs_copy, out, model=model, db=db)
    assert "keeps goats" in store.load(out).texts[edited.name]     # the folder was written all the same
    assert db.current_build() == first                              # and the database still serves the old build
    monkeypatch.undo()
    publish.build_and_publish(docs_copy, out, model=model, db=db)
    assert "keeps goats" in db.load().index.texts[edited.name]


def test_a_builds_bm25_files_are_stored_uncompressed(pg_url, own_engine):
    db = Database(pg_url, "roundtrip")
    storage = db.connection().execute("SELECT attstorage FROM pg_attribute WHERE attrelid = 'docqa.files'::regclass "
                                      "AND attname = 'data'").fetchone()[0]
    assert storage == "e"                   # EXTERNAL: out of line, never compressed


def test_a_builds_sentence_vectors_read_back_equal_and_memory_mapped(pg_url, own_engine):
    import numpy as np

    db = Database(pg_url, "roundtrip")
    db.publish(own_engine.index)
    local, stored = own_engine.index.extras["sentences"], db.load().index.extras["sentences"]
    assert stored.vectors.shape == local.vectors.shape and len(local.keys) > 1
    assert isinstance(stored.vectors, np.memmap)              # a server keeps only the pages it reads
    assert np.array_equal(stored.vectors, local.vectors)
    assert stored.keys == local.keys and stored.doc_rows == local.doc_rows


def test_a_folder_of_an_older_format_is_rebuilt_before_it_is_published(pg_url, docs_copy, tmp_path, model):
    """After an upgrade bumps the index format, publishing rebuilds the folder instead of failing to load it."""
    import json

    from index import publish, store

    out, db = tmp_path / "index", Database(pg_url, "upgraded")
    publish.build_and_publish(docs_copy, out, model=model, db=db)
    first = db.current_build()
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "format_version": store.FORMAT_VERSION - 1}))
    publish.build_and_publish(docs_copy, out, model=model, db=db)
    assert store.load(out).manifest.format_version == store.FORMAT_VERSION
    assert db.current_build() != first and db.load().index.chunks == store.load(out).chunks
