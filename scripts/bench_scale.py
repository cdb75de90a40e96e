"""Scale benchmark: a >= 100,000-chunk corpus of Debian documentation, built, served and rebuilt.

    .venv/bin/python scripts/bench_scale.py                 # corpus (apt-get), full build, every measurement
    .venv/bin/python scripts/bench_scale.py --skip-build    # reuse bench/index, measure the rest again

Each stage runs in its own process, so its peak RSS is its own. Prints:
  build time split into parsing / embedding / indexing, and peak RSS while building;
  embedding throughput against bare batched model.encode on a sample of the same chunks;
  index size on disk; load time and peak RSS while serving;
  warm p50/p95 of retrieval and of a whole answer over a fixed list of questions about the corpus;
  BM25 from the stored sparse index against rank-bm25 (same top 10, time per query);
  FAISS flat against HNSW and IVF (recall@10, time per query);
  an incremental rebuild after a one-file edit.
A benchmark, not a test: shared machines are noisy, so it prints numbers and asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "How do I create a temporary directory in Python?",
    "What does os.makedirs do when the directory already exists?",
    "How do I read a CSV file with the csv module?",
    "What is the global interpreter lock?",
    "How do I create an index without locking writes in PostgreSQL?",
    "What is the default transaction isolation level in PostgreSQL?",
    "What does VACUUM FULL do?",
    "How many bytes does a bigint use?",
    "Which port does the PostgreSQL server listen on by default?",
    "How do I undo the last git commit?",
    "What does git stash pop do?",
    "How does git rebase --onto work?",
    "How do I define a many-to-many relationship in Django?",
    "What is Django middleware for?",
    "How do I set the time zone in Django settings?",
    "How do I configure a static IP address on Debian?",
    "What does apt-get autoremove do?",
    "How do I list files sorted by modification time with ls?",
    "What does the -n option of grep do?",
    "Who won the 2031 Lisbon marathon?",
]
EDIT_DOC = "python__library__os.md"      # the one-file edit: a large page, its last paragraph removed


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def emit(**data) -> None:
    """One JSON line for the parent process."""
    print("RESULT " + json.dumps(data), flush=True)


# ---- stages (each in its own process) --------------------------------------------------------

def stage_build(args) -> None:
    from index.build import build

    summary = build(args.corpus, args.index, progress=True, incremental=False)
    print(summary, flush=True)
    emit(build=summary.__dict__, rss_mb=peak_rss_mb())


def stage_encode(args) -> None:
    """Bare model.encode against our embed() and against the build's own pass (chunk and sentence vectors),
    on the same random sample of chunks."""
    import numpy as np

    from index import embed as embedding, store
    from index.embed import embed, embed_with_spans, load_model
    from index.sentences import chunk_sentences

    chunks = store.load(args.index).chunks
    rng = np.random.default_rng(0)
    sample = [chunks[i] for i in rng.choice(len(chunks), min(args.sample, len(chunks)), replace=False)]
    texts = [c.search_text for c in sample]
    spans = [[span for _, span in chunk_sentences(c)] for c in sample]
    model = load_model()
    if len(texts) <= embedding.SLICE:             # a small sample still goes through the sliced path (8 slices)
        embedding.SLICE = max(32, len(texts) // 8)
    model.encode(texts[:64], batch_size=32)                      # warm-up
    t0 = time.perf_counter()
    model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    embed(model, texts)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    embed_with_spans(model, texts, spans)
    build = time.perf_counter() - t0
    emit(sample=len(texts), slice=embedding.SLICE, sentences=sum(map(len, spans)), bare_per_s=len(texts) / bare,
         ours_per_s=len(texts) / ours, build_per_s=len(texts) / build)


def stage_serve(args) -> None:
    from app.engine import Engine
    from index import store
    from index.embed import load_model

    t0 = time.perf_counter()
    model = load_model()
    t1 = time.perf_counter()
    engine = Engine(store.load(args.index), model, args.index)
    t2 = time.perf_counter()
    rss_loaded = peak_rss_mb()
    for q in QUESTIONS:                                   # warm-up pass (first-call costs, caches)
        engine.ask(q)
    retrieve, answer, by_kind = [], [], {}
    for _ in range(args.repeat):
        for q in QUESTIONS:
            engine.forget()       # every question pays for its query embedding and spelling repair
            s = time.perf_counter()
            engine.retrieve(q)
            retrieve.append((time.perf_counter() - s) * 1000)
            engine.forget()
            s = time.perf_counter()
            result = engine.ask(q)
            answer.append((time.perf_counter() - s) * 1000)
            by_kind.setdefault(result["kind"], []).append(answer[-1])
    cached_retrieve, cached_answer, query_embed = [], [], []
    for _ in range(args.repeat):                          # the same, query vectors cached: search and answer alone
        for q in QUESTIONS:
            engine.forget()
            s = time.perf_counter()
            engine.retriever.embed_query(engine.vocabulary.correct_text(q))
            query_embed.append((time.perf_counter() - s) * 1000)
            s = time.perf_counter()
            engine.retrieve(q)
            cached_retrieve.append((time.perf_counter() - s) * 1000)
            s = time.perf_counter()
            engine.ask(q)
            cached_answer.append((time.perf_counter() - s) * 1000)
    for q in QUESTIONS:
        r = engine.ask(q)
        cite = r["citations"][0]["doc"] if r["citations"] else "-"
        print(f"  {q}\n    -> [{r['kind']}] {(r['short_answer'] or r['answer'])[:110]!r} ({cite})", flush=True)
    emit(model_load_s=t1 - t0, load_s=t2 - t1, rss_loaded_mb=rss_loaded, rss_mb=peak_rss_mb(),
         retrieve_p50=pct(retrieve, 0.5), retrieve_p95=pct(retrieve, 0.95),
         answer_p50=pct(answer, 0.5), answer_p95=pct(answer, 0.95), n=len(answer),
         by_kind={k: [len(v), pct(v, 0.5), pct(v, 0.95)] for k, v in by_kind.items()},
         embed_p50=pct(query_embed, 0.5), cached_retrieve_p50=pct(cached_retrieve, 0.5),
         cached_retrieve_p95=pct(cached_retrieve, 0.95), cached_answer_p50=pct(cached_answer, 0.5),
         cached_answer_p95=pct(cached_answer, 0.95),
         chunks=len(engine.index.chunks), tables=len(engine.index.tables))


def against_rank_bm25(sparse, ref) -> tuple[list[float], list[float], int]:
    """Top 10 of every question from the stored sparse index and from rank-bm25: times in ms of each, and how
    many questions get the same top 10 (the same chunks, or chunks with the same scores where ties reorder)."""
    import numpy as np

    from index.fold import terms

    ours_ms, ref_ms, same = [], [], 0
    for q in QUESTIONS:
        t = terms(q)
        s = time.perf_counter()
        top = sparse.top(t, 10)
        ours_ms.append((time.perf_counter() - s) * 1000)
        s = time.perf_counter()
        scores = ref.get_scores(t)
        ref_top = [int(i) for i in np.argsort(-scores)[:10] if scores[i] > 0]
        ref_ms.append((time.perf_counter() - s) * 1000)
        ours_ids = [i for i, _ in top]
        same += ours_ids == ref_top or np.allclose(sorted(scores[ours_ids]), sorted(scores[ref_top]))
    return ours_ms, ref_ms, same


def stage_bm25(args) -> None:
    """The stored sparse index against rank-bm25 built from the same tokens."""
    from rank_bm25 import BM25Okapi

    from index import store
    from index.fold import terms

    index = store.load(args.index)
    t0 = time.perf_counter()
    tokens = [terms(c.search_text) for c in index.chunks]
    t1 = time.perf_counter()
    ref = BM25Okapi(tokens)
    t2 = time.perf_counter()
    ours_ms, ref_ms, same = against_rank_bm25(index.sparse, ref)
    emit(tokenize_s=t1 - t0, rank_bm25_init_s=t2 - t1, ours_p50=statistics.median(ours_ms),
         rank_bm25_p50=statistics.median(ref_ms), same_top10=same, questions=len(QUESTIONS))


def stage_sparse(args) -> None:
    """BM25 at the corpus's full size without embedding it: sparse index build, save, load and query vs rank-bm25."""
    import tempfile

    from rank_bm25 import BM25Okapi

    from index.chunk import chunk_document
    from index.documents import load_documents
    from index.fold import terms
    from index.parse import parse
    from index.sparse import SparseIndex, TermCounts
    from index.tables import extract_tables

    t0 = time.perf_counter()
    docs, _ = load_documents(args.corpus)
    tokens = []
    for doc in docs:
        parsed = parse(doc.name, doc.text)
        tokens += [terms(c.search_text) for c in chunk_document(parsed, extract_tables(parsed))]
    t1 = time.perf_counter()
    sparse = SparseIndex.build(TermCounts.from_tokens(tokens))
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        sparse.save(Path(tmp) / "bm25")
        t3 = time.perf_counter()
        loaded = SparseIndex.load(Path(tmp) / "bm25")
        t4 = time.perf_counter()
        ref = BM25Okapi(tokens)
        t5 = time.perf_counter()
        ours_ms, ref_ms, same = against_rank_bm25(loaded, ref)
    emit(chunks=len(tokens), parse_s=t1 - t0, build_s=t2 - t1, save_s=t3 - t2, load_s=t4 - t3,
         rank_bm25_init_s=t5 - t4, ours_p50=statistics.median(ours_ms), ours_p95=pct(ours_ms, 0.95),
         rank_bm25_p50=statistics.median(ref_ms), same_top10=same, questions=len(QUESTIONS), rss_mb=peak_rss_mb())


def stage_dense(args) -> None:
    """Recall@10 of HNSW and IVF against exact flat search, and time per query."""
    import numpy as np

    from index import store
    from index.dense import build_dense
    from index.embed import embed, load_model

    index = store.load(args.index)
    vectors = np.asarray(index.embeddings)
    rng = np.random.default_rng(1)
    picks = rng.choice(len(index.chunks), min(500, len(index.chunks)), replace=False)
    queries = QUESTIONS + [" ".join([index.chunks[i].title, *index.chunks[i].section]) for i in picks]
    qv = embed(load_model(), queries)
    results = {}
    truth = None
    for kind in ("flat", "hnsw", "ivf"):
        t0 = time.perf_counter()
        dense = build_dense(vectors, kind)
        built = time.perf_counter() - t0
        t0 = time.perf_counter()
        for row in qv:
            dense.search(row[None, :], 10)
        per_query = (time.perf_counter() - t0) * 1000 / len(qv)
        _, ids = dense.search(qv, 10)
        if truth is None:
            truth = ids
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth)]))
        results[kind] = {"build_s": built, "ms_per_query": per_query, "recall_at_10": recall}
    emit(dense=results, queries=len(queries))


def edit_and_restore(path: Path, rebuild) -> list[dict]:
    """A real one-file edit (the last paragraph of `path` removed), rebuilt; then the file restored, rebuilt.

    Returns one dict per rebuild: its name, wall seconds and the build summary's fields.
    """
    original = path.read_text(encoding="utf-8")
    runs = []
    try:
        path.write_text(original.rstrip().rsplit("\n\n", 1)[0] + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        runs.append(("edit", rebuild(), time.perf_counter() - t0))
    finally:
        path.write_text(original, encoding="utf-8")
    t0 = time.perf_counter()
    runs.append(("restore", rebuild(), time.perf_counter() - t0))
    for name, summary, wall in runs:
        print(f"  {name}: {summary}", flush=True)
    return [{"name": n, "wall_s": w, **s.__dict__} for n, s, w in runs]


def stage_incremental(args) -> None:
    from index.build import build
    from index.embed import load_model

    model = load_model()
    runs = edit_and_restore(args.corpus / args.edit_doc, lambda: build(args.corpus, args.index, model=model))
    emit(runs=runs, rss_mb=peak_rss_mb())


STAGES = {"sparse": stage_sparse, "build": stage_build, "encode": stage_encode, "serve": stage_serve, "bm25": stage_bm25,
          "dense": stage_dense, "incremental": stage_incremental}


# ---- the driver ---------------------------------------------------------------------------------

def run_stage(name: str, args) -> dict:
    print(f"\n== {name}", flush=True)
    return run_process([sys.executable, __file__, "--stage", name, "--corpus", str(args.corpus), "--index",
                        str(args.index), "--sample", str(args.sample), "--repeat", str(args.repeat),
                        "--edit-doc", args.edit_doc], name)


def run_process(cmd: list[str], name: str) -> dict:
    """Run one stage in a process of its own (so its peak RSS is its own): echo its output, return its RESULT."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    result = {}
    for line in proc.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
        else:
            print(line, end="", flush=True)
    if proc.wait():
        raise SystemExit(f"stage {name} failed ({proc.returncode})")
    return result


def subset(corpus: Path, every: int, keep: str) -> Path:
    """A folder with every N-th file of the corpus (and the files the incremental stage edits)."""
    import shutil

    out = Path(f"{corpus}-every{every}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    for i, path in enumerate(sorted(corpus.iterdir())):
        if i % every == 0 or path.name in (keep, EDIT_DOC):
            shutil.copy(path, out / path.name)
    return out


def folder_mb(folder: Path) -> tuple[float, dict[str, float]]:
    sizes = {str(p.relative_to(folder)): p.stat().st_size / 1e6 for p in folder.rglob("*") if p.is_file()}
    return sum(sizes.values()), sizes


def main() -> None:
    parser = argparse.ArgumentParser(description="Scale benchmark over Debian documentation.")
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    parser.add_argument("--index", type=Path, default=ROOT / "bench" / "index")
    parser.add_argument("--every", type=int, default=1,
                        help="benchmark every N-th corpus file only (a smaller corpus of the same documents)")
    parser.add_argument("--skip-build", action="store_true", help="reuse the index already at --index")
    parser.add_argument("--sample", type=int, default=8192, help="chunks embedded twice for the throughput comparison")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the question list")
    parser.add_argument("--edit-doc", default=EDIT_DOC, help="the corpus file the incremental stage edits")
    parser.add_argument("--stages", default="build,encode,serve,bm25,dense,incremental")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        STAGES[args.stage](args)
        return

    stages = args.stages.split(",")
    if not args.corpus.is_dir() or not any(args.corpus.iterdir()):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_corpus.py"), "--out", str(args.corpus)], check=True)
    if args.every > 1:
        args.corpus, args.index = subset(args.corpus, args.every, args.edit_doc), Path(f"{args.index}-every{args.every}")
    files = list(args.corpus.iterdir())
    print(f"corpus: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB in {args.corpus}")
    out = {}
    if "build" in stages and not args.skip_build:
        out["build"] = run_stage("build", args)
        b = out["build"]["build"]
        print(f"build: {b['documents']} documents -> {b['chunks']:,} chunks, {b['tables']:,} tables in {b['build_seconds']:.0f} s: "
              f"parsing {b['parse_seconds']:.0f} s, embedding {b['embed_seconds']:.0f} s "
              f"({b['embedded_chunks'] / b['embed_seconds']:.0f} chunks/s), indexing {b['index_seconds']:.0f} s; "
              f"peak RSS {out['build']['rss_mb']:.0f} MB")
    if args.index.is_dir():
        total, sizes = folder_mb(args.index)
        big = ", ".join(f"{k} {v:.1f}" for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])[:6])
        print(f"index size on disk: {total:.0f} MB ({big} MB)")
    for name in stages:
        if name == "build":
            continue
        r = out[name] = run_stage(name, args)
        if name == "encode":
            print(f"embedding throughput on {r['sample']} chunks of the corpus: bare model.encode {r['bare_per_s']:.1f} chunks/s; "
                  f"ours (slices of {r['slice']}) {r['ours_per_s']:.1f} chunks/s -> {100 * r['ours_per_s'] / r['bare_per_s']:.0f}%; "
                  f"the build's pass with {r['sentences']:,} sentence vectors {r['build_per_s']:.1f} chunks/s "
                  f"-> {100 * r['build_per_s'] / r['bare_per_s']:.0f}%")
        elif name == "serve":
            print(f"serving {r['chunks']:,} chunks, {r['tables']:,} tables: load {r['load_s']:.1f} s (+ model {r['model_load_s']:.1f} s); "
                  f"peak RSS {r['rss_mb']:.0f} MB (after load {r['rss_loaded_mb']:.0f} MB)\n"
                  f"warm over {r['n']} asks: retrieval p50 {r['retrieve_p50']:.1f} ms, p95 {r['retrieve_p95']:.1f} ms; "
                  f"whole answer p50 {r['answer_p50']:.1f} ms, p95 {r['answer_p95']:.1f} ms (each pays its query embedding)\n"
                  + "; ".join(f"{k} answers: n={n} p50 {a:.1f} ms p95 {b:.1f} ms" for k, (n, a, b) in r["by_kind"].items())
                  + f"\nquery embedding alone p50 {r['embed_p50']:.1f} ms; with the query vector cached: retrieval p50 "
                  f"{r['cached_retrieve_p50']:.1f} ms, p95 {r['cached_retrieve_p95']:.1f} ms; whole answer p50 "
                  f"{r['cached_answer_p50']:.1f} ms, p95 {r['cached_answer_p95']:.1f} ms")
        elif name == "bm25":
            print(f"BM25 top 10 per query, p50: stored sparse index (bm25s) {r['ours_p50']:.2f} ms, rank-bm25 {r['rank_bm25_p50']:.0f} ms "
                  f"(+ {r['tokenize_s']:.0f} s tokenizing, {r['rank_bm25_init_s']:.0f} s building it at load); "
                  f"same top 10 on {r['same_top10']}/{r['questions']} questions")
        elif name == "sparse":
            print(f"BM25 at full size without embeddings: {r['chunks']:,} chunks parsed in {r['parse_s']:.0f} s; sparse index built in "
                  f"{r['build_s']:.1f} s, saved {r['save_s']:.1f} s, loaded (mmap) {r['load_s']:.2f} s; top 10 per query p50 "
                  f"{r['ours_p50']:.1f} ms, p95 {r['ours_p95']:.1f} ms; rank-bm25: {r['rank_bm25_init_s']:.0f} s to build at load, "
                  f"{r['rank_bm25_p50']:.0f} ms per query; same top-10 scores on {r['same_top10']}/{r['questions']} questions")
        elif name == "dense":
            for kind, d in r["dense"].items():
                print(f"dense {kind}: recall@10 vs flat {d['recall_at_10']:.3f}, {d['ms_per_query']:.2f} ms/query, "
                      f"built in {d['build_s']:.1f} s ({r['queries']} queries)")
        elif name == "incremental":
            for run in r["runs"]:
                print(f"incremental rebuild after a one-file edit ({run['name']} {args.edit_doc}): {run['wall_s']:.1f} s wall, "
                      f"of which embedding {run['embedded_chunks']} chunks {run['embed_seconds']:.1f} s; "
                      f"rest {run['wall_s'] - run['embed_seconds']:.1f} s (parse {run['parse_seconds']:.1f}, "
                      f"index+write {run['index_seconds']:.1f}); {run['reused_documents']} documents reused")


if __name__ == "__main__":
    main()
