"""A bounded load test on loopback: 20 concurrent clients, 500 requests to the real server, all answered right."""
from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app.server import create_app, run_in_thread

CLIENTS = 20
REQUESTS = 500
# Question -> the short answer the documents give (tables, text, and an abstention).
QUESTIONS = {
    "How many votes did Murat Kurum get in Arnavutköy?": "81,777",
    "What was the turnout in Bağcılar?": "75.0%",
    "How many districts did Yıldırım lose that he had won in March?": "11",
    "What percentage of the vote did Yıldırım receive in the June 2019 re-run?": "45.0%",
    "What is the boiling point of liquid nitrogen on Neptune?": None,
}


@pytest.fixture(scope="module")
def server_url(seed_engine):
    server = run_in_thread(create_app(seed_engine))
    yield server.url
    server.stop()


def test_twenty_concurrent_clients_get_500_correct_answers(server_url, seed_engine):
    questions = list(QUESTIONS)
    expected = {q: seed_engine.ask(q) for q in questions}
    assert {q: r["short_answer"] for q, r in expected.items()} == QUESTIONS
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(worker: int) -> None:
        with httpx.Client(base_url=server_url, timeout=30) as http:
            for i in range(worker, REQUESTS, CLIENTS):
                question = questions[i % len(questions)]
                t0 = time.perf_counter()
                try:
                    r = http.post("/api/ask", json={"question": question})
                    body = r.json()
                    ok = (r.status_code == 200 and body["short_answer"] == QUESTIONS[question]
                          and body["kind"] == expected[question]["kind"]
                          and [c["chunk_id"] for c in body["citations"]]
                          == [c["chunk_id"] for c in expected[question]["citations"]])
                    problem = None if ok else f"{r.status_code} {question!r}: {r.text[:200]}"
                except (httpx.HTTPError, ValueError, KeyError) as err:
                    problem = f"{question!r}: {err!r}"
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        failures.append(problem)

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    wall = time.perf_counter() - started

    assert len(latencies) == REQUESTS
    assert not failures, f"{len(failures)} of {REQUESTS} failed, e.g. {failures[:3]}"
    ms = sorted(x * 1000 for x in latencies)
    p50, p95 = statistics.median(ms), ms[int(0.95 * len(ms)) - 1]
    print(f"\nload: {REQUESTS} requests, {CLIENTS} clients, {wall:.1f} s ({REQUESTS / wall:.0f} req/s); "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms")
    assert wall < 120
