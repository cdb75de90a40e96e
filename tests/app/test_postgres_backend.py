"""The Postgres backend answers exactly as the local one, and several servers share one database."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from eval.qa_set import load_set
from tests.conftest import ROOT

OWN_QUESTIONS = ["When was the cooperative founded?", "How many members did the cooperative have?",
                 "Who chairs the board?", "What is the harvest of cucumbers?", "How many beds of peppers are there?",
                 "What are the annual dues?", "Who won the 2031 Lisbon marathon?", "tomato volunteers"]


def _answer(result: dict) -> dict:
    """Everything of an answer except its timings."""
    return {k: v for k, v in result.items() if k != "timing_ms"}


@pytest.fixture(scope="module")
def pg_own_engine(pg_url, own_engine, model):
    from app.engine import Engine
    from app.postgres_source import PostgresSource
    from index.postgres import Database

    db = Database(pg_url, "own-parity")
    db.publish(own_engine.index)
    source = PostgresSource(db, model)
    build_id, index = source.read()
    return Engine(index, model, own_engine.index_dir, source=source, build_id=build_id)


def test_both_backends_give_the_same_answers_on_the_tests_own_document(own_engine, pg_own_engine):
    assert pg_own_engine.health()["backend"] == "postgres"
    for q in OWN_QUESTIONS:
        assert _answer(pg_own_engine.ask(q)) == _answer(own_engine.ask(q)), q


def _same_ranking(a, b) -> bool:
    """Same passages with the same scores (to 1e-5: pgvector and FAISS round float32 sums differently)
    in the same order, except within runs of scores tied to that precision."""
    if len(a) != len(b) or any(abs(x.score - y.score) > 1e-5 for x, y in zip(a, b)):
        return False
    runs, start = [], 0
    for i in range(1, len(a) + 1):
        if i == len(a) or abs(a[i].score - a[i - 1].score) > 1e-5:
            runs.append((start, i))
            start = i
    return all({h.chunk.id for h in a[s:e]} == {h.chunk.id for h in b[s:e]} for s, e in runs)


def _passages(engine, question):
    """The text passages retrieval hands the text answerer, best first (table rows are answered from tables).

    Rows are left out because many rows tie on BM25 score, and rank-bm25's unstable argsort breaks
    ties at the candidate cut arbitrarily, where SQL breaks them by position.
    """
    return [h for h in engine.retrieve(question) if h.chunk.kind == "text"]


def test_both_backends_retrieve_the_same_passages_for_every_seed_eval_question(seed_engine, pg_seed_engine):
    questions = [i.question for i in load_set(ROOT / "eval" / "qa.jsonl")]
    pg_seed_engine.retriever.embed_query = seed_engine.retriever.embed_query   # one query embedding for both
    assert [q for q in questions if not _same_ranking(_passages(pg_seed_engine, q), _passages(seed_engine, q))] == []
    assert dict(pg_seed_engine.vocabulary.idf) == dict(seed_engine.vocabulary.idf)


def test_both_backends_give_the_same_answers_on_seed_eval_questions(seed_engine, pg_seed_engine):
    questions = [i.question for i in load_set(ROOT / "eval" / "qa.jsonl")][::10]   # answers follow from the hits
    assert [q for q in questions if _answer(pg_seed_engine.ask(q)) != _answer(seed_engine.ask(q))] == []


def test_an_unknown_backend_is_refused():
    from app.engine import Engine

    with pytest.raises(ValueError, match="unknown backend 'mysql'"):
        Engine.open(backend="mysql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int, index_dir, docs, env, log):
    cmd = [sys.executable, "-m", "app", "serve", "--backend", "postgres", "--port", str(port),
           "--index", str(index_dir), "--docs", str(docs)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _get(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as resp:
        return json.loads(resp.read())


def _ask(port: int, question: str) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/ask", data=json.dumps({"question": question}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def _wait_healthy(proc, port: int, log_path) -> dict:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log_path.read_text()[-2000:]}")
        try:
            return _get(port, "/api/health")
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"server did not start: {log_path.read_text()[-2000:]}")


def test_two_servers_share_one_database_and_see_each_others_rebuild(pg_url, docs_copy, tmp_path, model):
    from index.build import build
    from index.postgres import Database, collection_name
    from index.store import load

    index_dir = tmp_path / "shared-index"
    build(docs_copy, index_dir, model=model)
    Database(pg_url, collection_name(index_dir)).publish(load(index_dir))   # both servers start on this build
    env = {**os.environ, "DOCQA_DATABASE_URL": pg_url}
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [_start(p, index_dir, docs_copy, env, open(log, "w")) for p, log in zip(ports, logs)]
    try:
        for proc, port, log in zip(procs, ports, logs):
            health = _wait_healthy(proc, port, log)
            assert health["backend"] == "postgres" and health["documents"] == 1
            assert _ask(port, "When was the cooperative founded?")["short_answer"] == "2011"
        question = "How many racing boats does the rowing club own?"
        assert _ask(ports[1], question)["short_answer"] != "14"
        (docs_copy / "rowing.md").write_text("# Harbour Rowing Club\n\nThe Harbour Rowing Club owns 14 racing boats "
                                             "and trains on the estuary every morning.\n", encoding="utf-8")
        procs[0].terminate()
        procs[0].wait(timeout=30)
        procs[0] = _start(ports[0], index_dir, docs_copy, env, open(logs[0], "a"))   # A restarts and rebuilds
        assert _wait_healthy(procs[0], ports[0], logs[0])["documents"] == 2
        assert "building the index into Postgres" in logs[0].read_text()
        for port in ports:   # B was never restarted: it follows the new build
            answer = _ask(port, question)
            assert answer["short_answer"] == "14" and answer["citations"][0]["doc"] == "rowing.md"
        assert _get(ports[1], "/api/health")["documents"] == 2
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
