"""Figures read or derived from a typed table, each with the cells it used and the arithmetic shown."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.tables.question import AGGREGATE_WORDS, Comparison, stem, tokens_of
from index.tables.headers import group_of
from index.tables.model import Cell, Column, Row, Table

MAX_CITED_ROWS = 10
_OP_WORDS = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}


@dataclass
class Used:
    """A row an answer reads, and the cells it reads there (the first is the one quoted)."""

    row: Row
    cells: list[tuple[Column, Cell]]


@dataclass
class Finding:
    """An answer from a table before it is written out as the answer contract."""

    short: str | None
    sentence: str                       # citation markers [1], [2], ... follow the order of `used`
    used: list[Used]
    computation: str | None = None
    notes: list[str] = field(default_factory=list)
    confidence: float = 0.95
    unnamed_answer: bool = False        # the answer itself would be a placeholder name


# ---- formatting -------------------------------------------------------------------------------------------


def uses_separators(table: Table) -> bool:
    """Whether the table writes thousands with commas (`12,345`), so derived counts are written the same way."""
    return any("," in c.raw for r in table.rows for c in r.cells if c.value is not None)


def fmt_count(table: Table, value: float) -> str:
    """A derived count written like the table's own counts."""
    if abs(value - round(value)) > 1e-9:
        return f"{value:,.2f}" if uses_separators(table) else f"{value:.2f}"
    return f"{value:,.0f}" if uses_separators(table) else f"{value:.0f}"


def fmt_percent(value: float) -> str:
    """A percentage to one decimal: `75.0%`."""
    return f"{value:.1f}%"


def fmt_cell(column: Column, cell: Cell) -> str:
    """A cell's value as written in the source, with `%` for a percent column."""
    raw = cell.raw.strip()
    return raw if column.unit != "percent" or raw.endswith("%") else f"{raw}%"


def col_label(column: Column) -> str:
    """`Group (sub-header)` for a column under a group header, else the column's name."""
    group = group_of(column)
    if not column.sub or group == column.name:
        return column.name
    return f"{group[:-1]}, {column.sub})" if group.startswith("(") else f"{group} ({column.sub})"


def plain(group: str) -> str:
    """A group's name for a short answer: `(inferred: X)` -> `X` (the notes say it was inferred)."""
    return group[len("(inferred: "):-1] if group.startswith("(inferred: ") else group


def contender(column: Column) -> str:
    """The contender a column counts for, as a sentence names it: its group, marked when its name was inferred."""
    group = group_of(column)
    return group if plain(group) == group else f"{plain(group)} (name inferred)"


def where(table: Table, row: Row) -> str:
    """`in <label>` for a row; the total row stands for the whole table."""
    return "in the table's total row" if row.is_total else f"in {table.row_name(row)}"


def opening(phrase: str) -> str:
    """A phrase with its first letter capitalised and the rest untouched."""
    return phrase[:1].upper() + phrase[1:]


def marks(first: int, count: int) -> str:
    """Citation markers `[first+1]...[first+count]`."""
    return "".join(f"[{i + 1}]" for i in range(first, first + count))


def rows_sentence(table: Table, rows: list[Row], cited: int, checked: int, phrase: str) -> str:
    """"In 5 of 39 rows, <phrase>: A, B, C and more [1][2][3]." (the first `cited` rows named and cited)."""
    named = rows[:cited]
    return (f"In {len(rows)} of {checked} rows, {phrase}"
            + (f": {', '.join(table.row_name(r) for r in named)}" if named else "")
            + (" and more" if len(rows) > len(named) else "") + f" {marks(0, len(named))}".rstrip() + ".")


# ---- columns with a role ----------------------------------------------------------------------------------


def contenders(table: Table) -> tuple[list[Column], list[str]]:
    """One count column per group that competes for "most" (the parts of the sum column, else groups with a
    percent column), leaving out groups whose names mark an aggregate (others, total, ...)."""
    if table.part_columns:
        columns = [table.column(i) for i in table.part_columns]
    else:
        bases = {c.base for c in table.columns if c.base is not None}
        columns = [c for c in table.columns if c.index in bases]
    kept, left_out = [], []
    for col in columns:
        words = {stem(t.folded) for t in tokens_of(group_of(col))} | {t.folded for t in tokens_of(group_of(col))}
        (left_out if words & AGGREGATE_WORDS else kept).append(col)
    return kept, [group_of(c) for c in left_out]


def percent_of(table: Table, column: Column) -> Column | None:
    """The percent column that expresses a count column, if any."""
    return next((c for c in table.columns if c.base == column.index), None)


def _turnout(row: Row, cast: Column, registered: Column) -> tuple[float, Cell, Cell] | None:
    num, den = row.cell(cast.index), row.cell(registered.index)
    if not num or not den or num.value is None or not den.value:
        return None
    return 100 * num.value / den.value, num, den


# ---- single-row figures -----------------------------------------------------------------------------------


def lookup(table: Table, row: Row, column: Column) -> Finding | None:
    """The value of one cell."""
    cell = row.cell(column.index)
    if cell is None or cell.value is None:
        return None
    used = [(column, cell)]
    extra = ""
    pct = percent_of(table, column)
    pct_cell = row.cell(pct.index) if pct else None
    if pct_cell is not None and pct_cell.value is not None:
        extra = f" ({fmt_cell(pct, pct_cell)})"
        used.append((pct, pct_cell))
    value = fmt_cell(column, cell)
    sentence = f"According to the table, {col_label(column)} {where(table, row)} is {value}{extra} [1]."
    return Finding(value, sentence, [Used(row, used)])


def turnout(table: Table, row: Row, cast: Column, registered: Column) -> Finding | None:
    """Votes cast as a share of registered voters in one row."""
    found = _turnout(row, cast, registered)
    if found is None:
        return None
    value, num, den = found
    computation = f"{num.raw} / {den.raw} = {fmt_percent(value)}"
    sentence = (f"Turnout {where(table, row)} was {fmt_percent(value)}: {col_label(cast)} {num.raw} of "
                f"{col_label(registered)} {den.raw} [1].")
    note = (f"Turnout is derived as {col_label(cast)} / {col_label(registered)}; the table has no turnout column.")
    return Finding(fmt_percent(value), sentence, [Used(row, [(cast, num), (registered, den)])], computation,
                   [note], 0.93)


def margin(table: Table, row: Row, mine: Column, other: Column | None) -> Finding | None:
    """How far one group is ahead of (or behind) another group, or of the best other contender."""
    rivals, left_out = contenders(table)
    if mine.unit == "percent":
        rivals = [p for p in (percent_of(table, c) for c in rivals) if p is not None]
    if other is None:
        ranked = _ranked(row, [c for c in rivals if c.index != mine.index])
        if not ranked:
            return None
        other = ranked[0][0]      # the runner-up when `mine` leads, else the leader
    a, b = row.cell(mine.index), row.cell(other.index)
    if not a or not b or a.value is None or b.value is None:
        return None
    diff = a.value - b.value
    unit = "percentage points" if mine.unit == "percent" else ""
    size = f"{abs(diff):.1f}" if mine.unit == "percent" else fmt_count(table, abs(diff))
    big, small = (a, b) if diff >= 0 else (b, a)
    computation = f"{big.raw} - {small.raw} = {size}"
    verb = "leads" if diff >= 0 else "trails"
    measure = f"{mine.sub}: " if mine.sub and group_of(mine) != mine.name else ""
    sentence = (f"{opening(where(table, row))}, {contender(mine)} {verb} {contender(other)} by {size}"
                f"{' ' + unit if unit else ''} ({measure}{fmt_cell(mine, a)} against {fmt_cell(other, b)}) [1].")
    notes = [f"Not counted as contenders (aggregate columns): {', '.join(left_out)}."] if left_out else []
    return Finding(size, sentence, [Used(row, [(mine, a), (other, b)])], computation, notes, 0.9)


def _ranked(row: Row, columns: list[Column]) -> list[tuple[Column, Cell]]:
    cells = [(c, row.cell(c.index)) for c in columns]
    cells = [(c, cell) for c, cell in cells if cell is not None and cell.value is not None]
    return sorted(cells, key=lambda x: -x[1].value)


def winner(table: Table, row: Row, place: int = 1) -> Finding | None:
    """The contending group with the largest count in a row (with place=2, the runner-up: "who lost")."""
    rivals, left_out = contenders(table)
    ranked = _ranked(row, rivals)
    if len(ranked) < 2:
        return None
    (top, top_cell), (second, second_cell) = ranked[0], ranked[1]
    computation = " > ".join(f"{group_of(c)} {cell.raw}" for c, cell in ranked)
    notes = [f"Not counted as contenders (aggregate columns): {', '.join(left_out)}."] if left_out else []
    if place == 2 and top_cell.value != second_cell.value:
        sentence = (f"{opening(where(table, row))}, {group_of(second)} came second ({second_cell.raw}), behind "
                    f"{group_of(top)} ({top_cell.raw}) [1].")
        return Finding(plain(group_of(second)), sentence, [Used(row, [(second, second_cell), (top, top_cell)])],
                       computation, notes, 0.85, unnamed_answer=group_of(second).startswith("(unnamed"))
    if top_cell.value == second_cell.value:
        sentence = (f"{opening(where(table, row))}, {group_of(top)} and {group_of(second)} are tied at "
                    f"{top_cell.raw} [1].")
        return Finding(f"{plain(group_of(top))} and {plain(group_of(second))} (tie)", sentence,
                       [Used(row, [(top, top_cell), (second, second_cell)])], computation, notes, 0.85)
    measure = f"{top.sub}: {top_cell.raw}" if top.sub else top_cell.raw
    sentence = (f"{opening(where(table, row))}, {group_of(top)} has the most ({measure}), ahead of "
                f"{group_of(second)} ({second_cell.raw}) [1].")
    return Finding(plain(group_of(top)), sentence, [Used(row, [(top, top_cell), (second, second_cell)])],
                   computation, notes, 0.9, unnamed_answer=group_of(top).startswith("(unnamed"))


def did_lead(table: Table, row: Row, mine: Column) -> Finding | None:
    """Yes or no: whether a group has the most among the contenders in a row."""
    rivals, left_out = contenders(table)
    ranked = _ranked(row, rivals)
    if len(ranked) < 2 or mine.index not in {c.index for c, _ in ranked}:
        return None
    (top, top_cell), (second, second_cell) = ranked[0], ranked[1]
    computation = " > ".join(f"{group_of(c)} {cell.raw}" for c, cell in ranked)
    notes = [f"Not counted as contenders (aggregate columns): {', '.join(left_out)}."] if left_out else []
    mine_cell = row.cell(mine.index)
    if top.index == mine.index and top_cell.value > second_cell.value:
        sentence = (f"Yes: {where(table, row)}, {col_label(mine)} is {mine_cell.raw}, ahead of "
                    f"{col_label(second)} with {second_cell.raw} [1].")
        return Finding("Yes", sentence, [Used(row, [(mine, mine_cell), (second, second_cell)])], computation,
                       notes, 0.9)
    sentence = (f"No: {where(table, row)}, {col_label(mine)} is {mine_cell.raw}, behind {col_label(top)} with "
                f"{top_cell.raw} [1].")
    return Finding("No", sentence, [Used(row, [(mine, mine_cell), (top, top_cell)])], computation, notes, 0.9)


def beats(table: Table, row: Row, mine: Column, other: Column, more: bool) -> Finding | None:
    """Yes or no: whether one group's cell in a row is larger (`more`) or smaller than another group's."""
    a, b = row.cell(mine.index), row.cell(other.index)
    if not a or not b or a.value is None or b.value is None:
        return None
    holds = a.value > b.value if more else a.value < b.value
    symbol = ">" if a.value > b.value else "<" if a.value < b.value else "="
    sentence = (f"{'Yes' if holds else 'No'}: {where(table, row)}, {col_label(mine)} is {fmt_cell(mine, a)} and "
                f"{col_label(other)} {fmt_cell(other, b)} [1].")
    return Finding("Yes" if holds else "No", sentence, [Used(row, [(mine, a), (other, b)])],
                   f"{a.raw} {symbol} {b.raw}", [], 0.92)


def check(table: Table, row: Row, column: Column, comparison: Comparison) -> Finding | None:
    """Yes or no: whether one cell meets a comparison ("more than 50%")."""
    cell = row.cell(column.index)
    if cell is None or cell.value is None:
        return None
    holds = _holds(cell.value, comparison)
    symbol = comparison.op if holds else {">": "<=", ">=": "<", "<": ">=", "<=": ">"}[comparison.op]
    computation = f"{cell.raw} {symbol} {comparison.raw}"
    threshold = f"{comparison.raw}{'%' if column.unit == 'percent' else ''}"
    sentence = (f"{'Yes' if holds else 'No'}: {col_label(column)} {where(table, row)} is {fmt_cell(column, cell)}, "
                f"{'' if holds else 'not '}{_OP_WORDS[comparison.op]} {threshold} [1].")
    return Finding("Yes" if holds else "No", sentence, [Used(row, [(column, cell)])], computation, [], 0.92)


# ---- figures across rows ----------------------------------------------------------------------------------


def extreme(table: Table, column: Column | None, kind: str, turnout_cols: tuple[Column, Column] | None = None
            ) -> Finding | None:
    """The row with the largest or smallest value of a column (or of turnout)."""
    values = []
    for row in table.data_rows:
        if turnout_cols:
            found = _turnout(row, *turnout_cols)
            if found:
                values.append((row, found[0], [(turnout_cols[0], found[1]), (turnout_cols[1], found[2])]))
        elif column is not None:
            cell = row.cell(column.index)
            if cell is not None and cell.value is not None:
                values.append((row, cell.value, [(column, cell)]))
    if not values:
        return None
    pick = max if kind == "max" else min
    best = pick(values, key=lambda v: v[1])
    ties = [v for v in values if v[1] == best[1]]
    row, value, cells = best
    word = "largest" if kind == "max" else "smallest"
    name = "turnout" if turnout_cols else col_label(column)
    if turnout_cols:
        shown = fmt_percent(value)
        computation = (f"{word} {name} of {len(values)} rows ({col_label(turnout_cols[0])} / "
                       f"{col_label(turnout_cols[1])}): {table.row_name(row)} {cells[0][1].raw} / {cells[1][1].raw} "
                       f"= {shown}")
    else:
        shown = fmt_cell(column, cells[0][1])
        computation = f"{word} {name} of {len(values)} rows: {table.row_name(row)} {cells[0][1].raw}"
    notes = []
    if len(ties) > 1:
        notes.append("Tied for first: " + ", ".join(table.row_name(t[0]) for t in ties) + ".")
    sentence = f"{table.row_name(row)} has the {word} value of {name} in the table: {shown} [1]."
    return Finding(row.label, sentence, [Used(row, cells)], computation, notes, 0.9)


def count_rows(table: Table, column: Column | None, comparison: Comparison | None,
               leader: Column | None = None, turnout_cols: tuple[Column, Column] | None = None) -> Finding | None:
    """How many rows satisfy a comparison on a column (or on turnout), or have a given group in the lead."""
    hits, checked = [], 0
    rivals, left_out = contenders(table)
    for row in table.data_rows:
        if leader is not None:
            ranked = _ranked(row, rivals)
            if len(ranked) < 2:
                continue
            checked += 1
            if ranked[0][0].index == leader.index and ranked[0][1].value > ranked[1][1].value:
                hits.append((row, ranked[0][1].raw, [(leader, ranked[0][1])]))
            continue
        if turnout_cols:
            found = _turnout(row, *turnout_cols)
            if not found:
                continue
            value, shown, cells = found[0], fmt_percent(found[0]), [(turnout_cols[0], found[1]),
                                                                     (turnout_cols[1], found[2])]
        else:
            cell = row.cell(column.index)
            if cell is None or cell.value is None:
                continue
            value, shown, cells = cell.value, cell.raw, [(column, cell)]
        checked += 1
        if _holds(value, comparison):
            hits.append((row, shown, cells))
    if not checked:
        return None
    if leader is not None:
        condition = f"{group_of(leader)} has the most among {', '.join(group_of(c) for c in rivals)}"
        phrase = f"{group_of(leader)} is ahead of every other contender"
    else:
        name = "turnout" if turnout_cols else col_label(column)
        condition = f"{name} {comparison.op} {comparison.raw}"
        phrase = f"{name} is {_OP_WORDS[comparison.op]} {comparison.raw}{'%' if comparison.percent else ''}"
    listed = ", ".join(f"{table.row_name(r)} {shown}" for r, shown, _ in hits) or "none"
    computation = f"rows where {condition}: {listed} = {len(hits)} of {checked} rows"
    cited = hits[:MAX_CITED_ROWS]
    sentence = rows_sentence(table, [r for r, _, _ in hits], len(cited), checked, phrase)
    notes = [f"Not counted as contenders (aggregate columns): {', '.join(left_out)}."] if leader and left_out else []
    return Finding(str(len(hits)), sentence, [Used(r, cells) for r, _, cells in cited], computation, notes, 0.9)


def _holds(value: float, comparison: Comparison) -> bool:
    return {">": value > comparison.value, ">=": value >= comparison.value, "<": value < comparison.value,
            "<=": value <= comparison.value}[comparison.op]


def combine(table: Table, rows: list[Row], column: Column) -> Finding | None:
    """The sum of one column over named rows."""
    cells = [(r, r.cell(column.index)) for r in rows]
    if any(c is None or c.value is None for _, c in cells) or column.unit == "percent":
        return None
    total = sum(c.value for _, c in cells)
    computation = " + ".join(c.raw for _, c in cells) + f" = {fmt_count(table, total)}"
    names = " and ".join(table.row_name(r) for r in rows)
    sentence = f"{col_label(column)} in {names} combined is {fmt_count(table, total)} {marks(0, len(rows))}."
    return Finding(fmt_count(table, total), sentence, [Used(r, [(column, c)]) for r, c in cells], computation,
                   [], 0.92)


def difference(table: Table, rows: list[Row], column: Column) -> Finding | None:
    """The difference of one column between two named rows (larger minus smaller)."""
    a, b = (r.cell(column.index) for r in rows[:2])
    if a is None or b is None or a.value is None or b.value is None:
        return None
    big, small = (a, b) if a.value >= b.value else (b, a)
    diff = big.value - small.value
    size = f"{diff:.1f}" if column.unit == "percent" else fmt_count(table, diff)
    unit = " percentage points" if column.unit == "percent" else ""
    computation = f"{big.raw} - {small.raw} = {size}"
    sentence = (f"The difference in {col_label(column)} between {table.row_name(rows[0])} ({fmt_cell(column, a)}) "
                f"and {table.row_name(rows[1])} ({fmt_cell(column, b)}) is {size}{unit} [1][2].")
    return Finding(size, sentence, [Used(rows[0], [(column, a)]), Used(rows[1], [(column, b)])], computation,
                   [], 0.92)


def several(table: Table, rows: list[Row], column: Column) -> Finding | None:
    """One column read in several named rows."""
    parts, used = [], []
    for i, row in enumerate(rows):
        cell = row.cell(column.index)
        if cell is None or cell.value is None:
            return None
        parts.append(f"{fmt_cell(column, cell)} in {table.row_name(row)} [{i + 1}]")
        used.append(Used(row, [(column, cell)]))
    sentence = f"According to the table, {col_label(column)} is " + " and ".join(parts) + "."
    short = "; ".join(fmt_cell(column, u.cells[0][1]) for u in used)
    return Finding(short, sentence, used, None, [], 0.9)


def column_sum(table: Table, column: Column) -> Finding | None:
    """A count column summed over every row, for a table without a total row."""
    rows = [(r, r.cell(column.index)) for r in table.data_rows]
    rows = [(r, c) for r, c in rows if c is not None and c.value is not None]
    if not rows or column.unit != "count" or all(c.value == int(c.value) and 1000 <= c.value <= 2100 for _, c in rows):
        return None   # nothing to sum, or a column of years (summing them means nothing)
    total = sum(c.value for _, c in rows)
    shown = fmt_count(table, total)
    computation = " + ".join(c.raw for _, c in rows) + f" = {shown}"
    cited = rows[:MAX_CITED_ROWS]
    sentence = (f"Summed over the table's rows, {col_label(column)} is {shown} {marks(0, len(cited))}.")
    notes = ["The table has no total row; the figure is the sum of its rows."]
    return Finding(shown, sentence, [Used(r, [(column, c)]) for r, c in cited], computation, notes, 0.88)
