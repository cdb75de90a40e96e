"""Section-aware chunks with file offsets: sentence windows for prose, one chunk per table row."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson

from index.parse import ParsedDoc, Span, blank_references, sentences
from index.tables import Table

MAX_CHARS = 600   # ~128 word pieces: well inside MiniLM's 256-token window
OVERLAP = 1       # sentences repeated at the start of the next chunk


@dataclass
class Chunk:
    """A retrievable passage; `text` is exactly the file's text[start:end]."""

    id: str
    doc: str
    title: str
    section: tuple[str, ...]
    kind: str                 # "text" | "row"
    start: int
    end: int
    text: str
    search_text: str          # what BM25 and the embedder see: title, section and body (markers blanked)
    table_id: str | None = None
    row: int | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)     # every field is a plain value: no recursive dataclasses.asdict copy

    @classmethod
    def from_dict(cls, data: dict) -> "Chunk":
        d = data                      # positional: a load reads 100,000s of these (~1.5x faster than **data)
        return cls(d["id"], d["doc"], d["title"], tuple(d["section"]), d["kind"], d["start"], d["end"], d["text"],
                   d["search_text"], d.get("table_id"), d.get("row"))


class Chunks(Sequence[Chunk]):
    """An index's chunks as stored, one JSON line each, parsed when first read.

    Loading or rebuilding a large index mostly passes chunks on unread (a one-file rebuild keeps 99% of them;
    serving reads the few it retrieves), so the stored bytes are kept and copied instead of being parsed into
    objects and encoded again. `docs` names each chunk's document without parsing it.
    """

    def __init__(self, lines: list[bytes | None], parsed: list[Chunk | None], docs: list[str]):
        self._lines, self._parsed, self.docs = lines, parsed, docs

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> "Chunks":
        """Chunks from objects (encoded only when stored)."""
        parsed = list(chunks)
        return cls([None] * len(parsed), parsed, [c.doc for c in parsed])

    @classmethod
    def from_lines(cls, lines: list[bytes], docs: list[str]) -> "Chunks":
        """Chunks from their stored JSON lines and documents."""
        if len(lines) != len(docs):
            raise ValueError(f"{len(lines)} chunk lines for {len(docs)} chunk documents")
        return cls(lines, [None] * len(lines), docs)

    @classmethod
    def concat(cls, parts: Iterable["Chunks"]) -> "Chunks":
        lines, parsed, docs = [], [], []
        for part in parts:
            lines += part._lines
            parsed += part._parsed
            docs += part.docs
        return cls(lines, parsed, docs)

    def line(self, i: int) -> bytes:
        """Chunk i as one line of JSON."""
        line = self._lines[i]
        return line if line is not None else orjson.dumps(self._parsed[i])

    def lines(self) -> list[bytes]:
        return [self.line(i) for i in range(len(self))]

    def __len__(self) -> int:
        return len(self.docs)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Chunks(self._lines[i], self._parsed[i], self.docs[i])
        chunk = self._parsed[i]
        if chunk is None:                 # two threads may both parse it: the same value is stored
            chunk = self._parsed[i] = Chunk.from_dict(orjson.loads(self._lines[i]))
        return chunk

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def __repr__(self) -> str:
        return f"Chunks({len(self)} chunks)"


def _windows(units: list[Span]) -> list[list[Span]]:
    """Pack consecutive sentences into windows of at most MAX_CHARS, overlapping by OVERLAP."""
    windows: list[list[Span]] = []
    i = 0
    while i < len(units):
        window = [units[i]]
        j = i + 1
        while j < len(units) and units[j].end - window[0].start <= MAX_CHARS:
            window.append(units[j])
            j += 1
        windows.append(window)
        if j >= len(units):
            break
        i = max(i + 1, j - OVERLAP)
    return windows


def chunk_document(parsed: ParsedDoc, tables: list[Table]) -> list[Chunk]:
    """Chunks of one document: prose windows that never cross a section, and table rows."""
    chunks: list[Chunk] = []
    by_section: dict[tuple[str, ...], list[Span]] = {}
    order: list[tuple[str, ...]] = []
    for block in parsed.blocks:
        if block.kind == "table":
            continue
        if block.section not in by_section:
            by_section[block.section] = []
            order.append(block.section)
        by_section[block.section].extend(sentences(block))
    for section in order:
        for window in _windows(by_section[section]):
            start, end = window[0].start, window[-1].end
            text = parsed.text[start:end]
            chunks.append(Chunk(f"{parsed.doc}#c{len(chunks)}", parsed.doc, parsed.title, section,
                                "text", start, end, text, _search_text(parsed.title, section, text)))
    for table in tables:
        for row in table.rows:
            chunks.append(Chunk(f"{table.id}r{row.index}", parsed.doc, parsed.title, table.section,
                                "row", row.start, row.end, row.text,
                                _search_text(parsed.title, table.section, table.row_text(row)),
                                table.id, row.index))
    return chunks


def _search_text(title: str, section: tuple[str, ...], body: str) -> str:
    """What BM25 and the embedder see. Reference markers ("[5]") are blanked in place, so offsets into the body hold:
    the models were fitted on SQuAD's text, which has none, and "[65]" is no figure a question asks about."""
    body = blank_references(body)
    return " | ".join([title, " > ".join(section), body]) if section else f"{title} | {body}"
