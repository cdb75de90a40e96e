"""`python -m index build [--docs DIR] [--out DIR] [--model NAME] [--dense KIND] [--full] [--backend B] [--dask [ADDR]]`
and `python -m index tables`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.build import build, log
from index.dense import KINDS
from index.embed import DEFAULT_MODEL


def main(argv: list[str] | None = None) -> int:
    from app.engine import DEFAULT_DOCS, default_index

    parser = argparse.ArgumentParser(prog="python -m index", description="Build or inspect the document index.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="chunk, embed and store the documents")
    b.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="documents folder (env DOCQA_DOCS; default seeds/)")
    b.add_argument("--out", type=Path, default=None,
                   help="index folder (env DOCQA_INDEX; default .index/ for seeds/, .index-<folder>-<hash> for another)")
    b.add_argument("--model", default=DEFAULT_MODEL, help="sentence-transformers model name or local path")
    b.add_argument("--backend", choices=("local", "postgres"), default=None,
                   help="local: the index folder only (default; env DOCQA_BACKEND); postgres: also publish it "
                        "as one build into Postgres (DOCQA_DATABASE_URL, else an embedded server beside --out)")
    b.add_argument("--dense", choices=KINDS, default=None,
                   help="dense index: flat (exact, default), hnsw or ivf (approximate); env DOCQA_DENSE")
    b.add_argument("--full", action="store_true", help="re-embed every document (default: only new or edited ones)")
    b.add_argument("--dask", nargs="?", const="local", default=None, metavar="SCHEDULER",
                   help="parse and embed on a dask.distributed cluster: a scheduler address (tcp://host:8786), "
                        "or none for a LocalCluster on this machine")
    t = sub.add_parser("tables", help="print every parsed table with its resolved column names")
    t.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    args = parser.parse_args(argv)

    if args.command == "build":
        args.out = args.out or default_index(args.docs)
        from app.engine import check_backend
        from index.store import IndexUnavailable

        cluster = None
        try:
            options = {"progress": True, "dense": args.dense, "incremental": not args.full}
            if args.dask:
                from index.distributed import DaskCluster

                cluster = options["cluster"] = DaskCluster(None if args.dask == "local" else args.dask)
                log(f"dask: {cluster.workers} workers ({'LocalCluster' if args.dask == 'local' else args.dask})")
            if check_backend(args.backend) == "postgres":
                from index.publish import build_and_publish

                log(str(build_and_publish(args.docs, args.out, args.model, **options)))
            else:
                log(str(build(args.docs, args.out, args.model, **options)))
        except (FileNotFoundError, ValueError, IndexUnavailable, OSError) as err:
            log(f"error: {err}")
            return 2
        finally:
            if cluster is not None:
                cluster.close()
        return 0
    from index.documents import load_documents
    from index.parse import parse
    from index.tables import extract_tables, format_table

    docs, skipped = load_documents(args.docs)
    for doc in docs:
        for table in extract_tables(parse(doc.name, doc.text)):
            print(format_table(table), end="\n\n")
    for s in skipped:
        log(f"skipped {s.name}: {s.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
