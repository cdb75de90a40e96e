"""Build into Postgres: the local index folder is built (it is the build cache), then published as one build."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from index import store
from index.build import BuildSummary, build_index, log, staleness as folder_staleness
from index.documents import scan
from index.embed import DEFAULT_MODEL
from index.postgres import Database


def staleness(manifest: store.Manifest | None, docs_dir: Path, model_name: str) -> str | None:
    """Why the database's current build cannot serve these documents and model, or None if it can."""
    if manifest is None:
        return "no build in the database"
    if problem := store.other_format(manifest):
        return f"the database holds index {problem}"
    if manifest.model != model_name:
        return f"the database's build used model {manifest.model!r}, {model_name!r} requested"
    current = scan(Path(docs_dir))
    if current != manifest.docs:
        changed = sorted(n for n in set(current) | set(manifest.docs) if current.get(n) != manifest.docs.get(n))
        return f"documents changed since the database's build ({changed})"
    return None


def build_and_publish(docs_dir: Path, out: Path, model_name: str = DEFAULT_MODEL, model=None,
                      progress: bool = False, db: Database | None = None, **build_options) -> BuildSummary:
    """Bring the local index folder up to date, then store it in Postgres as the new current build.

    A rebuilt index is published while the folder is written: publishing mostly waits on the server, writing on
    the disk. Either may fail alone without harm: a folder ahead of the database is published by the next
    build, a database ahead of the folder is only the folder's next build published again.
    """
    db = db or Database.for_index(out)
    rebuild = (not build_options.get("incremental", True)
               or folder_staleness(Path(out), Path(docs_dir), model_name) is not None)
    if rebuild:
        index, summary = build_index(docs_dir, out, model_name, model=model, progress=progress, write=False,
                                     **build_options)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=1) as pool:
            writing = pool.submit(store.save, index, Path(out))
            build_id = db.publish(index)
            writing.result()
    else:                                                   # the folder is current: publish it as it is
        t0 = time.perf_counter()
        index = store.load(out)
        summary = BuildSummary(len(index.texts), len(index.chunks), len(index.tables), index.manifest.skipped)
        build_id = db.publish(index)
    seconds = round(time.perf_counter() - t0, 3)
    summary.index_seconds = round(summary.index_seconds + seconds, 3)
    summary.build_seconds = round(summary.build_seconds + seconds, 3)
    if progress:
        also = " (while writing the folder)" if rebuild else ""
        log(f"published as Postgres build {build_id} of {db.collection!r} in {seconds:.1f} s{also}")
    return summary
