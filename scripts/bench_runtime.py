"""Benchmark: the runtimes of the two per-answer models, alternated question by question in one process.

    .venv/bin/python scripts/bench_runtime.py [--index .index] [--repeat 10]
    .venv/bin/python scripts/bench_runtime.py --index bench/index-hnsw --repeat 3      # the scale corpus

The query embedder and the span reader run in ONNX Runtime (index/runtime.py; the reader with int8 products
but its feed-forward outputs and head). Against it, the same answers with the query embedder as a TorchScript
trace (index/trace.py) and the reader as: the float32 network eagerly, its trace, and the trace with int8 linear
layers but the same two (shipped until 2026-12-05). The reader's answers differ slightly between int8 and float32.
Separate runs of scripts/bench.py differ by more than such changes on this shared machine; here each question is
asked in every mode back to back (the order rotating), so the machine's drift falls on all alike. Prints the
whole-answer p50 of each and the median per-question ratio to ONNX Runtime's. Never run as a test.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

KEPT_FLOAT = re.compile(r"layer\.\d+\.output\.dense$|^head$")    # the int8 reader's float32 layers


def int8_network(network):
    """The reader as shipped until 2026-12-05: dynamic int8 linear layers, but those KEPT_FLOAT."""
    import copy

    import torch

    int8 = {name for name, m in network.named_modules()
            if isinstance(m, torch.nn.Linear) and not KEPT_FLOAT.search(name)}
    return torch.ao.quantization.quantize_dynamic(copy.deepcopy(network), int8, dtype=torch.qint8)


def main() -> None:
    import bench
    import bench_scale

    from app.engine import Engine
    from app.question import as_squad_asks
    from app.reader import PROBES, _tensors, encode_pairs
    from index import store
    from index.embed import _compiled_mean_pooled, embed, load_model
    from index.trace import traced

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path(".index"))
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    scale = args.index.resolve().is_relative_to(Path("bench").resolve())
    text_questions = bench_scale.QUESTIONS if scale else bench.TEXT_QUESTIONS      # the scale list is not split
    questions = text_questions + ([] if scale else bench.TABLE_QUESTIONS)
    engine = Engine(store.load(args.index), load_model(), args.index)
    reader, model = engine.text.reader, engine.model
    probes = [_tensors(encode_pairs(reader.tokenizer, [q], [p])) for q, p in PROBES]
    traced_query = _compiled_mean_pooled(model, compile_with=traced)
    forwards = {"onnx": (reader.forward, engine.retriever.embed_query.__wrapped__),
                "int8 trace": (traced(int8_network(reader.network), probes[0], probes[1:]), traced_query),
                "float32 trace": (traced(reader.network, probes[0], probes[1:]), traced_query),
                "float32 eager": (reader.network, lambda q: embed(model, [q]))}

    def use(mode: str) -> None:
        reader.forward = forwards[mode][0]
        embed = forwards[mode][1]           # every mode reads the question as the retriever does (`as_squad_asks`)
        engine.retriever.embed_query = engine.text.embed_query = lru_cache(maxsize=1024)(
            lambda question: embed(as_squad_asks(question)))

    modes = list(forwards)
    for mode in modes:                                  # warm-up: first-call costs of each
        use(mode)
        for q in questions:
            engine.ask(q)
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    for rep in range(args.repeat):
        for i, q in enumerate(questions):
            shift = (rep + i) % len(modes)
            for mode in modes[shift:] + modes[:shift]:
                use(mode)
                engine.forget()
                t = time.perf_counter()
                engine.ask(q)
                times[mode].append((time.perf_counter() - t) * 1000)
    text = [i % len(questions) < len(text_questions) for i in range(len(times["onnx"]))]
    for label, keep in (("all", [True] * len(text)), ("text", text)):
        kept = {mode: [t for t, k in zip(times[mode], keep) if k] for mode in modes}
        parts = [f"{mode} {statistics.median(kept[mode]):.1f} ms" for mode in modes]
        ratios = [f"{mode} {statistics.median(a / b for a, b in zip(kept[mode], kept['onnx'])):.2f}" for mode in modes[1:]]
        print(f"{args.index} ({len(engine.index.chunks):,} chunks), {label} questions, {len(kept['onnx'])} asks each: "
              f"whole answer p50 {', '.join(parts)}; median per-question ratio to onnx: {', '.join(ratios)}")


if __name__ == "__main__":
    main()
