"""Backends benchmark: the local folder against Postgres + pgvector, and a plain build against a Dask build.

    .venv/bin/python scripts/bench_backends.py --docs bench/corpus-every10 --index bench/index-every10
    .venv/bin/python scripts/bench_backends.py --stages serve --index bench/index        # reuse a built index

Stages (each in its own process, so peak RSS is its own):
  build   plain build of --docs into --index (full), then the same with --dask (LocalCluster) into a copy;
  publish the index published into Postgres (embedded server beside --index, or DOCQA_DATABASE_URL): time, size;
  serve   for each backend: load time, peak RSS, warm p50/p95 of retrieval and whole answers over the
          scale benchmark's questions (scripts/bench_scale.py), and whether both backends answer alike;
  load    a server process opening the current Postgres build: load time and peak RSS (not in the default stages);
  incremental  a one-file edit rebuilt and published (`index build --backend postgres`), then restored;
  alternate  both backends in one process over the same build, question by question (not in the default stages).
A benchmark, not a test: it prints numbers and asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.bench_scale import EDIT_DOC, QUESTIONS, edit_and_restore, emit, pct, peak_rss_mb, run_process  # noqa: E402


def stage_build(args) -> None:
    from index.build import build
    from index.distributed import DaskCluster
    from index.embed import load_model

    model = load_model()
    result = {}
    if "plain" in args.builds:
        t0 = time.perf_counter()
        result["plain"] = build(args.docs, args.index, model=model, incremental=False).__dict__
        result["plain_s"] = time.perf_counter() - t0
    if "dask" in args.builds:
        t0 = time.perf_counter()
        with DaskCluster() as cluster:
            result["workers"] = cluster.workers
            result["cluster_start_s"] = time.perf_counter() - t0
            result["dask"] = build(args.docs, Path(f"{args.index}-dask"), model=model, incremental=False,
                                   cluster=cluster).__dict__
        result["dask_s"] = time.perf_counter() - t0
    emit(**result)


def stage_publish(args) -> None:
    from index import store
    from index.postgres import Database

    index = store.load(args.index)
    db = Database.for_index(args.index)
    t0 = time.perf_counter()
    build_id = db.publish(index)
    seconds = time.perf_counter() - t0
    size = db.connection().execute(
        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'r'", (db.schema,)).fetchone()[0]
    emit(build_id=build_id, publish_s=seconds, db_mb=float(size) / 1e6, chunks=len(index.chunks))


def stage_load(args) -> None:
    """A server opening the current Postgres build: load time and peak RSS (the extras read memory-mapped)."""
    from index.postgres import Database

    db = Database.for_index(args.index)
    t0 = time.perf_counter()
    index = db.load().index
    seconds = time.perf_counter() - t0
    emit(load_s=seconds, peak_rss_mb=peak_rss_mb(), chunks=len(index.chunks),
         extras_mb=sum(e.vectors.nbytes for e in index.extras.values()) / 1e6)


def stage_incremental(args) -> None:
    """A one-file edit through `index build --backend postgres`: the local index rebuilt incrementally, then
    written to its folder while it is published to Postgres as a new build (rows written for the edited document
    only, plus the BM25 matrix)."""
    from index.embed import load_model
    from index.publish import build_and_publish

    model = load_model()
    runs = edit_and_restore(args.docs / args.edit_doc, lambda: build_and_publish(args.docs, args.index, model=model))
    emit(runs=runs)


def stage_serve(args) -> None:
    from app.engine import Engine
    from app.postgres_source import PostgresSource
    from index import store
    from index.embed import load_model
    from index.postgres import Database

    model = load_model()
    t0 = time.perf_counter()
    if args.backend == "postgres":
        source = PostgresSource(Database.for_index(args.index), model)
        build_id, index = source.read()
        engine = Engine(index, model, args.index, source=source, build_id=build_id)
    else:
        engine = Engine(store.load(args.index), model, args.index)
    load_s = time.perf_counter() - t0
    for q in QUESTIONS:
        engine.ask(q)
    retrieve, answer = [], []
    for _ in range(args.repeat):
        for q in QUESTIONS:
            engine.forget()
            s = time.perf_counter()
            engine.retrieve(q)
            retrieve.append((time.perf_counter() - s) * 1000)
            engine.forget()
            s = time.perf_counter()
            engine.ask(q)
            answer.append((time.perf_counter() - s) * 1000)
    answers = [{k: v for k, v in engine.ask(q).items() if k != "timing_ms"} for q in QUESTIONS]
    emit(load_s=load_s, rss_mb=peak_rss_mb(), retrieve_p50=pct(retrieve, 0.5), retrieve_p95=pct(retrieve, 0.95),
         answer_p50=pct(answer, 0.5), answer_p95=pct(answer, 0.95), n=len(answer), answers=answers,
         chunks=len(engine.index.chunks))


def stage_alternate(args) -> None:
    """Both backends over the same build in one process, each question asked of both back to back (the order
    alternating), so the machine's drift falls on both alike."""
    import statistics

    from app.engine import Engine
    from app.postgres_source import PostgresSource
    from index import store
    from index.embed import load_model
    from index.postgres import Database

    model = load_model()
    source = PostgresSource(Database.for_index(args.index), model)
    build_id, pg_index = source.read()
    engines = {"local": Engine(store.load(args.index), model, args.index),
               "postgres": Engine(pg_index, model, args.index, source=source, build_id=build_id)}
    for engine in engines.values():                       # warm-up: first-call costs of both
        for q in QUESTIONS:
            engine.ask(q)
    times = {(name, what): [] for name in engines for what in ("retrieve", "answer")}
    for rep in range(args.repeat):
        for q in QUESTIONS:
            for name in ("local", "postgres") if rep % 2 == 0 else ("postgres", "local"):
                engine = engines[name]
                for what, run in (("retrieve", engine.retrieve), ("answer", engine.ask)):
                    engine.forget()
                    t = time.perf_counter()
                    run(q)
                    times[name, what].append((time.perf_counter() - t) * 1000)
    emit(n=len(times["local", "answer"]), chunks=len(pg_index.chunks),
         **{f"{name}_{what}_p50": statistics.median(v) for (name, what), v in times.items()},
         **{f"{what}_ratio": statistics.median(p / loc for p, loc in zip(times["postgres", what], times["local", what]))
            for what in ("retrieve", "answer")})


STAGES = {"build": stage_build, "publish": stage_publish, "serve": stage_serve, "incremental": stage_incremental,
          "alternate": stage_alternate, "load": stage_load}


def _build_line(name: str, r: dict) -> str:
    """One build's timings as the benchmark prints them."""
    b = r[name]
    label = f"dask build ({r['workers']} LocalCluster workers)" if name == "dask" else "plain build"
    start = f" including {r['cluster_start_s']:.1f} s cluster start" if name == "dask" else ""
    return (f"{label}: {b['chunks']:,} chunks in {r[name + '_s']:.1f} s{start} (parse {b['parse_seconds']:.1f}, "
            f"embed {b['embed_seconds']:.1f} = {b['chunks'] / b['embed_seconds']:.1f} chunks/s, index {b['index_seconds']:.1f})")


def run_stage(name: str, args, backend: str = "local") -> dict:
    return run_process([sys.executable, __file__, "--stage", name, "--docs", str(args.docs), "--index",
                        str(args.index), "--repeat", str(args.repeat), "--backend", backend, "--edit-doc", args.edit_doc,
                        "--builds", args.builds], name)


def main() -> None:
    parser = argparse.ArgumentParser(description="Local vs Postgres serving; plain vs Dask building.")
    parser.add_argument("--docs", type=Path, default=ROOT / "bench" / "corpus-every10")
    parser.add_argument("--index", type=Path, default=ROOT / "bench" / "index-every10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", default="build,publish,serve,incremental")
    parser.add_argument("--edit-doc", default=EDIT_DOC, help="the corpus file the incremental stage edits")
    parser.add_argument("--builds", default="plain,dask", help="the builds the build stage times (plain, dask or both)")
    parser.add_argument("--backend", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        STAGES[args.stage](args)
        return
    stages = args.stages.split(",")
    if "build" in stages:
        r = run_stage("build", args)
        for name in ("plain", "dask"):
            if name in r:
                print(_build_line(name, r))
    if "publish" in stages:
        r = run_stage("publish", args)
        print(f"published {r['chunks']:,} chunks into Postgres in {r['publish_s']:.1f} s; schema size {r['db_mb']:.0f} MB")
    if "load" in stages:
        r = run_stage("load", args)
        print(f"postgres load of {r['chunks']:,} chunks with {r['extras_mb']:.0f} MB of extra vectors: {r['load_s']:.1f} s, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB")
    if "serve" in stages:
        results = {}
        for backend in ("local", "postgres"):
            r = results[backend] = run_stage("serve", args, backend)
            print(f"serve {backend}: {r['chunks']:,} chunks, load {r['load_s']:.2f} s, peak RSS {r['rss_mb']:.0f} MB; "
                  f"warm over {r['n']} asks: retrieval p50 {r['retrieve_p50']:.1f} ms p95 {r['retrieve_p95']:.1f} ms; "
                  f"whole answer p50 {r['answer_p50']:.1f} ms p95 {r['answer_p95']:.1f} ms")
        same = sum(a == b for a, b in zip(results["local"]["answers"], results["postgres"]["answers"]))
        print(f"same answer contract (all fields but timings) on {same}/{len(QUESTIONS)} questions")
    if "alternate" in stages:
        r = run_stage("alternate", args)
        print(f"alternated in one process over {r['chunks']:,} chunks, {r['n']} asks each: retrieval p50 local "
              f"{r['local_retrieve_p50']:.1f} ms, postgres {r['postgres_retrieve_p50']:.1f} ms; whole answer p50 local "
              f"{r['local_answer_p50']:.1f} ms, postgres {r['postgres_answer_p50']:.1f} ms; median per-question ratio "
              f"postgres / local: retrieval {r['retrieve_ratio']:.2f}, whole answer {r['answer_ratio']:.2f}")
    if "incremental" in stages:
        for run in run_stage("incremental", args)["runs"]:
            print(f"postgres rebuild after a one-file edit ({run['name']} {args.edit_doc}): {run['wall_s']:.1f} s wall, "
                  f"of which embedding {run['embedded_chunks']} chunks {run['embed_seconds']:.1f} s; "
                  f"rest {run['wall_s'] - run['embed_seconds']:.1f} s (parse {run['parse_seconds']:.1f}, "
                  f"index, then writing the folder while publishing {run['index_seconds']:.1f})")


if __name__ == "__main__":
    main()
