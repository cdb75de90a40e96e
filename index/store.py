"""The index folder: chunk vectors, the BM25 sparse index, chunks, tables, document texts, word stats, a manifest.

    chunks.jsonl  chunk_docs.json             the chunks, one JSON line each, and each run of one document's
                                              chunks (chunks are contiguous per document)
    tables.json  docs.json                    the tables and each document's text
    embeddings.npy                            one L2-normalised float32 vector per chunk (memory-mapped)
    vectors.faiss  vectors.rows.npy           only for an approximate dense index (hnsw / ivf), see dense.py
    bm25/                                     bm25s's CSC score matrix, vocabulary, idf and term counts (sparse.py)
    lexicon.json  doc_terms.npz               word statistics for the answer side (lexicon.py)
    extras/NAME.npy  extras/NAME.json         more vectors per document (build.EXTRAS: sentences.py), memory-mapped
    manifest.json                             model, document hashes, file hashes; written last

Written atomically (build in a sibling temp folder, then swap), verified on load by the file hashes
the manifest records, so a corrupt or half-written index is never used. Loading reads or maps
what was stored; nothing is re-tokenized, re-scored or re-trained.

A second storage backend provides the same `StoredIndex` fields: `vectors` answers
`search(query_vectors, k)` like a FAISS index, `sparse` answers `top(terms, k)` and `idf` like
`sparse.SparseIndex`.
"""
from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from index.chunk import Chunks
from index.dense import load_dense, save_dense
from index import lexicon, sparse
from index.lexicon import Lexicon
from index.sparse import SparseIndex
from index.tables import Table, tables_from_json

# bump whenever parsing, chunking, tokenizing or the layout changes: old indexes rebuild
# (10: reference markers blanked; 11: no sentence ends after "Dr." or a name's initial; 12: underlined headings)
FORMAT_VERSION = 12
REQUIRED = ("chunks.jsonl", "chunk_docs.json", "tables.json", "docs.json", "embeddings.npy", *lexicon.FILES,
            *(f"bm25/{name}" for name in sparse.FILES))


class IndexUnavailable(Exception):
    """The index folder is missing, corrupt or stale; the message says which and what to do."""


@dataclass
class Manifest:
    """What an index was built from and with."""

    model: str
    dim: int
    docs: dict[str, str]                 # every .txt/.md file seen (indexed or skipped) -> sha256
    files: dict[str, str] = field(default_factory=dict)   # stored file -> sha256
    skipped: dict[str, str] = field(default_factory=dict)  # document name -> why it was skipped
    built_at: str = ""
    build_seconds: float = 0.0
    dense: str = "flat"                  # dense index kind (dense.KINDS)
    format_version: int = FORMAT_VERSION


# Extra vectors are only ever compared by cosine: half precision (an error of ~1e-3 in a cosine) halves them on disk
# and in a Postgres-backed server's memory (sentence vectors: ~4 a chunk, ~0.9 GB at 145k chunks in float32).
EXTRA_DTYPE = np.float16


@dataclass
class Extra:
    """Vectors another stage stores with the index (e.g. one per sentence), keyed by a string per row."""

    keys: list[str]
    vectors: np.ndarray
    doc_rows: dict[str, tuple[int, int]]   # document -> its rows [start, end)

    def lookup(self) -> dict[str, int]:
        """Key -> row."""
        return {k: i for i, k in enumerate(self.keys)}


@dataclass
class StoredIndex:
    """Everything retrieval and answering need, loaded in memory (large arrays memory-mapped)."""

    manifest: Manifest
    chunks: Chunks
    tables: list[Table]
    texts: dict[str, str]                # document name -> full text (offsets refer to it)
    sparse: SparseIndex                  # BM25
    vectors: object                      # faiss.Index over `embeddings`
    embeddings: np.ndarray               # chunk position -> vector
    lexicon: Lexicon
    extras: dict[str, Extra] = field(default_factory=dict)

    def doc_rows(self) -> dict[str, tuple[int, int]]:
        """Document -> its chunk positions [start, end) (chunks are stored contiguously per document)."""
        rows: dict[str, tuple[int, int]] = {}
        for i, doc in enumerate(self.chunks.docs):
            start = rows[doc][0] if doc in rows else i
            rows[doc] = (start, i + 1)
        return rows


def save(index: StoredIndex, out: Path) -> None:
    """Write the index into `out`, replacing any previous one only once the new one is complete."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    writes = [lambda: _write(tmp / "chunks.jsonl", b"\n".join(index.chunks.lines())),
              lambda: _write_json(tmp / "chunk_docs.json", _runs(index.chunks.docs)),
              lambda: _write_json(tmp / "tables.json", index.tables),
              lambda: _write_json(tmp / "docs.json", index.texts),
              lambda: np.save(tmp / "embeddings.npy", np.asarray(index.embeddings, dtype=np.float32)),
              lambda: save_dense(index.vectors, index.manifest.dense, tmp),
              lambda: index.sparse.save(tmp / "bm25"),
              lambda: index.lexicon.save(tmp)]
    for name, extra in index.extras.items():
        writes += [lambda extra=extra, name=name: np.save(tmp / "extras" / f"{name}.npy",
                                                          np.asarray(extra.vectors, dtype=EXTRA_DTYPE)),
                   lambda extra=extra, name=name: _write_json(tmp / "extras" / f"{name}.json",
                                                              {"keys": extra.keys, "doc_rows": extra.doc_rows})]
    try:
        if index.extras:
            (tmp / "extras").mkdir()
        # writing, hashing and syncing release the GIL: the files go out side by side (4.7 -> ~3 s at 145k chunks)
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda write: write(), writes))
            names = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
            index.manifest.files = dict(zip(names, pool.map(lambda name: _hash_file(tmp / name), names)))
            list(pool.map(lambda name: _fsync(tmp / name), names))
        _write_json(tmp / "manifest.json", index.manifest.__dict__)  # written last: marks completeness
        _swap(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap(tmp: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _write_json(path: Path, data) -> None:
    """Write `data` as JSON (orjson: the standard library's encoder took 3 of the 11 s of rebuilding a
    143,602-chunk index; a non-finite float becomes null) and fsync it."""
    _write(path, orjson.dumps(data))


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _runs(docs: list[str]) -> list[list]:
    """[[document, number of its consecutive chunks], ...]."""
    runs: list[list] = []
    for doc in docs:
        if runs and runs[-1][0] == doc:
            runs[-1][1] += 1
        else:
            runs.append([doc, 1])
    return runs


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hash_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def recover(out: Path) -> None:
    """If a swap was interrupted between its two renames, put the previous index back."""
    out = Path(out)
    if out.exists():
        return
    olds = sorted(out.parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.replace(olds[-1], out)


def other_format(manifest: Manifest) -> str | None:
    """Why this code cannot read an index of the manifest's format, or None if it can."""
    if manifest.format_version != FORMAT_VERSION:
        return f"format {manifest.format_version}, this code reads {FORMAT_VERSION}"
    return None


def read_manifest(folder: Path) -> Manifest:
    """The manifest of an index folder, or IndexUnavailable if there is none, it is unreadable or of another format."""
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise IndexUnavailable(f"no index at {folder} (no manifest.json); build it with `python -m index build`")
    try:
        manifest = Manifest(**orjson.loads(path.read_bytes()))
    except (ValueError, TypeError) as err:
        raise IndexUnavailable(f"corrupt index at {folder}: unreadable manifest ({err})") from err
    if problem := other_format(manifest):
        raise IndexUnavailable(f"index at {folder} has {problem}; rebuild it")
    return manifest


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector: reading 100,000s of acyclic objects (chunks, counters) otherwise
    sets it off again and again (half of reading 143,602 chunks as objects)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(folder: Path) -> StoredIndex:
    """Load and verify an index folder; raise IndexUnavailable if anything is missing or altered."""
    with collector_paused():
        return _load(Path(folder))


def _load(folder: Path) -> StoredIndex:
    recover(folder)
    manifest = read_manifest(folder)
    names = sorted(set(REQUIRED) | set(manifest.files))
    with ThreadPoolExecutor(max_workers=4) as pool:       # hashing releases the GIL
        hashes = list(pool.map(lambda name: _hash_file(folder / name) if (folder / name).is_file() else None, names))
    for name, digest in zip(names, hashes):
        if digest is None or digest != manifest.files.get(name):
            raise IndexUnavailable(f"corrupt index at {folder}: {name} is missing or does not match the manifest; rebuild it")
    read = lambda name: orjson.loads((folder / name).read_bytes())  # noqa: E731
    data = (folder / "chunks.jsonl").read_bytes()
    try:
        chunks = Chunks.from_lines(data.split(b"\n") if data else [],
                                   [doc for doc, n in read("chunk_docs.json") for _ in range(n)])
    except ValueError as err:
        raise IndexUnavailable(f"corrupt index at {folder}: {err}") from err
    embeddings = np.load(folder / "embeddings.npy", mmap_mode="r")
    if embeddings.shape != (len(chunks), manifest.dim):
        raise IndexUnavailable(f"corrupt index at {folder}: {embeddings.shape[0]} vectors for {len(chunks)} chunks")
    vectors = load_dense(folder, manifest.dense, embeddings)
    sparse = SparseIndex.load(folder / "bm25")
    if vectors.ntotal != len(chunks) or vectors.d != manifest.dim or sparse.num_docs != len(chunks):
        raise IndexUnavailable(f"corrupt index at {folder}: {vectors.ntotal} vectors, {sparse.num_docs} BM25 rows "
                               f"for {len(chunks)} chunks")
    extras = {}
    for path in sorted((folder / "extras").glob("*.json")) if (folder / "extras").is_dir() else []:
        meta = read(f"extras/{path.name}")
        extras[path.stem] = Extra(meta["keys"], np.load(path.with_suffix(".npy"), mmap_mode="r"),
                                  {d: tuple(r) for d, r in meta["doc_rows"].items()})
    return StoredIndex(manifest, chunks, tables_from_json(read("tables.json")), read("docs.json"),
                       sparse, vectors, embeddings, Lexicon.load(folder), extras)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
