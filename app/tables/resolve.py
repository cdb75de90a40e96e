"""Match a question against one table: which rows and column groups it names, which column its generic words
point to, and which words name something the table does not have."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from app.tables.plan import one_typo
from app.tables.question import SYNONYMS, Question, Token, is_generic, stem, tokens_of
from index.fold import stem as english_stem
from index.fold import fold
from index.tables.headers import group_of
from index.tables.model import Column, Row, Table

FUZZY = 85                      # rapidfuzz ratio a misspelt label or name must reach
_ROW_PREPS = frozenset("in at within inside from".split())
_COLUMN_PREPS = frozenset("for of by".split())
_SUBJECT_AUX = frozenset("did does do".split())
_TURKISH_LOCATIVE = frozenset("da de ta te nda nde daki deki".split())
_PLACEHOLDER_WORDS = frozenset("unnamed group column inferred".split())


@dataclass
class RowHit:
    """A row named in the question and how well its label matched."""

    row: Row
    score: float
    positions: tuple[int, ...]


@dataclass
class GroupHit:
    """A column group (a name over a count and a % column, or a single column) named in the question."""

    group: str
    columns: list[Column]
    score: float
    positions: tuple[int, ...]


@dataclass
class Unknown:
    """Words that look like a name the table does not have, and whether they stand where a row or a column would."""

    text: str
    slot: str        # "row" | "column" | "subject" (after did/does: a row or a column) | "modifier" ("invalid votes")


@dataclass
class Match:
    """Everything one table offers for a question."""

    table: Table
    rows: list[RowHit]
    groups: list[GroupHit]
    role: Column | None              # a column picked by generic words (total, registered, ...)
    role_strong: bool                # the question covers every concept in that column's name
    label_asked: bool                # the question asks for a row ("which <label>", "in which", "where")
    count_rows: bool                 # the question counts rows ("how many <label>s", "in how many")
    describes_row: bool              # "the <label> where ...": a row described, not named
    unknowns: list[Unknown] = field(default_factory=list)
    year_mismatch: bool = False
    turnout: tuple[Column, Column] | None = None     # (votes cast, registered) when turnout is asked and derivable
    contest: bool = False            # "who won (lost) the county in 2024": of the contest the title names, in total

    @property
    def evidence(self) -> float:
        """How much of the question this table explains."""
        score = 2 * sum(h.score for h in self.rows) + 3 * sum(h.score for h in self.groups)
        score += (2 if self.role_strong else 1) if self.role else 0
        score += 2 if self.turnout else 0
        return score + (1 if self.label_asked or self.count_rows or self.contest else 0)


def numeric_columns(table: Table) -> list[Column]:
    """Columns holding numbers."""
    return [c for c in table.columns if c.unit != "text"]


def concepts_of(text: str) -> set[str]:
    """Generic concepts a header names (`Registered electors` -> {registered, elector})."""
    words = {t.folded for t in tokens_of(text)}
    return {SYNONYMS[w] for w in words | {stem(w) for w in words} if w in SYNONYMS}


def match_table(question: Question, table: Table) -> Match:
    """Rows, groups, generic column and unknown names of `question` in `table`."""
    tokens = [t for t in question.tokens if not t.suffix]
    used: set[int] = set()
    rows = _match_rows(tokens, table, used)
    groups = _match_groups(tokens, table, used, question)
    role, strong = _role_column(question, table)
    label = {stem(t.folded) for t in tokens_of(table.label_header)} - {""}
    label_asked = bool(label & set(question.which_words)) or question.in_which
    count_rows = bool(label & set(question.count_words)) or question.in_how_many
    describes = bool(label) and bool(re.search(
        rf"\b(?:{'|'.join(map(re.escape, label))})s?\s+(?:where|that|which|whose|in which)\b", question.folded))
    title_words = _scope_words(table)
    scope = title_words | label
    explained = used | {t.pos for t in tokens if is_generic(t.folded) or stem(t.folded) in scope
                        or t.folded in scope}
    years = set(re.findall(r"\b(?:1[89]|2[01])\d{2}\b", fold(" ".join([table.title, *table.section]))))
    match = Match(table, rows, groups, role, strong, label_asked, count_rows, describes)
    match.unknowns = _unknowns(question, tokens, explained)
    match.year_mismatch = any(y not in years for y in question.years) and bool(years)
    if "turnout" in question.concepts and not (role is not None and "turnout" in concepts_of(role.name)):
        match.turnout = turnout_columns(table)
    titled = any(t.folded in title_words and not is_generic(t.folded) for t in tokens)
    asks_who = question.winner or question.lost and re.match(r"who\b", question.folded)    # "who lost the race"
    match.contest = bool(asks_who and (titled or set(question.years) & years) and not rows and not groups
                         and not match.unknowns and table.total_row is not None)
    return match


def turnout_columns(table: Table) -> tuple[Column, Column] | None:
    """(votes cast, registered) count columns when the table has both, for turnout = cast / registered."""
    counts = [c for c in numeric_columns(table) if c.unit == "count"]
    registered = [c for c in counts if concepts_of(group_of(c)) & {"registered", "elector"}]
    if table.total_column is not None:
        cast = [table.column(table.total_column)]
    else:
        cast = [c for c in counts if "total" in concepts_of(group_of(c)) and c not in registered]
    if len(registered) == 1 and len(cast) == 1 and registered[0] is not cast[0]:
        return cast[0], registered[0]
    return None


def _scope_words(table: Table) -> set[str]:
    """Words of the table's title and section path: they say which table, not which row."""
    words = {t.folded for t in tokens_of(" ".join([table.title, *table.section]))}
    return words | {stem(w) for w in words}


@lru_cache(maxsize=65536)
def _label_tokens(label: str) -> tuple[str, ...]:
    return tuple(t.folded for t in tokens_of(label) if not t.suffix)


def _match_rows(tokens: list[Token], table: Table, used: set[int]) -> list[RowHit]:
    """Rows whose label appears in the question, exactly after folding or within the fuzzy threshold."""
    hits = []
    windows: dict[int, list[tuple[str, str, bool, tuple[int, ...]]]] = {}
    for row in table.rows:
        if not row.label:
            continue
        label = _label_tokens(row.label)
        best = _best_window(tokens, label, windows)
        if best:
            hits.append(RowHit(row, best[0], best[1]))
    hits.sort(key=lambda h: (-h.score, -len(h.positions)))
    chosen: list[RowHit] = []
    for hit in hits:
        if used & set(hit.positions):
            continue
        rivals = [h for h in hits if h is not hit and h.positions == hit.positions and h.score == hit.score]
        if rivals and hit.score < 1:
            continue            # two labels fit a misspelling equally well: name neither
        chosen.append(hit)
        used |= set(hit.positions)
    return sorted(chosen, key=lambda h: h.positions)


def _windows(tokens: list[Token], size: int) -> list[tuple[str, str, bool, tuple[int, ...]]]:
    """Every run of `size` question tokens: its text, its letters without spaces, whether all are content words."""
    out = []
    for i in range(len(tokens) - size + 1):
        window = tokens[i:i + size]
        text = " ".join(t.folded for t in window)
        out.append((text, text.replace(" ", ""), all(not is_generic(t.folded) for t in window),
                    tuple(t.pos for t in window)))
    return out


def _best_window(tokens: list[Token], label: tuple[str, ...],
                 windows: dict[int, list[tuple[str, str, bool, tuple[int, ...]]]] | None = None
                 ) -> tuple[float, tuple[int, ...]] | None:
    if not label:
        return None
    windows = {} if windows is None else windows
    target = " ".join(label)
    squeezed = target.replace(" ", "")
    best = None
    for size in {max(1, len(label) - 1), len(label), len(label) + 1}:
        if size not in windows:
            windows[size] = _windows(tokens, size)
        for text, letters, content, positions in windows[size]:
            if text == target:
                score = 1.0
            elif letters == squeezed:
                score = 0.95    # the same letters spaced differently ("quayside", "Quay Side")
            elif content and one_typo(letters, squeezed):
                score = 0.9     # a spelling variant (one typo in a long word), never a different name
            else:
                score = 0
            if score and (best is None or score > best[0]):
                best = (score, positions)
    return best


def _group_words(table: Table) -> dict[str, list[str]]:
    """Each group's distinctive words: words of its name that no other group shares and that are not generic."""
    names = {}
    for col in numeric_columns(table):
        group = group_of(col)
        words = [stem(t.folded) for t in tokens_of(group) if not t.suffix]
        names[group] = [w for w in words if not is_generic(w) and w not in _PLACEHOLDER_WORDS and len(w) > 1]
    counts: dict[str, int] = {}
    for words in names.values():
        for w in set(words):
            counts[w] = counts.get(w, 0) + 1
    return {g: [w for w in words if counts[w] == 1] for g, words in names.items()}


def _match_groups(tokens: list[Token], table: Table, used: set[int], question: Question) -> list[GroupHit]:
    hits = []
    for group, words in _group_words(table).items():
        if not words:
            continue
        positions = []
        for word in words:
            pos = _find_word(tokens, word, used | set(positions))
            if pos is not None:
                positions.append(pos)
        score = len(positions) / len(words)
        if not positions or score < 0.5 or (score < 1 and _next_to_other_name(tokens, positions, question, used)):
            continue
        columns = [c for c in numeric_columns(table) if group_of(c) == group]
        hits.append(GroupHit(group, columns, score, tuple(sorted(positions))))
    hits.sort(key=lambda h: h.positions)
    for hit in hits:
        used |= set(hit.positions)
    return hits


def _find_word(tokens: list[Token], word: str, taken: set[int]) -> int | None:
    best, best_score = None, 0.0
    for t in tokens:
        if t.pos in taken or is_generic(t.folded):
            continue
        if stem(t.folded) == word or t.folded == word or english_stem(t.folded) == english_stem(word):
            return t.pos   # "opened" finds the "Opening year" column
        if len(word) >= 4 and len(t.folded) >= 4:
            score = fuzz.ratio(stem(t.folded), word)
            if score >= FUZZY and score > best_score:
                best, best_score = t.pos, score
    return best


def _next_to_other_name(tokens: list[Token], positions: list[int], question: Question, used: set[int]) -> bool:
    """A partial name match next to another capitalised word (`Ana Xyz` for `Ana Lima`) names someone else."""
    if not question.casing_informative:
        return False
    by_pos = {t.pos: t for t in tokens}
    for pos in positions:
        for near in (pos - 1, pos + 1):
            t = by_pos.get(near)
            if (t and near not in positions and near not in used and t.capital and not is_generic(t.folded)
                    and not t.folded[:1].isdigit()):
                return True
    return False


def _role_column(question: Question, table: Table) -> tuple[Column | None, bool]:
    """The column the question's generic words name, among columns whose group has no distinctive name
    (`Total votes`, `Registered electors`); strong when every concept of the group's name is asked for."""
    words = _group_words(table)
    wanted = set(question.concepts) - {"percent", "number"}  # "the number of X" names X, not a "#" column
    best, best_overlap, tied = None, 0, False
    for col in numeric_columns(table):
        group = group_of(col)
        if words.get(group) or not col.named or group.startswith("("):
            continue
        overlap = len(wanted & concepts_of(col.name))
        if question.wants_percent and col.unit != "percent":
            continue
        if overlap > best_overlap:
            best, best_overlap, tied = col, overlap, False
        elif overlap == best_overlap and overlap and best is not None:
            tied = True
            if table.total_column in (col.index, best.index):
                best, tied = table.column(table.total_column), False
    if best is None or tied:
        return None, False
    return best, concepts_of(group_of(best)) <= wanted | {"number"}


def _unknowns(question: Question, tokens: list[Token], explained: set[int]) -> list[Unknown]:
    """Runs of unexplained words that look like names: capitalised (when casing means something), or standing
    right after a preposition or auxiliary that introduces a row or a column."""
    out, run = [], []
    for t in tokens + [None]:
        if t is not None and t.pos not in explained and not t.folded[:1].isdigit():
            run.append(t)
            continue
        if run:
            unknown = _as_unknown(question, run)
            if unknown:
                out.append(unknown)
        run = []
    return out


def _as_unknown(question: Question, run: list[Token]) -> Unknown | None:
    before = question.tokens[run[0].pos - 1] if run[0].pos > 0 else None
    after = question.tokens[run[-1].pos + 1] if run[-1].pos + 1 < len(question.tokens) else None
    prep = before.folded if before else ""
    named = question.casing_informative and any(t.capital for t in run)
    measure_after = after is not None and after.folded in SYNONYMS
    if not named and prep not in _ROW_PREPS | _COLUMN_PREPS | _SUBJECT_AUX and not measure_after:
        return None
    text = " ".join(t.text for t in run)
    if measure_after and not named:
        return Unknown(f"{text} {after.text}", "modifier")     # "invalid votes": a kind of figure the table lacks
    if prep in _ROW_PREPS or bool(after and after.suffix and after.folded in _TURKISH_LOCATIVE):
        return Unknown(text, "row")
    return Unknown(text, "subject" if prep in _SUBJECT_AUX else "column")
