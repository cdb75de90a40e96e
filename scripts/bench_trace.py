"""Benchmark: traced against eager forwards (index/trace.py), alternated question by question in one process.

    .venv/bin/python scripts/bench_trace.py [--index .index] [--repeat 10]
    .venv/bin/python scripts/bench_trace.py --index bench/index-hnsw --repeat 3      # the scale corpus

Separate runs of scripts/bench.py differ by more than the change on this shared machine; here each question is
asked with both, back to back (the order alternating), so the machine's drift falls on both alike. Prints
the whole-answer p50 of each and the median per-question ratio. Never run as a test.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def main() -> None:
    import bench
    import bench_scale

    from app.engine import Engine
    from index import store
    from index.embed import embed, load_model

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path(".index"))
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    scale = args.index.resolve().is_relative_to(Path("bench").resolve())
    questions = bench_scale.QUESTIONS if scale else bench.TEXT_QUESTIONS + bench.TABLE_QUESTIONS
    engine = Engine(store.load(args.index), load_model(), args.index)
    reader, model = engine.text.reader, engine.model
    forwards = {"traced": (reader.forward, engine.retriever.embed_query.__wrapped__),
                "eager": (reader.network, lambda q: embed(model, [q]))}

    def use(mode: str) -> None:
        reader.forward = forwards[mode][0]
        engine.retriever.embed_query = engine.text.embed_query = lru_cache(maxsize=1024)(forwards[mode][1])

    for mode in forwards:                                # warm-up: first-call costs of both
        use(mode)
        for q in questions:
            engine.ask(q)
    times: dict[str, list[float]] = {mode: [] for mode in forwards}
    for rep in range(args.repeat):
        for q in questions:
            for mode in ("eager", "traced") if rep % 2 == 0 else ("traced", "eager"):
                use(mode)
                engine.forget()
                t = time.perf_counter()
                engine.ask(q)
                times[mode].append((time.perf_counter() - t) * 1000)
    ratio = statistics.median(e / t for e, t in zip(times["eager"], times["traced"]))
    print(f"{args.index} ({len(engine.index.chunks):,} chunks), {len(times['eager'])} asks each: whole answer p50 "
          f"eager {statistics.median(times['eager']):.1f} ms, traced {statistics.median(times['traced']):.1f} ms; "
          f"median per-question ratio eager / traced {ratio:.2f}")


if __name__ == "__main__":
    main()
