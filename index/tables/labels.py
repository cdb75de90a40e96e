"""Recover blank row labels from an ordered list of exactly as many labels elsewhere in the same document."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.parse import ParsedDoc
from index.tables.cells import cell_key
from index.tables.model import Table

_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,3}[.)])\s+")
MIN_ANCHORS = 2   # present labels that must sit at their matching positions before any label is recovered


@dataclass(frozen=True)
class LabelList:
    """An ordered list of labels found in a document, and where it was found."""

    where: str
    labels: list[str]
    table_id: str | None = None      # set when the list is a table's label column


def _section(section: tuple[str, ...]) -> str:
    return " > ".join(section) or "the document's opening"


def label_lists(parsed: ParsedDoc, tables: list[Table]) -> list[LabelList]:
    """Every ordered list of labels in the document: each table's label column (across its fragments)
    and each bullet list."""
    found = []
    for table in tables:
        labels = [r.label for r in table.data_rows]
        if labels and all(labels):
            found.append(LabelList(f"the label column ({table.label_header or 'first column'}) of table "
                                   f"{table.id} in section {_section(table.section)}", labels, table.id))
    for block in parsed.blocks:
        if block.kind == "list":
            items = [_BULLET.sub("", line.text).strip() for line in block.lines]
            found.append(LabelList(f"the bullet list in section {_section(block.section)}", items))
    return found


def recover_labels(table: Table, lists: list[LabelList]) -> str | None:
    """Fill blank labels when one ordered list passes every check; returns a note saying what was done or why not."""
    rows = table.data_rows
    lists = [lst for lst in lists if lst.table_id != table.id]
    missing = [r for r in rows if not r.label]
    if not missing:
        return None
    present = [(i, r.label) for i, r in enumerate(rows) if r.label]
    sized = [lst for lst in lists if len(lst.labels) == len(rows) and _usable(lst.labels)]
    fitting = [lst for lst in sized if all(cell_key(lst.labels[i]) == cell_key(label) for i, label in present)]
    if len(present) < MIN_ANCHORS or not fitting:
        return (f"{len(missing)} of {len(rows)} row labels are blank and stay blank: "
                + ("too few labels are present to check a list against" if len(present) < MIN_ANCHORS else
                   f"no ordered list of exactly {len(rows)} labels in the document has all {len(present)} "
                   "present labels at matching positions"))
    if len({tuple(cell_key(x) for x in lst.labels) for lst in fitting}) > 1:
        return (f"{len(missing)} row labels stay blank: several lists of {len(rows)} labels fit the present "
                "labels but disagree with each other")
    source = fitting[0]
    for i, row in enumerate(rows):
        if not row.label:
            row.label, row.label_recovered = source.labels[i].strip(), True
    return (f"{len(missing)} blank row labels (of {len(rows)} rows) were recovered from {source.where}: it lists "
            f"exactly {len(rows)} labels in order, and {len(present)}/{len(present)} labels present in this table "
            "sit at the matching positions (folded comparison)")


def _usable(labels: list[str]) -> bool:
    keys = [cell_key(x) for x in labels]
    return all(keys) and len(set(keys)) == len(keys)
