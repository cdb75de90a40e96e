"""Typed tables from a parsed document's pipe-table blocks: headers resolved, labels checked, figures verified.

    tables = extract_tables(parse(doc, text))
    print(format_table(tables[0]))
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from index.parse import Block, ParsedDoc, Span
from index.tables.cells import cell_key, is_junk, is_rule, parse_number, split_cells, trimmed
from index.tables.checks import find_sum_column, find_total_row, record_discrepancies
from index.tables.headers import Headers, data_profile, resolve_headers
from index.tables.labels import label_lists, recover_labels
from index.tables.model import Cell, Column, Row, Table, tables_from_json, tables_to_json
from index.tables.names import name_unnamed_groups

__all__ = ["Cell", "Column", "Row", "Table", "extract_tables", "format_table", "tables_from_json", "tables_to_json"]


@dataclass
class _Line:
    span: Span
    cells: list[Span]

    @property
    def numeric(self) -> bool:
        return any(parse_number(c.text) is not None for c in self.cells[1:])

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(cell_key(c.text) for c in trimmed(self.cells))


@dataclass
class _Fragment:
    """Lines between table markup: header rows, then data rows."""

    lines: list[_Line] = field(default_factory=list)
    ruled_header: int | None = None      # number of header lines when a Markdown rule marks them


def extract_tables(parsed: ParsedDoc) -> list[Table]:
    """Every pipe table of the document with at least one data row, ids `{doc}#t{n}` in reading order."""
    tables: list[Table] = []
    for block in parsed.blocks:
        if block.kind != "table":
            continue
        for fragments in _tables_in_block(block):
            table = _build(parsed, block, fragments, f"{parsed.doc}#t{len(tables)}")
            if table is not None:
                tables.append(table)
    lists = label_lists(parsed, tables)
    for table in tables:
        note = recover_labels(table, lists)
        if note:
            table.notes.append(note)
        table.notes += name_unnamed_groups(table, parsed)
        table.notes += [f"discrepancy: {n}" for n in record_discrepancies(table)]
    return tables


def _tables_in_block(block: Block) -> list[list[_Fragment]]:
    """Fragments grouped into tables: fragments with the same width and a shared header continue one table."""
    groups: list[list[_Fragment]] = []
    for fragment in _fragments(block):
        if groups and _continues(groups[-1], fragment):
            groups[-1].append(fragment)
        else:
            groups.append([fragment])
    return groups


def _fragments(block: Block) -> list[_Fragment]:
    fragments, current = [], _Fragment()
    for span in block.lines:
        if is_junk(span):
            if current.lines:
                fragments.append(current)
            current = _Fragment()
            continue
        if is_rule(span):
            has_data = current.ruled_header is not None or len(current.lines) > 1
            if has_data and current.lines:        # a new Markdown table starts with the line above the rule
                header = current.lines.pop()
                if current.lines:
                    fragments.append(current)
                current = _Fragment([header])
            current.ruled_header = len(current.lines)
            continue
        current.lines.append(_Line(span, split_cells(span)))
    if current.lines:
        fragments.append(current)
    return fragments


def _width(fragment: _Fragment) -> int:
    return max((len(trimmed(line.cells)) for line in fragment.lines), default=0)


def _continues(previous: list[_Fragment], fragment: _Fragment) -> bool:
    first = previous[0]
    if first.ruled_header is not None or fragment.ruled_header is not None:
        return (first.ruled_header == fragment.ruled_header
                and [ln.key for ln in first.lines[:first.ruled_header]]
                == [ln.key for ln in fragment.lines[:fragment.ruled_header]])
    shared = set(first.lines[0].key) & set(fragment.lines[0].key) - {""}
    return _width(first) == _width(fragment) and bool(shared)


def _split_headers(fragments: list[_Fragment]) -> tuple[list[list[_Line]], list[_Line]]:
    """(header rows of each fragment, data rows of all fragments in order)."""
    numeric = any(line.numeric for f in fragments for line in f.lines)
    headers, data = [], []
    known: set[tuple[str, ...]] = set()
    for fragment in fragments:
        if fragment.ruled_header is not None:
            count = fragment.ruled_header
        elif numeric:
            count = next((i for i, line in enumerate(fragment.lines) if line.numeric), len(fragment.lines))
            count = min(count, 3)
        else:
            count = 1
        head = fragment.lines[:count]
        headers.append(head)
        known |= {line.key for line in head}
        data += [line for line in fragment.lines[count:] if line.key not in known]
    return headers, data


def _chosen_header(headers: list[list[_Line]]) -> tuple[list[_Line], str | None]:
    """The header rows most fragments repeat (the first fragment's on a tie), with a note when they differ."""
    signatures = Counter(tuple(line.key for line in h) for h in headers if h)
    if not signatures:
        return [], None
    best, count = signatures.most_common(1)[0]
    if signatures[tuple(line.key for line in headers[0])] == count:
        return headers[0], None
    chosen = next(h for h in headers if tuple(line.key for line in h) == best)
    return chosen, (f"the table's {len(headers)} fragments carry different header rows; the one repeated in "
                    f"{count} of them was used")


def _build(parsed: ParsedDoc, block: Block, fragments: list[_Fragment], table_id: str) -> Table | None:
    headers, data = _split_headers(fragments)
    if not data:
        return None
    header_lines, header_note = _chosen_header(headers)
    width = max([len(trimmed(line.cells)) for line in data + header_lines] + [1])
    profiles = [data_profile([line.cells[j].text if j < len(line.cells) else "" for line in data])
                for j in range(width)]
    resolved: Headers = resolve_headers([line.cells for line in header_lines], profiles, width)
    rows = [_row(i, line, width) for i, line in enumerate(data)]
    start, end = fragments[0].lines[0].span.start, fragments[-1].lines[-1].span.end
    table = Table(table_id, parsed.doc, parsed.title, block.section, start, end, resolved.label_header,
                  resolved.columns, rows, [n for n in [header_note] if n] + resolved.notes)
    _mark_total(table)
    evidence = find_sum_column(table)
    if evidence:
        table.notes.append(f"sum column: {evidence}")
    return table


def _row(index: int, line: _Line, width: int) -> Row:
    cells = [Cell(j, c.text, parse_number(c.text), c.start, c.end)
             for j, c in enumerate(line.cells[:width]) if j > 0]
    label = line.cells[0].text if line.cells and line.cells[0].text else None
    return Row(index, label, False, line.span.start, line.span.end, line.span.text, cells, False)


def _mark_total(table: Table) -> None:
    position, evidence = find_total_row(table.rows, table.columns)
    if position is not None:
        row = table.rows[position]
        row.is_total = True
        table.notes.append(f"total row: line {row.index + 1} of the data ({row.label or 'unlabelled'}) is the "
                           f"total row because {evidence}")


def format_table(table: Table) -> str:
    """A readable dump: where the table is, its resolved columns, every row (recovered labels marked), notes."""
    out = [f"{table.id}  {table.title} > {' > '.join(table.section)}  [chars {table.start}:{table.end}]",
           f"label column: {table.label_header or '(blank)'}", "columns:"]
    for col in table.columns:
        extra = "" if col.named else "  (header blank: placeholder name)"
        base = f"  (percent of column {col.base})" if col.base is not None else ""
        out.append(f"  {col.index:>2}  {col.name}  [{col.unit}]{base}{extra}")
    if table.total_column is not None:
        out.append(f"sum column: {table.total_column} = " + " + ".join(str(i) for i in table.part_columns))
    out.append(f"rows: {len(table.data_rows)} data" + (" + total row" if table.total_row else ""))
    for row in table.rows:
        label = table.row_name(row) + (" *" if row.label_recovered else "") + (" [TOTAL]" if row.is_total else "")
        flags = " !" if any(c.notes for c in row.cells) else ""
        out.append(f"  {row.index + 1:>3}  {label:<28} " + " | ".join(c.raw for c in row.cells) + flags)
    out.append("  (* label recovered, see notes; ! a figure in the row disagrees with the table, see notes)")
    if table.notes:
        out.append("notes:")
        out += [f"  - {n}" for n in table.notes]
    return "\n".join(out)
