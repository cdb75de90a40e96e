"""Run a query plan over a table's rows and write the result as the answer contract: the value, the computation
shown, and one citation per row used (its line in the file and the cell quoted)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.tables.grid import Grid, clock, date_of, is_clock, words
from app.tables.plan import ORDINALS, Condition, Plan

MAX_CITED = 10
_ORDINAL_NAMES = {n: w for w, n in ORDINALS.items()}


@dataclass
class Result:
    """A computed answer before it is written out."""

    short: str
    sentence: str
    computation: str
    used: list[tuple[int, int]]                  # (row, column) cells read, the first of each row is quoted
    notes: list[str] = field(default_factory=list)


_GROUPED = re.compile(r"\d,\d{3}\b")     # a cell writing thousands separated: "1,150"


def _fmt(value: float, like: str = "") -> str:
    """A computed number: thousands separated from 10,000 up (not years), or from 1,000 up when the cells it comes
    from, written out in `like`, separate theirs ("1,150 + 1,420"); at most four decimals."""
    sep = "," if abs(value) >= 10000 or _GROUPED.search(like) else ""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):{sep}}"
    return f"{value:{sep}.4f}".rstrip("0").rstrip(".")


def _as_cells(grid: Grid, cells: list[tuple[int, int]], value: float, like: str) -> str:
    """A computed figure written as the cells it comes from are: times as a time ("31:05" and "35:50": "4:45"),
    anything else as a number (`_fmt`)."""
    if cells and all(is_clock(grid.text(r, j)) for r, j in cells):
        return clock(value)
    return _fmt(value, like)


def _holds(grid: Grid, r: int, c: Condition) -> bool:
    if c.op in ("=", "has", "==", "rows"):      # "rows": picked when the plan was read ("more A than B")
        return r in c.rows
    if c.op == "not":
        return r not in c.rows
    value = grid.sort_key(r, c.column)
    if value is None:
        return False
    if grid.columns[c.column].dated and c.number is not None and c.number < 10000:
        value = value // 10000 if value >= 10000 else value    # a year bound compares with the date's year
    return _compare(value, c.op, c.number)


def _compare(value: float, op: str, bound: float) -> bool:
    return {">": value > bound, ">=": value >= bound, "<": value < bound, "<=": value <= bound}[op]


def _describe(grid: Grid, c: Condition) -> str:
    if c.op == "rows":
        return c.value
    name = " or ".join(grid.columns[k].name or f"column {k + 1}" for k in [k for k, _ in c.columns] or [c.column])
    word = {"=": "is", "==": "is", "has": "contains", "not": "is not"}.get(c.op, c.op)
    return f"{name} {word} “{c.value}”"


def filtered(grid: Grid, conditions: list[Condition]) -> list[int]:
    """Rows meeting every condition, in table order."""
    return [r for r in range(len(grid.rows)) if all(_holds(grid, r, c) for c in conditions)]


def run_plan(grid: Grid, plan: Plan) -> Result | None:
    """The plan's answer over `grid`, or None when the table cannot give one."""
    op = plan.op
    conditions = plan.conditions
    where = "; ".join(_describe(grid, c) for c in conditions) or "all rows"
    rows = filtered(grid, conditions)
    if plan.anchor is not None:         # "before X": the rows above X's row, in table order
        side, at = plan.anchor
        rows = [r for r in rows if (r < min(at.rows) if side == "before" else r > max(at.rows))]
        where = f"{where}, {side} the row of “{at.value}” (row {min(at.rows) + 1})"
    if plan.limit is not None:          # "the first three teams" (of the rows picked), "the top ten" (of the table)
        top, n, ranked = plan.limit
        pool = list(range(len(grid.rows))) if ranked else rows
        kept = set(pool[:n] if top else pool[-n:])
        rows = [r for r in rows if r in kept]
        word = ("top" if top else "bottom") if ranked else ("first" if top else "last")
        where = f"the {word} {n} rows" if where == "all rows" else f"{where}, among the {word} {n} rows"
    if op in ("compare_rows", "difference") and len(plan.pair) >= 2:
        return _pair(grid, plan, rows)
    if plan.between and len(plan.pair) == 2:     # rows strictly between two named rows, in table order
        a, b = sorted((min(plan.pair[0].rows), min(plan.pair[1].rows)))
        inside = [r for r in rows if a < r < b]
        return Result(str(len(inside)), f"{len(inside)} rows lie between {_label(grid, a)} and {_label(grid, b)}",
                      f"rows between row {a + 1} ({_label(grid, a)}) and row {b + 1} ({_label(grid, b)}): "
                      f"{b - a - 1} rows" + (f", {len(inside)} where {where}" if conditions else ""),
                      [(a, plan.pair[0].column), (b, plan.pair[1].column)])
    if op == "share" and plan.pair and plan.measure is not None:
        return _share(grid, plan, rows, where)
    if plan.pair and op not in ("next", "previous"):
        union = sorted({r for c in plan.pair for r in c.rows if r in rows})
        named = " or ".join(_describe(grid, c) for c in plan.pair)
        rows, where = union, named if where == "all rows" else f"{where} and ({named})"
    if op == "ratio" and plan.measure is not None and plan.measure2 is not None:
        return _ratio(grid, plan, rows, where)
    if op == "elapsed" and plan.measure2 is not None:
        return _between(grid, plan, rows)
    if op == "elapsed" and len(rows) == 1 and date_of(grid.text(rows[0], plan.measure)):
        r, j = rows[0], plan.measure
        years = plan.n - date_of(grid.text(r, j))[0]
        if years < 0:
            return None         # "how long had A been open by 1950", opened in 1962: not yet
        return Result(f"{years} years", f"{_label(grid, r)}: {years} years from {grid.text(r, j)} to {plan.n}",
                      f"{plan.n} - {grid.text(r, j)} ({grid.columns[j].name}, {_label(grid, r)}) = {years}", [(r, j)])
    if op == "count" and plan.distinct and plan.measure is not None:
        values: dict[str, list[int]] = {}
        for r in rows:
            if grid.text(r, plan.measure):
                values.setdefault(" ".join(words(grid.text(r, plan.measure))), []).append(r)
        name = grid.columns[plan.measure].name
        shown = ", ".join(grid.text(rs[0], plan.measure) for rs in list(values.values())[:MAX_CITED])
        return Result(str(len(values)), f"{len(values)} different {name} values in rows where {where}",
                      f"distinct {name} where {where}: {shown}{' …' if len(values) > MAX_CITED else ''} "
                      f"= {len(values)}", [(rs[0], plan.measure) for rs in values.values()])
    if op == "count" and plan.count_bound:
        bound_op, bound, raw = plan.count_bound
        held = _compare(len(rows), bound_op, bound)
        return Result("Yes" if held else "No", f"{'Yes' if held else 'No'}: {_rows_have(len(rows))} {where}",
                      f"rows where {where}: {len(rows)} {bound_op} {raw}: {'yes' if held else 'no'}",
                      [(r, _first_condition_col(plan, grid)) for r in rows])
    spread = next((c for c in conditions if c.columns), None)
    if op == "count" and plan.count_cells and spread is not None:
        cells = [(r, k) for r in rows for k, rs in spread.columns if r in rs]
        shown = ", ".join(f"{_label(grid, r)} ({grid.columns[k].name})" for r, k in cells[:MAX_CITED])
        return Result(str(len(cells)), f"{len(cells)} cells have {where}",
                      f"cells where {where}: {shown}{' …' if len(cells) > MAX_CITED else ''} = {len(cells)}", cells)
    if op == "count":
        labels = ", ".join(_label(grid, r) for r in rows[:MAX_CITED]) + (" …" if len(rows) > MAX_CITED else "")
        said = f"The table has {len(rows)} row{'' if len(rows) == 1 else 's'}" if where == "all rows" \
            else f"{_rows_have(len(rows))} {where}"
        return Result(str(len(rows)), said, f"rows where {where}: {labels} = {len(rows)}",
                      [(r, _first_condition_col(plan, grid)) for r in rows])
    if op in ("next", "previous"):
        anchor = plan.pair[0] if plan.pair else next((c for c in conditions if c.op in ("=", "has")), None)
        if anchor is None or not anchor.rows:
            return None
        base = max(anchor.rows) if op == "next" else min(anchor.rows)
        step = 1 if op == "next" else -1
        other = base + step
        same = grid.text(base, plan.target)
        while 0 <= other < len(grid.rows) and (grid.text(other, plan.target) == same or not grid.text(other, plan.target)):
            other += step       # rows that repeat the anchor's value belong to it
        if not 0 <= other < len(grid.rows):
            return None
        value = grid.text(other, plan.target)
        said = f"{'After' if op == 'next' else 'Before'} {_label(grid, base)} comes {value}"
        if grid.columns[plan.target].numeric and _label(grid, other) != value:   # "the month after March": April's
            said = f"{_label(grid, other)}, the row {'after' if op == 'next' else 'before'} {_label(grid, base)}, " \
                   f"has {grid.columns[plan.target].name} {value}"
        return Result(value, said,
                      f"row {base + 1} ({_label(grid, base)}) -> row {other + 1}: {value}",
                      [(base, anchor.column), (other, plan.target)])
    if op == "difference" and plan.span and plan.measure is not None:
        return _span(grid, plan, rows, where)
    if op == "difference" and plan.measure2 is not None and not plan.pair:
        return _change(grid, plan, rows)
    if not rows and plan.yes_no and op == "lookup" and conditions and all(c.rows for c in conditions
                                                                          if c.op in ("=", "has")):
        return Result("No", f"No: no row has {where}", f"rows where {where}: 0",
                      [(min(c.rows), c.column) for c in conditions if c.op in ("=", "has")])
    if not rows:
        return None
    if op in ("first", "last", "nth"):
        k = {"first": 0, "last": len(rows) - 1}.get(op, plan.n - 1)
        if k >= len(rows):
            return None
        r = rows[k]
        value = _shown(grid, plan, r, plan.target)
        return Result(value, f"The {op if op != 'nth' else f'#{plan.n}'} row where {where} has {value}",
                      f"{op} of {len(rows)} rows where {where} (table order): row {r + 1}", [(r, plan.target)]) \
            if value else None
    if op in ("max", "min", "argmax", "argmin") and plan.n > 1 and (
            plan.across or plan.measure is None and op[:3] == "arg" or plan.measure2 is not None):
        return None         # "the second most common", "the second largest rise": only a column's n-th value is read
    if op in ("sum", "argmax", "argmin") and plan.across:
        return _over_years(grid, plan, rows[0], where) if len(rows) == 1 else None
    if op in ("argmax", "argmin") and plan.measure is None:
        return _mode(grid, plan, rows, where)
    if op == "add" and plan.measure is not None and plan.measure2 is not None:
        return _added(grid, plan, rows, where)
    if op in ("argmax", "argmin") and plan.measure2 is not None:
        return _most_changed(grid, plan, rows, where)
    if op == "avg" and plan.across:
        return _yearly_average(grid, plan, rows, where)
    if op in ("sum", "avg", "max", "min", "argmax", "argmin"):
        column = plan.measure if plan.measure is not None else plan.target
        keyed = [(r, grid.sort_key(r, column)) for r in rows]
        keyed = [(r, v) for r, v in keyed if v is not None]
        if not keyed:
            return None
        name = grid.columns[column].name
        if op in ("sum", "avg"):
            if len(keyed) == 1 and op == "sum":
                r = keyed[0][0]
                return Result(grid.text(r, column), f"{name} where {where} is {grid.text(r, column)}",
                              f"{_label(grid, r)}: {name} = {grid.text(r, column)}", [(r, column)])
            total = sum(grid.number(r, column) or 0 for r, _ in keyed)
            places = max([2] + [len(m.group(1)) + 1 for r, _ in keyed
                                for m in [re.search(r"\d\.(\d+)", grid.text(r, column))] if m])
            value = total if op == "sum" else round(total / len(keyed), places)   # one decimal more than the cells
            shown = " + ".join(grid.text(r, column) for r, _ in keyed)
            cells = [(r, column) for r, _ in keyed]
            computation = f"{shown} = {_as_cells(grid, cells, total, shown)}" + (
                "" if op == "sum" else f"; / {len(keyed)} = {_as_cells(grid, cells, value, shown)}")
            over = f"of all {len(keyed)} rows" if where == "all rows" else f"where {where}"
            if op == "sum" and where == "all rows":
                computation += f" ({len(keyed)} rows)"      # the count the answer states, shown where it comes from
            return Result(_as_cells(grid, cells, value, shown), f"The {'total' if op == 'sum' else 'average'} {name} "
                          f"{over} is {_as_cells(grid, cells, value, shown)}", computation, cells)
        pick = max if op in ("max", "argmax") else min
        ranked = sorted({v for _, v in keyed}, reverse=pick is max)
        if len(ranked) < plan.n:
            return None
        best = ranked[plan.n - 1]           # the largest, or the n-th largest ("the second busiest")
        winners = [r for r, v in keyed if v == best]
        answer_col = column if op in ("max", "min") else plan.target
        values = [_shown(grid, plan, r, answer_col) for r in winners if grid.text(r, answer_col)]
        if not values:
            return None
        word = ("largest" if pick is max else "smallest") if plan.n == 1 else \
            f"{_ORDINAL_NAMES[plan.n]} {'largest' if pick is max else 'smallest'}"
        shown = "; ".join(dict.fromkeys(values))
        verb = "share" if len(dict.fromkeys(values)) > 1 else "has"
        said = f"The {word} {name} is {shown} ({'; '.join(_label(grid, r) for r in winners)})" \
            if op in ("max", "min") else f"{shown} {verb} the {word} {name} ({grid.text(winners[0], column)})"
        return Result(shown, said,
                      f"{word} {name} of {len(keyed)} rows where {where}: {_label(grid, winners[0])} "
                      f"{grid.text(winners[0], column)}", [(r, column) for r in winners] +
                      [(r, answer_col) for r in winners])
    # lookup
    values = [(r, _shown(grid, plan, r, plan.target)) for r in rows if grid.text(r, plan.target)]
    if not values or (not conditions and not plan.pair and not plan.every):
        return None
    if not plan.every and all(c.column == plan.target and c.op == "=" for c in conditions + plan.pair):
        return None         # the answer would only repeat the question's own words
    if plan.yes_no:
        return Result("Yes", f"Yes: {_rows_have(len(values))} {where}", f"rows where {where}: {len(values)}",
                      [(r, plan.target) for r, _ in values])
    distinct = list(dict.fromkeys(v for _, v in values))
    if plan.single:                     # "name one ...": the first row's value
        distinct, values = distinct[:1], [rv for rv in values if rv[1] == distinct[0]][:1]
    if len(distinct) > MAX_CITED:
        return None
    shown = "; ".join(distinct)
    name = grid.columns[plan.target].name or "The value"
    return Result(shown, f"Every {name} in the table: {shown}" if plan.every else f"{name} where {where}: {shown}",
                  f"rows where {where}: " + ", ".join(f"row {r + 1}" for r, _ in values),
                  [(r, plan.target) for r, _ in values])


def _mode(grid: Grid, plan: Plan, rows: list[int], where: str) -> Result | None:
    """The value of the answer column held by the most (or fewest) rows."""
    counts: dict[str, list[int]] = {}
    for r in rows:
        if grid.text(r, plan.target):
            counts.setdefault(grid.text(r, plan.target), []).append(r)
    if len(counts) < 2:
        return None
    pick = max if plan.op == "argmax" else min
    best = pick(len(v) for v in counts.values())
    winners = [k for k, v in counts.items() if len(v) == best]
    if len(winners) > 1:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))[:5]
    computation = "rows per value where " + where + ": " + ", ".join(f"{k} {len(v)}" for k, v in ranked)
    return Result(winners[0], f"{winners[0]} appears in {best} rows", computation,
                  [(r, plan.target) for r in counts[winners[0]]])


def _pair(grid: Grid, plan: Plan, rows: list[int]) -> Result | None:
    """Two named rows (or values) compared on a column, or by how many rows hold each."""
    a, b = plan.pair[:2]
    a_rows = [r for r in rows if r in a.rows] or sorted(a.rows)
    b_rows = [r for r in rows if r in b.rows] or sorted(b.rows)
    column = plan.measure
    if column is None and len(a_rows) == 1 and len(b_rows) == 1:
        return None
    if column is None:     # a value that repeats: compare how many rows hold each
        ka, kb = len(a_rows), len(b_rows)
        va, vb = float(ka), float(kb)
        computation = f"rows with “{a.value}”: {ka}; rows with “{b.value}”: {kb}"
        used = [(r, a.column) for r in a_rows] + [(r, b.column) for r in b_rows]
    else:
        ra, rb = a_rows[0], b_rows[0]
        va, vb = grid.sort_key(ra, column), grid.sort_key(rb, column)
        if va is None or vb is None:
            return None
        name = grid.columns[column].name
        computation = f"{name}: {_label(grid, ra)} {grid.text(ra, column)}, {_label(grid, rb)} {grid.text(rb, column)}"
        used = [(ra, column), (rb, column)]
    if plan.op == "difference" and plan.relative and column is not None:
        ra, rb = (r for r, _ in sorted([(ra, a), (rb, b)], key=lambda rc: rc[1].positions[:1] or (0,)))  # "from A to B"
        return _relative(grid.number(ra, column), grid.number(rb, column), f"{grid.columns[column].name}: "
                         f"{_label(grid, ra)} {grid.text(ra, column)} to {_label(grid, rb)} {grid.text(rb, column)}",
                         used, computation)
    if plan.op == "difference":
        if column is None:
            diff = abs(va - vb)
        else:
            diff = abs((grid.number(a_rows[0], column) or 0) - (grid.number(b_rows[0], column) or 0))
        shown = _as_cells(grid, used if column is not None else [], diff, computation)   # "31:05", "35:50": 4:45
        return Result(shown, f"The difference is {shown}", f"{computation}; difference = {shown}",
                      used)
    if plan.yes_no and plan.choice is None:     # "did A have more X than B": whether the first named wins
        first = min((a, b), key=lambda c: c.positions[:1] or (0,))
        mine, other = (va, vb) if first is a else (vb, va)
        holds = mine > other if plan.direction == "max" else mine < other
        return Result("Yes" if holds else "No", f"{'Yes' if holds else 'No'} ({computation})", computation, used)
    if va == vb:
        return Result("same", f"{a.value} and {b.value} are equal", computation + " (equal)", used)
    if plan.choice is not None:         # "does A have a higher or lower X than B"
        shown = plan.choice[0] if va > vb else plan.choice[1]
        return Result(shown, f"{a.value}: {shown} ({computation})", computation, used)
    pick_a = (va > vb) == (plan.direction == "max")
    winner = a if pick_a else b
    winner_rows = a_rows if pick_a else b_rows
    counted = column is None and winner.op != "="      # rows holding a value counted: the value itself
    shown = winner.value if counted else grid.text(winner_rows[0], winner.column) or winner.value
    return Result(shown, f"{shown} ({'more' if plan.direction == 'max' else 'less'})", computation, used)


def _ratio(grid: Grid, plan: Plan, rows: list[int], where: str) -> Result | None:
    """One column over another ("loans per visit"): for several rows, the sum of one over the sum of the other."""
    a, b = plan.measure, plan.measure2
    rows = [r for r in rows if grid.number(r, a) is not None and grid.number(r, b) is not None]
    top, bottom = sum(grid.number(r, a) for r in rows), sum(grid.number(r, b) for r in rows)
    if not rows or not bottom:
        return None
    value = _fmt(round(top / bottom, 2))
    name_a, name_b = grid.columns[a].name, grid.columns[b].name
    shown = {j: " + ".join(grid.text(r, j) for r in rows) for j in (a, b)}
    return Result(value, f"{name_a} per {name_b} where {where} is {value}",
                  f"{name_a} {shown[a]} / {name_b} {shown[b]} = {value}", [(r, a) for r in rows] + [(r, b) for r in rows])


def _share(grid: Grid, plan: Plan, rows: list[int], where: str) -> Result | None:
    """The named rows' part of the column's total over `rows`, as a percentage."""
    j = plan.measure
    keyed = [r for r in rows if grid.number(r, j) is not None]
    part = [r for r in keyed if any(r in c.rows for c in plan.pair)]
    total = sum(grid.number(r, j) for r in keyed)
    if not part or len(keyed) < 2 or not total:
        return None
    mine = sum(grid.number(r, j) for r in part)
    value = f"{mine / total * 100:.1f}%"
    name = grid.columns[j].name
    named = " + ".join(f"{grid.text(r, j)} ({_label(grid, r)})" for r in part)
    named = f"({named})" if len(part) > 1 else named
    among = "" if where == "all rows" else f" where {where}"
    return Result(value, f"{' and '.join(_label(grid, r) for r in part)} had {value} of the {name}{among}",
                  f"{named} / {total:,.10g} (the {name} of {len(keyed)} rows) = {value}",
                  [(r, j) for r in part] + [(r, j) for r in keyed if r not in part])


def _between(grid: Grid, plan: Plan, rows: list[int]) -> Result | None:
    """The years from one row's date in a column to its date in a later one ("Entered service" to "Withdrawn")."""
    if len(rows) != 1:
        return None
    r, a, b = rows[0], plan.measure, plan.measure2
    start, end = date_of(grid.text(r, a)), date_of(grid.text(r, b))
    if start is None or end is None or end[0] < start[0]:
        return None             # "In service": no end yet
    years = end[0] - start[0]
    return Result(f"{years} years", f"{_label(grid, r)}: {years} years from {grid.text(r, a)} "
                  f"({grid.columns[a].name}) to {grid.text(r, b)} ({grid.columns[b].name})",
                  f"{grid.text(r, b)} - {grid.text(r, a)} = {years}", [(r, a), (r, b)])


def _most_changed(grid: Grid, plan: Plan, rows: list[int], where: str) -> Result | None:
    """The row whose figure rose (op argmax) or fell (argmin) the most from one column to a later one."""
    a, b = plan.measure, plan.measure2
    moves = [(r, grid.number(r, b) - grid.number(r, a)) for r in rows
             if grid.number(r, a) is not None and grid.number(r, b) is not None]
    if not moves:
        return None
    pick = max if plan.op == "argmax" else min
    best = pick(v for _, v in moves)
    winners = [r for r, v in moves if v == best]
    shown = "; ".join(dict.fromkeys(_shown(grid, plan, r, plan.target) for r in winners))
    span = f"from {grid.columns[a].name} to {grid.columns[b].name}"
    r = winners[0]
    moved = "rose" if best >= 0 else "fell"
    most = "most" if (best >= 0) == (plan.op == "argmax") else "least"     # the largest rise or fall, or the smallest
    return Result(shown, f"{shown} {moved} the {most} {span} ({grid.text(r, a)} to {grid.text(r, b)})",
                  f"{'largest' if plan.op == 'argmax' else 'smallest'} change {span} of {len(moves)} rows where {where}: "
                  f"{_label(grid, r)} {grid.text(r, b)} - {grid.text(r, a)} = {_fmt(best, grid.text(r, b))}",
                  [(r, j) for r in winners for j in (a, b)])


def _yearly_average(grid: Grid, plan: Plan, rows: list[int], where: str) -> Result | None:
    """The picked rows' yearly figure averaged over year columns: each year's figure (the rows' sum) added up and
    divided by the number of years."""
    years = [(j, [(r, grid.number(r, j)) for r in rows if grid.number(r, j) is not None]) for j in plan.across]
    years = [(j, cells) for j, cells in years if cells]
    if len(years) < 2:
        return None
    each = [sum(v for _, v in cells) for _, cells in years]
    shown = " + ".join(_fmt(v, grid.text(cells[0][0], j)) for v, (j, cells) in zip(each, years))
    value = round(sum(each) / len(each), 2)
    names = ", ".join(grid.columns[j].name for j, _ in years)
    return Result(_fmt(value, shown), f"The yearly average over {names} for {where} is {_fmt(value, shown)}",
                  f"({shown}) / {len(each)} = {_fmt(value, shown)}", [(r, j) for j, cells in years for r, _ in cells])


def _over_years(grid: Grid, plan: Plan, r: int, where: str) -> Result | None:
    """One row's figures across the year columns: their total, or the year where it is largest or smallest."""
    cells = [(j, v) for j in plan.across if (v := grid.number(r, j)) is not None]
    if len(cells) < 2:
        return None
    shown = " + ".join(grid.text(r, j) for j, _ in cells)
    names = ", ".join(grid.columns[j].name for j, _ in cells)
    if plan.op == "sum":
        total = _fmt(sum(v for _, v in cells), shown)
        return Result(total, f"The total over {names} where {where} is {total}", f"{shown} = {total}",
                      [(r, j) for j, _ in cells])
    pick = max if plan.op == "argmax" else min
    best = pick(v for _, v in cells)
    winners = [grid.columns[j].name for j, v in cells if v == best]
    word = "largest" if pick is max else "smallest"
    answer = "; ".join(winners)
    return Result(answer, f"Where {where}, {answer} has the {word} figure ({_fmt(best, shown)})",
                  f"{word} of {names} where {where}: " + ", ".join(f"{grid.columns[j].name} {grid.text(r, j)}"
                                                                   for j, _ in cells),
                  [(r, j) for j, v in cells if v == best])


def _added(grid: Grid, plan: Plan, rows: list[int], where: str) -> Result | None:
    """Two columns added up over the rows picked ("adults and children combined")."""
    cells = [(r, j) for j in (plan.measure, plan.measure2) for r in rows if grid.number(r, j) is not None]
    if not cells:
        return None
    shown = " + ".join(grid.text(r, j) for r, j in cells)
    total = _fmt(sum(grid.number(r, j) for r, j in cells), shown)
    names = " and ".join(grid.columns[j].name for j in (plan.measure, plan.measure2))
    every = where == "all rows"
    over = f"of all {len(rows)} rows" if every else f"where {where}"
    return Result(total, f"{names} together {over} come to {total}",
                  f"{shown} = {total}" + (f" ({len(rows)} rows)" if every else ""), cells)


def _total_change(grid: Grid, plan: Plan, rows: list[int]) -> Result | None:
    """The change of a column's total from the earlier column to the later, over every row that has a figure."""
    a, b = plan.measure, plan.measure2
    sums = [sum(n for r in rows if (n := grid.number(r, j)) is not None) for j in (a, b)]
    cells = [(r, j) for r in rows for j in (a, b) if grid.number(r, j) is not None]
    like = " ".join(grid.text(r, j) for r, j in cells)
    said = f"the total of {grid.columns[a].name} ({_fmt(sums[0], like)}) to the total of {grid.columns[b].name} " \
           f"({_fmt(sums[1], like)})"
    if plan.relative:
        return _relative(sums[0], sums[1], said[:1].upper() + said[1:], cells, like)
    change = sums[1] - sums[0]
    return Result(_fmt(abs(change), like), f"From {said}, it {_moved(change)} by {_fmt(abs(change), like)}",
                  f"{_fmt(sums[1], like)} - {_fmt(sums[0], like)} = {_fmt(change, like)} (totals of {len(rows)} rows)",
                  cells)


def _relative(was: float | None, now: float | None, said: str, cells: list[tuple[int, int]],
              like: str = "") -> Result | None:
    """A change as a percentage of the earlier figure: "by what percentage did entries rise from 2023 to 2024"."""
    if was is None or now is None or was == 0:
        return None
    share = (now - was) / abs(was) * 100
    shown = f"{abs(share):.1f}%"
    return Result(shown, f"{said}: {_moved(share)} by {shown}",
                  f"({_fmt(now, like)} - {_fmt(was, like)}) / {_fmt(was, like)} = {share:.1f}%", cells)


def _moved(change: float) -> str:
    """How a figure moved, by the sign of its change."""
    return "rose" if change > 0 else "fell" if change < 0 else "stayed the same"


def _change(grid: Grid, plan: Plan, rows: list[int]) -> Result | None:
    """One row's change from the earlier column to the later ("2023 (£)" to "2024 (£)"): by how much it rose or fell."""
    a, b = plan.measure, plan.measure2
    if not plan.conditions and len(rows) > 1:   # no row named: the columns' totals ("total journeys")
        return _total_change(grid, plan, rows)
    rows = [r for r in rows if grid.number(r, a) is not None and grid.number(r, b) is not None]
    if len(rows) != 1:
        return None             # several rows named: no one change to give
    r = rows[0]
    change = grid.number(r, b) - grid.number(r, a)
    name_a, name_b = grid.columns[a].name, grid.columns[b].name
    cells = f"{grid.text(r, b)} - {grid.text(r, a)}"
    if plan.relative:
        return _relative(grid.number(r, a), grid.number(r, b), f"{_label(grid, r)}: {grid.text(r, a)} ({name_a}) "
                         f"to {grid.text(r, b)} ({name_b})", [(r, a), (r, b)], cells)
    return Result(_fmt(abs(change), cells), f"{_label(grid, r)} {_moved(change)}" + (
        f" by {_fmt(abs(change), cells)}" if change else "") + f" from {grid.text(r, a)} ({name_a}) to "
        f"{grid.text(r, b)} ({name_b})", f"{grid.text(r, b)} ({name_b}) - {grid.text(r, a)} ({name_a}) = "
        f"{_fmt(change, cells)}", [(r, a), (r, b)])


def _span(grid: Grid, plan: Plan, rows: list[int], where: str) -> Result | None:
    """The largest value of the measure minus the smallest (in years for a date column)."""
    j = plan.measure
    keyed = [(grid.sort_key(r, j), r) for r in rows if grid.sort_key(r, j) is not None]
    if len(keyed) < 2:
        return None
    (_, lo), (_, hi) = min(keyed), max(keyed)
    name = grid.columns[j].name
    if grid.columns[j].dated:
        years = (date_of(grid.text(hi, j)) or (0,))[0] - (date_of(grid.text(lo, j)) or (0,))[0]
        shown = f"{years} years"
    else:
        value = (grid.number(hi, j) or 0) - (grid.number(lo, j) or 0)
        money = re.match(r"\W{0,2}([$£€¥])", grid.text(hi, j))
        shown = (money.group(1) if money else "") + (f"{value:,.0f}" if value == int(value) and abs(value) >= 1000
                                                      else _fmt(value))
    return Result(shown, f"The {name} ranges over {shown}", f"largest {name} {grid.text(hi, j)} ({_label(grid, hi)}) "
                  f"- smallest {grid.text(lo, j)} ({_label(grid, lo)}) where {where} = {shown}", [(hi, j), (lo, j)])


def _shown(grid: Grid, plan: Plan, r: int, j: int) -> str:
    """A cell as the answer: its year when the question asks "what year" of a full date."""
    text = grid.text(r, j)
    if plan.asks_year and grid.columns[j].dated:
        date = date_of(text)
        if date and date[0] and str(date[0]) != text.strip():
            return str(date[0])
    return text


def _first_condition_col(plan: Plan, grid: Grid) -> int:
    conditions = plan.conditions + plan.pair
    return conditions[0].column if conditions else 0


def _tests(plan: Plan) -> bool:
    """Whether the plan checks something a row could fail: two rows compared, a bound on a cell or on a row count, or
    one column against another (not merely that a named row exists)."""
    return plan.op == "compare_rows" or bool(plan.count_bound) or any(
        c.op not in ("=", "has", "not") for c in plan.conditions)


def _rows_have(n: int) -> str:
    """ "1 row has", "3 rows have"."""
    return f"{n} row has" if n == 1 else f"{n} rows have"


def _label(grid: Grid, r: int) -> str:
    row = grid.rows[r]
    return row.label or grid.texts[r][next((j for j, t in enumerate(grid.texts[r]) if t), 0)] or f"row {r + 1}"


def contract(grid: Grid, plan: Plan, result: Result) -> dict:
    """The answer contract (DESIGN.md) for a computed result."""
    t = grid.table
    citations, seen = [], {}
    for r, j in result.used:
        if r in seen or len(citations) >= MAX_CITED:
            continue
        row = grid.rows[r]
        cell = grid.cell(r, j)
        if cell is None and (not row.label or row.label not in row.text):   # a recovered label is not in the line
            cell = next((c for c in row.cells if c.raw), None)
        quote = cell.raw if cell is not None else (row.label or "")
        seen[r] = len(citations) + 1
        cells = {c.col: c.raw for c in row.cells}
        citations.append({
            "n": seen[r], "doc": t.doc, "title": t.title, "section": " > ".join(t.section),
            "chunk_id": f"{t.id}r{row.index}", "text": row.text, "start": row.start, "end": row.end, "quote": quote,
            "cells": [{"column": grid.columns[j].name, "text": quote,
                       "start": cell.start if cell else row.start, "end": cell.end if cell else row.start}],
            "row": {"label_column": t.label_header, "label": row.label, "label_recovered": row.label_recovered,
                    "columns": [c.name for c in t.columns], "values": [cells.get(c.index, "") for c in t.columns]},
        })
    marks = "".join(f"[{c['n']}]" for c in citations)
    notes = list(plan.notes)
    if plan.measure is not None:
        used = [grid.columns[j].name or "unnamed" for j in (plan.measure, plan.measure2) if j is not None]
        notes.append(f"Column{'s' if len(used) > 1 else ''} used: {' and '.join(used)}.")
    confidence = round(min(0.95, 0.45 + 0.5 * plan.coverage), 2)
    return {"answer": f"{result.sentence} {marks}.", "short_answer": result.short, "kind": "table",
            "confidence": confidence, "citations": citations, "computation": result.computation, "notes": notes,
            "plan": {"op": plan.op, "target": grid.columns[plan.target].name, "coverage": round(plan.coverage, 2),
                     "uncovered": plan.uncovered, "values": [c.value for c in plan.conditions + plan.pair],
                     "pair": [c.value for c in plan.pair],
                     "yes_no": plan.yes_no, "tests": _tests(plan), "header_meant": plan.header_meant,
                     "n": plan.n, "relative": plan.relative}}
