"""Name a column group whose header is blank, only on strong evidence from the same document.

The evidence accepted is a numbered key-value list (an infobox such as `Name1: ...`, `Votes1: ...`) in which
one key family gives each group's total-row figure and another family, at the same numbers, gives names that
agree with every group the table does name. Anything less leaves the group unnamed.
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
