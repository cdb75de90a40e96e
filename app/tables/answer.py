"""The table engine: answer numeric questions straight from typed table rows, citing the row and showing the
arithmetic; refuse when the question names a row or column the table does not have.

    engine = TableEngine(tables)
    engine.answer("How many votes did <group> get in <row>?")   # -> answer contract dict, or None for the text path
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from rapidfuzz import fuzz

from app.question import answer_type
from app.tables.compute import (Finding, beats, check, col_label, column_sum, combine, contenders, count_rows, did_lead, difference,
                               extreme, lookup, margin, opening, several, turnout, where, winner)
from app.tables.contests import better_of, closest, count_beating, extreme_of, in_order, listed, lost_rows
from app.tables.execute import contract, run_plan
from app.tables.grid import Grid, date_of, grid_of
from app.tables.grid import words
from app.tables.meaning import HeaderMeaning
from app.tables.plan import (LESS, MORE, CellIndex, Plan, Reading, offers_choice, one_typo, priced, read_against,
                             read_plan)
from app.tables.question import SYNONYMS, Question, as_measure, is_generic, read_question
from app.tables.resolve import GroupHit, Match, Unknown, match_table, numeric_columns
from index.fold import fold
from index.tables.headers import group_of
from index.tables.model import Column, Row, Table

_CONFIDENCE_REFUSAL = 0.7
_COMPARES = re.compile(r"\b(?!other\b|rather\b)(\w+er|more|less|fewer)\b(?:\s+[\w-]+){0,3}\s+than\b")  # "harder than"
_THAN = re.compile(rf"\b({'|'.join(MORE + LESS)})\b(?:\s+\w+){{0,3}}\s+than\b")   # the planner's comparatives


FEW_TABLES = 8          # up to this many tables every one is tried; beyond, only the retrievers' candidates
MAX_CANDIDATES = 6      # retrieved tables (best first) read at all (5-8 compared on half of wtq-dev, held out on the other)
CANDIDATES = 3          # how many of them, best covering first, the planner tries
ORDER_OPS = ("argmax", "argmin", "first", "last", "nth")   # rows picked by order, not by a cell
MIN_COVERAGE = 0.5      # the planner answers only when the table covers this share of the question's content words


COMPUTED = ("ratio", "share", "elapsed", "avg", "add", "next", "previous")   # planner operations the
                                                                                # labelled-figure reader lacks


def _computed(plan: dict) -> bool:
    """Whether a plan computes what the labelled-figure reader cannot: an operation it lacks, the n-th largest ("the
    second busiest month"), or a change as a percentage."""
    return plan["op"] in COMPUTED or plan["n"] > 1 and plan["op"] in ("argmax", "argmin", "max", "min") \
        or plan["relative"]


_REASON = re.compile(r"\s*(?:why|how come)\b", re.IGNORECASE)


class TableEngine:
    """Answers questions from parsed tables; `answer` returns None when the question is not for a table."""

    def __init__(self, tables: list[Table], meaning: HeaderMeaning | None = None,
                 common: Callable[[str], bool] = lambda word: False):
        self.all_tables = tables
        self.meaning = meaning          # headers by meaning (the embedding model); None: by their words only
        self.common = common            # whether a folded word is a common word, no name (the encoder's own pieces)
        self.by_id = {t.id: t for t in tables}
        self.by_doc: dict[str, list[str]] = {}
        for t in tables:
            self.by_doc.setdefault(t.doc, []).append(t.id)
        self.tables = [t for t in tables if numeric_columns(t)]
        self._views: dict[str, tuple[Grid, CellIndex]] = {}

    @property
    def few(self) -> bool:
        """Whether every table can be tried for every question (no retrieval needed to pick them)."""
        return len(self.all_tables) <= FEW_TABLES

    def view(self, table: Table) -> tuple[Grid, CellIndex]:
        """The planner's grid and cell index of a table, built once."""
        if table.id not in self._views:
            grid = grid_of(table)
            grid.meaning, grid.common = self.meaning, self.common
            self._views[table.id] = (grid, CellIndex(grid))
        return self._views[table.id]

    def answer(self, question: str, candidates: list[str] | None = None) -> dict | None:
        """The answer contract for a table question, a `none` refusal for a missing row/column, else None.
        `candidates` are table ids picked by retrieval (best first); None tries every table. A result with
        `weak: True` leaves words of the question that the table does not cover: the text path may do better."""
        if _REASON.match(question):
            return None         # "why ...", "how come ...": a reason, which no table holds
        question = as_measure(question)
        chosen = self.all_tables if candidates is None else \
            [self.by_id[i] for i in candidates if i in self.by_id][:MAX_CANDIDATES]
        readings = []
        for table in chosen:
            grid, index = self.view(table)
            readings.append((read_against(question, grid, index), table))
        old, old_table, named, rows_named = self._typed(question, [t for t in chosen if t in self.tables])
        planned = self._planned(question, readings)
        if planned is not None and _echoes(planned):
            planned = None      # "who came out on top in Eastgate?" is not answered by "Eastgate"
        if planned is not None and _numeric(planned["short_answer"]) and _kind_unread(question, planned) \
                and planned["plan"]["op"] != "compare_rows":     # (one of the two rows named: "service 6 or service 11")
            planned = None      # "which shipyard built the ferry": its year in Built is no shipyard
        if planned is not None and _wrong_kind(question, planned):
            planned = None      # "when did the first warden start": 12 years in post is no date
        if old is not None and old["kind"] == "table" and _DENIAL.search(question):
            old = None          # "how many kettles were not mended": the labelled-figure reader reads no "not"
        if old is not None and old["kind"] == "table" and _ASKS_PRICE.search(question) and not any(
                priced(c) for c in self.view(old_table)[0].columns):
            old = None          # "what is the price of a trip on the gannet": boats and their trips hold no price
        if old is not None and old["kind"] == "table" and _wrong_kind(question, old):
            old = None          # "where was the biggest audience": a row's date is no place
        listed = old is not None and ";" in (old["short_answer"] or "")
        if planned is not None and (_computed(planned["plan"]) and not (old and _percent(old)) or
                                    planned["plan"]["op"] in ("sum", "difference") and listed):
            return planned      # one column over another, a part of a total, years since, a sum or a difference of
                                # named rows (if unsure, still marked weak): the labelled-figure reader would give a
                                # figure or a list of them (a share it reads, "what share turned out", stands)
        if planned is not None and planned["plan"]["op"] == "sum" and len(planned["plan"]["pair"]) >= 2 \
                and not planned.get("weak") and old is not None and "+" in (old["computation"] or "") \
                and old["short_answer"] != planned["short_answer"]:
            return planned      # "total club swims over june and july": the named rows' figures added, where
                                # the labelled-figure reader may add a Total row too
        if planned is not None and planned["plan"]["op"] == "difference" and len(planned["plan"]["pair"]) == 2 \
                and old is not None and _numeric(old["short_answer"]) and " - " not in (old["computation"] or ""):
            return planned      # "how many more loans did A make than B": two named rows' gap, where the
                                # labelled-figure reader gives one of the two figures
        if planned is not None and planned["plan"]["header_meant"] and not planned.get("weak"):
            return planned      # "how many kettles did people bring": a column named by meaning, which the
                                # labelled-figure reader cannot read (it takes "mending" of the café's name)
        if planned is not None and offers_choice(question) and planned["plan"]["op"] == "compare_rows":
            return planned      # "a higher or lower X than B": answered with one of those two words
        if planned is not None and planned["plan"]["yes_no"] and (not planned["plan"]["tests"] and _COMPARES.search(
                fold(question)) or planned.get("weak") and _measure_unread(question, planned["plan"]["uncovered"])):
            planned = None      # "did A campaign harder than B", "more e-book loans than B": a comparison the plan
                                # did not read, or of a measure the table lacks, is no "yes"
        if planned is not None and planned["plan"]["yes_no"] and planned["plan"]["tests"] and _polar(planned) \
                and not (old is not None and _polar(old)):
            return planned      # "did A have more X than B?" is answered yes or no, not with A's figure (if unsure,
                                # still marked weak: a passage may answer better)
        if old is not None and old["kind"] == "table" and _asks_entity(question) and _numeric(old["short_answer"]):
            old = None          # a bare number for "which ...?" / "who ...?": the wrong kind of answer
        if old is not None and old["kind"] == "table" and planned is not None and (
                not _left_over(planned["plan"]["uncovered"]) or _loose(old_table, readings)) \
                and planned["plan"]["values"] and not rows_named and not (old["computation"] or "").endswith(" rows"):
            old = None          # rows picked by a cell or a bound beat a figure for rows the question never named,
                                # unless the picking plan leaves words over that the figure's reading covers
        if old is not None and old["kind"] == "table":
            reading = next(r for r, t in readings if t is old_table)
            uncovered = _left_over(reading.uncovered)
            if not uncovered:
                return old
            old = None if [w for w in reading.blocking if w in uncovered] else {**old, "weak": True}
        if planned is None and (old is None or old["kind"] != "none"):
            refusal = self._missing_row(readings)
            if refusal is not None:
                return refusal
        if planned is not None and not planned.get("weak"):
            return planned
        if old is not None and old["kind"] == "none" and not (planned and (
                _explains(planned, _refused_name(old)) or self._commonplace(question, _refused_name(old)))):
            return old      # a refusal stands unless the planner found the refused name in a cell or a header,
                            # or it is no name but common words typed in lowercase ("did people bring")
        typed = old if old is not None and old["kind"] == "table" else None
        if typed is not None and (named or planned is None):
            return typed    # both read the question loosely: the one that recognised a named row or column group
        return planned

    def _typed(self, question: str, tables: list[Table]) -> tuple[dict | None, Table | None, bool, bool]:
        """The labelled-figure engine (named rows and column groups of counts and percentages): its answer, the
        table it used, whether it recognised a named column group there and whether it recognised a named row."""
        q = read_question(question)
        matches = [m for m in (match_table(q, t) for t in tables) if not m.year_mismatch]
        if not matches:
            return None, None, False, False
        best = max(matches, key=lambda m: m.evidence)
        if best.evidence <= 0 or best.describes_row:
            return None, None, False, False
        named = bool(best.groups) and any(c.unit != "text" for g in best.groups for c in g.columns)
        return _Answer(q, best).run(), best.table, named, bool(best.rows)

    def _commonplace(self, question: str, name: str) -> bool:
        """Whether every word of a (folded) name is a common word the question typed in lowercase: no name at all."""
        return bool(name) and all(_as_typed(question, w).islower() and self.common(w) for w in name.split())

    def _missing_row(self, readings: list) -> dict | None:
        """Refuse a question the table covers but for one name like, and yet unlike, one of its row labels
        ("Westgate" where the table has "Eastgate"): never answer with the other row. A question that names one of the
        rows asks for what that row lacks ("which club did <player> come from"), not for another row; a common word typed
        in lowercase is no name at all ("tell me about the visit" against a row "Visby")."""
        for reading, table in readings:
            names_a_row = any(m.column == 0 and m.rows for m in reading.mentions)
            if len(reading.uncovered) != 1 or reading.covered == 0 or names_a_row:
                continue
            word = reading.uncovered[0]
            labels = {w for row in table.rows if row.label for w in words(row.label) if len(w) >= 4}
            near = sorted((v for v in labels if not one_typo(word, v) and (
                fuzz.ratio(word, v) >= 60 or word[:4] == v[:4] or word[-4:] == v[-4:])),
                          key=lambda v: -fuzz.ratio(word, v))
            if len(word) < 4 or not near:
                continue
            typed = _as_typed(reading.q.text, word)
            if typed.islower() and self.common(word):
                continue
            header = table.label_header or "row"
            return {"answer": f"The table has no {header} “{typed}”, so it cannot answer this.",
                    "short_answer": None, "kind": "none", "confidence": _CONFIDENCE_REFUSAL, "citations": [],
                    "computation": None, "final": True,
                    "notes": [f"No {header} label matches “{typed}” after folding case and diacritics; "
                              f"“{near[0]}” is a different name, not a spelling variant, so its row is not used."]}
        return None

    def _planned(self, question: str, readings: list) -> dict | None:
        """The query planner over the tables that cover the question best."""
        readings = sorted(readings, key=lambda rt: (-rt[0].coverage, -rt[0].covered))   # then the one explaining
                                                                # more words; ties keep the retrievers' order
        for reading, table in readings[:CANDIDATES]:
            low = reading.coverage < MIN_COVERAGE
            if low and (len(reading.uncovered) > 1 or reading.blocking):
                break
            if reading.other_year or reading.names_missing:
                continue
            grid, index = self.view(table)
            plan = read_plan(question, grid, index, reading)
            if plan is None or plan.unresolved or low and not (plan.op in ("argmax", "argmin") and plan.measure_named):
                continue        # one word left over ("the longest song"): only a superlative on a named column
            if plan.op == "lookup" and _WHO.match(question) and any(
                    c.column == plan.target and c.op in ("=", "has") for c in plan.conditions):
                continue        # "who won the marrow category": the category it names is no person
            if plan.uncovered and not (plan.conditions or plan.pair) and plan.op not in ORDER_OPS and not (
                    (plan.counts_rows or plan.span or _whole_column(question, plan, reading) or plan.op in (
                        "max", "min") and plan.measure in reading.headers) and not reading.blocking):
                continue        # words the table lacks, and no row picked by a cell: not this table's question
            if plan.header_meant and plan.uncovered and not any(
                    not grid.columns[c.column].numeric and not grid.columns[c.column].dated
                    for c in plan.conditions + plan.pair):
                continue        # a column read by meaning, words left over and no row named by its text: "how
                                # many kettles did the brewery bring in 2023" is no question of the café's table
            if _DENIAL.search(question) and not any(c.op == "not" for c in plan.conditions):
                continue        # "how many kettles were not mended": a "not" the plan did not read
            if _not_an_amount(question, grid, plan):
                continue        # "how much is a ticket on the puffin": no Type, no count of trips
            result = run_plan(grid, plan)
            if result is None:
                continue
            out = contract(grid, plan, result)
            if plan.uncovered and not ((_whole_column(question, plan, reading) or _bound_count(plan, reading))
                                       and not reading.blocking and all(self.common(w) for w in plan.uncovered)):
                out["weak"] = True  # unsure, unless a column named is totalled as asked ("how much did the
            return out              # collections raise altogether": only "raise" is left over, a common word)
        return None


_ASKS_PRICE = re.compile(r"\bhow much (?:is|are|was|were|does|do|did) (?:a|an|one|each)\b|\b(?:price|prices|cost|costs|"
                         r"fee|fees|fare|fares|charge|charges)\b", re.I)


def _not_an_amount(question: str, grid: Grid, plan: Plan) -> bool:
    """Whether a "how much" question would be answered from a column of words, or a question asking a price from a
    column of counts (no currency, no price in its header): the table does not hold what is asked."""
    if plan.op not in ("lookup", "sum", "max", "min", "first", "last", "nth", "avg"):
        return False
    column = grid.columns[plan.measure if plan.measure is not None else plan.target]
    price = bool(_ASKS_PRICE.search(question)) and not _asks_entity(question)    # not "which fees went up"
    if (price or re.search(r"\bhow much\b", question, re.I)) and not column.numeric:
        return True
    return price and not priced(column) and not column.percent


def _as_typed(question: str, word: str) -> str:
    """A folded word as the question typed it ("Visby" for "visby")."""
    return next((w for w in re.findall(r"[^\W\d_]+", question) if fold(w) == word), word)


_DENIAL = re.compile(r"\b(?:(?:do|does|did|is|are|was|were|has|have|had|ca|could|would|should|wo)n['’]?t|not|never|"
                     r"nobody|none|neither|nor|cannot)\b", re.I)     # "didn't", typed "didnt"; not "Don January"
_OVER_ALL = re.compile(r"\b(altogether|(in )?total|in all|(on )?average|combined|between them|overall)\b", re.I)


def _whole_column(question: str, plan, reading) -> bool:
    """Whether the plan totals or averages a column the question names over every row, as the question says it
    should ("how much did the stalls raise altogether"): a verb left over does not make it another question."""
    return plan.op in ("sum", "avg") and plan.measure in reading.headers and plan.limit is None \
        and bool(_OVER_ALL.search(question))


def _bound_count(plan: Plan, reading: Reading) -> bool:
    """Whether the plan counts the rows a bound on a column the question names picks ("how many months did they hand
    out more than 170 parcels": the tests' pantry): a verb left over does not make it another question."""
    return plan.op == "count" and any(c.op in ("<", ">", "<=", ">=") and c.column in reading.headers
                                      for c in plan.conditions)


def _left_over(uncovered: list[str]) -> list[str]:
    """The content words among those a table's reading left over (not generic words, not synonyms of its own)."""
    return [w for w in uncovered if not is_generic(w) and w not in SYNONYMS]


def _loose(table: Table, readings: list) -> bool:
    """Whether the reading of `table` leaves content words of the question over."""
    return any(t is table and _left_over(r.uncovered) for r, t in readings)


class _Answer:
    """One question against its best-matching table."""

    def __init__(self, q: Question, m: Match):
        self.q, self.m, self.t = q, m, m.table
        self.turnout_cols = m.turnout
        self.asks_turnout = m.turnout is not None
        self.group = _head(m.groups)

    # ---- routing ------------------------------------------------------------------------------------------

    def run(self) -> dict | None:
        """The contract dict, a refusal, or None when the question is not for this table."""
        if not self._targeted() or (self.q.deictic and not self.m.rows):
            return None
        refusal = self._refusal()
        if refusal is not None:
            return refusal
        finding = self._find()
        if finding is None or isinstance(finding, dict):
            return finding
        if finding.unnamed_answer:
            return self._unnamed(finding)
        return self._contract(finding)

    def _targeted(self) -> bool:
        """Whether the question is clearly about this table: a named group or row with something to measure,
        a generic column named in full or with a row, or a derivable turnout."""
        q, m = self.q, self.m
        intent = q.winner or q.margin or q.superlative or q.comparison or q.difference or q.lost or q.either
        if (m.label_asked or q.in_which) and (q.listed or q.closest):
            return True
        measure = bool(q.concepts) or q.quantity
        group = self.group is not None and (measure or intent or len(self.group.columns) == 1)
        role = m.role is not None and (m.role_strong or m.rows or m.label_asked or m.count_rows or q.whole_table)
        unknown_place = any(u.slot == "row" for u in m.unknowns) and bool(q.concepts)
        return bool(group or role or self.asks_turnout or (m.rows and (measure or intent)) or unknown_place
                    or m.contest)

    def _refusal(self) -> dict | None:
        """Refuse when the question names a row or a column the table does not have."""
        m = self.m
        slots = {slot: [u for u in m.unknowns if u.slot == slot] for slot in ("row", "column", "subject", "modifier")}
        aggregate = m.label_asked or m.count_rows
        if slots["modifier"] and not m.groups:
            return self._refuse("column", slots["modifier"][0])
        if not m.rows and slots["row"] and not aggregate:
            return self._refuse("row", slots["row"][0])
        named = slots["column"] + slots["subject"]
        if named and not m.groups:
            if not (m.role and m.role_strong) and not self.asks_turnout:
                return self._refuse("column", named[0])
            if not m.rows and not aggregate:
                return self._refuse("row", named[0])
        if slots["subject"] and m.groups and not m.rows and not aggregate and not self.q.whole_table:
            return self._refuse("row", slots["subject"][0])
        return None

    def _find(self) -> Finding | dict | None:
        """Dispatch on what the question asks: row counts, extremes, several rows, then one row (or the total)."""
        q, m, t = self.q, self.m, self.t
        rows = [h.row for h in m.rows]
        found = self._contest(rows)
        if found is not None:
            return found
        if m.count_rows and (q.comparison or q.winner):
            return self._count()
        if q.superlative and m.label_asked:
            column = None if self.asks_turnout else self._column()
            if column is None and not self.asks_turnout:
                return None
            return extreme(t, column, q.superlative, self.turnout_cols if self.asks_turnout else None)
        if len(rows) >= 2:
            return self._across(rows)
        row = rows[0] if rows else t.total_row
        if self.asks_turnout:
            return turnout(t, row, *self.turnout_cols) if row else None
        if q.margin or (q.difference and len(m.groups) >= 2):
            return self._margin(row)
        than = _THAN.search(q.folded)
        if q.yes_no and than and not q.comparison and len(m.groups) >= 2 and row is not None:
            mine = self._column(q.wants_percent)       # "did A get more votes than B in X": A's cell against B's
            other = _unit_column(m.groups[1].columns, mine.unit == "percent") if mine is not None else None
            if other is not None and other.index != mine.index:
                return beats(t, row, mine, other, than.group(1) in MORE)
        if q.winner and q.yes_no and self.group and row is not None and not q.comparison:   # (not "did A win more
            # than 50%": that asks about the share, checked below, not about who led)
            mine = _unit_column(self.group.columns, False)
            return did_lead(t, row, mine) if mine is not None else None
        if q.lost and not q.winner and not self.group and re.match(r"who\b", q.folded):
            return winner(t, row, place=2) if row else None     # "who lost (in X)": the runner-up there, or in total
        if (q.winner and not self.group) or (q.superlative and not m.role and not self.group):
            return winner(t, row) if row else None
        column = self._column(q.wants_percent or bool(q.comparison and q.comparison.percent))
        if column is None:
            return None
        if q.yes_no and q.comparison and row is not None:
            return check(t, row, column, q.comparison)
        if row is None:  # no row named: a figure for the whole table, but only when one is asked for
            return column_sum(t, column) if q.whole_table else None
        return lookup(t, row, column) or self._no_figure(row, column)

    # ---- pieces -------------------------------------------------------------------------------------------

    def _contest(self, rows: list[Row]) -> Finding | None:
        """Questions comparing groups or rows: rows lost or won, one column beating another, the closest race,
        the first or last row, the better of two named rows."""
        q, m, t = self.q, self.m, self.t
        pool = [r for r in t.data_rows if not q.named_only or (r.label and not r.label_recovered)]
        mine = _unit_column(self.group.columns, False) if self.group else None
        other = _unit_column(m.groups[1].columns, False) if len(m.groups) > 1 else None
        comparative = re.search(r"\b(more|fewer|less|higher|lower)\b.*\bthan\b", q.folded)
        if q.closest and (m.label_asked or q.in_which):
            return closest(t, pool, mine, other)
        if q.listed and m.label_asked and not m.groups:
            return in_order(t, pool, q.listed == "last")
        if m.count_rows and mine is not None and other is not None and comparative and not q.comparison:
            a, b = (other, mine) if re.search(r"\b(fewer|less|lower)\b", q.folded) else (mine, other)
            return count_beating(t, pool, a, b)
        if m.count_rows and mine is not None and q.lost and not q.comparison:
            lost = lost_rows(t, pool, mine) if other is None else [
                r for r in pool if (r.value(mine.index) or 0) < (r.value(other.index) or 0)]
            return count_beating(t, lost, other, mine) if other is not None else listed(t, pool, mine, True)
        if mine is not None and q.lost and q.among and q.superlative and (m.label_asked or q.in_which):
            column = self._column()
            return extreme_of(t, lost_rows(t, pool, mine), column, q.superlative == "max") if column else None
        if mine is not None and (q.lost or (q.winner and not q.yes_no)) and m.label_asked and not rows \
                and not q.superlative and not m.count_rows:
            return listed(t, pool, mine, q.lost)
        than = _THAN.search(q.folded) if q.yes_no and not q.either and not q.comparison else None
        if len(rows) >= 2 and (q.either or than):
            larger = q.either == "max" if q.either else than.group(1) in MORE
            if self.asks_turnout:
                found = better_of(t, rows, None, larger, self.turnout_cols)
            else:
                column = self._column()
                found = better_of(t, rows, column, larger) if column is not None else None
            return _whether_first(found, self.m.rows) if than and found else found
        if q.superlative and q.named_only and m.label_asked and self._column() is not None:
            return extreme_of(t, pool, self._column(), q.superlative == "max")
        return None

    def _column(self, percent: bool | None = None) -> Column | None:
        """The column the question asks about: the named group's count or percent column, else the generic one."""
        wants_percent = self.q.wants_percent if percent is None else percent
        if self.group is not None:
            return _unit_column(self.group.columns, wants_percent)
        return self.m.role

    def _count(self) -> Finding | None:
        """How many rows meet a comparison, or have the named group in the lead."""
        q = self.q
        if q.comparison is not None:
            if self.asks_turnout:
                return count_rows(self.t, None, q.comparison, turnout_cols=self.turnout_cols)
            column = self._column(q.comparison.percent or q.wants_percent)
            return count_rows(self.t, column, q.comparison) if column is not None else None
        if self.group is None:
            return None
        leader = _unit_column(self.group.columns, False)
        rivals, _ = contenders(self.t)
        if leader is None or leader.index not in {c.index for c in rivals}:
            return None
        return count_rows(self.t, None, None, leader=leader)

    def _across(self, rows: list[Row]) -> Finding | None:
        """Several named rows: their difference, their sum, or each value."""
        column = self._column()
        if column is None:
            return None
        if self.q.difference or self.q.margin:
            return difference(self.t, rows, column)
        if self.q.combined or self.q.whole_table:
            return combine(self.t, rows, column)
        return several(self.t, rows, column)

    def _margin(self, row: Row | None) -> Finding | None:
        """The named group against a second named group, else against its nearest rival."""
        if row is None or self.group is None:
            return None
        mine = self._column()
        other = _unit_column(self.m.groups[1].columns, mine.unit == "percent") if len(self.m.groups) > 1 else None
        return margin(self.t, row, mine, other) if mine is not None else None

    # ---- output -------------------------------------------------------------------------------------------

    def _contract(self, f: Finding) -> dict:
        """The answer contract of DESIGN.md for a finding: one citation per row used, quoting its first cell."""
        t = self.t
        citations = []
        for i, used in enumerate(f.used):
            column, cell = used.cells[0]
            citations.append({
                "n": i + 1, "doc": t.doc, "title": t.title, "section": " > ".join(t.section),
                "chunk_id": f"{t.id}r{used.row.index}", "text": used.row.text,
                "start": used.row.start, "end": used.row.end, "quote": cell.raw,
                "cells": [{"column": c.name, "text": x.raw, "start": x.start, "end": x.end} for c, x in used.cells],
                "row": _row_view(t, used.row),
            })
        notes = list(f.notes) + self._caveats(f)
        return {"answer": f.sentence, "short_answer": f.short, "kind": "table",
                "confidence": round(self._confidence(f), 2), "citations": citations,
                "computation": f.computation, "notes": _unique(notes)}

    def _caveats(self, f: Finding) -> list[str]:
        """Recovered labels, fuzzy matches, disagreeing figures and blank headers behind the cells used."""
        t, notes = self.t, []
        recovery = next((n for n in t.notes if "were recovered from" in n), "")
        for hit in self.m.rows:
            if hit.score < 1:
                typed = " ".join(self.q.tokens[p].text for p in hit.positions)
                notes.append(f"Read “{typed}” as “{hit.row.label}” (a spelling variant; no row is labelled "
                             f"“{typed}”).")
        for used in f.used:
            if used.row.label_recovered:
                notes.append(f"The label “{used.row.label}” is not written in its row of the table; it was "
                             f"inferred: {recovery}.")
            for column, cell in used.cells:
                notes += [f"{t.row_name(used.row)}: {n}." for n in cell.notes]   # each note names its column
                if not column.named:
                    inferred = next((n for n in t.notes if group_of(column) in n and "is shown as" in n), None)
                    notes.append(inferred + "." if inferred else
                                 f"{group_of(column)}: the table's header for this column group is blank and the "
                                 "document does not name it.")
        return notes

    def _confidence(self, f: Finding) -> float:
        value = f.confidence
        for hit in self.m.rows:
            value *= hit.score
        for hit in self.m.groups[:1]:
            value *= 0.9 + 0.1 * hit.score
        if any(u.row.label_recovered for u in f.used):
            value *= 0.95
        if any(cell.notes for u in f.used for _, cell in u.cells):
            value *= 0.9
        return value

    def _unnamed(self, f: Finding) -> dict:
        """The answer would be a column group the table leaves unnamed: say so rather than name a placeholder."""
        row = f.used[0].row
        lead = f.used[0].cells[0][0]
        return {"answer": (f"{opening(where(self.t, row))}, the leading column group has a blank header in the "
                           "table, so the table cannot say who or what it is."),
                "short_answer": None, "kind": "none", "confidence": _CONFIDENCE_REFUSAL, "citations": [],
                "computation": None,
                "notes": [f"In the table: {f.computation}.",
                          f"{group_of(lead)}: the header above these columns is blank in the source table."]}

    def _no_figure(self, row: Row, column: Column) -> dict | None:
        """The row and column exist but their cell holds no number: say what the cell holds."""
        cell = row.cell(column.index)
        shown = f"reads “{cell.raw}”" if cell is not None and cell.raw else "is blank"
        if re.search(r"\d", shown):
            shown = "holds no usable number"
        return {"answer": f"The table has no figure for {col_label(column)} {where(self.t, row)}: the cell {shown}.",
                "short_answer": None, "kind": "none", "confidence": _CONFIDENCE_REFUSAL, "citations": [],
                "computation": None, "notes": [f"{self.t.row_name(row)}, {column.name}: the cell {shown}."]}

    def _refuse(self, what: str, unknown: Unknown) -> dict:
        t = self.t
        name = t.section[-1] if t.section and not re.search(r"\d", t.section[-1]) else ""
        table = f"table ({name})" if name else "table"
        if what == "row":
            detail = (f"No {t.label_header or 'row'} label in the table matches “{unknown.text}” "
                      f"(compared after folding case and diacritics, and fuzzily).")
        else:
            groups = sorted({group_of(c) for c in numeric_columns(t)})
            detail = f"The table's column groups are: {', '.join(groups)}."
            if any(not c.named for c in t.columns):
                detail += " One group's header is blank, so the table cannot say whether it is “" + unknown.text + "”."
        return {"answer": f"The documents' {table} has no {what} for “{unknown.text}”, so it cannot answer this.",
                "short_answer": None, "kind": "none", "confidence": _CONFIDENCE_REFUSAL, "citations": [],
                "computation": None, "notes": [detail]}


def _head(groups: list[GroupHit]) -> GroupHit | None:
    """The column group a question asks about: the first named, unless the next is named right after it, the last noun
    of a compound ("volunteer hours" asks for hours, not volunteers)."""
    if len(groups) > 1 and min(groups[1].positions) == max(groups[0].positions) + 1:
        return groups[1]
    return groups[0] if groups else None


def _whether_first(found: Finding, named: list) -> Finding:
    """ "Was X higher in A than in B?": yes when the row `better_of` picked is the one named first."""
    first = min(named[:2], key=lambda h: h.positions[:1] or (0,)).row
    holds = found.short == first.label
    return replace(found, short="Yes" if holds else "No", sentence=f"{'Yes' if holds else 'No'}: {found.sentence}")


def _measure_unread(question: str, uncovered: list[str]) -> bool:
    """Whether a word between the comparative and "than" ("more e-book loans than") was left unread: the measure
    compared is then not the column the plan read."""
    m = _COMPARES.search(fold(question))
    return bool(m) and bool(set(re.findall(r"\w+", m.group(0))[1:-1]) & set(uncovered))


def _polar(result: dict) -> bool:
    """Whether an answer is a yes or a no."""
    return result.get("short_answer") in ("Yes", "No")


def _kind_unread(question: str, planned: dict) -> bool:
    """Whether the kind of thing a "which ..." question asks for is a word the plan left over."""
    asked = re.match(r"\s*which\s+(\w+)", question, re.I)
    return asked is not None and fold(asked.group(1)) in planned["plan"]["uncovered"]


_WHO = re.compile(r"\s*(who|whom|whose)\b", re.I)


def _wrong_kind(question: str, result: dict) -> bool:
    """Whether a question asking when ("when ...", "what year ...") gets an answer holding no date or year, one
    asking where gets a date (a number may be a place in a ranking: "where did they finish"), or one asking who gets
    figures (bare numbers, or a number and its unit)."""
    answer = result.get("short_answer")
    if not answer:
        return False
    asked = answer_type(question)
    return asked == "date" and date_of(answer) is None or asked == "place" and date_of(answer) is not None \
        or asked == "person" and (_numeric(answer) or bool(re.search(r"\d\s+[a-z]", answer)))   # "who made the
                                                    # century": no "Won by 5 wickets", no years (but "Over 50s")


def _asks_entity(question: str) -> bool:
    """Whether the question asks for a thing or a person ("which ...", "who ..."), not for a figure."""
    return bool(re.match(r"\s*(which|who|whom|whose)\b", question, re.I)) or bool(
        re.search(r"[,;]\s*(which|who)\b|\bname the\b", question, re.I))


def _echoes(planned: dict) -> bool:
    """Whether the planner picked rows by order among those holding a value and answers with that value: the row the
    question names, returned as if it were what was asked for."""
    plan, answer = planned["plan"], " ".join(words(planned["short_answer"] or ""))
    return plan["op"] in ORDER_OPS and bool(answer) and answer in {" ".join(words(v)) for v in plan["values"]}


def _percent(result: dict) -> bool:
    """Whether the answer is a percentage."""
    return (result.get("short_answer") or "").endswith("%")


def _numeric(text: str | None) -> bool:
    return bool(text) and bool(re.fullmatch(r"[\d,.\s;%-]+", text))


def _explains(planned: dict, name: str) -> bool:
    """Whether the planner read every word of a name another reading refused (as a cell value or a header)."""
    uncovered = set(planned["plan"]["uncovered"])
    return name in planned["plan"]["values"] or bool(name) and not any(w in uncovered for w in name.split())


def _refused_name(refusal: dict) -> str:
    """The folded name a refusal says the table lacks (the first quoted text of its answer)."""
    m = re.search(r"“([^”]+)”", refusal.get("answer") or "")
    return " ".join(words(m.group(1))) if m else ""


def _unit_column(columns: list[Column], percent: bool) -> Column | None:
    """The percent column of a group when percent is wanted, else its count (or only) column."""
    if percent:
        found = [c for c in columns if c.unit == "percent"]
    else:
        found = [c for c in columns if c.unit == "count"] or [c for c in columns if c.unit == "number"]
    if found:
        return found[0]
    return columns[0] if len(columns) == 1 and not percent else None


def _row_view(table: Table, row: Row) -> dict:
    """The whole cited row as the UI shows it: label, then every column's name and cell text."""
    cells = {c.col: c.raw for c in row.cells}
    return {"label_column": table.label_header, "label": row.label, "label_recovered": row.label_recovered,
            "columns": [c.name for c in table.columns], "values": [cells.get(c.index, "") for c in table.columns]}


def _unique(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


