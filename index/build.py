"""Build an index folder from a documents folder (incrementally), and tell whether an existing one is current.

A build reuses, from the index already at `out`, everything belonging to documents whose content
hash is unchanged (chunks, tables, vectors, term counts, extras); only new or edited documents are
parsed and embedded. The BM25 statistics and the dense index are then recomputed over the whole
corpus from stored counts and vectors, and the result replaces the old folder atomically.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index import store
from index.chunk import Chunks, chunk_document
from index.dense import build_dense, default_kind, extend_dense
from index.documents import Document, load_documents, scan
from index.embed import DEFAULT_MODEL, dimension, embed_with_spans, load_model
from index.fold import terms
from index.lexicon import DocWords, Lexicon, doc_words
from index.parse import parse
from index.sentences import NAME as SENTENCES, chunk_sentences, sentence_rows
from index.sparse import SparseIndex, TermCounts
from index.tables import Table, extract_tables

# Vectors other stages store with the index, one row per key of each document (rows of unchanged documents are
# reused): a vector per sentence of the text chunks (index/sentences.py).
EXTRAS = (SENTENCES,)


@dataclass
class BuildSummary:
    """What a build did, for the CLI and the benchmark."""

    documents: int
    chunks: int
    tables: int
    skipped: dict[str, str] = field(default_factory=dict)
    model_seconds: float = 0.0
    build_seconds: float = 0.0
    parse_seconds: float = 0.0           # reading, parsing, chunking, tokenizing, counting words
    embed_seconds: float = 0.0
    index_seconds: float = 0.0           # BM25, dense index, word statistics, writing the folder
    reused_documents: int = 0            # unchanged documents taken from the previous index
    embedded_chunks: int = 0             # chunks embedded by this build

    def __str__(self) -> str:
        model = f" (+ model load {self.model_seconds:.1f} s)" if self.model_seconds else ""
        lines = [f"indexed {self.documents} documents -> {self.chunks} chunks, {self.tables} tables "
                 f"in {self.build_seconds:.1f} s{model}: parsing {self.parse_seconds:.1f} s, "
                 f"embedding {self.embed_seconds:.1f} s, indexing {self.index_seconds:.1f} s; "
                 f"{self.reused_documents} documents reused, {self.embedded_chunks} chunks embedded"]
        lines += [f"skipped {name}: {why}" for name, why in self.skipped.items()]
        return "\n".join(lines)


@dataclass
class _Part:
    """Everything one document contributes to the index."""

    doc: Document
    chunks: Chunks
    tables: list[Table]
    counts: TermCounts
    vectors: np.ndarray | None                   # None until embedded
    extras: dict[str, tuple[list[str], np.ndarray]]
    reused: bool = False
    words: DocWords | None = None                # the document's word statistics (new documents only)


def build(docs_dir: Path, out: Path, model_name: str = DEFAULT_MODEL, model=None,
          progress: bool = False, dense: str | None = None, incremental: bool = True,
          cluster=None) -> BuildSummary:
    """Parse, chunk, embed and store the documents in `docs_dir` into the index folder `out`.

    `cluster` (index/distributed.py) runs the parsing of new documents and their embedding on its workers.
    """
    return build_index(docs_dir, out, model_name, model, progress, dense, incremental, cluster)[1]


def build_index(docs_dir: Path, out: Path, model_name: str = DEFAULT_MODEL, model=None,
                progress: bool = False, dense: str | None = None, incremental: bool = True,
                cluster=None, write: bool = True) -> tuple[store.StoredIndex, BuildSummary]:
    """`build`, also returning the index (so publishing it needs no second read of the folder); `write=False`
    leaves writing the folder to the caller."""
    from tqdm import tqdm

    t1 = time.perf_counter()
    docs, skipped = load_documents(Path(docs_dir))
    if not docs:
        raise ValueError(f"no readable .txt or .md documents in {docs_dir}")
    old = _previous(Path(out), model_name) if incremental else None
    old_rows = old.doc_rows() if old else {}
    dense = dense or (old.manifest.dense if old and "DOCQA_DENSE" not in os.environ else default_kind())
    old_tables: dict[str, list[Table]] = {}
    for table in old.tables if old else []:
        old_tables.setdefault(table.doc, []).append(table)
    reused = {doc.name: _reuse(old, doc, old_rows[doc.name], old_tables.get(doc.name, [])) for doc in docs
              if old is not None and old.manifest.docs.get(doc.name) == doc.sha256 and doc.name in old_rows}
    todo = [doc for doc in docs if doc.name not in reused]
    if cluster is not None:
        parsed = iter(cluster.map(parse_document, todo, progress=progress, desc="parsing", unit="doc"))
    else:
        parsed = map(parse_document, tqdm(todo, desc="parsing", unit="doc", disable=not progress, mininterval=1.0))
    parts: list[_Part] = [reused[doc.name] if doc.name in reused else next(parsed) for doc in docs]
    t2 = time.perf_counter()

    fresh = [p for p in parts if not p.reused]
    model_seconds = 0.0
    if fresh and model is None:   # loaded only when a document is new or edited: a no-op build needs no model
        model = load_model(model_name)
        model_seconds = time.perf_counter() - t2
    texts = [c.search_text for p in fresh for c in p.chunks]
    spans = [[span for _, span in chunk_sentences(c)] for p in fresh for c in p.chunks]
    dim = dimension(model) if model is not None else old.manifest.dim
    if not texts:
        vectors, pooled = np.zeros((0, dim), np.float32), []
    elif cluster is not None:
        vectors, pooled = cluster.embed(model_name, texts, spans, progress=progress)
    else:
        vectors, pooled = embed_with_spans(model, texts, spans, progress=progress)
    at = 0
    for p in fresh:
        p.vectors = vectors[at:at + len(p.chunks)]
        p.extras = {SENTENCES: sentence_rows(p.chunks, pooled[at:at + len(p.chunks)], dim)}
        at += len(p.chunks)
    del pooled     # ~4 float32 vectors a chunk: ~0.9 GB at 145k chunks, now held in half precision by the parts
    t3 = time.perf_counter()

    chunks = Chunks.concat(p.chunks for p in parts)
    embeddings = np.concatenate([p.vectors for p in parts]).astype(np.float32, copy=False)
    manifest = store.Manifest(model=model_name, dim=int(embeddings.shape[1]),
                              docs={d.name: d.sha256 for d in [*docs, *skipped]},
                              skipped={s.name: s.reason for s in skipped}, built_at=store.now_iso(), dense=dense)
    reuse = {p.doc.name for p in parts if p.reused}
    lexicon = Lexicon.build({p.doc.name: p.doc.text for p in parts}, old.lexicon if old else None,
                            old.texts if old else None, reuse, {p.doc.name: p.words for p in parts if p.words})
    vectors = _carried_dense(old, old_rows, parts, dense) if old else None
    if vectors is None:
        vectors = build_dense(embeddings, dense)
    index = store.StoredIndex(manifest, chunks, [t for p in parts for t in p.tables], {p.doc.name: p.doc.text for p in parts},
                              SparseIndex.build(TermCounts.concat([p.counts for p in parts])),
                              vectors, embeddings, lexicon, _extras(parts))
    manifest.build_seconds = round(time.perf_counter() - t1 - model_seconds, 3)
    if write:
        store.save(index, Path(out))
    t4 = time.perf_counter()
    return index, BuildSummary(len(docs), len(chunks), len(index.tables), manifest.skipped,
                               round(model_seconds, 3), round(t4 - t1 - model_seconds, 3), round(t2 - t1, 3),
                               round(t3 - t2 - model_seconds, 3), round(t4 - t3, 3),
                               len(reuse), len(texts))


def parse_document(doc: Document) -> _Part:
    """Parse, chunk and count one new or edited document (runs on a worker in a distributed build)."""
    parsed = parse(doc.name, doc.text)
    doc_tables = extract_tables(parsed)
    chunks = Chunks.of(chunk_document(parsed, doc_tables))
    return _Part(doc, chunks, doc_tables, TermCounts.from_tokens([terms(c.search_text) for c in chunks]),
                 None, {}, words=doc_words(doc.text))


def _previous(out: Path, model_name: str) -> store.StoredIndex | None:
    """The index already at `out`, when it was built with this model and can be read; else None."""
    try:
        old = store.load(out)
    except store.IndexUnavailable:
        return None
    return old if old.manifest.model == model_name and set(EXTRAS) <= set(old.extras) else None


def _reuse(old: store.StoredIndex, doc: Document, rows: tuple[int, int], tables: list[Table]) -> _Part:
    start, end = rows
    extras = {}
    for name in EXTRAS:
        extra = old.extras[name]
        lo, hi = extra.doc_rows.get(doc.name, (0, 0))
        extras[name] = (extra.keys[lo:hi], np.asarray(extra.vectors[lo:hi]))
    return _Part(doc, old.chunks[start:end], tables,
                 old.sparse.counts.take(start, end), np.asarray(old.embeddings[start:end]), extras, reused=True)


def _carried_dense(old: store.StoredIndex, old_rows: dict[str, tuple[int, int]], parts: list[_Part], kind: str):
    """The previous approximate dense index with this build's new rows added and its stale ones dead, or None."""
    old_to_new = np.full(len(old.chunks), -1, np.int64)
    fresh_positions, at = [], 0
    for p in parts:
        if p.reused:
            start, end = old_rows[p.doc.name]
            old_to_new[start:end] = np.arange(at, at + end - start)
        else:
            fresh_positions.append(np.arange(at, at + len(p.chunks)))
        at += len(p.chunks)
    fresh = [p.vectors for p in parts if not p.reused]
    return extend_dense(old.vectors, kind, old_to_new, np.concatenate(fresh) if fresh else np.zeros((0, old.manifest.dim)),
                        np.concatenate(fresh_positions) if fresh_positions else np.zeros(0, np.int64))


def _extras(parts: list[_Part]) -> dict[str, store.Extra]:
    out = {}
    for name in EXTRAS:
        keys, rows, doc_rows = [], [], {}
        for p in parts:
            k, v = p.extras[name]
            doc_rows[p.doc.name] = (len(keys), len(keys) + len(k))
            keys += k
            v = np.asarray(v, dtype=store.EXTRA_DTYPE)     # as stored: a reused document's rows are not widened
            rows.append(v if v.ndim == 2 else v.reshape(len(k), -1))   # a document with no rows gives (0, dim)
        out[name] = store.Extra(keys, np.concatenate(rows) if rows else np.zeros((0, 0), store.EXTRA_DTYPE), doc_rows)
    return out


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
