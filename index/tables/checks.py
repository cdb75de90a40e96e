"""Arithmetic a table states about itself: its total row, a column that sums others, and where figures disagree."""
from __future__ import annotations

import re

from index.fold import fold
from index.tables.cells import decimals
from index.tables.model import Column, Row, Table

TOTAL_LABELS = re.compile(r"^(grand )?(total|totals|sum|overall|all)\b|^(genel )?toplam\b")
SUM_TOLERANCE = 0.01       # a total row may miss the column sum by 1% in a minority of columns
MIN_SHARE = 0.6            # share of columns (or rows) that must agree before a total is inferred


def format_number(value: float, places: int = 0) -> str:
    """`8666803` -> `8,666,803`; `7.14` with places=1 -> `7.1`."""
    return f"{value:,.{places}f}"


def _counts(columns: list[Column]) -> list[Column]:
    return [c for c in columns if c.unit == "count"]


def find_total_row(rows: list[Row], columns: list[Column]) -> tuple[int | None, str | None]:
    """(position, evidence) of the total row: a row labelled as a total, or a last row equal to the column sums."""
    for i, row in enumerate(rows):
        if row.label and TOTAL_LABELS.match(fold(row.label).strip()):
            return i, f"its label reads {row.label!r}"
    counts = _counts(columns)
    if len(rows) < 3 or not counts:
        return None, None
    last, others = rows[-1], rows[:-1]
    checked, agreeing = 0, 0
    for col in counts:
        value = last.value(col.index)
        if value is None:
            continue
        column_sum = sum(r.value(col.index) or 0 for r in others)
        checked += 1
        if abs(column_sum - value) <= SUM_TOLERANCE * max(abs(value), 1) and value >= max(
                (r.value(col.index) or 0) for r in others):
            agreeing += 1
    needed = max(2, MIN_SHARE * checked) if checked > 1 else 1
    if checked and agreeing >= needed:
        return len(rows) - 1, (f"its values equal the sums of the rows above it (within 1%) in {agreeing} of "
                               f"{checked} count columns")
    return None, None


def _value(row: Row, col: Column) -> float:
    return row.value(col.index) or 0.0


def find_sum_column(table: Table) -> str | None:
    """Set `total_column`/`part_columns` when one count column equals the sum of the count columns before it
    in most rows; returns the evidence."""
    rows = table.data_rows
    counts = _counts(table.columns)
    for t, total in enumerate(counts):
        parts = counts[:t]
        if len(parts) < 2:
            continue
        usable = [r for r in rows if all(r.value(c.index) is not None for c in parts + [total])]
        agree = [r for r in usable if _sums_match(r, parts, total)]
        if len(usable) >= 2 and len(agree) >= MIN_SHARE * len(rows):
            table.total_column, table.part_columns = total.index, [c.index for c in parts]
            return (f"{total.name} equals the sum of {', '.join(c.name for c in parts)} "
                    f"in {len(agree)} of {len(rows)} rows")
    return None


def _sums_match(row: Row, parts: list[Column], total: Column) -> bool:
    return abs(sum(_value(row, c) for c in parts) - _value(row, total)) < 0.5


def record_discrepancies(table: Table) -> list[str]:
    """Attach a note to every cell whose figure disagrees with its own table; returns table-level notes."""
    found = []
    for row in table.rows:
        found += [f"{table.row_name(row)}: {n}" for n in _row_sum_check(table, row)]
        found += [f"{table.row_name(row)}: {n}" for n in _percent_checks(table, row)]
    total_row = table.total_row
    if total_row is not None:
        found += [f"{table.row_name(total_row)}: {n}" for n in _column_sum_checks(table, total_row)]
    return found


def _add(row: Row, cols: list[int], note: str) -> None:
    for col in cols:
        cell = row.cell(col)
        if cell is not None and note not in cell.notes:
            cell.notes.append(note)


def _row_sum_check(table: Table, row: Row) -> list[str]:
    if table.total_column is None:
        return []
    parts = [table.column(i) for i in table.part_columns]
    total = table.column(table.total_column)
    if any(row.value(c.index) is None for c in parts + [total]) or _sums_match(row, parts, total):
        return []
    stated, summed = _value(row, total), sum(_value(row, c) for c in parts)
    note = (f"the parts do not add up to the stated total: {' + '.join(row.cell(c.index).raw for c in parts)} = "
            f"{format_number(summed)}, but {total.name} states {row.cell(total.index).raw} "
            f"(a difference of {format_number(abs(stated - summed))})")
    _add(row, [c.index for c in parts + [total]], note)
    return [note]


def _percent_checks(table: Table, row: Row) -> list[str]:
    if table.total_column is None:
        return []
    notes = []
    denominator = row.cell(table.total_column)
    for col in table.columns:
        if col.unit != "percent" or col.base is None or col.base not in table.part_columns:
            continue
        stated, base = row.cell(col.index), row.cell(col.base)
        if not stated or stated.value is None or not base or base.value is None or not denominator or not denominator.value:
            continue
        places = max(decimals(stated.raw), 1)
        computed = 100 * base.value / denominator.value
        if abs(computed - stated.value) > 1.5 * 10 ** -decimals(stated.raw):   # beyond rounding of the last digit
            note = (f"{col.name} is stated as {stated.raw}%, but {base.raw} / {denominator.raw} = "
                    f"{format_number(computed, places)}%")
            _add(row, [col.index, col.base], note)
            notes.append(note)
    return notes


def _column_sum_checks(table: Table, total_row: Row) -> list[str]:
    notes = []
    for col in _counts(table.columns):
        stated = total_row.cell(col.index)
        if stated is None or stated.value is None:
            continue
        column_sum = sum(_value(r, col) for r in table.data_rows)
        if abs(column_sum - stated.value) >= 0.5:
            note = (f"{col.name}: the rows above sum to {format_number(column_sum)}, but the total row states "
                    f"{stated.raw} (a difference of {format_number(abs(column_sum - stated.value))})")
            _add(total_row, [col.index], note)
            notes.append(note)
    return notes
