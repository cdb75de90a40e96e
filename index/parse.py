"""Parse a document into titled sections of paragraphs, bullet lists and pipe tables, keeping offsets."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_WIKI_HEADING = re.compile(r"^(={1,6})\s*(.*?)\s*\1\s*$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^ {0,3}(={3,}|-{3,})\s*$")
REFERENCE_MARKER = re.compile(r"\[(?:\d+|citation needed)\]")     # a wiki footnote mark: "[65]", "[citation needed]"
LIST_MARKER = re.compile(r"\s*(?:[*+•-]|\d{1,3}[.)])\s+")         # a list item's bullet or number: "* ", "- ", "2. "
_LIST_ITEM = re.compile(rf"{LIST_MARKER.pattern}\S")               # with `match`: a line that is a list item
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9ÇĞİÖŞÜÂÎÛÉÀ\[])")
# a period that ends no sentence: a title ("Dr. Amara Osei", "St. John's"), "e.g.", a name's initial ("Mary J. Blige";
# not the Roman numerals I, V and X: "World War I. After ..."), and "No. 5"
_NO_END = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Mt|Rev|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Fr)|\be\.g|\bi\.e"
                     r"|(?<![\w.])[A-HJ-UWYZ])\.$")
_NUMBER_ABBREVIATION = re.compile(r"\b(?:No|Nos|Vol|pp|Fig)\.$")


def blank_references(text: str) -> str:
    """The text with its reference markers blanked to spaces: what it says, at the same offsets."""
    return REFERENCE_MARKER.sub(lambda m: " " * len(m.group()), text)


@dataclass(frozen=True)
class Span:
    """A piece of a document: its exact text and its character offsets in the file."""

    start: int
    end: int
    text: str


@dataclass
class Block:
    """A paragraph, bullet list or pipe table under one section path."""

    kind: str                       # "paragraph" | "list" | "table"
    start: int
    end: int
    text: str                       # exactly the file's text[start:end]
    section: tuple[str, ...]        # heading path below the document title
    lines: list[Span] = field(default_factory=list)


@dataclass
class ParsedDoc:
    """A document's title, full text and blocks in reading order."""

    doc: str
    title: str
    text: str
    blocks: list[Block]


def _lines(text: str) -> list[Span]:
    spans, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        spans.append(Span(pos, pos + len(body), body))
        pos += len(raw)
    return spans


def _heading(line: str) -> tuple[int, str] | None:
    """(level, heading) for a wiki (`== X ==`) or Markdown (`## X`) heading line."""
    m = _WIKI_HEADING.match(line) or _MD_HEADING.match(line)
    if not m or not m.group(2).strip("= \t"):      # a line of "=" only underlines a heading; it is none itself
        return None
    return len(m.group(1)), m.group(2).strip()


def _underlined(lines: list[Span], i: int) -> tuple[int, str] | None:
    """(level, heading) for a Markdown heading underlined on the next line: `Title` over `=====` (1) or `-----` (2)."""
    if i + 1 >= len(lines) or not lines[i].text.strip() or _line_kind(lines[i].text) != "paragraph":
        return None
    m = _UNDERLINE.match(lines[i + 1].text)
    return (1 if m.group(1)[0] == "=" else 2, lines[i].text.strip()) if m else None


def _line_kind(line: str) -> str:
    stripped = line.strip()
    if stripped.startswith("|"):
        return "table"
    if _LIST_ITEM.match(line):
        return "list"
    return "paragraph"


def _looks_like_title(lines: list[Span], i: int) -> bool:
    """A plain first line that is short, unpunctuated and stands alone is the title."""
    text = lines[i].text.strip()
    alone = i + 1 >= len(lines) or not lines[i + 1].text.strip()
    return alone and 0 < len(text) <= 120 and text[-1] not in ".!?:;,|" and _line_kind(text) == "paragraph"


def parse(doc: str, text: str) -> ParsedDoc:
    """Split a document into blocks, each tagged with its section path and offsets."""
    lines = _lines(text)
    title, title_level = "", 0
    first = next((i for i, ln in enumerate(lines) if ln.text.strip()), None)
    skip: set[int] = set()
    if first is not None:
        underlined = _underlined(lines, first)
        head = _heading(lines[first].text) or underlined
        if head and head[0] == 1:
            title, title_level, skip = head[1], 1, {first, first + 1} if head is underlined else {first}
        elif head is None and _looks_like_title(lines, first):
            title, skip = lines[first].text.strip(), {first}
    title = title or re.sub(r"\.(txt|md)$", "", doc)

    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []
    current: list[Span] = []
    current_kind = ""

    def flush() -> None:
        nonlocal current
        if current:
            start, end = current[0].start, current[-1].end
            blocks.append(Block(current_kind, start, end, text[start:end],
                                tuple(h for _, h in stack), list(current)))
        current = []

    for i, line in enumerate(lines):
        if i in skip:
            continue
        head = _heading(line.text)
        if head is None and (i == 0 or not lines[i - 1].text.strip()) and (head := _underlined(lines, i)):
            skip.add(i + 1)
        if head:
            flush()
            level = max(head[0], title_level + 1)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, head[1]))
            continue
        if not line.text.strip():
            if current_kind != "table":  # a table may not be split by a stray blank line
                flush()
            continue
        kind = _line_kind(line.text)
        if current and kind != current_kind:
            flush()
        current_kind = kind
        current.append(line)
    flush()
    return ParsedDoc(doc, title, text, blocks)


def sentences(block: Block) -> list[Span]:
    """Sentences of a paragraph (or items of a list), with file offsets."""
    if block.kind == "list":
        return list(block.lines)
    out, pos = [], 0
    body = block.text
    for m in _SENTENCE_END.finditer(body):
        before = max(0, m.start() - 8)      # the longest abbreviation and its period
        if _NO_END.search(body, before, m.start()) or (_NUMBER_ABBREVIATION.search(body, before, m.start())
                                                         and body[m.end():m.end() + 1].isdigit()):
            continue
        piece = body[pos:m.start()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(Span(block.start + pos + lead, block.start + m.start(), piece.strip()))
        pos = m.end()
    piece = body[pos:]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        out.append(Span(block.start + pos + lead, block.start + pos + lead + len(piece.strip()), piece.strip()))
    return out


_UNIT_BREAK = re.compile(rf"\n\s*\n|\n(?={LIST_MARKER.pattern})|\n(?=\s*\|)")


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentences of any text (paragraphs and list items apart), offsets shifted by `offset`."""
    out, pos = [], 0
    for m in [*_UNIT_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        if piece.strip():
            out += sentences(Block("paragraph", offset + pos, offset + end, piece, ()))
        pos = m.end() if m else pos
    return out
