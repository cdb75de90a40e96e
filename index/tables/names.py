"""Name a column group whose header is blank, only on strong evidence from the same document.

Two kinds of evidence are accepted; anything less leaves the group unnamed:

- a numbered key-value list (an infobox such as `Name1: ...`, `Votes1: ...`) in which one key family gives each
  group's total-row figure and another family, at the same numbers, gives names that agree with every group the
  table does name;
- the prose: the table has exactly one blank group; the text pairs exactly one name with a named group's name
  ("A and B", "A or B", "A against B") and that name has no column; the text says that name won
  (won, winner, elected, re-elected, victory); and the blank group holds the most of the contenders' total.
"""
from __future__ import annotations

import re
from collections import defaultdict

from index.parse import ParsedDoc
from index.tables.cells import cell_key, parse_number
from index.tables.headers import group_of
from index.tables.model import Table

_NUMBERED_ITEM = re.compile(r"^\s*(?:[-*•+]\s+)?(?P<key>[^:\d]+?)\s*(?P<n>\d{1,2})\s*:\s*(?P<value>.+?)\s*$")


def _numbered_families(parsed: ParsedDoc) -> dict[str, dict[int, str]]:
    """`Votes1: 1,234` list items as {"votes": {1: "1,234"}}, from every list block."""
    families: dict[str, dict[int, str]] = defaultdict(dict)
    for block in parsed.blocks:
        if block.kind != "list":
            continue
        for line in block.lines:
            m = _NUMBERED_ITEM.match(line.text)
            if m:
                families[cell_key(m.group("key"))][int(m.group("n"))] = m.group("value")
    return families


def name_unnamed_groups(table: Table, parsed: ParsedDoc) -> list[str]:
    """Rename unnamed groups as `(inferred: NAME)` when the evidence holds; returns notes with that evidence."""
    total = table.total_row
    unnamed = {group_of(c) for c in table.columns if not c.named and c.name.startswith("(unnamed group")}
    if total is None or not unnamed:
        return []
    figures = _group_figures(table, total)
    families = _numbered_families(parsed)
    notes = []
    for placeholder in sorted(unnamed):
        found = _evidence(placeholder, figures, families)
        if found is None and len(unnamed) == 1:
            found = _prose_evidence(table, parsed, placeholder, figures)
        if found is None:
            notes.append(f"{placeholder}: no list in the document names it, so it stays unnamed")
            continue
        name, evidence = found
        for col in table.columns:
            if group_of(col) == placeholder:
                col.name = col.name.replace(placeholder, f"(inferred: {name})", 1)
        notes.append(f"{placeholder} is shown as (inferred: {name}): {evidence}")
    return notes


def _group_figures(table: Table, total) -> dict[str, float]:
    """Each group's count in the total row (groups with exactly one count column)."""
    counts: dict[str, list[float]] = defaultdict(list)
    for col in table.columns:
        value = total.value(col.index)
        if col.unit == "count" and value is not None:
            counts[group_of(col)].append(value)
    return {g: v[0] for g, v in counts.items() if len(v) == 1}


def _evidence(placeholder: str, figures: dict[str, float],
              families: dict[str, dict[int, str]]) -> tuple[str, str] | None:
    if placeholder not in figures:
        return None
    for fig_key, fig_family in families.items():
        positions = {g: [n for n, v in fig_family.items() if parse_number(v) == x] for g, x in figures.items()}
        mine = positions[placeholder]
        if len(mine) != 1:
            continue
        for name_key, name_family in families.items():
            if name_key == fig_key or mine[0] not in name_family:
                continue
            confirmed = [g for g, ns in positions.items()
                         if g != placeholder and len(ns) == 1 and not g.startswith("(")
                         and cell_key(name_family.get(ns[0], "")) == cell_key(g)]
            contradicted = [g for g, ns in positions.items()
                            if g != placeholder and len(ns) == 1 and not g.startswith("(")
                            and cell_key(name_family.get(ns[0], "")) != cell_key(g)]
            if confirmed and not contradicted:
                name = name_family[mine[0]]
                return name, (f"the document's list gives {fig_key} {mine[0]} = {fig_family[mine[0]]}, this group's "
                              f"figure in the total row, with {name_key} {mine[0]} = {name}; the same list pairs "
                              + ", ".join(confirmed) + " with their own totals")
    return None


_NAME = r"[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,2}"
_PAIRING = r"\s+(?:and|or|against|versus|vs\.?|over|defeating|defeated|beat)\s+"
_WIN = re.compile(r"\b(won|wins|winner|winning|elected|re-elected|reelected|victory|victorious)\b", re.I)


def _capitalised_runs(sentence: str) -> list[str]:
    """Runs of capitalised words (names) in a sentence, the sentence's first word left out when alone."""
    runs = re.findall(r"(?:[^\W\d_][\w'’-]*)(?:\s+[^\W\d_][\w'’-]*)*", sentence)
    out = []
    for run in runs:
        words = run.split()
        current: list[str] = []
        for w in words + [""]:
            if w and w[0].isupper():
                current.append(w)
            elif current:
                out.append(" ".join(current))
                current = []
    return out


def _prose_evidence(table: Table, parsed: ParsedDoc, placeholder: str,
                    figures: dict[str, float]) -> tuple[str, str] | None:
    """A name for the only blank group from the document's sentences (see the module docstring)."""
    contenders = _contender_figures(table, figures)
    named = [g for g in contenders if g != placeholder and not g.startswith("(")]
    if placeholder not in contenders or not named:
        return None
    if any(v >= contenders[placeholder] for g, v in contenders.items() if g != placeholder):
        return None
    header_words = {cell_key(w) for g in {group_of(c) for c in table.columns} for w in g.split()}
    labels = {cell_key(r.label) for r in table.rows if r.label}
    title_words = {cell_key(w) for w in " ".join([table.title, *table.section]).split()}
    sentences = [s.strip() for b in parsed.blocks if b.kind == "paragraph"
                 for s in re.split(r"(?<=[.!?])\s+", b.text)]
    paired: dict[str, str] = {}
    partner = ""
    for sentence in sentences:
        for group in named:
            for word in group.split():
                if len(word) < 3 or not word[0].isupper():
                    continue
                for m in re.finditer(rf"({_NAME}){_PAIRING}{re.escape(word)}\b|\b{re.escape(word)}{_PAIRING}({_NAME})",
                                     sentence):
                    raw = (m.group(1) or m.group(2)).split()
                    name = next((w for w in (reversed(raw) if m.group(1) else raw) if w[0].isupper()), None)
                    if name is None:
                        continue
                    key = cell_key(name.strip(".,;:'’"))
                    if key in header_words or key in labels or key in title_words or len(key) < 3:
                        continue
                    paired[key] = name.strip(".,;:'’")
                    partner = group
    if len(paired) != 1:
        return None
    key, short = next(iter(paired.items()))
    wins = [s for s in sentences if _WIN.search(s) and key in cell_key(s).split()
            and not any(cell_key(w) in cell_key(s).split() for g in named for w in g.split() if len(w) >= 3)]
    if not wins:
        return None
    text = cell_key(parsed.text)
    variants = {" ".join(run.split()[i:]) for s in sentences for run in _capitalised_runs(s)
                if cell_key(run).split()[-1:] == [key] for i in range(len(run.split()))}
    repeated = [v for v in variants if len(v.split()) <= 3 and text.count(cell_key(v)) >= 2]
    full = max(repeated, key=len, default=short)     # "Both Tomas Vik" once, "Tomas Vik" twice: the name
    return full, (f"the table has one blank column group; the text pairs “{short}” with "
                  f"“{partner}” (a named column group) and says “{wins[0]}”, and this group holds the most of the contenders' "
                  f"total ({_shown(contenders[placeholder])})")


def _contender_figures(table: Table, figures: dict[str, float]) -> dict[str, float]:
    """Group figures of the columns that add up to the table's sum column, else of every group."""
    if table.part_columns:
        parts = {group_of(c) for c in table.columns if c.index in table.part_columns}
        return {g: v for g, v in figures.items() if g in parts}
    return dict(figures)


def _shown(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else str(value)
