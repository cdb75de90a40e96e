"""Command line: run Q/A sets (and optionally the ablation, a SQuAD file, the floors) and write the report.

    python -m eval [--set FILE ...] [--docs DIR] [--index DIR] [--out DIR] [--compare] [--squad FILE]
                   [--floors] [--report FILE]
    python -m eval --set wtq [--mode both|oracle|open] [--limit N]    # ../shared/datasets/wtq-dev
    python -m eval fit-reader [--epochs N] [--folds ...]             # fine-tune the span reader (eval/fit_reader.py)
    python -m eval fit-chooser [--passages N]                        # fit the answer chooser (eval/fit_chooser.py)
    python -m eval fit-support                                       # fit the sentence ranker (eval/fit_support.py)
    python -m eval fit-rerank                                        # fit the passage ranker (eval/fit_rerank.py)
    python -m eval retrieval [--squad FILE]                          # own-paragraph retrieval (eval/retrieval.py)
"""
from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from eval import floors as floor_check
from eval import report as reporting
from eval.qa_set import QAItem, SetError, default_docs, load_set
from eval.run import SetRun, run_set
from eval.squad import load_squad, run_squad, summarize as summarize_squad, write_documents

DEFAULT_SET = Path("eval/qa.jsonl")
DEFAULT_OUT = Path("eval/out")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    p.add_argument("--set", type=Path, action="append", metavar="FILE",
                   help=f"a Q/A set (JSON Lines); repeatable; default {DEFAULT_SET}")
    p.add_argument("--docs", type=Path, help="documents folder (default: docs/ beside the set, else seeds/)")
    p.add_argument("--index", type=Path, help="index folder (default: .index for seeds/, else under --out)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report folder (default {DEFAULT_OUT})")
    p.add_argument("--compare", action="store_true",
                   help="also run the retrieval ablation and the abstention-threshold sweep on the first set")
    p.add_argument("--squad", type=Path, metavar="FILE", help="also score a SQuAD v2-style JSON file")
    p.add_argument("--floors", action="store_true",
                   help="check eval/floors.json on its set; exit 1 when a quality floor is not met")
    p.add_argument("--backend", choices=("local", "postgres"), default=None,
                   help="where the index lives (env DOCQA_BACKEND; default local)")
    p.add_argument("--no-reader", dest="reader", action="store_false",
                   help="answer text questions with the rules instead of the span reader (for comparison)")
    p.add_argument("--no-chooser", dest="chooser", action="store_false",
                   help="let the reader's own policy pick its span instead of the fitted chooser (for comparison)")
    p.add_argument("--no-ranker", dest="ranker", action="store_false",
                   help="let the reader's span pick a descriptive question's passage instead of the fitted sentence "
                        "ranker (for comparison)")
    p.add_argument("--no-rerank", dest="rerank", action="store_false",
                   help="let the reader read the passages in retrieval order instead of the fitted passage ranker's "
                        "(for comparison)")
    p.add_argument("--report", type=Path, metavar="FILE", help="also write the Markdown report here (eval/REPORT.md)")
    p.add_argument("--mode", choices=("both", "oracle", "open"), default="both",
                   help="for --set wtq: each question over its own table (oracle), over all tables (open), or both")
    p.add_argument("--limit", type=int, help="for --set wtq: only the first N questions")
    args = p.parse_args(argv)
    if args.docs and args.set and len(args.set) > 1:
        p.error("--docs applies to a single --set; give each set a docs/ folder beside it instead")
    return args


def set_name(path: Path) -> str:
    """A short name for a set file: `qa` for eval/qa.jsonl, `other-qa` for eval/other/qa.jsonl."""
    path = Path(path)
    return path.stem if path.parent.name in ("eval", "") else f"{path.parent.name}-{path.stem}"


def index_for(docs: Path, out: Path, name: str) -> Path:
    """The app's own index for its default documents, else a private index under the output folder."""
    from app.engine import DEFAULT_DOCS, DEFAULT_INDEX

    return DEFAULT_INDEX if docs.resolve() == DEFAULT_DOCS.resolve() else out / "indexes" / name


def open_engine(index: Path, docs: Path, backend: str | None = None, settings=None):
    """The engine over `docs` (its index built when missing or stale) on the chosen backend, with these settings
    (e.g. `Settings(reader=False)`: text questions answered by the rules instead of the span reader)."""
    from app.engine import Engine
    from app.settings import Settings

    return Engine.open(index, docs, backend=backend, settings=settings or Settings())


def settings_dict(engine) -> dict:
    return asdict(engine.settings)


def run_one(engine, name: str, set_path: Path, docs: Path, items: list[QAItem]) -> SetRun:
    """Run one set (after a warm-up question) and print its headline."""
    engine.ask(items[0].question)   # warm-up: first-call costs are not a question's latency
    t0 = time.perf_counter()
    outcomes = run_set(engine, items)
    run = SetRun(name, str(set_path), str(docs), settings_dict(engine), outcomes, time.perf_counter() - t0)
    print_run(run)
    return run


def print_run(run: SetRun) -> None:
    s = run.summary
    print(f"\n== {run.name}: {run.set_path} over {run.docs}/ — {s.n} questions in {run.seconds:.1f} s")
    print(f"answer accuracy (answerable, exact) {reporting.pct(s.accuracy)}   F1 {reporting.pct(s.f1)}   "
          f"answer contains {reporting.pct(s.contains)}")
    print(f"abstention precision {reporting.pct(s.abstain_precision)}   recall {reporting.pct(s.abstain_recall)}")
    print(f"cited evidence {reporting.pct(s.citation_accuracy)}   numbers traceable {reporting.pct(s.traceable)}")
    print("retrieval " + "  ".join(f"R@{k} {reporting.pct(v)}" for k, v in s.recall.items()) + f"  MRR {s.mrr:.3f}")
    print(f"latency p50 {s.p50_ms:.0f} ms   p95 {s.p95_ms:.0f} ms")
    print("\n".join(reporting.kinds_table(run)))
    failed = [o for o in run.outcomes if o.problems()]
    print(f"{len(failed)} questions failed a check:")
    for o in failed:
        print(f"  {o.id} [{o.kind}] {o.question!r}: expected {o.expected[:2] or '(abstain)'}, "
              f"got {o.got if not o.abstained else '(abstained)'!r} — {'; '.join(o.problems())}")


def squad_run(path: Path, out: Path, backend: str | None = None, settings=None) -> reporting.SquadRun:
    """Index a SQuAD file's contexts as documents in a temporary folder and score the engine on it."""
    squad = load_squad(path)
    with tempfile.TemporaryDirectory(prefix="squad-docs-") as tmp:
        docs = write_documents(squad, Path(tmp))
        engine = open_engine(out / "indexes" / f"squad-{path.stem}", docs, backend, settings)
        outcomes = run_squad(engine, squad)
    scores = summarize_squad(outcomes)
    print(f"\n== SQuAD {path}: {scores.n} questions — EM {reporting.pct(scores.exact)}  F1 {reporting.pct(scores.f1)}  "
          f"has-answer EM/F1 {reporting.pct(scores.has_ans_exact)}/{reporting.pct(scores.has_ans_f1)}  "
          f"no-answer accuracy {reporting.pct(scores.no_ans_accuracy)}")
    return reporting.SquadRun(str(path), outcomes, scores)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["fit-reader"]:
        from eval import fit_reader

        return fit_reader.main(argv[1:])
    if argv[:1] == ["fit-chooser"]:
        from eval import fit_chooser

        return fit_chooser.main(argv[1:])
    if argv[:1] == ["fit-support"]:
        from eval import fit_support

        return fit_support.main(argv[1:])
    if argv[:1] == ["fit-rerank"]:
        from eval import fit_rerank

        return fit_rerank.main(argv[1:])
    if argv[:1] == ["retrieval"]:
        from eval import retrieval

        return retrieval.main(argv[1:])
    args = parse_args(argv)
    command = "python -m eval " + shlex.join(argv)
    if args.set and [str(s) for s in args.set] == ["wtq"]:
        from eval import wtq

        modes = ["oracle", "open"] if args.mode == "both" else [args.mode]
        wtq.main(modes, args.out, limit=args.limit)
        return 0
    from app.settings import Settings

    settings = Settings(reader=args.reader, chooser=args.chooser, ranker=args.ranker, rerank=args.rerank)
    floors = floor_check.load_floors() if args.floors else None
    sets = args.set or [floors.set_path if floors else DEFAULT_SET]
    report = reporting.Report(command.strip(), time.strftime("%Y-%m-%d %H:%M"), {})
    try:
        loaded = [(path, load_set(path)) for path in sets]
    except (OSError, SetError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for i, (path, items) in enumerate(loaded):
        docs = args.docs or (floors.docs if floors and not args.set else default_docs(path, Path("seeds")))
        name = set_name(path)
        engine = open_engine(args.index or index_for(docs, args.out, name), docs, args.backend, settings)
        report.settings = settings_dict(engine)
        report.runs.append(run_one(engine, name, path, docs, items))
        if args.compare and i == 0:
            from eval.compare import compare

            print(f"\n== --compare on {path}")
            report.comparison = compare(engine, items)
            print(f"chosen retrieval: {report.comparison.chosen_retrieval.label} ({report.comparison.why_retrieval})")
            print(f"chosen threshold: {report.comparison.chosen_threshold.label} ({report.comparison.why_threshold})")
            for rec in report.comparison.recommendations() or ["no Settings default change recommended"]:
                print(f"recommendation: {rec}")
    if args.squad:
        report.squad = squad_run(args.squad, args.out, args.backend, settings)
    if floors:
        report.floors = floor_check.check(report.runs[0].summary, floors)
        print("\n== floors (eval/floors.json)")
        print("\n".join(str(c) for c in report.floors))
    written = reporting.write(report, args.out, args.report)
    print("\nwrote " + ", ".join(str(p) for p in written))
    return 1 if any(not c.ok for c in report.floors) else 0


if __name__ == "__main__":
    sys.exit(main())
