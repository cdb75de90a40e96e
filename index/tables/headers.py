"""Resolve a table's header rows into named, typed columns, including two rows whose spans were lost."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import ascii_uppercase

from index.fold import fold
from index.parse import Span
from index.tables.cells import decimals, parse_number, trimmed
from index.tables.model import Column

# Generic header words that say what kind of number a column holds (English and Turkish, folded).
PERCENT_WORDS = frozenset("percent percentage share pct proportion turnout yuzde oran".split())
COUNT_WORDS = frozenset("number count no votes vote total sayi oy".split())


@dataclass
class Headers:
    """The label column's header, the data columns and how they were worked out."""

    label_header: str
    columns: list[Column]
    notes: list[str] = field(default_factory=list)


def header_hint(text: str) -> str | None:
    """"percent" or "count" when a header's own words say so, else None."""
    folded = fold(text)
    words = set(re.findall(r"[a-z]+", folded))
    if "%" in folded or words & PERCENT_WORDS:
        return "percent"
    if "#" in folded or words & COUNT_WORDS:
        return "count"
    return None


def data_profile(texts: list[str]) -> str:
    """What a column's cells hold: "empty", "text", "percent", "integer", "fraction" (0..100 with decimals) or "number"."""
    filled = [t for t in texts if t]
    if not filled:
        return "empty"
    numbers = [(t, parse_number(t)) for t in filled]
    numeric = [(t, v) for t, v in numbers if v is not None]
    if len(numeric) < 0.8 * len(filled):
        return "text"
    if any(t.endswith("%") for t, _ in numeric):
        return "percent"
    if all(decimals(t) == 0 for t, _ in numeric):
        return "integer"
    if all(0 <= v <= 100 for _, v in numeric):
        return "fraction"
    return "number"


def _agreement(hint: str | None, profile: str) -> int:
    """+1 when a header's hint fits the column's data, -1 when it contradicts it, 0 when unknown."""
    if hint is None or profile in ("empty", "text"):
        return 0
    if hint == "percent":
        return 1 if profile in ("percent", "fraction") else (-1 if profile in ("integer", "number") else 0)
    return 1 if profile == "integer" else -1


def _unit(header: str, profile: str) -> str:
    if profile in ("empty", "text"):
        return "text"
    if header_hint(header) == "percent" or profile == "percent":
        return "percent"
    return "count" if profile == "integer" else "number"


def _letters(n: int) -> str:
    """A, B, ..., Z, AA, AB, ...: placeholder names carry no digits, so they never pass for figures."""
    name = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        name = ascii_uppercase[rem] + name
    return name


def resolve_headers(header_rows: list[list[Span]], profiles: list[str], width: int) -> Headers:
    """Columns 1..width-1 named from zero, one or two header rows; `profiles[j]` describes column j's data."""
    if not header_rows:
        return Headers("", _single([], profiles, width), ["the table has no header row; columns are unnamed"])
    if len(header_rows) == 1:
        row = header_rows[0]
        return Headers(_text(row, 0), _single(row, profiles, width))
    notes = []
    if len(header_rows) > 2:
        notes.append(f"{len(header_rows)} header rows; the last two were used")
    upper, lower = header_rows[-2], header_rows[-1]
    resolved = _two_rows(upper, lower, profiles, width)
    if resolved is None:
        notes.append("the two header rows could not be reconciled with the data; each column is named "
                     "from the header cells at its own position")
        return Headers(_text(upper, 0) or _text(lower, 0), _stacked(upper, lower, profiles, width), notes)
    columns, how = resolved
    return Headers(_text(upper, 0), columns, notes + how)


def _text(row: list[Span], i: int) -> str:
    return row[i].text if i < len(row) else ""


def _single(row: list[Span], profiles: list[str], width: int) -> list[Column]:
    columns, unnamed = [], 0
    for j in range(1, width):
        name = _text(row, j)
        named = bool(name)
        if not named:
            name, unnamed = f"(unnamed column {_letters(unnamed)})", unnamed + 1
        columns.append(Column(j, None, None, name, _unit(name if named else "", profiles[j]), named))
    _pair_percent_columns(columns, grouped=False)
    return columns


def _stacked(upper: list[Span], lower: list[Span], profiles: list[str], width: int) -> list[Column]:
    """Fallback: each column named by whatever header cells sit at its own position."""
    columns, unnamed = [], 0
    for j in range(1, width):
        group, sub = _text(upper, j) or None, _text(lower, j) or None
        name = " — ".join(x for x in (group, sub) if x)
        named = bool(name)
        if not named:
            name, unnamed = f"(unnamed column {_letters(unnamed)})", unnamed + 1
        columns.append(Column(j, group, sub, name, _unit(sub or group or "", profiles[j]), named))
    return columns


def _alignment(lower: list[Span], profiles: list[str], width: int) -> tuple[int, int]:
    """(offset, score): offset 1 when the lower row starts under the first data column because the
    label column's header spans both rows; chosen only when the headers' hints fit the data better."""
    subs = [c.text for c in trimmed(lower)]
    scores = {}
    for offset in (0, 1):
        if len(subs) + offset > width:
            continue
        score = 0
        for i, sub in enumerate(subs):
            j = i + offset
            if j == 0:
                score -= 1 if sub and header_hint(sub) else 0
            else:
                score += _agreement(header_hint(sub), profiles[j])
        scores[offset] = score
    if 1 in scores and scores[1] > max(scores.get(0, -99), 0):
        return 1, scores[1]
    return 0, scores.get(0, 0)


def _segments(subs: list[str]) -> list[list[int]]:
    """Split the lower header into runs, one per upper group: a run ends when a sub-header repeats or is blank."""
    runs: list[list[int]] = []
    for j, sub in enumerate(subs):
        key = fold(sub).strip()
        current = runs[-1] if runs else None
        if current is None or not key or not subs[current[0]] or key in {fold(subs[k]).strip() for k in current}:
            runs.append([j])
        else:
            current.append(j)
    return runs


def _two_rows(upper: list[Span], lower: list[Span], profiles: list[str],
              width: int) -> tuple[list[Column], list[str]] | None:
    """Columns from a group row and a sub-header row, or None when their shapes do not fit the data."""
    offset, _ = _alignment(lower, profiles, width)
    subs = [""] * width
    for i, cell in enumerate(trimmed(lower)):
        if 0 <= i + offset < width:
            subs[i + offset] = cell.text
    groups = [c.text for c in trimmed(upper)[1:]]
    notes = []
    if offset:
        notes.append("the second header row is shifted one cell left (the label column's header spans both "
                     "rows); its cells were moved right by one, which makes every sub-header's kind match its "
                     "column's data")
    data_subs = subs[1:]
    if len(groups) == width - 1:
        runs = [[j] for j in range(width - 1)]
    elif len(groups) < width - 1:
        runs = _segments(data_subs)
        if len(runs) != len(groups):
            return None
        notes.append(f"the upper header row has {len(groups)} group cells for {width - 1} data columns "
                     "(its column spans were lost); groups were assigned to runs of sub-headers: "
                     + "; ".join(f"{g or '(blank)'} over {', '.join(s or '(blank)' for s in (data_subs[k] for k in r))}"
                                 for g, r in zip(groups, runs)))
    else:
        return None
    if not _consistent(runs, data_subs, profiles):
        return None
    columns, unnamed = [], 0
    for group, run in zip(groups, runs):
        group_name, named = group, bool(group)
        if not named:
            group_name, unnamed = f"(unnamed group {_letters(unnamed)})", unnamed + 1
            notes.append(f"{group_name}: the header cell above columns {', '.join(str(k + 1) for k in run)} is blank")
        for k in run:
            j, sub = k + 1, data_subs[k] or None
            name = f"{group_name} — {sub}" if sub else group_name
            columns.append(Column(j, group or None, sub, name, _unit(sub or group, profiles[j]), named))
    _pair_percent_columns(columns, grouped=True)
    return columns, notes


def _consistent(runs: list[list[int]], subs: list[str], profiles: list[str]) -> bool:
    """Every sub-header's kind fits its column's data, and groups of the same size share one sub-header pattern."""
    for k, sub in enumerate(subs):
        if _agreement(header_hint(sub), profiles[k + 1]) < 0:
            return False
    patterns = {}
    for run in (r for r in runs if len(r) > 1):
        pattern = tuple(fold(subs[k]) for k in run)
        if patterns.setdefault(len(run), pattern) != pattern:
            return False
    return True


def group_of(column: Column) -> str:
    """The group a column belongs to as displayed (its name when the table has one header row)."""
    return column.name.split(" — ")[0]


def _pair_percent_columns(columns: list[Column], grouped: bool) -> None:
    """Link each percent column to the count column it expresses: the one count column in its group, or,
    with a single header row, the count column just before a header that only says it is a percentage."""
    for i, col in enumerate(columns):
        if col.unit != "percent":
            continue
        if grouped:
            counts = [c for c in columns if group_of(c) == group_of(col) and c.unit == "count"]
            if len(counts) == 1:
                col.base = counts[0].index
        elif i and columns[i - 1].unit == "count":
            rest = set(re.findall(r"[a-z]+", fold(col.name))) - PERCENT_WORDS - {"of", "the"}
            prev = set(re.findall(r"[a-z]+", fold(columns[i - 1].name)))
            if not rest or rest & prev:
                col.base = columns[i - 1].index
