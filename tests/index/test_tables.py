"""Typed tables: what a messy scraped table (the 2024 seed's district results) and plain Markdown tables parse
into — resolved headers, recovered labels, the total row, numbers, and figures that disagree with themselves."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.parse import parse
from index.tables.cells import parse_number
from index.tables import extract_tables, format_table, tables_from_json, tables_to_json

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "002_3b368b2a42ab7357.txt"
DATA = ROOT / "tests" / "data" / "tables"

SEED_COLUMNS = [
    "(inferred: Ekrem İmamoğlu) — # of votes", "(inferred: Ekrem İmamoğlu) — %",
    "Murat Kurum — # of votes", "Murat Kurum — %",
    "Others — # of votes", "Others — %",
    "Total votes — # of votes", "Registered electors",
]
READ_LABELS = ["Arnavutköy", "Bağcılar", "Başakşehir", "Esenler", "Güngören", "Sultanbeyli", "Sultangazi"]


def tables_of(name: str, text: str):
    return extract_tables(parse(name, text))


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_tables(seed_text):
    return tables_of(SEED.name, seed_text)


@pytest.fixture(scope="module")
def district(seed_tables):
    return seed_tables[0]


def row_by_label(table, label):
    return next(r for r in table.rows if r.label == label)


# ---- the seed's district table: headers --------------------------------------------------------------------


def test_tables_get_ids_in_reading_order(seed_tables):
    assert [t.id for t in seed_tables] == [f"{SEED.name}#t0", f"{SEED.name}#t1"]
    assert seed_tables[0].section == ("Results", "Metropolitan municipality mayoral election", "Results by district")


def test_two_header_rows_with_lost_spans_resolve_to_group_and_sub_header(district):
    assert district.label_header == "District"
    assert [c.name for c in district.columns] == SEED_COLUMNS
    assert [c.index for c in district.columns] == list(range(1, 9))


def test_the_shifted_second_header_row_is_explained_in_notes(district):
    assert any("shifted one cell left" in n for n in district.notes)
    assert any("column spans were lost" in n for n in district.notes)


def test_column_units_come_from_headers_and_data(district):
    assert [c.unit for c in district.columns] == ["count", "percent"] * 3 + ["count", "count"]
    kurum_pct = district.column(4)
    assert kurum_pct.base == 3           # the % column expresses the count column of its own group


def test_a_blank_group_header_is_marked_unnamed_and_named_only_from_the_text(district):
    unnamed = [c for c in district.columns if not c.named]
    assert [c.index for c in unnamed] == [1, 2]
    assert all(c.group is None for c in unnamed)
    assert any("(unnamed group A) is shown as (inferred: Ekrem İmamoğlu)" in n for n in district.notes)


# ---- rows, labels and the total row ----------------------------------------------------------------------


def test_the_last_row_is_the_total_because_it_equals_the_column_sums(district):
    total = district.rows[-1]
    assert total.is_total and total.label is None
    assert total.cell(7).value == 8_667_694
    assert len(district.data_rows) == 39
    assert any("total row" in n and "4 of 5 count columns" in n for n in district.notes)


def test_the_total_votes_column_is_found_as_the_sum_of_the_group_counts(district):
    assert district.total_column == 7
    assert district.part_columns == [1, 3, 5]


def test_blank_row_labels_are_recovered_from_the_documents_ordered_list(district):
    rows = district.data_rows
    assert [r.label for r in rows if not r.label_recovered] == READ_LABELS
    assert sum(r.label_recovered for r in rows) == 32
    assert rows[0].label == "Adalar" and rows[0].label_recovered
    assert rows[22].label == "Kadıköy" and rows[22].label_recovered
    note = next(n for n in district.notes if "recovered" in n)
    assert "exactly 39 labels" in note and "7/7" in note and "Full list" in note


def test_label_recovery_is_refused_when_a_present_label_sits_elsewhere_in_the_list(seed_text):
    swapped = seed_text.replace("| Adalar | | |\n| Arnavutköy | | |", "| Arnavutköy | | |\n| Adalar | | |")
    table = tables_of(SEED.name, swapped)[0]
    assert not any(r.label_recovered for r in table.rows)
    assert [r.label for r in table.data_rows if r.label] == READ_LABELS
    assert any("stay blank" in n for n in table.notes)


def test_label_recovery_is_refused_when_the_list_has_a_different_length(seed_text):
    shorter = seed_text.replace("| Zeytinburnu | | |\n", "")
    table = tables_of(SEED.name, shorter)[0]
    assert not any(r.label_recovered for r in table.rows)
    assert sum(1 for r in table.data_rows if r.label) == 7


def test_rows_and_cells_point_at_their_exact_text_in_the_file(seed_text, district):
    for row in district.rows:
        assert seed_text[row.start:row.end] == row.text
        for cell in row.cells:
            assert seed_text[cell.start:cell.end] == cell.raw
    arnavutkoy = row_by_label(district, "Arnavutköy")
    assert arnavutkoy.text == "| Arnavutköy | 64,466 | 38.1 | 81,777 | 48.3 | 23,155 | 13.6 | 169,398 | 225,240 |"


def test_cells_hold_typed_numbers(district):
    row = row_by_label(district, "Arnavutköy")
    assert row.value(3) == 81_777 and row.cell(3).raw == "81,777"
    assert row.value(4) == 48.3


@pytest.mark.parametrize("text, value", [
    ("81,777", 81777.0), ("48.3", 48.3), ("51.2%", 51.2), ("1.234.567", 1234567.0), ("−4", -4.0),
    ("0.5", 0.5), ("", None), ("n/a", None), ("—", None), ("12 kg", None),
])
def test_number_parsing(text, value):
    assert parse_number(text) == value


def test_row_text_carries_the_headers_for_search(district):
    text = district.row_text(row_by_label(district, "Arnavutköy"))
    assert text.startswith("District: Arnavutköy | (inferred: Ekrem İmamoğlu) — # of votes: 64,466 | ")
    assert "Murat Kurum — # of votes: 81,777 | Murat Kurum — %: 48.3" in text
    assert text.endswith("Registered electors: 225,240")


# ---- figures that disagree with themselves -----------------------------------------------------------------


def test_a_stated_percentage_that_disagrees_with_count_over_total_is_recorded_on_the_cell(district):
    atasehir = row_by_label(district, "Ataşehir")
    assert atasehir.cell(6).raw == "5.1"                       # the source value is kept
    assert any("17,574 / 246,131 = 7.1%" in n for n in atasehir.cell(6).notes)


def test_parts_that_do_not_add_up_to_the_stated_total_are_recorded(district):
    row = row_by_label(district, "Büyükçekmece")
    assert any("= 146,945" in n and "154,145" in n for n in row.cell(7).notes)


def test_a_total_row_that_disagrees_with_its_column_is_recorded(district):
    total = district.total_row
    assert any("789,065" in n for n in total.cell(5).notes)
    assert any("39.6%" in n for n in total.cell(4).notes)


def test_consistent_rows_carry_no_discrepancy(district):
    assert not any(c.notes for c in row_by_label(district, "Arnavutköy").cells)


# ---- the label-list table -----------------------------------------------------------------------------------


def test_a_label_list_split_into_fragments_with_junk_lines_parses_as_one_table(seed_tables):
    full = seed_tables[1]
    assert len(full.rows) == 39
    assert full.rows[0].label == "Adalar" and full.rows[-1].label == "Zeytinburnu"
    assert [c.name for c in full.columns] == ["Before", "Elected"]
    assert all(c.unit == "text" for c in full.columns)
    assert full.total_row is None
    assert any("fragments" in n for n in full.notes)


# ---- round trip and the readable dump ----------------------------------------------------------------------


def test_tables_round_trip_through_json(seed_tables):
    data = json.loads(json.dumps(tables_to_json(seed_tables)))
    assert tables_from_json(data) == seed_tables


def test_format_table_shows_resolved_columns_recovered_labels_and_notes(district):
    dump = format_table(district)
    assert "Murat Kurum — # of votes  [count]" in dump
    assert "(inferred: Ekrem İmamoğlu) — %" in dump and "placeholder" in dump
    assert "Adalar *" in dump and "Arnavutköy *" not in dump
    assert "[TOTAL]" in dump
    assert "discrepancy:" in dump


# ---- a plain Markdown table of the tests' own ---------------------------------------------------------------


@pytest.fixture(scope="module")
def market():
    return tables_of("market.md", (DATA / "market.md").read_text(encoding="utf-8"))[0]


def test_one_header_row_gives_one_column_per_header(market):
    assert market.id == "market.md#t0"
    assert market.label_header == "Stall"
    assert [c.name for c in market.columns] == ["Apples (kg)", "Pears (kg)", "Plums (kg)", "Total (kg)",
                                                 "Visitors", "Repeat customers %"]
    assert [c.unit for c in market.columns] == ["count"] * 5 + ["percent"]
    assert all(c.group is None and c.sub is None for c in market.columns)


def test_without_a_total_row_every_row_is_data(market):
    assert market.total_row is None
    assert [r.label for r in market.rows] == ["North Gate", "Quay Side", "Old Mill", "Station Road", "Chapel Lane"]


def test_blank_and_non_numeric_cells_have_no_value(market):
    chapel = market.rows[4]
    assert chapel.cell(2).raw == "" and chapel.cell(2).value is None
    assert chapel.cell(5).raw == "n/a" and chapel.cell(5).value is None


def test_a_total_column_is_found_and_a_row_that_breaks_it_is_recorded(market):
    assert market.total_column == 4 and market.part_columns == [1, 2, 3]
    old_mill = market.rows[2]
    assert any("455 + 390 + 615 = 1,460" in n and "1,480" in n for n in old_mill.cell(4).notes)


def test_two_markdown_tables_in_one_block_stay_two_tables():
    text = ("# Two tables\n\n| City | Trams |\n| --- | --- |\n| Alpha | 12 |\n| Beta | 7 |\n\n"
            "| Year | Riders |\n| --- | --- |\n| 2021 | 1,000 |\n| 2022 | 1,400 |\n")
    tables = tables_of("two.md", text)
    assert [t.label_header for t in tables] == ["City", "Year"]
    assert [len(t.rows) for t in tables] == [2, 2]


def test_two_header_rows_that_do_not_fit_the_data_fall_back_to_plain_names():
    # A "%" sub-header over whole counts and a "#" over decimals: no alignment makes the kinds fit.
    text = ("# Survey\n\n| Site | Count | Share |\n| # | % | # |\n| A | 10 | 20.5 |\n| B | 30 | 79.5 |\n")
    table = tables_of("survey.md", text)[0]
    assert any("could not be reconciled" in n for n in table.notes)
    assert [c.name for c in table.columns] == ["Count — %", "Share — #"]     # each named by its own position


# ---- naming a blank group header from in-document evidence ---------------------------------------------------


def test_a_blank_group_is_named_only_from_a_numbered_list_that_agrees_with_the_named_groups():
    table = tables_of("club.txt", (DATA / "club.txt").read_text(encoding="utf-8"))[0]
    assert [c.name for c in table.columns][:2] == ["(inferred: Ana Lima) — #", "(inferred: Ana Lima) — %"]
    assert not table.columns[0].named                     # still marked as not read from the header
    note = next(n for n in table.notes if "is shown as (inferred: Ana Lima)" in n)
    assert "votes 1 = 1,200" in note and "candidate 1 = Ana Lima" in note and "Ben Ode" in note


def test_without_agreeing_evidence_the_blank_group_stays_unnamed():
    text = (DATA / "club.txt").read_text(encoding="utf-8").replace("- Candidate2: Ben Ode", "- Candidate2: Someone Else")
    table = tables_of("club.txt", text)[0]
    assert table.columns[0].name == "(unnamed group A) — #"
    assert any("stays unnamed" in n for n in table.notes)


def test_a_markdown_rule_without_spaces_still_marks_the_header_row():
    text = "# Shop\n\n| Item | Price | Stock |\n|---|:---:|---|\n| Pens | 2.50 | 40 |\n| Cups | 4.00 | 12 |\n"
    (table,) = extract_tables(parse("shop.md", text))
    assert [c.name for c in table.columns] == ["Price", "Stock"]
    assert [r.label for r in table.rows] == ["Pens", "Cups"]


# ---- naming the only blank group from the document's prose (tests' own results table) --------------------------


def _council(text: str | None = None):
    text = text if text is not None else (DATA / "council.txt").read_text(encoding="utf-8")
    return tables_of("council.txt", text)[0]


def test_the_only_blank_group_is_named_from_prose_that_pairs_and_calls_its_winner():
    table = _council()
    assert [c.name for c in table.columns][:2] == ["(inferred: Tomas Vik) — #", "(inferred: Tomas Vik) — %"]
    assert not table.columns[0].named
    note = next(n for n in table.notes if "is shown as (inferred: Tomas Vik)" in n)
    assert "Ida Brenner" in note and "won the seat" in note and "1,190" in note


@pytest.mark.parametrize("changes", [
    [("Tomas Vik won the seat with a comfortable lead.", "The count took all night.")],      # no winner named
    [("Both Tomas Vik and Brenner", "Both Tomas Vik and Ann Roe and Brenner")],              # two names paired
    [("| Quay | 420 | 52.5 | 300 |", "| Quay | 20 | 52.5 | 300 |"),                         # the blank group does
     ("| | 1,190 | 52.9 | 840 |", "| | 790 | 35.1 | 840 |")],                               # not hold the most
])
def test_without_all_the_prose_evidence_the_blank_group_stays_unnamed(changes):
    text = (DATA / "council.txt").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    table = _council(text)
    assert table.columns[0].name == "(unnamed group A) — #"
    assert any("stays unnamed" in n for n in table.notes)
