"""Typed tables: cells with values and offsets, resolved columns, rows with labels, and their JSON form."""
from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class Cell:
    """One data cell: its exact text, its number (None when blank or not numeric) and its file offsets."""

    col: int                      # the cell's position in its line; matches Column.index
    raw: str                      # the cell text exactly as in the file (stripped)
    value: float | None
    start: int
    end: int
    notes: list[str] = field(default_factory=list)   # discrepancies found in this cell at parse time


@dataclass
class Column:
    """A data column with the header it resolved to."""

    index: int                    # position of the column's cells in a line (0 is the label column)
    group: str | None             # upper header (e.g. a name spanning a count and a % column), None if one header row
    sub: str | None               # lower header, None if one header row or blank
    name: str                     # display name: "group — sub", the header, or a placeholder for a blank one
    unit: str                     # "count" | "percent" | "number" | "text"
    named: bool = True            # False when the header is blank and the name is a placeholder
    base: int | None = None       # for a percent column: the count column of the same group


@dataclass
class Row:
    """A data row: its label (read or recovered), its typed cells and its exact line in the file."""

    index: int
    label: str | None
    label_recovered: bool
    start: int
    end: int
    text: str
    cells: list[Cell]
    is_total: bool

    def cell(self, col: int) -> Cell | None:
        """The row's cell in column `col`, if the line has one."""
        return next((c for c in self.cells if c.col == col), None)

    def value(self, col: int) -> float | None:
        """The number in column `col`, or None."""
        cell = self.cell(col)
        return cell.value if cell else None


@dataclass
class Table:
    """A parsed data table and every inference made while reading it."""

    id: str
    doc: str
    title: str
    section: tuple[str, ...]
    start: int
    end: int
    label_header: str
    columns: list[Column]
    rows: list[Row]
    notes: list[str]
    total_column: int | None = None                          # a column equal to the sum of `part_columns`
    part_columns: list[int] = field(default_factory=list)

    def column(self, index: int) -> Column | None:
        """The column at line position `index`."""
        return next((c for c in self.columns if c.index == index), None)

    @property
    def data_rows(self) -> list[Row]:
        """Rows that are not the total row."""
        return [r for r in self.rows if not r.is_total]

    @property
    def total_row(self) -> Row | None:
        """The total row, if the table has one."""
        return next((r for r in self.rows if r.is_total), None)

    def row_name(self, row: Row) -> str:
        """How a row is called in answers: its label, "the total row", or its position."""
        if row.is_total:
            return row.label or "the total row"
        return row.label or f"row {row.index + 1}"

    def row_text(self, row: Row) -> str:
        """A searchable line with headers: `Label header: label | column name: value | ...`."""
        label = row.label or ("Total" if row.is_total else "(no label)")
        parts = [f"{self.label_header or 'Row'}: {label}"]
        for cell in row.cells:
            column = self.column(cell.col)
            if column and cell.raw:
                parts.append(f"{column.name}: {cell.raw}")
        return " | ".join(parts)


def tables_to_json(tables: list[Table]) -> list[dict]:
    """Plain dicts for the index folder (what `dataclasses.asdict` gives, built field by field: asdict deep-copies
    every value and took 2 s of a rebuild at 3,000 tables)."""
    return [{**_fields(t), "columns": [_fields(c) for c in t.columns],
             "rows": [{**_fields(r), "cells": [_fields(c) for c in r.cells]} for r in t.rows]} for t in tables]


_NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in (Cell, Column, Row, Table)}


def _fields(obj) -> dict:
    return {name: getattr(obj, name) for name in _NAMES[type(obj)]}


def tables_from_json(data: list[dict]) -> list[Table]:
    """Tables back from `tables_to_json` output."""
    tables = []
    for t in data:
        columns = [Column(**c) for c in t["columns"]]
        rows = [Row(**{**r, "cells": [Cell(**c) for c in r["cells"]]}) for r in t["rows"]]
        tables.append(Table(**{**t, "section": tuple(t["section"]), "columns": columns, "rows": rows}))
    return tables
