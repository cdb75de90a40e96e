"""Figures that compare column groups row by row (who leads where, by how much) and pick rows by them: rows a
group won or lost, rows where one column beats another, the closest race, the better of two named rows."""
from __future__ import annotations

from app.tables.compute import (MAX_CITED_ROWS, Finding, Used, _ranked, _turnout, col_label, contenders, fmt_count,
                                fmt_percent, marks, rows_sentence)
from index.tables.headers import group_of
from index.tables.model import Column, Row, Table


def join_names(names: list[str]) -> str:
    """`A, B and C`."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def beaten(table: Table, row: Row, mine: Column) -> tuple[bool, Column, float, float] | None:
    """(whether `mine` trails the best other contender in `row`, that contender, mine, theirs)."""
    rivals, _ = contenders(table)
    ranked = _ranked(row, [c for c in rivals if c.index != mine.index])
    cell = row.cell(mine.index)
    if not ranked or cell is None or cell.value is None:
        return None
    other, other_cell = ranked[0]
    return cell.value < other_cell.value, other, cell.value, other_cell.value


def lost_rows(table: Table, rows: list[Row], mine: Column, lost: bool = True) -> list[Row]:
    """Rows where `mine` trails (or, with lost=False, leads) every other contender."""
    out = []
    for row in rows:
        found = beaten(table, row, mine)
        if found is not None and found[0] == lost and found[2] != found[3]:
            out.append(row)
    return out


def listed(table: Table, rows: list[Row], mine: Column, lost: bool) -> Finding | None:
    """The rows a group lost (or won), named in table order."""
    hits = lost_rows(table, rows, mine, lost)
    if not hits:
        return None
    names = [table.row_name(r) for r in hits]
    verb = "trails" if lost else "leads"
    computation = f"rows where {group_of(mine)} {verb} the best other contender: {', '.join(names)} = {len(hits)}"
    cited = hits[:MAX_CITED_ROWS]
    sentence = (f"{group_of(mine)} {verb} in {len(hits)} rows: {join_names(names)} {marks(0, len(cited))}.")
    used = [Used(r, [(mine, r.cell(mine.index))]) for r in cited]
    return Finding(join_names(names), sentence, used, computation, [], 0.9)


def count_beating(table: Table, rows: list[Row], a: Column, b: Column) -> Finding | None:
    """In how many rows column `a` holds more than column `b`."""
    hits, checked = [], 0
    for row in rows:
        x, y = row.cell(a.index), row.cell(b.index)
        if x is None or y is None or x.value is None or y.value is None:
            continue
        checked += 1
        if x.value > y.value:
            hits.append((row, x, y))
    if not checked:
        return None
    listed_rows = ", ".join(f"{table.row_name(r)} {x.raw} > {y.raw}" for r, x, y in hits) or "none"
    computation = f"rows where {col_label(a)} > {col_label(b)}: {listed_rows} = {len(hits)} of {checked} rows"
    cited = hits[:MAX_CITED_ROWS]
    sentence = rows_sentence(table, [r for r, _, _ in hits], len(cited), checked,
                             f"{col_label(a)} is more than {col_label(b)}")
    return Finding(str(len(hits)), sentence, [Used(r, [(a, x), (b, y)]) for r, x, y in cited], computation, [], 0.9)


def closest(table: Table, rows: list[Row], a: Column | None, b: Column | None) -> Finding | None:
    """The row with the smallest gap between two columns (or between its two leading contenders)."""
    best = None
    for row in rows:
        if a is not None and b is not None:
            pair = [(a, row.cell(a.index)), (b, row.cell(b.index))]
            if any(c is None or c.value is None for _, c in pair):
                continue
        else:
            rivals, _ = contenders(table)
            pair = _ranked(row, rivals)[:2]
            if len(pair) < 2:
                continue
        gap = abs(pair[0][1].value - pair[1][1].value)
        if best is None or gap < best[0]:
            best = (gap, row, pair)
    if best is None:
        return None
    gap, row, pair = best
    (c1, x), (c2, y) = pair
    big, small = (x, y) if x.value >= y.value else (y, x)
    computation = (f"smallest gap of {len(rows)} rows: {table.row_name(row)} {big.raw} - {small.raw} = "
                   f"{fmt_count(table, gap)}")
    sentence = (f"The closest row is {table.row_name(row)}: {col_label(c1)} {x.raw} against {col_label(c2)} {y.raw}, "
                f"a gap of {fmt_count(table, gap)} [1].")
    return Finding(row.label, sentence, [Used(row, [(c1, x), (c2, y)])], computation, [], 0.88)


def better_of(table: Table, rows: list[Row], column: Column | None, larger: bool,
              turnout_cols: tuple[Column, Column] | None = None) -> Finding | None:
    """Which of two named rows has the larger (or smaller) value of a column or of turnout."""
    values = []
    for row in rows[:2]:
        if turnout_cols:
            found = _turnout(row, *turnout_cols)
            if not found:
                return None
            values.append((row, found[0], fmt_percent(found[0]),
                           [(turnout_cols[0], found[1]), (turnout_cols[1], found[2])],
                           f"{found[1].raw} / {found[2].raw} = {fmt_percent(found[0])}"))
        else:
            cell = row.cell(column.index)
            if cell is None or cell.value is None:
                return None
            values.append((row, cell.value, cell.raw, [(column, cell)], cell.raw))
    if len(values) < 2 or values[0][1] == values[1][1]:
        return None
    pick = max if larger else min
    win = pick(values, key=lambda v: v[1])
    lose = values[1] if win is values[0] else values[0]
    name = "turnout" if turnout_cols else col_label(column)
    computation = f"{name}: {table.row_name(values[0][0])} {values[0][4]}; {table.row_name(values[1][0])} {values[1][4]}"
    sentence = (f"{table.row_name(win[0])}: {name} is {win[2]} there against {lose[2]} in "
                f"{table.row_name(lose[0])} [1][2].")
    return Finding(win[0].label, sentence, [Used(v[0], v[3]) for v in values], computation, [], 0.9)


def in_order(table: Table, rows: list[Row], last: bool) -> Finding | None:
    """The first (or last) of some rows in the table's order."""
    if not rows:
        return None
    row = rows[-1] if last else rows[0]
    cell = next((c for c in row.cells if c.value is not None), None)
    if cell is None:
        return None
    column = table.column(cell.col)
    word = "last" if last else "first"
    computation = f"{word} of {len(rows)} rows in table order: line {row.index + 1}, {table.row_name(row)}"
    return Finding(row.label, f"{table.row_name(row)} is listed {word} [1].", [Used(row, [(column, cell)])],
                   computation, [], 0.9)


def extreme_of(table: Table, rows: list[Row], column: Column, largest: bool) -> Finding | None:
    """The row (among `rows`) with the largest or smallest value of a column."""
    values = [(r, r.cell(column.index)) for r in rows]
    values = [(r, c) for r, c in values if c is not None and c.value is not None]
    if not values:
        return None
    row, cell = (max if largest else min)(values, key=lambda v: v[1].value)
    word = "largest" if largest else "smallest"
    computation = f"{word} {col_label(column)} of {len(values)} rows: {table.row_name(row)} {cell.raw}"
    sentence = f"{table.row_name(row)} has the {word} {col_label(column)} of these rows: {cell.raw} [1]."
    return Finding(row.label, sentence, [Used(row, [(column, cell)])], computation, [], 0.9)
