"""The index folder: FAISS vectors, BM25 tokens, chunks, tables, document texts and a manifest.

Written atomically (build in a sibling temp folder, then swap), verified on load by the
file hashes the manifest records, so a corrupt or half-written index is never used.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.chunk import Chunk
from index.documents import hash_bytes
from index.tables import Table, tables_from_json, tables_to_json

FORMAT_VERSION = 3   # bump whenever parsing, chunking or tokenizing changes: old indexes rebuild (3: Markdown rules)
FILES = ("chunks.json", "tables.json", "docs.json", "bm25.json", "vectors.faiss")


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
    format_version: int = FORMAT_VERSION


@dataclass
class StoredIndex:
    """Everything retrieval and answering need, loaded in memory."""

    manifest: Manifest
    chunks: list[Chunk]
    tables: list[Table]
    texts: dict[str, str]                # document name -> full text (offsets refer to it)
    tokens: list[list[str]]              # BM25 tokens per chunk
    vectors: object                      # faiss.Index


def save(index: StoredIndex, out: Path) -> None:
    """Write the index into `out`, replacing any previous one only once the new one is complete."""
    import faiss

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    try:
        _write_json(tmp / "chunks.json", [c.to_dict() for c in index.chunks])
        _write_json(tmp / "tables.json", tables_to_json(index.tables))
        _write_json(tmp / "docs.json", index.texts)
        _write_json(tmp / "bm25.json", index.tokens)
        faiss.write_index(index.vectors, str(tmp / "vectors.faiss"))
        index.manifest.files = {name: hash_bytes((tmp / name).read_bytes()) for name in FILES}
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
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


def recover(out: Path) -> None:
    """If a swap was interrupted between its two renames, put the previous index back."""
    out = Path(out)
    if out.exists():
        return
    olds = sorted(out.parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.replace(olds[-1], out)


def read_manifest(folder: Path) -> Manifest:
    """The manifest of an index folder, or IndexUnavailable if there is none or it is unreadable."""
    path = Path(folder) / "manifest.json"
    if not path.exists():
        raise IndexUnavailable(f"no index at {folder} (no manifest.json); build it with `python -m index build`")
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as err:
        raise IndexUnavailable(f"corrupt index at {folder}: unreadable manifest ({err})") from err


def load(folder: Path) -> StoredIndex:
    """Load and verify an index folder; raise IndexUnavailable if anything is missing or altered."""
    import faiss

    folder = Path(folder)
    recover(folder)
    manifest = read_manifest(folder)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexUnavailable(f"index at {folder} has format {manifest.format_version}, this code reads {FORMAT_VERSION}; rebuild it")
    for name in FILES:
        path = folder / name
        if not path.exists() or hash_bytes(path.read_bytes()) != manifest.files.get(name):
            raise IndexUnavailable(f"corrupt index at {folder}: {name} is missing or does not match the manifest; rebuild it")
    read = lambda name: json.loads((folder / name).read_text(encoding="utf-8"))  # noqa: E731
    vectors = faiss.read_index(str(folder / "vectors.faiss"))
    chunks = [Chunk.from_dict(c) for c in read("chunks.json")]
    if vectors.ntotal != len(chunks) or vectors.d != manifest.dim:
        raise IndexUnavailable(f"corrupt index at {folder}: {vectors.ntotal} vectors for {len(chunks)} chunks")
    return StoredIndex(manifest, chunks, tables_from_json(read("tables.json")), read("docs.json"),
                       read("bm25.json"), vectors)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
