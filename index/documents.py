"""Load the documents folder: every readable .txt/.md file, with bad files skipped and reported."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".md")
MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class Document:
    """One source file: its name inside the folder, its text and the hash of its bytes."""

    name: str
    text: str
    sha256: str


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why."""

    name: str
    reason: str
    sha256: str


def _decode(raw: bytes) -> tuple[str | None, str]:
    if not raw.strip():
        return None, "empty"
    if b"\x00" in raw[:8192]:
        return None, "binary (NUL bytes)"
    if len(raw) > MAX_BYTES:
        return None, f"too large ({len(raw):,} bytes > {MAX_BYTES:,})"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as err:
        return None, f"not UTF-8 ({err.reason} at byte {err.start})"


def hash_bytes(raw: bytes) -> str:
    """Content hash used to tell whether a document changed."""
    return hashlib.sha256(raw).hexdigest()


def scan(folder: Path) -> dict[str, str]:
    """Name -> content hash of every candidate file, without decoding: cheap staleness checks."""
    return {p.name: hash_bytes(p.read_bytes()) for p in _files(folder)}


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"documents folder not found: {folder}")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def load_documents(folder: Path) -> tuple[list[Document], list[Skipped]]:
    """Read every .txt/.md file in a folder; files that are empty, binary or not UTF-8 are skipped."""
    docs, skipped = [], []
    for path in _files(folder):
        raw = path.read_bytes()
        text, reason = _decode(raw)
        if text is None:
            skipped.append(Skipped(path.name, reason, hash_bytes(raw)))
        else:
            # Offsets are counted in this decoded text, line endings untouched.
            docs.append(Document(path.name, text, hash_bytes(raw)))
    return docs, skipped
