"""Build an index folder from a documents folder, and tell whether an existing one is current."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from index import store
from index.chunk import Chunk, chunk_document
from index.documents import load_documents, scan
from index.embed import DEFAULT_MODEL, embed, load_model
from index.fold import terms
from index.parse import parse
from index.tables import Table, extract_tables


@dataclass
class BuildSummary:
    """What a build did, for the CLI and the benchmark."""

    documents: int
    chunks: int
    tables: int
    skipped: dict[str, str] = field(default_factory=dict)
    model_seconds: float = 0.0
    build_seconds: float = 0.0

    def __str__(self) -> str:
        model = f" (+ model load {self.model_seconds:.1f} s)" if self.model_seconds else ""
        lines = [f"indexed {self.documents} documents -> {self.chunks} chunks, {self.tables} tables "
                 f"in {self.build_seconds:.1f} s{model}"]
        lines += [f"skipped {name}: {why}" for name, why in self.skipped.items()]
        return "\n".join(lines)


def build(docs_dir: Path, out: Path, model_name: str = DEFAULT_MODEL, model=None,
          progress: bool = False) -> BuildSummary:
    """Parse, chunk, embed and store every document in `docs_dir` into the index folder `out`."""
    import faiss

    t0 = time.perf_counter()
    model = model or load_model(model_name)
    t1 = time.perf_counter()
    docs, skipped = load_documents(Path(docs_dir))
    if not docs:
        raise ValueError(f"no readable .txt or .md documents in {docs_dir}")
    chunks: list[Chunk] = []
    tables: list[Table] = []
    for doc in docs:
        parsed = parse(doc.name, doc.text)
        doc_tables = extract_tables(parsed)
        tables += doc_tables
        chunks += chunk_document(parsed, doc_tables)
    vectors = embed(model, [c.search_text for c in chunks], progress=progress)
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    manifest = store.Manifest(model=model_name, dim=int(vectors.shape[1]),
                              docs={d.name: d.sha256 for d in [*docs, *skipped]},
                              skipped={s.name: s.reason for s in skipped}, built_at=store.now_iso())
    manifest.build_seconds = round(time.perf_counter() - t1, 3)
    store.save(store.StoredIndex(manifest, chunks, tables, {d.name: d.text for d in docs},
                                 [terms(c.search_text) for c in chunks], dense), Path(out))
    return BuildSummary(len(docs), len(chunks), len(tables), manifest.skipped,
                        round(t1 - t0, 3), round(time.perf_counter() - t1, 3))


def staleness(out: Path, docs_dir: Path, model_name: str) -> str | None:
    """Why the index at `out` cannot be used for these documents and model, or None if it is current."""
    try:
        manifest = store.read_manifest(out)
    except store.IndexUnavailable as err:
        return str(err)
    if manifest.model != model_name:
        return f"index was built with model {manifest.model!r}, {model_name!r} requested"
    current = scan(Path(docs_dir))
    if current == manifest.docs:
        return None
    added, removed = set(current) - set(manifest.docs), set(manifest.docs) - set(current)
    changed = sorted(n for n in set(current) & set(manifest.docs) if current[n] != manifest.docs[n])
    return f"documents changed since the index was built (added {sorted(added)}, removed {sorted(removed)}, edited {changed})"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
