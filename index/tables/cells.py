"""Pipe-table lines split into cells with file offsets, and the numbers those cells hold."""
from __future__ import annotations

import re

from index.fold import fold
from index.parse import Span

_NUMBER = re.compile(
    r"^(?P<sign>[-−–+]?)\s*"
    r"(?P<body>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}|\d{1,3}(?:[  ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<pct>%?)$"
)
_ATTRIBUTE = re.compile(r"^\s*[\w-]+\s*=\s*\"[^\"]*\"\s*$")   # a wiki cell attribute such as style="..."
_MD_RULE = re.compile(r"^\s*:?-{2,}:?\s*$")




def split_cells(line: Span) -> list[Span]:
    """The cells between the pipes of one table line; a leading and a trailing pipe open and close the row."""
    body = line.text
    pos = 0
    while pos < len(body) and body[pos].isspace():
        pos += 1
    if body[pos:pos + 1] == "|":
        pos += 1
    stop = len(body.rstrip())
    if stop > pos and body[stop - 1] == "|":
        stop -= 1
    cells, cell_start = [], pos
    for i in range(pos, stop + 1):
        if i == stop or body[i] == "|":
            cells.append(_stripped(line, cell_start, i))
            cell_start = i + 1
    return cells


def _stripped(line: Span, start: int, end: int) -> Span:
    raw = line.text[start:end]
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    return Span(line.start + start + lead, line.start + start + lead + len(text), text)


def trimmed(cells: list[Span]) -> list[Span]:
    """Cells without the empty ones at the end of the line (padding, not data)."""
    end = len(cells)
    while end and not cells[end - 1].text:
        end -= 1
    return cells[:end]


def is_junk(line: Span) -> bool:
    """Table markup that carries no row: `|`, `|}`, `{|`, `|-`, `|+ caption`, a cell holding only attributes."""
    text = line.text.strip()
    if is_rule(line):
        return False  # `|---|---|` starts like a wiki row separator but is a Markdown header rule
    if text in ("|", "|}", "{|", "|-") or text.startswith(("{|", "|-", "|+", "|}")):
        return True
    cells = [c.text for c in split_cells(line)]
    return all(not c or _ATTRIBUTE.match(c) for c in cells)


def is_rule(line: Span) -> bool:
    """A Markdown header rule such as `| --- | :---: |`."""
    cells = [c.text for c in split_cells(line)]
    return bool(cells) and all(_MD_RULE.match(c) for c in cells if c) and any(cells)


def parse_number(text: str) -> float | None:
    """The value of a numeric cell (`12,345`, `48.3`, `51.2%`, `−4`), or None for blank and non-numeric text."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    body = m.group("body")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", body):      # 1.234.567: dots as thousands separators
        body = body.replace(".", "")
    body = body.replace(",", "").replace(" ", "").replace(" ", "")
    value = float(body)
    return -value if m.group("sign") in ("-", "−", "–") else value


def decimals(text: str) -> int:
    """How many decimal places a numeric cell shows (`48.3` -> 1, `12,345` -> 0)."""
    body = text.strip().rstrip("%").strip()
    if parse_number(text) is None or re.fullmatch(r"[-−–+]?\d{1,3}(?:\.\d{3}){2,}", body):
        return 0
    m = re.search(r"\.(\d+)$", body)
    return len(m.group(1)) if m else 0


def cell_key(text: str) -> str:
    """A folded, whitespace-normalised form for comparing header and label cells."""
    return " ".join(fold(text).split())
