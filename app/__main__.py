"""Command line: `python -m app ask "question"` and `python -m app serve`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.settings import MAX_QUESTION_CHARS


def _print_readable(result: dict) -> None:
    print(result["answer"])
    if result.get("computation"):
        print(f"  computation: {result['computation']}")
    for note in result.get("notes") or []:
        print(f"  note: {note}")
    for c in result["citations"]:
        where = f"{c['title']} > {c['section']}" if c["section"] else c["title"]
        print(f"\n[{c['n']}] {where}  ({c['doc']} {c['start']}:{c['end']})")
        print("    " + c["text"].strip().replace("\n", "\n    "))
    print(f"\n({result['kind']}, confidence {result['confidence']}, {result['timing_ms']['total']} ms)")


def _ask_batch(engine, questions: list[str]) -> int:
    """One JSON line per question; a question that fails gets `{"question", "error"}` and the batch goes on."""
    from app.engine import QuestionError

    failed = 0
    for q in questions:
        try:
            line = engine.ask(q)
        except QuestionError as err:
            failed, line = failed + 1, {"question": q, "error": f"invalid question: {err}"}
        except Exception as err:  # noqa: BLE001 - one question's failure must not end the batch
            failed, line = failed + 1, {"question": q, "error": f"internal error: {type(err).__name__}: {err}"}
        print(json.dumps(line, ensure_ascii=False), flush=True)
    if failed:
        print(f"error: {failed} of {len(questions)} questions failed (see their `error` lines)", file=sys.stderr)
    return 1 if failed else 0


def _ask(args) -> int:
    from app.engine import Engine, QuestionError, check_question
    from index.store import IndexUnavailable

    questions = []
    if args.batch:
        questions = [ln.rstrip("\n") for ln in open(args.batch, encoding="utf-8") if ln.strip()]
    elif args.question is not None:
        questions = [args.question]
    else:
        print("error: give a question, or --batch FILE", file=sys.stderr)
        return 2
    if not args.batch:
        try:
            check_question(questions[0])  # refuse bad input before loading anything
        except QuestionError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    try:
        engine = Engine.open(args.index, args.docs, rebuild="never" if args.no_build else "auto",
                             backend=args.backend)
    except (IndexUnavailable, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    if args.batch:
        return _ask_batch(engine, questions)
    result = engine.ask(questions[0])
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2), flush=True)
    else:
        _print_readable(result)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Ask questions about the documents.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question (or a file of questions) from the command line")
    ask.add_argument("question", nargs="?", help=f"the question (1-{MAX_QUESTION_CHARS} characters)")
    ask.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    ask.add_argument("--batch", type=Path, help="a file with one question per line; prints JSON Lines")
    ask.add_argument("--no-build", action="store_true", help="refuse instead of building a missing or stale index")
    serve = sub.add_parser("serve", help="run the chat UI, JSON API and widget")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--allow-origin", action="append", default=[], metavar="URL",
                       help="an origin allowed to call the API and embed the widget (repeatable; env DOCQA_ALLOW_ORIGINS)")
    for p in (ask, serve):
        p.add_argument("--index", type=Path, default=None, help="index folder (env DOCQA_INDEX; default .index/ for seeds/, "
                       ".index-<folder>-<hash> for another --docs)")
        p.add_argument("--docs", type=Path, default=None, help="documents folder (env DOCQA_DOCS; default seeds/)")
        p.add_argument("--backend", choices=("local", "postgres"), default=None,
                       help="where the index lives (env DOCQA_BACKEND; default local; postgres: DOCQA_DATABASE_URL "
                            "or an embedded server beside the index folder)")
    args = parser.parse_args(argv)
    if args.command == "ask":
        return _ask(args)
    from app.server import serve as run_server

    run_server(host=args.host, port=args.port, allow_origins=args.allow_origin or None,
               index_dir=args.index, docs_dir=args.docs, backend=args.backend)
    return 0


if __name__ == "__main__":
    sys.exit(main())
