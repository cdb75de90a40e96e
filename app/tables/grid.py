"""A uniform view of a typed table for the query planner: every column (the label column too) with its cells'
folded words, numbers, times and dates, and what the header's words mean."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from index.fold import fold, stem
from index.tables.model import Row, Table

_WORD = re.compile(r"\d+(?:\.\d+)*|[a-z0-9]+")     # "3.1.2": one version, not 3.1 and 2
_FOOTNOTE = re.compile(r"\[[^\]]*\]|\*+$|†|‡")
_LEAD_NUMBER = re.compile(r"^[^\d\-−–+.]{0,3}([-−–+]?\d[\d,]*(?:\.\d+)?|[-−–]?\.\d+)(?:\s*(%|[a-z]{0,6}))?")
_CODE = re.compile(r"[^\W\d_]+-?\d+(?:[-/.][^\W_]+)+")    # "H7-6", "B737-800": a name, though "T1" is a place
_PLACEHOLDER = re.compile(r"[-—–?]+|n/?a|tba|tbd", re.I)
_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")
MONTHS = {m: i + 1 for i, m in enumerate("january february march april may june july august september october "
                                          "november december".split())}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9


def words(text: str) -> list[str]:
    """Folded word and number tokens."""
    return _WORD.findall(fold(text).replace(",", ""))


@lru_cache(maxsize=65536)
def stems(text: str) -> tuple[str, ...]:
    """Folded, stemmed tokens of a text."""
    return tuple(stem(w) for w in words(text))


_PERIOD = {"daili": "day", "annual": "year"}     # the stemmer keeps these two apart from their period ("weekly": week)


def header_stems(name: str) -> tuple[str, ...]:
    """A header's stems, a period adjective's period among them: "Daily sailings" is named by "sailings per day"."""
    own = stems(name)
    return own + tuple(_PERIOD[t] for t in own if t in _PERIOD)


_SUBUNIT = re.compile(r"\d+(?:\.\d+)?\s?(?:p|c|¢)")     # "11p", "45c": a hundredth of the column's currency


def is_clock(text: str) -> bool:
    """Whether a cell holds a time of the clock or a duration written as one ("34:12", "1:02:14")."""
    return bool(_TIME.match(_FOOTNOTE.sub("", text).strip()))


def clock(seconds: float) -> str:
    """Seconds written as the cells write them: "4:43", "1:02:14"."""
    whole = round(seconds)
    hours, rest = divmod(abs(whole), 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if whole < 0 else ""
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"


def number_of(text: str) -> float | None:
    """The number a cell leads with (`$1,200`, `12 (3)`, `4th`, `1:23.4` as seconds), or None."""
    t = _FOOTNOTE.sub("", text).strip()
    m = _TIME.match(t)
    if m:
        return float(m.group(1) or 0) * 3600 + float(m.group(2)) * 60 + float(m.group(3))
    if _CODE.fullmatch(t):
        return None
    m = _LEAD_NUMBER.match(t)
    if not m or re.match(r"^\d{1,2}\s+[a-z]", fold(t)) and date_of(t) is not None:
        return None
    body = m.group(1).replace(",", "").replace("−", "-").replace("–", "-")
    try:
        return float(body)
    except ValueError:
        return None


def date_of(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a cell holding a date or a year, zeros where unknown."""
    f = fold(text)
    m = re.search(r"\b(1[0-9]{3}|20[0-9]{2})-(\d{1,2})-(\d{1,2})\b", f)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    year = re.search(r"\b(1[5-9][0-9]{2}|20[0-9]{2})\b", f)
    month = next((MONTHS[w] for w in _WORD.findall(f) if w in MONTHS), 0)
    if not year and not month:
        return None
    day = re.search(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b(?![:.,]?\d)", re.sub(r"\b(1[5-9]|20)\d{2}\b", " ", f))
    return (int(year.group(1)) if year else 0, month, int(day.group(1)) if day and month else 0)


@dataclass
class GridColumn:
    """One column of the table as the planner sees it."""

    index: int                  # 0 is the label column
    name: str
    stems: tuple[str, ...]
    numeric: bool               # most filled cells lead with a number
    dated: bool                 # most filled cells hold a date or a year (and are not plain counts)
    distinct: float             # share of distinct values among filled cells
    percent: bool = False       # the header says percent (or %) or most filled cells end with %
    money: bool = False         # the header names a currency or most filled cells start with one
    doers: tuple[str, ...] = ()  # the verbs whose doer the header names, stemmed ("fund" of "Funder")


@dataclass
class Grid:
    """A table as rows of cell texts, with per-column types."""

    table: Table
    rows: list[Row]
    texts: list[list[str]]                      # texts[r][j]
    columns: list[GridColumn]
    title_stems: set[str] = field(default_factory=set)
    meaning: object | None = None               # app.tables.meaning.HeaderMeaning, when a model is loaded
    common: Callable[[str], bool] = lambda word: False   # whether a word is a common word, no name (TableEngine's)

    def text(self, r: int, j: int) -> str:
        return self.texts[r][j]

    def number(self, r: int, j: int) -> float | None:
        """A cell's number; in a money column, pence or cents ("11p" beside "£3.20") in pounds or dollars."""
        text = self.texts[r][j]
        if not text:
            return None
        value = number_of(text)
        if value is not None and self.columns[j].money and _SUBUNIT.fullmatch(text.strip()):
            return value / 100
        return value

    def sort_key(self, r: int, j: int):
        """A comparable value of a cell: its date for dated columns, else its number."""
        if self.columns[j].dated:
            d = date_of(self.texts[r][j])
            return None if d is None else d[0] * 10000 + d[1] * 100 + d[2]
        return self.number(r, j)

    def cell(self, r: int, j: int):
        """The model cell behind (row r, column j), None for the label column."""
        return self.rows[r].cell(j) if j > 0 else None


def grid_of(table: Table) -> Grid:
    """The planner's view of a table: data rows only (a total row is not a row to pick)."""
    rows = table.data_rows
    width = max([len(table.columns) + 1] + [max((c.col for c in r.cells), default=0) + 1 for r in rows])
    names = {0: table.label_header or ""}
    names.update({c.index: c.name for c in table.columns})
    texts = []
    for row in rows:
        line = [""] * width
        line[0] = row.label or ""
        for c in row.cells:
            if c.col < width:
                text = _FOOTNOTE.sub("", c.raw).strip()
                line[c.col] = "" if _PLACEHOLDER.fullmatch(text) else text   # "—", "n/a": no value
        texts.append(line)
    columns = []
    for j in range(width):
        filled = [t[j] for t in texts if t[j]]
        numbers = [number_of(x) for x in filled]
        dates = [date_of(x) for x in filled]
        numeric = bool(filled) and sum(n is not None for n in numbers) >= 0.7 * len(filled)
        dated = bool(filled) and sum(d is not None and (d[1] or not numeric or 1500 <= (n or 0) <= 2100)
                                     for d, n in zip(dates, numbers)) >= 0.7 * len(filled)
        distinct = len({fold(x) for x in filled}) / len(filled) if filled else 0.0
        name = names.get(j, "")
        percent = numeric and ("%" in name or bool(set(stems(name)) & {"percent", "percentag", "share", "pct"})
                               or sum(x.rstrip().endswith("%") for x in filled) >= 0.7 * len(filled))
        priced = sum(bool(re.match(r"\W{0,2}[$£€¥]", x)) for x in filled)
        money = numeric and (bool(re.search(r"[$£€¥]", name)) or priced >= 0.5 * len(filled) or bool(priced) and (
            priced + sum(bool(_SUBUNIT.fullmatch(x.strip())) for x in filled)) >= 0.5 * len(filled))   # "9p", "£2.60"
        doers = tuple({stem(w[:k]) for w in words(name) if len(w) >= 5 and w.endswith(("er", "or")) for k in (-1, -2)})
        columns.append(GridColumn(j, name, header_stems(name), numeric, dated, distinct, percent, money, doers))
    title = set(stems(" ".join([table.title, *table.section])))
    return Grid(table, rows, texts, columns, title)
