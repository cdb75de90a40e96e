"""Benchmark: index build time for a documents folder and warm per-question latency.

    .venv/bin/python scripts/bench.py [--docs seeds] [--repeat 5] [--clients 4]
    .venv/bin/python scripts/bench.py --wtq [--wtq-index eval/out/indexes/wtq-open]   # table stage, 300 tables

Prints medians and percentiles; never run as a test (shared machines are noisy).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

TEXT_QUESTIONS = [
    "What share of the vote did İmamoğlu win in the June 2019 rerun?",
    "imamoglu vote share june 2019",
    "When were the 2024 Istanbul mayoral elections held?",
    "Who did the AK Party announce as its candidate?",
    "How many people were arrested after the attack?",
    "Who won the 2031 Lisbon marathon?",
]
DESCRIPTIVE_QUESTIONS = [          # accounts: the sentence ranker, over sentence vectors stored with the index
    "What happened in Küçükçekmece?",
    "Why was the March 2019 election annulled?",
    "Tell me about the Silivri visit",
    "How did İmamoğlu campaign before the rerun?",
]
TABLE_QUESTIONS = [
    "How many votes did Murat Kurum get in Arnavutköy?",
    "What was the turnout in Bağcılar?",
    "Which district had the most registered electors?",
    "How many total votes were cast citywide?",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=Path, default=Path("seeds"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wtq", action="store_true",
                        help="instead: the table stage over the 300 wtq-dev tables (../shared/datasets/wtq-dev)")
    parser.add_argument("--wtq-index", type=Path, default=Path("eval/out/indexes/wtq-open"),
                        help="index folder for --wtq (built there when missing or stale)")
    parser.add_argument("--clients", type=int, default=4,
                        help="then ask the text questions from this many threads at once (0: skip)")
    parser.add_argument("--no-chooser", dest="chooser", action="store_false",
                        help="text answers without the answer chooser (the reader's best span), to time what it adds")
    args = parser.parse_args()
    if args.wtq:
        wtq_table_stage(args.wtq_index)
        return

    from app.engine import Engine
    from app.settings import Settings
    from index import store
    from index.build import build
    from index.embed import load_model

    t0 = time.perf_counter()
    model = load_model()
    print(f"model load: {time.perf_counter() - t0:.2f} s")
    builds = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(3):
            summary = build(args.docs, Path(tmp) / f"i{i}", model=model)
            builds.append(summary.build_seconds)
        print(f"index build ({summary.documents} docs, {summary.chunks} chunks, {summary.tables} tables): "
              f"median {statistics.median(builds):.2f} s over {len(builds)} builds")
        engine = Engine(store.load(Path(tmp) / "i0"), model, Path(tmp) / "i0", Settings(chooser=args.chooser))
        for q in TEXT_QUESTIONS + DESCRIPTIVE_QUESTIONS + TABLE_QUESTIONS:  # warm-up: caches, first-call costs
            engine.ask(q)
        retrieve, text_total, described, table_total, table_stage = [], [], [], [], []
        for _ in range(args.repeat):
            engine.forget()  # every question pays for its query embedding and spelling repair
            for q in TEXT_QUESTIONS:
                t = time.perf_counter()
                engine.retrieve(q)
                retrieve.append((time.perf_counter() - t) * 1000)
                engine.forget()
                t = time.perf_counter()
                r = engine.ask(q)
                text_total.append((time.perf_counter() - t) * 1000)
            for q in DESCRIPTIVE_QUESTIONS:
                engine.forget()
                t = time.perf_counter()
                engine.ask(q)
                described.append((time.perf_counter() - t) * 1000)
            for q in TABLE_QUESTIONS:
                t = time.perf_counter()
                r = engine.ask(q)
                table_total.append((time.perf_counter() - t) * 1000)
                table_stage.append(r["timing_ms"]["table"])
                assert r["kind"] == "table", (q, r["answer"])
        if args.clients:
            at_once(engine, TEXT_QUESTIONS * 2 * args.repeat, args.clients)
    for name, values in (("retrieval", retrieve), ("answer (text path)", text_total),
                         ("answer (descriptive)", described), ("answer (table path)", table_total),
                         ("table stage (seeds)", table_stage)):
        print(f"{name:22s} warm p50 {pct(values, .5):7.2f} ms   p95 {pct(values, .95):7.2f} ms   (n={len(values)})")


def at_once(engine, questions: list[str], clients: int) -> None:
    """Answers per second with one client, then with `clients` threads asking at once (as the server's do)."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(q: str) -> float:
        engine.forget()
        t = time.perf_counter()
        engine.ask(q)
        return (time.perf_counter() - t) * 1000

    for n in (1, clients):
        t = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            ms = list(pool.map(ask, questions))
        wall = time.perf_counter() - t
        print(f"{n} client(s) at once    {len(questions) / wall:7.1f} answers/s   p50 {pct(ms, .5):7.2f} ms   "
              f"(text path, n={len(questions)})")


def wtq_table_stage(index: Path) -> None:
    """The table stage's time per question over all 300 wtq-dev tables in one index (open mode)."""
    from app.engine import Engine
    from eval.wtq import WTQ_DIR, load_wtq

    engine = Engine.open(index, WTQ_DIR / "docs")
    items = load_wtq(WTQ_DIR)
    for item in items:
        engine.ask(item.question)           # warm-up: per-table views are built on first use
    stage, total = [], []
    for item in items:
        r = engine.ask(item.question)
        stage.append(r["timing_ms"]["table"])
        total.append(r["timing_ms"]["total"])
    print(f"wtq-dev: {len(engine.tables.all_tables)} tables, {len(items)} questions")
    for name, values in (("table stage (wtq)", stage), ("answer total (wtq)", total)):
        print(f"{name:22s} warm p50 {pct(values, .5):7.2f} ms   p95 {pct(values, .95):7.2f} ms   (n={len(values)})")


if __name__ == "__main__":
    main()
