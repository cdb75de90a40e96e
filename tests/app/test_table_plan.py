"""The table query planner on tables of the tests' own: rows picked by any cell, columns by their headers, and
every operation of the plan (filter, count, sum, average, arg-min/max, first/last/n-th, next/previous, two-row
and two-column comparisons, differences, closest margin, yes/no, lists); wrong rows refused; prose routed away."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.tables.answer import TableEngine
from app.tables.plan import read_plan
from index.parse import parse
from index.tables import extract_tables

DATA = Path(__file__).resolve().parents[1] / "data" / "tables"
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _engine(name: str) -> tuple[TableEngine, str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return TableEngine(extract_tables(parse(name, text))), text


@pytest.fixture(scope="module")
def regatta():
    return _engine("regatta.md")


@pytest.fixture(scope="module")
def council():
    return _engine("council.txt")


def _checked(engine_text, question: str) -> dict:
    """The answer, after checking its citations point at the cited rows and its numbers are traceable."""
    engine, text = engine_text
    result = engine.answer(question)
    assert result is not None and result["kind"] == "table", (question, result)
    for c in result["citations"]:
        assert text[c["start"]:c["end"]] == c["text"] and c["quote"] in c["text"]
    cited = " ".join(c["text"] for c in result["citations"]) + " " + (result["computation"] or "") + " " + " ".join(
        name for c in result["citations"] for name in c["row"]["columns"])     # or a header ("2023 (£)")
    for number in _NUMBER.findall(re.sub(r"\[\d+\]", "", result["answer"])):
        assert number in cited, (question, number)
    return result


@pytest.mark.parametrize("question, short, rows", [
    ("How many finals took place in May?", "3", 3),                          # filter on a date column's month
    ("How many winners were from Belgium?", "2", 2),                          # filter on another text column
    ("How many finals had a margin of more than 2 seconds?", "3", 3),         # numeric comparison
    ("How many finals did Ilse Marov win?", "2", 2),
])
def test_count_rows_picked_by_any_cell(regatta, question, short, rows):
    result = _checked(regatta, question)
    assert result["short_answer"] == short and len(result["citations"]) == rows


@pytest.mark.parametrize("question, short", [
    ("Which winners were from Belgium?", "Noor Haddad; Lena Vogt"),            # list answer
    ("Which countries won in heat 2?", "Czechia; Belgium"),                    # "heat 2": a value of a named column
    ("Who rowed the fastest time?", "Noor Haddad"),                            # arg-min on a time column
    ("In which year was the closest margin?", "2020"),                         # closest margin
    ("Which club won the most finals?", "Delta BC"),                           # the value most rows hold
    ("After Pavel Rusk, who was the next winner?", "Ilse Marov"),              # next row
    ("Who won before Noor Haddad?", "Ilse Marov"),                             # previous row
    ("What was the time of the last final?", "7:39.7"),                        # last by table order
    ("Who was the third winner?", "Ilse Marov"),                               # n-th
    ("Were more finals won by Tarn RC or Delta BC?", "Delta BC"),              # two values compared by row counts
    ("What is the average margin?", "2.05"),                                   # average
    ("What is the total margin in heat 1?", "7"),                              # sum over filtered rows
    ("What is the difference in margin between 2015 and 2016?", "1.7"),        # difference of two rows
    ("Which winner had a margin under 1 second before 2020?", "Pavel Rusk"),   # two filters, a date bound
    ("Did Omar Fathi win in 2020?", "Yes"),                                    # yes/no
])
def test_every_operation_of_the_plan(regatta, question, short):
    assert _checked(regatta, question)["short_answer"] == short


def test_the_average_shows_every_cell_it_used(regatta):
    result = _checked(regatta, "What is the average margin?")
    assert result["computation"] == "2.5 + 0.8 + 4.1 + 1.2 + 3.3 + 0.4 = 12.3; / 6 = 2.05"
    assert any("Margin (s)" in n for n in result["notes"])


def test_a_name_like_a_row_label_but_different_is_refused_never_answered_with_that_row(council):
    engine, _ = council
    result = engine.answer("How many votes did Ida Brenner get at Millbank?")
    assert result["kind"] == "none" and result["short_answer"] is None
    assert "Millbank" in result["answer"] and result["citations"] == []


def test_one_typo_in_a_long_label_is_read_as_that_label_and_said(council):
    engine, _ = council
    result = engine.answer("How many votes did Ida Brenner get at Bridgee?")
    assert result["short_answer"] == "250"
    assert any("Read “Bridgee” as “Bridge”" in n for n in result["notes"])


@pytest.mark.parametrize("question", [
    "Which party did Ida Brenner represent?",
    "What job was Ola Hagen given?",
    "What did Tomas Vik and Brenner campaign on?",
])
def test_prose_questions_about_a_table_s_names_are_not_answered_from_the_table(council, question):
    engine, _ = council
    assert engine.answer(question) is None


def test_two_columns_compared_row_by_row_with_a_count(council):
    result = _checked(council, "In how many stations did Ida Brenner get more votes than Tomas Vik?")
    assert result["short_answer"] == "1" and "290 > 260" in result["computation"]


def test_the_blank_group_named_from_the_text_answers_and_says_it_was_inferred(council):
    result = _checked(council, "How many votes did Tomas Vik get at Quay?")
    assert result["short_answer"] == "420"
    assert any("is shown as (inferred: Tomas Vik)" in n and "won the seat" in n for n in result["notes"])


def test_a_margin_names_both_contenders_in_plain_words_and_states_both_figures(council):
    result = _checked(council, "By how many votes did Tomas Vik lead at Quay?")
    assert result["short_answer"] == "120" and result["computation"] == "420 - 300 = 120"
    assert result["answer"].startswith("In Quay, Tomas Vik (name inferred) leads Ida Brenner by 120 (")
    assert "420 against 300" in result["answer"] and "(inferred:" not in result["answer"]


def test_ask_limited_to_documents_answers_only_from_their_tables_and_passages(seed_engine):
    table_doc = next(t.doc for t in seed_engine.tables.all_tables if t.rows and len(t.columns) > 4)
    other = next(d for d in seed_engine.index.texts if d != table_doc)
    question = "How many votes did Murat Kurum get in Arnavutköy?"
    assert seed_engine.ask(question, docs=[table_doc])["short_answer"] == "81,777"
    limited = seed_engine.ask(question, docs=[other])
    assert limited["kind"] != "table" and all(c["doc"] == other for c in limited["citations"])


@pytest.fixture(scope="module")
def lighthouses():
    return _engine("lighthouses.md")


@pytest.mark.parametrize("question, short", [
    ("How many lighthouses are at least 30 metres tall?", "3"),        # a bound's unit finds the Height (m) column
    ("How many lighthouses charge more than $10?", "2"),                # "$10": the money column
    ("How many lighthouses had more than 20% of visits?", "2"),         # "20%": the percent column
    ("How many regions are there?", "3"),                               # the distinct values of the column named
    ("How many lighthouses are listed?", "6"),                          # every row of the table's subject
    ("Which lighthouse was lit first?", "Salt Ness"),                   # first by the date column named
    ("Which lighthouse ranks first in range?", "Kestrel Head"),         # first in a numeric column: its largest
    ("Which lighthouse has the most visitors?", "Gull Point"),          # arg-max answers with the row, not the figure
    ("What is the most recent lighthouse?", "Pell Skerry"),             # "most recent": the latest date
    ("Which lighthouse in the East has the lowest entry fee?", "Pell Skerry"),
    ("Which lighthouses have no fog signals?", "Kestrel Head; Dunmore Rock"),        # "no <column>": 0
    ("Which lighthouses are not in the East?", "Kestrel Head; Dunmore Rock; Wren Island"),
    ("Besides Gull Point, which lighthouse in the East was lit first?", "Salt Ness"),
    ("Does the East have more than 2 lighthouses?", "Yes"),             # a bound on a row count
    ("Does the North have more than 2 lighthouses?", "No"),
    ("Was Salt Ness kept by Bram Tull?", "No"),                         # named values that share no row
    ("How many times did Gull Point play in the keepers' league?", "3"),   # a value in the Home or the Away column
    ("What is the average height of the first three lighthouses?", "35"),  # "the first three": a limit
    ("How many lighthouses in the East are in the top 3?", "2"),          # "the top 3" of the table, then filtered
    ("In what year did Wren Island play Dunmore Rock in the league?", "1998"),    # the year of a full date
    ("Does Gull Point have a higher or lower range than Kestrel Head?", "lower"),  # one of the question's words
    ("Which lighthouse had more visitors, Salt Ness or Wren Island?", "Salt Ness"),
    ("Who was the next keeper after Bram Tull?", "Ada Lorne"),           # "next <column>": that column's cell
    ("What is the difference between the highest and the lowest entry fee?", "$11"),     # a column's range
    ("How many years between the first and the last lighthouse lit?", "54 years"),       # ... of a date column
    ("Before Dunmore Rock, how many lighthouses were listed?", "3"),     # rows above a named row
    ("How many lighthouses in the East are listed after Gull Point?", "2"),
    ("Name a lighthouse not kept by Ada Lorne.", "Kestrel Head"),        # "name a ...": one value; "not kept by X"
    ("How many lighthouses are listed between Gull Point and Pell Skerry?", "3"),     # rows between two rows
])
def test_filters_and_orderings_read_from_units_negations_and_counts(lighthouses, question, short):
    assert _checked(lighthouses, question)["short_answer"] == short


def test_a_bound_on_a_quantity_no_column_holds_is_not_dropped(lighthouses):
    engine, _ = lighthouses
    assert engine.answer("How many lighthouses have more than 5 cannons?") is None


def test_a_value_in_two_columns_counts_each_cell_and_names_both_columns(lighthouses):
    result = _checked(lighthouses, "How many times did Gull Point play in the keepers' league?")
    assert "Home or Away" in result["computation"] and len(result["citations"]) == 3


def test_a_word_no_header_uses_finds_its_column_by_meaning_with_the_embedding_model(model):
    from functools import partial

    from app.tables.meaning import HeaderMeaning
    from index.embed import embed

    text = (DATA / "lighthouses.md").read_text(encoding="utf-8")
    tables = extract_tables(parse("lighthouses.md", text))
    by_words = TableEngine(tables)
    by_meaning = TableEngine(tables, HeaderMeaning(partial(embed, model)))
    assert by_words.answer("Which area is Wren Island in?") is None          # no header says "area"
    result = by_meaning.answer("Which area is Wren Island in?")
    assert result["short_answer"] == "West" and result["plan"]["target"] == "Region"
    assert any("“area” as the column “Region”" in n for n in result["notes"])
    assert HeaderMeaning(partial(embed, model)).closest("year", [c.name for c in tables[0].columns]) is None


@pytest.fixture(scope="module")
def standings():
    return _engine("standings.md")


@pytest.mark.parametrize("question, short", [
    ("Which club finished in first place?", "Alder Foxes"),            # "first place": the value 1, not the first row
    ("Which club came in third place?", "Cedar Hawks"),
    ("How many losses did Brook Otters have?", "3"),                    # a result word finds its header (Lost)
    ("How many draws did Cedar Hawks have?", "3"),
    ("Which club had more wins, Cedar Hawks or Dune Rovers?", "Cedar Hawks"),
])
def test_places_and_result_words_name_their_columns(standings, question, short):
    assert _checked(standings, question)["short_answer"] == short


@pytest.mark.parametrize("question, short", [
    ("Which stall sold more pears than apples?", "Quay Side"),
    ("Which stalls sold fewer plums than pears?", "North Gate; Quay Side; Station Road"),   # a blank cell never counts
])
def test_rows_where_one_named_column_beats_another(question, short):
    result = _checked(_engine("market.md"), question)
    assert result["short_answer"] == short and len(result["citations"]) == short.count(";") + 1


@pytest.mark.parametrize("question, short", [
    ("Did Quay Side sell more pears than apples?", "Yes"),              # two columns of one row
    ("Did North Gate sell more pears than apples?", "No"),
    ("Did Old Mill have more visitors than Quay Side?", "No"),          # one column of two rows
    ("Did Station Road have more visitors than North Gate?", "Yes"),
    ("Did Old Mill sell fewer apples than Chapel Lane?", "Yes"),        # "fewer": the first named has less
    ("Did North Gate have more visitors than 6,000?", "No"),            # a bound on the column named between
    ("Did Station Road have more visitors than 6,000?", "Yes"),
])
def test_a_whether_comparison_is_answered_yes_or_no_with_the_figures_it_compared(question, short):
    engine = _engine("market.md")
    result = _checked(engine, question)
    assert result["short_answer"] == short
    assert result["citations"], question


def test_a_choice_between_two_rows_names_one_of_them_not_yes_or_no():
    result = _checked(_engine("market.md"), "Did Old Mill or Quay Side have more visitors?")
    assert result["short_answer"] == "Quay Side"


@pytest.mark.parametrize("question, short", [
    ("How many stalls sold more than zero pears?", "4"),                # "zero" after "than" is a bound (blank: none)
    ("How many stalls had more than six thousand visitors?", "2"),      # a number word and its scale
    ("Which stalls had fewer than 3 thousand visitors?", "Old Mill"),
    ("How many stalls had more than twenty five hundred visitors?", "4"),   # tens and units, then a scale
])
def test_bounds_written_in_words_or_with_a_scale_are_read_as_numbers(question, short):
    assert _checked(_engine("market.md"), question)["short_answer"] == short


@pytest.mark.parametrize("question, short, computation", [
    ("Did Ida Brenner get more votes than Tomas Vik at Mill?", "Yes", "290 > 260"),
    ("Did Tomas Vik get more votes than Ida Brenner at Mill?", "No", "260 < 290"),
    ("Did Tomas Vik get fewer votes than Ida Brenner at Quay?", "No", "420 > 300"),
    ("Did Brenner get a higher share than Vik at Mill?", "Yes", "48.3 > 43.3"),   # the percent columns
])
def test_whether_one_candidate_beat_another_in_a_row_compares_their_two_cells(council, question, short, computation):
    result = _checked(council, question)
    assert result["short_answer"] == short and result["computation"] == computation


def test_a_whether_question_is_never_answered_yes_merely_because_the_row_it_names_exists(council):
    result = council[0].answer("Did Ida Brenner campaign harder than Tomas Vik at Mill?")   # nothing to compare
    assert result is None or result["short_answer"] not in ("Yes", "No")


@pytest.mark.parametrize("question, short", [
    ("Did Ida Brenner get more votes at Mill than at Quay?", "No"),       # 290 against 300
    ("Was Tomas Vik's share higher at Bridge than at Quay?", "Yes"),      # 60.0 against 52.5
    ("Did Ida Brenner get fewer votes at Bridge than at Quay?", "Yes"),   # 250 against 300
])
def test_whether_a_figure_was_higher_in_one_named_row_than_in_another(council, question, short):
    assert _checked(council, question)["short_answer"] == short


@pytest.mark.parametrize("question, short, computation", [
    ("Did Ida Brenner win more than 50 percent at Mill?", "No", "48.3 <= 50"),    # she led there, with 48.3%
    ("Did Ida Brenner win more than 40 percent at Mill?", "Yes", "48.3 > 40"),
    ("Did Tomas Vik win at Mill?", "No", "Ida Brenner 290 > (inferred: Tomas Vik) 260"),   # who led, with no bound
])
def test_did_a_candidate_win_more_than_a_share_checks_the_share_not_who_led(council, question, short, computation):
    result = _checked(council, question)
    assert result["short_answer"] == short and result["computation"] == computation


def test_a_whether_comparison_of_a_measure_the_table_lacks_is_not_answered_yes_or_no():
    engine, _ = _engine("market.md")
    assert _checked((engine, _), "Did Quay Side sell more pears than North Gate?")["short_answer"] == "Yes"
    result = engine.answer("Did Quay Side sell more organic pears than North Gate?")     # no column says organic
    assert result is None or result["short_answer"] not in ("Yes", "No")


@pytest.fixture(scope="module")
def market():
    return _engine("market.md")


@pytest.mark.parametrize("question, short, computation", [
    ("How many kg of apples per visitor did North Gate sell?", "0.24", "Apples (kg) 1,240 / Visitors 5,200 = 0.24"),
    ("plums per visitor at old mill", "0.21", "Plums (kg) 615 / Visitors 2,980 = 0.21"),
    ("At North Gate, how many kg of apples did each visitor buy?", "0.24", "Apples (kg) 1,240 / Visitors 5,200 = 0.24"),
    ("What percentage of all visitors came to Station Road?", "34.1%",       # Chapel Lane's "n/a" is no visitor
     "7,400 (Station Road) / 21,730 (the Visitors of 4 rows) = 34.1%"),
    ("What share of the pears came from North Gate and Quay Side?", "63.9%",    # of 4 rows: Chapel Lane sold none
     "(860 (North Gate) + 1,105 (Quay Side)) / 3,075 (the Pears (kg) of 4 rows) = 63.9%"),
])
def test_a_ratio_of_two_columns_and_a_share_of_a_column_total_are_computed_and_shown(market, question, short,
                                                                                     computation):
    result = _checked(market, question)
    assert (result["short_answer"], result["computation"]) == (short, computation)


@pytest.mark.parametrize("question, short", [
    ("How many kg of plums did North Gate, Old Mill and Chapel Lane sell between them?", "1020"),   # three rows
    ("How many visitors did North Gate and Old Mill have between them?", "8,180"),   # a sum, not rows in between
    ("What do the visitor figures add up to?", "21,730"),
    ("avg visitors per stall", "5,432.5"),                               # "per" the rows: an average
])
def test_named_rows_taken_together_are_summed_and_per_row_is_an_average(market, question, short):
    assert _checked(market, question)["short_answer"] == short


def test_a_share_asked_of_a_percent_column_is_read_not_computed(lighthouses):
    result = _checked(lighthouses, "What share of visits did Salt Ness have?")
    assert result["short_answer"] == "17.9%" and result["plan"]["op"] != "share"


@pytest.mark.parametrize("question, short", [
    ("How many years older is Gull Point than Pell Skerry?", "46"),     # "older": the date column (Lit)
    ("How long had Salt Ness been lit by 1900?", "52 years"),           # from the row's year to the year named
])
def test_years_between_a_row_and_another_row_or_a_year_named(lighthouses, question, short):
    assert _checked(lighthouses, question)["short_answer"] == short


def test_years_since_a_date_after_the_year_named_are_not_negative(lighthouses):
    result = lighthouses[0].answer("How long had Pell Skerry been lit by 1890?")     # lit in 1902
    assert result is None or not (result["short_answer"] or "").startswith("-")


def test_a_count_of_something_no_column_holds_is_not_the_named_row_counted(market):
    engine, _ = market
    result = engine.answer("How many cherries did Quay Side sell?")
    assert result is None or result["kind"] != "table"


@pytest.mark.parametrize("question, short", [
    ("Who won the harbour ward by-election?", "Tomas Vik"),      # the contest the title names: its total row
    ("who lost the by-election", "Ida Brenner"),                  # the runner-up in total
    ("Who lost at Mill?", "Tomas Vik"),                           # ... or in the row named
])
def test_who_won_or_lost_the_contest_a_table_is_titled_by(council, question, short):
    assert _checked(council, question)["short_answer"] == short


def test_who_won_a_contest_of_another_year_is_not_read_from_this_table(tmp_path):
    text = (DATA / "council.txt").read_text(encoding="utf-8").replace("= Harbour ward council by-election =",
                                                                      "= 2021 Harbour ward council by-election =")
    engine = TableEngine(extract_tables(parse("council.txt", text)))
    assert engine.answer("Who won the 2021 harbour ward by-election?")["short_answer"] == "Tomas Vik"
    assert engine.answer("Who won the 2017 harbour ward by-election?") is None


@pytest.fixture(scope="module")
def pumps():
    return _engine("pumps.md")


def test_a_code_with_digits_is_a_name_not_a_number():
    from app.tables.grid import number_of

    assert [number_of(t) for t in ("K2-40", "B737-800", "RX-7/2")] == [None, None, None]
    assert [number_of(t) for t in ("$1,200", "US$5", "T5", "4th")] == [1200.0, 5.0, 5.0, 4.0]


def test_rows_named_by_codes_are_not_averaged_as_numbers(pumps):
    result = _checked(pumps, "What is the average price of the pumps?")
    assert result["short_answer"] == "1,790" and "Price" in result["answer"]
    assert _checked(pumps, "Which pump has the highest head?")["short_answer"] == "K4-120"



def test_a_comparison_a_header_holds_names_that_column():
    # "over 65" is part of the header "Share over 65", not a condition on the Patients column
    surgery = _engine("surgery.md")
    result = surgery[0].answer("What was the share of patients over 65 in 2023?")     # "65" is in the header
    assert result["short_answer"] == "20.4%" and [c["text"] for c in result["citations"]] == ["| 2023 | 9,120 | 20.4% |"]
    assert _checked(surgery, "How many years had over 9,000 patients?")["short_answer"] == "2"


@pytest.mark.parametrize("question, short", [
    ("What is the average price of pumps with a head over 20?", "2,003.33"),  # the bounded column picks rows
    ("Which pump with a head over 20 m has the lowest price?", "K2-65"),       # ... the other one is measured
])
def test_a_column_bounded_by_a_number_picks_the_rows_and_another_named_column_is_measured(pumps, question, short):
    result = _checked(pumps, question)
    assert result["short_answer"] == short and "Price" in result["answer"]


def test_an_average_over_every_row_says_so(pumps):
    assert _checked(pumps, "What is the average price?")["answer"].startswith("The average Price (EUR) of all 4 rows is")


def test_the_verb_before_the_most_of_a_named_column_ties_the_row_to_its_figure(pumps):
    result = _checked(pumps, "Which pump delivers the most flow?")
    assert result["short_answer"] == "K4-120" and result["plan"]["uncovered"] == []   # "delivers" does not weaken it


@pytest.mark.parametrize("question", ["List the pumps", "What are the pumps?", "which are the pumps"])
def test_a_column_asked_for_in_the_plural_and_nothing_else_lists_every_value(pumps, question):
    result = _checked(pumps, question)
    assert result["short_answer"] == "K2-40; K2-65; K3-90; K4-120" and result["answer"].startswith("Every Pump in")


@pytest.mark.parametrize("question", ["What is the pump?", "List the pumps that leak"])
def test_a_column_asked_for_in_the_singular_or_with_more_words_is_no_list(pumps, question):
    assert pumps[0].answer(question) is None or not pumps[0].answer(question)["answer"].startswith("Every")


def test_rows_tied_for_the_largest_figure_share_it():
    text = "| Keeper | Saves |\n|---|---|\n| Ana | 12 |\n| Bo | 12 |\n| Cy | 7 |\n"
    engine = TableEngine(extract_tables(parse("keepers.md", text)))
    result = _checked((engine, text), "Who made the most saves?")
    assert result["answer"].startswith("Ana; Bo share the largest Saves (12)")


def test_a_total_over_every_row_shows_the_count_it_states(pumps):
    result = _checked(pumps, "How much do the pumps cost altogether?")
    assert result["answer"].startswith("The total Price (EUR) of all 4 rows is 7,160")   # separated as its cells are
    assert result["computation"] == "1,150 + 1,420 + 1,980 + 2,610 = 7,160 (4 rows)"


@pytest.mark.parametrize("question, short", [
    ("Which pump is the cheapest?", "K2-40"),                  # a price superlative measures the price column
    ("Which pump is the most expensive?", "K4-120"),
])
def test_price_superlatives_measure_the_price(pumps, question, short):
    result = _checked(pumps, question)
    assert result["short_answer"] == short and "Price" in result["answer"]


def test_a_row_bounded_on_the_column_a_which_question_names_is_answered_by_its_name():
    buses = _engine("buses.md")
    result = _checked(buses, "Which buses take under 25 minutes?")
    assert result["short_answer"] == "Blue; Green"


def test_how_much_for_an_adult_names_the_fare_column_and_sets_no_bound():
    buses = _engine("buses.md")
    result = _checked(buses, "How much does it cost for an adult from the quay to the airport?")
    assert result["short_answer"] == "4.80" and "Red" in result["citations"][0]["text"]


@pytest.mark.parametrize("question, short", [
    ("How much did the Harbour Trust give altogether?", "16,250"),    # the table's one amount, summed
    ("How many gifts were over £10k?", "2"),                          # "£10k": 10,000
    ("How many gifts were over 10k GBP?", "2"),
])
def test_how_much_reads_the_one_amount_and_thousands_written_with_k(question, short):
    donations = _engine("donations.md")
    assert _checked(donations, question)["short_answer"] == short


def test_a_period_names_its_adjective_in_a_header():
    buses = _engine("buses.md")     # "per day" names "Daily trips" ("daily" stems to "daili", not "day")
    result = buses[0].answer("How many trips are there per day in total?")
    assert result["short_answer"] == "48" and not result.get("weak")


def test_a_dotted_version_is_one_value():
    releases = _engine("releases.md")
    assert _checked(releases, "What was the startup time of 2.0.1?")["short_answer"] == "605"
    assert _checked(releases, "When was 2.0.1 released?")["answer"].startswith("Released where Version is “2.0.1”")
    # no such row: not the rows of "2.0" and "2"
    assert releases[0].answer("What is new in 2.0.2?") is None
    refused = releases[0].answer("When was 2.0.2 released?")
    assert refused["kind"] == "none" and "2.0.2" in refused["answer"]
    missing = releases[0].answer("What was the startup time of 2.0.2?")
    assert missing is None or missing["kind"] == "none"


@pytest.fixture(scope="module")
def fees():
    return _engine("harbour_fees.md")    # one column per year: "2022 (€)", "2023 (€)"


@pytest.mark.parametrize("question, short, sentence", [
    ("How much did the visitor berth fee go up from 2022 to 2023?", "450", "Visitor berth rose by 450"),
    ("how much more was winter storage in 2023 compared to 2022", "60", "Winter storage rose by 60"),
    ("How much less did a slipway launch cost in 2023 than in 2022?", "2", "Slipway launch fell by 2"),
    ("what was the difference in the crane lift fee between 2022 and 2023", "0", "Crane lift stayed the same"),
])
def test_a_rows_change_between_two_year_columns(fees, question, short, sentence):
    result = _checked(fees, question)
    assert (result["short_answer"], result["answer"].startswith(sentence)) == (short, True)
    assert result["computation"].endswith(f"= {'-' if 'fell' in sentence else ''}{short}")


def test_the_rows_that_rose_or_fell_between_two_year_columns(fees):
    assert _checked(fees, "Which fees were cut between 2022 and 2023?")["short_answer"] == "Slipway launch"
    assert _checked(fees, "How many fees went up from 2022 to 2023?")["short_answer"] == "3"
    rose = _checked(fees, "which fees increased in 2023")["short_answer"]
    assert rose == "Mooring, per night; Winter storage; Visitor berth"


def test_the_rows_that_went_up_or_down_with_no_column_named_are_read_between_the_only_two_year_columns(fees):
    assert _checked(fees, "Which fees went up?")["short_answer"] == "Mooring, per night; Winter storage; Visitor berth"
    assert _checked(fees, "which fees have gone down")["short_answer"] == "Slipway launch"
    assert fees[0].answer("Why has the slipway fee gone down?") is None      # a reason: the text's question


def test_spending_words_name_the_money_column_the_question_names_among_several(fees):
    result = _checked(fees, "How much was spent on winter storage in 2023?")
    assert result["short_answer"] == "700" and result["plan"]["uncovered"] == []


WARDS = ("| Ward | Position | Beds | Average stay (days) | Goals |\n|---|---|---|---|---|\n"
         "| Ash | North | 20 | 3.5 | 4 |\n| Birch | North | 12 | 6.1 | 9 |\n| Cedar | South | 16 | 2.2 | 1 |\n")


@pytest.fixture(scope="module")
def wards():
    return TableEngine(extract_tables(parse("wards.md", WARDS))), WARDS


def test_a_header_that_starts_with_average_is_a_column_not_the_average_of_it(wards):
    assert _checked(wards, "Which ward has the longest average stay?")["short_answer"] == "Birch"
    beds = _checked(wards, "What is the average number of beds?")
    assert beds["short_answer"] == "16" and beds["answer"].startswith("The average Beds")
    assert _checked(wards, "What is the average stay?")["short_answer"] == "3.93"
    birch = _checked(wards, "average stay in birch?")      # one row's cell, not an average of one row
    assert birch["short_answer"] == "6.1" and not birch["answer"].startswith("The average")



def test_a_column_named_with_a_bound_is_picked_by_the_bound_alone(wards):
    result = _checked(wards, "Which wards have a beds figure above 14?")
    assert result["short_answer"] == "Ash; Cedar" and "> “0”" not in result["answer"]


def test_an_average_leaves_out_the_total_row():
    text = "| Club | Points |\n|---|---|\n| Ash | 10 |\n| Elm | 5 |\n| Total | 15 |\n"
    engine = TableEngine(extract_tables(parse("points.md", text)))
    assert _checked((engine, text), "What is the average number of points?")["short_answer"] == "7.5"


def test_a_count_of_every_row_says_the_table_has_them(wards):
    assert _checked(wards, "How many wards are there?")["answer"].startswith("The table has 3 rows")


def test_the_verb_ending_how_many_of_a_named_column_did_rows_ties_them_to_the_figure(wards):
    result = _checked(wards, "How many goals did the north wards score?")
    assert result["short_answer"] == "13" and result["plan"]["uncovered"] == []


def test_spent_and_paid_name_the_one_column_of_money():
    donations = _engine("donations.md")
    for question in ("How much was spent on the garden?", "how much was paid for the organ"):
        result = _checked(donations, question)
        assert result["short_answer"] in ("4,250", "30,000") and not result.get("weak")


def test_a_cells_word_that_an_unknown_word_qualifies_names_something_else():
    donations = _engine("donations.md")     # "harbour" of "Harbour Trust", but the question asks of a new wall
    assert donations[0].answer("How much did the new harbour wall cost?") is None
    assert _checked(donations, "How much did the harbour trust pay?")["short_answer"] == "16,250"


def test_how_much_faster_is_the_difference_of_two_rows_in_the_time_column():
    releases = _engine("releases.md")      # "faster" hints a time column: "Startup (ms)", not the release date
    for question in ("How much faster is 2.0.1 than 1.9.0?", "how much slower was 1.9.0 than 2.0.1"):
        assert _checked(releases, question)["short_answer"] == "235"


def test_who_with_a_verb_asks_for_the_column_naming_its_doer():
    films = _engine("lighthouse_films.md")     # "directed": "Director"; the film named picks the row
    assert _checked(films, "Who directed the 2019 film?")["short_answer"] == "Carla Menezes"
    assert _checked(films, "which film did anders vik direct")["short_answer"] == "Fog Signal"


@pytest.mark.parametrize("question, short", [
    ("How much did the amount fall from 2019 to 2020?", "3,500"),
    ("how much did the amount go up between 2021 and 2022", "25,750"),   # two row labels, no range of amounts
])
def test_how_much_a_figure_moved_between_two_rows_is_their_difference(question, short):
    assert _checked(_engine("donations.md"), question)["short_answer"] == short


def test_a_fall_between_rows_is_the_years_whose_figure_fell_from_the_year_before():
    donations = _engine("donations.md")     # one amount column, a row per year: no two columns to move between
    result = _checked(donations, "In which years did the amount given fall?")
    assert result["short_answer"] == "2020; 2021" and "8,500" not in result["short_answer"]
    assert _checked(donations, "how many years did the amount go up")["short_answer"] == "1"


QUIZ = ("| Team | Played | Won | Lost |\n|---|---|---|---|\n| Owls | 8 | 6 | 2 |\n| Foxes | 8 | 3 | 5 |\n"
        "| Hares | 8 | 1 | 7 |\n")


@pytest.fixture(scope="module")
def quiz():
    return TableEngine(extract_tables(parse("quiz.md", QUIZ))), QUIZ


@pytest.mark.parametrize("question, short", [
    ("how many rounds did the foxes win", "3"),               # the figure in the column the verb names, not 1 row
    ("How many rounds did the teams lose between them?", "14"),
    ("what's the average number of rounds won", "3.33"),
    ("which teams lost more rounds than they won", "Foxes; Hares"),    # one column against another, by their verbs
    ("Which teams won more than they lost?", "Owls"),
])
def test_a_noun_counted_by_a_column_a_verb_names_is_what_that_column_counts(quiz, question, short):
    result = _checked(quiz, question)       # "rounds" is in no header: Won and Lost count them
    assert result["short_answer"] == short and result["plan"]["uncovered"] == [] and not result.get("weak")


def test_a_noun_beside_a_verbs_column_is_not_its_count_when_no_figure_is_asked(quiz):
    assert quiz[0].answer("When are rounds played?") is None      # a time the table does not hold, not Played


def test_a_range_of_years_bounds_the_years_not_another_figure():
    kilns = ("| Kiln | Firings | Staff |\n|---|---|---|\n| North | 40 | 3 |\n| South | 25 | 2 |\n")
    engine = TableEngine(extract_tables(parse("kilns.md", kilns)))    # no years: a time range it cannot answer
    assert engine.answer("How many staff were there between 2019 and 2021?") is None
    repairs = ("| Year | Repair | Cost |\n|---|---|---|\n| 2018 | Roof | 2,100 |\n| 2019 | Door | 2,050 |\n"
               "| 2021 | Chimney | 900 |\n")
    engine = TableEngine(extract_tables(parse("repairs.md", repairs)))
    result = _checked((engine, repairs), "How many repairs were there between 2019 and 2021?")
    assert result["short_answer"] == "2" and "Year" in result["answer"]      # Year bounded, not Cost


def test_a_superlative_over_year_columns_with_none_named_reads_the_latest_year_and_says_so(fees):
    result = _checked(fees, "Which fee is the lowest?")
    assert result["short_answer"] == "Slipway launch" and "2023 (€) (10.00)" in result["answer"]     # not 12.00
    assert any("latest year" in note for note in result["notes"])


REPAIRS = ("| Fault | 2022 | 2023 |\n|---|---|---|\n| Broken-wheel repair | 14 | 19 |\n| Loose saddle | 8 | 5 |\n"
           "| Flat tyre | 40 | 52 |\n| Total | 62 | 76 |\n")
SHED = ("| Quarter | Members | Guests | Tools lent |\n|---|---|---|---|\n| Jan–Mar 2023 | 120 | 45 | 310 |\n"
        "| Apr–Jun 2023 | 150 | 60 | 420 |\n| Jul–Sep 2023 | 95 | 30 | 275 |\n")
FLEET = ("| Boat | Built | Entered service | Seats | Withdrawn |\n|---|---|---|---|---|\n"
         "| Auk | 1975 | 1976 | 10 | 1999 |\n| Tern | 1988 | 1990 | 12 | 2010 |\n| Skua | 1991 | 1992 | 12 | 2012 |\n"
         "| Wren | 1995 | 1996 | 8 | 2016 |\n| Kite | 1998 | 1999 | 14 | 2018 |\n"
         "| Gannet | 2003 | 2004 | 16 | In service |\n| Puffin | 2014 | 2015 | 20 | In service |\n")


@pytest.fixture(scope="module")
def repairs():
    return TableEngine(extract_tables(parse("repairs.md", REPAIRS))), REPAIRS


def test_a_whole_cell_named_in_other_words_picks_its_row_though_it_starts_with_a_comparative(repairs):
    result = _checked(repairs, "how many broken wheel repairs did the shop do in 2023")     # "Broken-wheel repair"
    assert result["short_answer"] == "19"       # the row's figure in 2023: no count of rows, no difference
    lower = _checked(repairs, "how many loose saddles were fixed in 2022")
    assert lower["short_answer"] == "8"


def test_a_unit_of_measure_is_no_word_the_table_must_hold():
    crops = "| Crop | 2022 | 2023 |\n|---|---|---|\n| Beans | 410 | 385 |\n| Onions | 220 | 260 |\n"
    engine = TableEngine(extract_tables(parse("crops.md", crops)))
    result = _checked((engine, crops), "how many kilos of onions were there in 2023")
    assert result["short_answer"] == "260" and result["plan"]["uncovered"] == []     # an amount, not 1 row
    result = _checked((engine, crops), "by how much did the beans go down between 2022 and 2023 (kg)")
    assert result["short_answer"] == "25" and not result.get("weak")


def test_the_year_and_the_kind_of_a_table_of_year_columns_are_its_own_words(repairs):
    result = _checked(repairs, "which kind of fault went down in 2023 compared with the year before")
    assert result["short_answer"] == "Loose saddle" and not result.get("weak")


def test_a_pair_of_rows_named_by_their_dated_labels_is_measured_in_the_column_asked():
    engine = TableEngine(extract_tables(parse("shed.md", SHED)))
    result = _checked((engine, SHED), "how many more members came in the apr-jun quarter than in the jul-sep quarter")
    assert result["short_answer"] == "55"       # 150 - 95, not the difference of the quarters' dates


def test_rows_picked_by_a_cell_beat_a_sum_over_every_row_when_a_word_is_left_over():
    engine = TableEngine(extract_tables(parse("fleet.md", FLEET)))
    assert _checked((engine, FLEET), "which boats are still in service")["short_answer"] == "Gannet; Puffin"
    result = _checked((engine, FLEET), "what is the combined seat capacity of the boats currently in service")
    assert result["short_answer"] == "36"       # 16 + 20, not 48: "capacity" is left over, the rows still picked


@pytest.mark.parametrize("question, short", [
    ("how many people came in total, members and guests combined", "500"),
    ("How many members and guests came altogether in apr-jun 2023?", "210"),
])
def test_two_quantity_columns_named_together_are_added_up(question, short):
    engine = TableEngine(extract_tables(parse("shed.md", SHED)))
    result = _checked((engine, SHED), question)
    assert result["short_answer"] == short and "Members and Guests together" in result["answer"]


def test_a_figure_is_no_answer_to_which_kind_of_thing_the_table_does_not_hold():
    engine = TableEngine(extract_tables(parse("fleet.md", FLEET)))
    assert engine.answer("which shipyard built the gannet") is None       # a year of Built is no shipyard
    assert _checked((engine, FLEET), "which year was the gannet built")["short_answer"] == "2003"


def test_years_in_service_run_from_the_date_column_named_to_the_next_one():
    engine = TableEngine(extract_tables(parse("fleet.md", FLEET)))
    result = _checked((engine, FLEET), "how many years was the tern in service")
    assert result["short_answer"] == "20 years" and "2010 - 1990 = 20" in result["computation"]
    still = engine.answer("how many years did the gannet spend in service")     # no end date: no such figure
    assert still is None or "years" not in (still["short_answer"] or "")



def _over(text: str) -> tuple[TableEngine, str]:
    """An engine over a table of the tests' own, with its text (as `_checked` takes them)."""
    return TableEngine(extract_tables(parse("table.md", text))), text


def _by_meaning(tables: list, model=None) -> TableEngine:
    """An engine that knows the packaged word vectors' common words and, given the model, reads words by meaning."""
    from functools import partial

    from app.tables.meaning import HeaderMeaning
    from app.wordvectors import default_word_vectors
    from index.embed import embed

    return TableEngine(tables, HeaderMeaning(partial(embed, model)) if model is not None else None,
                       default_word_vectors().in_vocabulary)

HONEY = ("| Honey source | 2021–22 (kg) | 2022–23 (kg) | 2023–24 (kg) |\n|---|---|---|---|\n"
         "| North field hives | 1,150 | 1,020 | 1,380 |\n| Orchard hives | 410 | 24 | 20 |\n"
         "| Church lane hives | 260 | 300 | 510 |\n")
WARDENS = ("| Warden | From | To | Years |\n|---|---|---|---|\n| Agnes Pryce | 1950 | 1962 | 12 |\n"
           "| Tomas Reyes | 1962 | 1981 | 19 |\n| Ilse Baum | 1981 | 2005 | 24 |\n")
SHOW = "| Category | Entries |\n|---|---|\n| Marrows | 12 |\n| Chutneys | 30 |\n| Sponge cakes | 18 |\n"


@pytest.fixture(scope="module")
def honey():
    return _over(HONEY)


def test_a_season_written_2023_24_names_its_column_and_is_no_number_24(honey):
    result = _checked(honey, "what was the total honey in 2023-24")     # "Honey source" names the rows
    assert result["short_answer"] == "1,910" and result["plan"]["op"] == "sum"     # not the row holding 24


@pytest.mark.parametrize("question, short", [
    ("which hives grew the most between 2022-23 and 2023-24", "North field hives"),     # +360, not the largest
    ("which hives grew the least between 2022-23 and 2023-24", "Church lane hives"),    # +210 of those that rose
    ("which hives fell the most between 2021-22 and 2022-23", "Orchard hives"),         # -386
])
def test_the_row_that_moved_most_between_two_year_columns_is_read_from_their_difference(honey, question, short):
    result = _checked(honey, question)
    assert result["short_answer"] == short


def test_than_the_year_before_compares_the_latest_year_named_or_not_with_the_one_before_it(honey):
    assert _checked(honey, "which hives gave more honey than the year before")["short_answer"] == \
        "North field hives; Church lane hives"          # 2023-24 against 2022-23, no column named
    assert _checked(honey, "which hives gave less honey in 2022-23 than the year before")["short_answer"] == \
        "North field hives; Orchard hives"              # 2022-23 against 2021-22
    result = _checked(honey, "by how much did the north field hives go up compared with the year before")
    assert result["short_answer"] == "360"


def test_a_column_shared_by_two_headers_is_told_apart_by_their_other_words():
    visits = "| Site | Visits 2022 | Visits 2023 |\n|---|---|---|\n| Mill | 500 | 420 |\n| Quay | 300 | 380 |\n"
    table = _over(visits)
    assert _checked(table, "which sites had more visits in 2023 than in 2022")["short_answer"] == "Quay"


def test_a_question_asking_when_is_never_answered_with_a_figure_that_is_no_date():
    table = _over(WARDENS)
    assert table[0].answer("when did the first warden start") is None or re.search(
        r"1[89]\d\d|20\d\d", table[0].answer("when did the first warden start")["short_answer"] or "")
    assert table[0].answer("when did tomas reyes take the job")["short_answer"] == "1962"   # From; 19 years is no date


def test_a_column_averaged_or_totalled_by_name_stands_though_a_verb_is_left_over():
    table = _over(WARDENS)
    result = _checked(table, "on average how many years did a warden serve")
    assert result["short_answer"] == "18.33" and result.get("weak")      # "serve" left over: the text may do better


def test_who_is_not_answered_with_the_cell_the_question_itself_names():
    table = _over(SHOW)
    assert table[0].answer("who won the marrow category") is None        # no person in the table
    assert _checked(table, "how many entries were there for marrows")["short_answer"] == "12"


def test_a_question_asking_where_is_never_answered_with_a_date():
    gigs = ("| Date | Venue | Audience |\n|---|---|---|\n| 3 May | Corn Exchange | 210 |\n| 4 May | Drill Hall | 340 |\n"
            "| 6 May | Old Chapel | 95 |\n")
    table = _over(gigs)
    assert _checked(table, "where was the biggest audience")["short_answer"] == "Drill Hall"     # not 4 May


def test_who_succeeded_a_named_row_is_the_row_after_it_though_the_verb_is_in_no_cell():
    table = _over(WARDENS)
    assert _checked(table, "who succeeded reyes as warden")["short_answer"] == "Ilse Baum"
    assert _checked(table, "who preceded ilse baum")["short_answer"] == "Tomas Reyes"


MENDING = ("| Category | Items brought | Mended | Success rate |\n|---|---|---|---|\n"
           "| Lamps | 40 | 30 | 75% |\n| Kettles | 25 | 10 | 40% |\n| Coats | 60 | 54 | 90% |\n| Clocks | 12 | 4 | 33% |\n")
NESTS = ("| Bird | 2021 | 2022 | 2023 |\n|---|---|---|---|\n| Swift | 12 | 15 | 18 |\n| Wren | 30 | 24 | 27 |\n"
         "| Total | 42 | 39 | 45 |\n")


def test_which_kind_of_row_is_answered_with_the_row_not_its_figure_in_another_column():
    table = _over(MENDING)
    result = _checked(table, "which kind of item was most likely to be mended successfully")
    assert result["short_answer"] == "Coats"        # the row, not its 60 in Items brought


def test_how_many_of_a_compound_noun_ending_in_the_rows_word_counts_the_rows():
    table = _over(MENDING)
    result = _checked(table, "how many item categories had a success rate above 70%")
    assert result["short_answer"] == "2"            # rows of Category, not the Items brought of those rows (100)


@pytest.mark.parametrize("question, short", [
    ("what was the average yearly count of swifts", "15"),                          # (12 + 15 + 18) / 3
    ("on average how many wrens a year over 2022-2023", "25.5"),                    # (24 + 27) / 2
    ("on average how many birds were there a year", "42"),                          # (42 + 39 + 45) / 3, every row
])
def test_a_yearly_average_runs_across_the_year_columns(question, short):
    table = _over(NESTS)
    result = _checked(table, question)
    assert result["short_answer"] == short and "yearly average" in result["answer"]


def test_a_plural_names_a_one_word_cell():
    table = _over(NESTS)
    assert _checked(table, "how many wrens nested in 2022")["short_answer"] == "24"


SWANS = ("| Species | Peak count 2022–23 | Peak count 2023–24 |\n|---|---|---|\n| Bewick's swan | 40 | 55 |\n"
         "| Pintail | 310 | 290 |\n| Shoveler | 120 | 180 |\n")
STALL = ("| Year | Stallholders | Price of a pie | Takings |\n|---|---|---|---|\n| 1975 | 4 | 9p | £2,100 |\n"
         "| 1998 | 9 | 85p | £15,400 |\n| 2024 | 12 | £2.60 | £48,900 |\n")


def test_a_short_season_23_24_and_a_count_in_a_header_read_that_seasons_column():
    table = _over(SWANS)
    result = _checked(table, "peak pintail count winter 23/24")
    assert result["short_answer"] == "290"      # the column, not a count of the one row named


def test_the_winter_before_is_the_column_of_the_year_before():
    table = _over(SWANS)
    result = _checked(table, "how many more shovelers at the peak compared to the winter before")
    assert result["short_answer"] == "60"


def test_a_rise_between_two_rows_named_by_year_reads_the_verb_saying_it_rose():
    table = _over(STALL)
    result = _checked(table, "how much did takings grow from 1998 to 2024")
    assert result["short_answer"] == "33,500" and not result.get("weak")


def test_pence_beside_pounds_are_hundredths_of_a_pound():
    table = _over(STALL)
    result = _checked(table, "how much did a pie go up in price between 1975 and 2024")
    assert result["short_answer"] == "2.51"     # £2.60 - 9p, not 2.6 - 9


def test_a_count_of_rows_the_question_lists_one_by_one_adds_up_their_count_column():
    calls = ("| Call | Calls | Average response |\n|---|---|---|\n| Cat up a tree | 6 | 12 min |\n"
             "| Flooded cellar | 9 | 25 min |\n| Chimney fire | 4 | 8 min |\n| Lift rescue | 3 | 15 min |\n")
    table = _over(calls)
    result = _checked(table, "how many cat, cellar and chimney calls were there in total")
    assert result["short_answer"] == "19"       # 6 + 9 + 4, not the 3 rows the question names itself


LEAGUE = ("| Pos | Side | P | W | D | L | Pts |\n|---|---|---|---|---|---|---|\n| 1 | Kestrel Vale | 10 | 8 | 1 | 1 | 25 |\n"
          "| 2 | Brook Farm | 10 | 6 | 3 | 1 | 21 |\n| 3 | Yarrow Green | 10 | 2 | 4 | 4 | 10 |\n")


@pytest.mark.parametrize("question, short", [
    ("how many draws did yarrow green have", "4"),         # "D": one letter of the word, first
    ("brook farm points", "21"),                           # "Pts" before "P": the header abbreviating it most fully
    ("which side had the most draws", "Yarrow Green"),
])
def test_a_header_abbreviating_a_word_is_named_by_it(question, short):
    table = _over(LEAGUE)
    assert _checked(table, question)["short_answer"] == short


def test_the_tables_own_subject_is_no_abbreviated_header():
    table = _over("## Lowfield Netball League\n\n" + LEAGUE)
    assert table[0].answer("how many sides are in the whole league") is None or \
        _checked(table, "how many sides are in the whole league")["short_answer"] == "3"     # rows, never "L"
    assert table[0].answer("total of the league") is None                                # no "L" column summed


def test_how_many_different_types_counts_the_kinds_of_row():
    fares = ("| Fare | Peak | Off-peak |\n|---|---|---|\n| Adult | £6.40 | £4.10 |\n| Child | £3.20 | £2.00 |\n"
             "| Van and driver | £38.00 | £29.50 |\n")
    assert _checked(_over(fares), "how many different fare types are there")["short_answer"] == "3"


def test_an_abbreviation_keeps_its_first_letter_and_drops_vowels():
    from app.tables.plan import abbreviates
    assert abbreviates("Pts", "points") and abbreviates("D", "draws") and abbreviates("Avg.", "average")
    assert not abbreviates("Age", "average")          # a word of its own, not its consonants
    assert not abbreviates("Pts", "spots") and not abbreviates("Pts", "pts")    # its first letter first; longer
    assert not abbreviates("Pts", "participants") and not abbreviates("P", "participants")   # not much longer


def test_one_row_named_twice_is_one_row_and_the_two_columns_are_compared():
    fares = ("| Fare | Peak | Off-peak |\n|---|---|---|\n| Adult | £6.40 | £4.10 |\n| Van and driver | £38.00 | £29.50 |\n")
    table = _over(fares)
    result = _checked(table, "how much more is a van at peak than a van off-peak")
    assert result["short_answer"] == "8.5"      # £38.00 - £29.50, not 0 for a pair of one row


VISITS = ("| Visitor group | 2021 | 2024 |\n|---|---|---|\n| Adults | 9,100 | 12,400 |\n| Children (under 16) | 2,050 | 3,300 |\n"
          "| Dogs on leads | 410 | 380 |\n")


def test_a_word_no_cell_holds_finds_its_row_by_meaning_and_a_change_of_one_row_is_its_difference(model):
    tables = extract_tables(parse("table.md", VISITS))
    by_words = TableEngine(tables)
    by_meaning = _by_meaning(tables, model)
    assert by_words.answer("increase in kids visiting between 2021 and 2024") is None or \
        by_words.answer("increase in kids visiting between 2021 and 2024")["short_answer"] != "1,250"
    result = _checked((by_meaning, VISITS), "increase in kids visiting between 2021 and 2024")
    assert result["short_answer"] == "1,250"                      # 3,300 - 2,050, the row "Children (under 16)"
    assert any("“kids” as the row “Children (under 16)”" in n for n in result["notes"])
    assert _checked((by_words, VISITS), "increase in children between 2021 and 2024")["short_answer"] == "1,250"
    named = by_meaning.answer("how many westgate visitors were there in 2024")    # a name no cell holds: no row
    assert named is None or "Read “westgate”" not in " ".join(named.get("notes") or [])


HARBOUR = ("| Item | 2021 | 2022 | 2023 |\n|---|---|---|---|\n| Boats hired out | 310 | 295 | 342 |\n"
           "| Boats repaired | 41 | 57 | 38 |\n| Moorings let | 64 | 66 | 70 |\n| Queue for moorings | 12 | 19 | 9 |\n"
           "| Show entries | 88 | 95 | 91 |\n")


@pytest.mark.parametrize("question, short", [
    ("how many boats were repaired in 2022", "57"),          # "boats" and "repaired": two words of one row's label
    ("how many show entries in 2021", "88"),                 # a label of common words ("show", "entries")
    ("total moorings let over the three years", "200"),      # 64 + 66 + 70: one row across its year columns
    ("which year had the longest queue for moorings", "2022"),   # the year column where that row is largest
])
def test_a_table_with_a_column_per_year_is_read_along_its_rows(question, short):
    assert _checked(_over(HARBOUR), question)["short_answer"] == short


def test_a_count_that_is_one_by_construction_is_no_answer():
    seasons = ("| Season | Screenings | Average per screening |\n|---|---|---|\n| 2021/22 | 12 | 40 |\n"
               "| 2022/23 | 15 | 52 |\n| 2023/24 | 14 | 61 |\n")
    table = _over(seasons)
    assert table[0].answer("how many members did the club have in 2022/23") is None     # one row per season: "1"
    assert table[0].answer("how many boats were hired out in 2020") is None
    assert _checked(table, "average number of screenings per season over the 3 seasons")["short_answer"] == "13.67"
    assert _checked(table, "which season had the lowest average turnout per screening")["short_answer"] == "2021/22"
    assert table[0].answer("what film had the biggest audience this season") is None   # not the largest Season


def test_a_not_the_plan_does_not_read_is_no_answer_of_the_figure_it_negates():
    table = _over(MENDING)
    assert _checked(table, "how many kettles were mended")["short_answer"] == "10"
    for question in ("how many kettles were not mended", "how many kettles didnt get mended"):
        result = table[0].answer(question)
        assert result is None or result["kind"] == "none", question     # never 10 (or 25) for what was not mended
    people = "| Name | Wins |\n|---|---|\n| Don Ashby | 4 |\n| Ida Crane | 6 |\n"
    assert _checked(_over(people), "how many wins did don ashby have")["short_answer"] == "4"    # "don" is no "don't"


@pytest.mark.parametrize("question, short", [
    ("which category has the worst success rate", "Clocks"),     # worst rate: the lowest
    ("which category had the best success rate", "Coats"),
])
def test_best_and_worst_of_a_named_column_are_its_highest_and_lowest(question, short):
    assert _checked(_over(MENDING), question)["short_answer"] == short


def test_worst_is_not_read_of_a_figure_whose_good_direction_is_unknown():
    lines = ("| Line | Average delay (min) | On time |\n|---|---|---|\n| Red | 4 | 91% |\n| Blue | 11 | 78% |\n"
             "| Green | 7 | 85% |\n")
    result = _over(lines)[0].answer("which line had the worst average delay")
    assert result is None or result["short_answer"] != "Red"      # never the shortest delay
    assert _checked(_over(lines), "which line had the worst on time record")["short_answer"] == "Blue"


def test_the_best_rank_is_the_lowest_number():
    ranks = "| Club | Rank | Points |\n|---|---|---|\n| Ashby | 2 | 30 |\n| Brill | 1 | 34 |\n| Cole | 3 | 21 |\n"
    assert _checked(_over(ranks), "which club has the best rank")["short_answer"] == "Brill"


def test_how_many_times_of_one_named_row_is_its_figure_not_a_count_of_it():
    calls = ("| Call type | Launches | People rescued |\n|---|---|---|\n| Fishing vessels | 11 | 19 |\n"
             "| Kite surfers | 6 | 7 |\n| Cliff falls | 3 | 3 |\n")
    table = _over(calls)
    assert _checked(table, "how many times did the crew launch for kite surfers")["short_answer"] == "6"
    assert _checked(table, "how many people were rescued off fishing boats")["short_answer"] == "19"   # "off": no word
                                                                                                # of another row


def test_a_verb_no_header_holds_names_the_column_it_means(model):
    text = "## Riverside Mending Café\n\n" + MENDING
    by_meaning = _by_meaning(extract_tables(parse("table.md", text)), model)
    result = _checked((by_meaning, text), "how many kettles did people bring to the mending cafe")
    assert result["short_answer"] == "25"           # Items brought, not Mended (the café's own name) nor a refusal
    assert any("“bring” as the column “Items brought”" in n for n in result["notes"])
    other = by_meaning.answer("how many kettles did the brewery bring in 2023")      # words no table explains
    assert other is None or other["short_answer"] != "25"


def test_the_column_named_most_fully_answers_and_the_most_common_kind_is_read_from_its_count():
    calls = ("| Call type | Calls | Average response time | Average time on site |\n|---|---|---|---|\n"
             "| Chimney fire | 9 | 7 min | 1 hr 20 min |\n| Lift rescue | 4 | 11 min | 40 min |\n"
             "| Flooded cellar | 15 | 9 min | 2 hr 5 min |\n")
    table = _over(calls)
    assert _checked(table, "average response time for lift calls")["short_answer"] == "11 min"   # not Calls' 4
    assert _checked(table, "what was the most common type of call")["short_answer"] == "Flooded cellar"


def test_how_heavy_is_the_lightest_is_a_weight_not_a_row():
    pumps = ("| Model | Output (kW) | Weight (kg) |\n|---|---|---|\n| Alto 5 | 5 | 61 |\n| Alto 8 | 8 | 74 |\n"
             "| Alto 12 | 12 | 96 |\n")
    result = _checked(_over(pumps), "how heavy is the lightest weight model")
    assert result["short_answer"] == "61" and "Alto 5" in result["answer"]


def test_a_phrase_that_is_a_whole_header_names_the_column_not_a_notes_cell_holding_it():
    squad = ("| Name | League apps | League goals | Notes |\n|---|---|---|---|\n| Ada Vale | 30 | 12 | |\n"
             "| Bea Holt | 41 | 9 | top scorer in league goals for 2019 |\n")
    engine, _ = _over(squad)
    grid, index = engine.view(engine.all_tables[0])
    plan = read_plan("what is the number of league goals ada vale made", grid, index)
    assert grid.columns[plan.target].name == "League goals"
    assert [grid.columns[c.column].name for c in plan.conditions] == ["Name"]       # no "Notes contains ..."
    assert _checked((engine, squad), "what is the number of league goals ada vale made")["short_answer"] == "12"


def test_a_count_of_the_rows_of_a_table_with_a_column_per_year_is_no_answer():
    result = _over(HARBOUR)[0].answer("how many items were mended in 2022")
    assert result is None or result["short_answer"] != "5"         # not the table's 5 rows


def test_of_two_tables_covering_a_question_alike_the_one_explaining_more_of_its_words_answers():
    seasons = ("| Season | Screenings | Average per screening |\n|---|---|---|\n| 2021/22 | 12 | 40 |\n"
               "| 2022/23 | 15 | 52 |\n")
    text = "## Harbour\n\n" + HARBOUR + "\n## Film club\n\n" + seasons
    result = _checked((TableEngine(extract_tables(parse("two.md", text))), text), "how many show entries in 2022")
    assert result["short_answer"] == "95"           # the harbour's Show entries, not a count of the 2022/23 season


def test_a_total_of_a_named_column_with_only_a_common_verb_left_over_is_sure():
    concerts = ("| Date | Venue | Audience | Collection |\n|---|---|---|---|\n| 3 May | Corn Hall | 120 | £410 |\n"
                "| 10 May | St Bede's | 95 | £365 |\n| 17 May | Quay Rooms | 140 | £520 |\n")
    engine = _by_meaning(extract_tables(parse("table.md", concerts)))
    result = _checked((engine, concerts), "how much did the collections raise altogether")
    assert result["short_answer"] == "1295" and not result.get("weak")     # "raise" is left over: a common verb


PLAYS = ("| Opened | Production | Theatre | Audience | Takings |\n|---|---|---|---|---|\n"
         "| 2 Feb | The Winter Pantomime | Quay Rooms | 410 | 3,280 |\n| 9 Mar | Spring Revue | Corn Hall | 265 | 1,590 |\n"
         "| 4 May | Harbour Lights | Quay Rooms | 330 | 2,640 |\n| 6 Jul | Midsummer Pantomime | Corn Hall | 298 | 2,086 |\n")


def test_how_many_people_came_to_one_named_row_is_its_figure_of_people_not_one_row(model):
    engine = _by_meaning(extract_tables(parse("table.md", PLAYS)), model)
    result = _checked((engine, PLAYS), "how many people came to the spring revue")
    assert result["short_answer"] == "265" and "closest in meaning" in " ".join(result["notes"])



FERRIES = ("| Ferry | Sailings a week | Average cars per sailing |\n|---|---|---|\n| Skerry Queen | 14 | 22 |\n"
           "| Gannet | 6 | 31 |\n| Puffin Lady | 10 | 18 |\n")


@pytest.mark.parametrize("question", ["how many sailings a week on average",
                                      "on average how many sailings a week does each ferry make"])
def test_on_average_is_the_operator_never_a_word_of_an_average_header(question):
    result = _checked(_over(FERRIES), question)
    assert result["short_answer"] == "10" and "average" in result["answer"].lower()   # (14 + 6 + 10) / 3


def test_an_average_header_named_is_still_read_as_that_column():
    assert _checked(_over(FERRIES), "what is the average cars per sailing of the gannet")["short_answer"] == "31"


TOOL_LOANS = ("| Month | Loans | Returned late |\n|---|---|---|\n| January | 41 | 3 |\n| February | 37 | 5 |\n"
              "| March | 58 | 2 |\n| April | 66 | 7 |\n| May | 49 | 4 |\n")


@pytest.mark.parametrize("question, short", [
    ("busiest month for loans at the tool library", "April"),       # a superlative with no word of its own: the most
    ("quietest month for loans", "February"),                        # ... or, of a low degree, the least
    ("which month had the second most loans", "March"),              # the runner-up, not the largest
    ("second busiest month for loans", "March"),
])
def test_any_superlative_and_the_nth_of_one_pick_the_row(question, short):
    assert _checked(_over(TOOL_LOANS), question)["short_answer"] == short


@pytest.mark.parametrize("question, short", [
    ("loans in the month after march", "66"),        # the next row's figure, not the named row's own
    ("how many loans in the month before march", "37"),
])
def test_the_row_after_or_before_a_named_one_answers_with_its_figure(question, short):
    result = _checked(_over(TOOL_LOANS), question)
    assert result["short_answer"] == short and ("April" if short == "66" else "February") in result["answer"]


HALL_COSTS = ("| Cost | 2023 (£) | 2024 (£) |\n|---|---|---|\n| Hall hire | 1,200 | 1,350 |\n| Insurance | 400 | 420 |\n"
              "| Printing | 250 | 230 |\n")
ENTRIES = "| Year | Entries | Finishers |\n|---|---|---|\n| 2022 | 480 | 455 |\n| 2023 | 520 | 497 |\n| 2024 | 598 | 570 |\n"


@pytest.mark.parametrize("table, question, short", [
    (HALL_COSTS, "by what percentage did hall hire go up from 2023 to 2024", "12.5%"),      # 1,200 -> 1,350
    (HALL_COSTS, "percentage rise in total costs from 2023 to 2024", "8.1%"),               # 1,850 -> 2,000
    (ENTRIES, "percentage increase in entries from 2023 to 2024", "15.0%"),                 # 520 -> 598
    (ENTRIES, "by what percent did finishers grow between 2022 and 2023", "9.2%"),          # 455 -> 497
])
def test_a_percentage_change_is_the_change_over_the_earlier_figure(table, question, short):
    result = _checked(_over(table), question)
    assert result["short_answer"] == short and "rose" in result["answer"]


FELL_RACE = ("| Runner | Club | Time (min) |\n|---|---|---|\n| Ada Brandt | Fellside | 41 |\n| Joe Tarn | Harriers | 43 |\n"
             "| Mei Lund | Fellside | 47 |\n")


def test_the_row_behind_a_named_one_is_the_next_but_how_far_behind_is_a_gap():
    assert _checked(_over(FELL_RACE), "which runner finished behind Joe Tarn")["short_answer"] == "Mei Lund"
    assert _checked(_over(FELL_RACE), "how many minutes behind Ada Brandt was Joe Tarn")["short_answer"] == "2"


def test_what_share_two_rows_make_up_is_no_percentage_change():
    result = _checked(_over(ENTRIES), "what percentage of entries did 2023 and 2024 make up")
    assert result["short_answer"] == "70.0%"        # (520 + 598) / 1,598, not 2023 -> 2024's rise of 15.0%


@pytest.mark.parametrize("question, short", [
    ("lowest number of loans in any one month", "37"),      # the figure, not the month; Month names no measure
    ("highest number of late returns in a month", "7"),
    ("which month had the lowest number of loans", "February"),
])
def test_the_lowest_number_of_a_figure_is_that_figure_and_a_month_named_is_no_measure(question, short):
    assert _checked(_over(TOOL_LOANS), question)["short_answer"] == short


def test_what_row_holds_the_largest_number_of_a_figure_is_that_row():
    assert _checked(_over(TOOL_LOANS), "what month holds the largest number of loans")["short_answer"] == "April"
    assert _checked(_over(TOOL_LOANS), "what was the largest number of loans in a month")["short_answer"] == "66"


BUS_ROUTES = ("| Route | Towns served | Passengers 2023 |\n|---|---|---|\n| 1 | Ashby to Coldwell | 21,400 |\n"
              "| 2 | Coldwell Circular | 18,950 |\n| 5 | Ashby to Fenton | 9,720 |\n| 7 | Fenton to Gale | 12,300 |\n")


def test_which_numbered_row_is_answered_with_its_number_from_the_column_that_labels_the_rows():
    assert _checked(_over(BUS_ROUTES), "which route was the second busiest in 2023")["short_answer"] == "2"
    assert _checked(_over(BUS_ROUTES), "which route carried the most passengers")["short_answer"] == "1"


BOX_OFFICE = ("| Month | Matinee seats | Evening seats | All seats |\n|---|---|---|---|\n| January | 310 | 1,120 | 1,430 |\n"
              "| February | 280 | 1,040 | 1,320 |\n| March | 450 | 1,510 | 1,960 |\n")


def test_a_figure_a_month_is_averaged_over_the_figure_never_over_the_month_column():
    result = _checked(_over(BOX_OFFICE), "on average how many matinee seats were sold a month")
    assert result["short_answer"] == "346.67"       # (310 + 280 + 450) / 3


def test_a_bare_figure_named_by_several_headers_is_the_one_for_all_of_them():
    assert _checked(_over(BOX_OFFICE), "how many seats were sold in march")["short_answer"] == "1,960"


MARSHALS = ("| Volunteer role | Headcount | Trained this year |\n|---|---|---|\n| Ride marshals | 14 | 3 |\n"
            "| First aiders | 6 | 2 |\n| Feed station crew | 9 | 0 |\n")


def test_how_many_of_a_named_row_is_its_first_count_not_one_row():
    result = _checked(_over(MARSHALS), "how many ride marshals does the club have")
    assert result["short_answer"] == "14" and "Headcount" in result["notes"][-1]


SCORERS = "| Player | Games | Goals |\n|---|---|---|\n| Ana Ruiz | 18 | 21 |\n| Lena Park | 17 | 9 |\n| Io Bell | 12 | 4 |\n"


def test_how_many_more_of_one_named_row_than_another_is_their_gap():
    assert _checked(_over(SCORERS), "how many more goals did ruiz score than lena park")["short_answer"] == "12"


GRANTS = ("| Funder | Amount | Share of cost |\n|---|---|---|\n| Lottery Heritage Fund | £9,000 | 60% |\n"
          "| Parish council | £4,500 | 30% |\n| Raffle | £1,500 | 10% |\n")


def test_how_much_a_named_row_gave_is_its_amount_not_its_share_or_its_label():
    assert _checked(_over(GRANTS), "how much did the parish council put in")["short_answer"] == "£4,500"


QUARTERS = ("| Quarter | Visitors | Events |\n|---|---|---|\n| January to March | 820 | 4 |\n| April to June | 1,940 | 9 |\n"
            "| July to September | 2,610 | 12 |\n")


def test_a_shortened_month_names_the_row_that_spells_it_out():
    result = _checked(_over(QUARTERS), "how many visitors in apr-jun")
    assert result["short_answer"] == "1,940" and not result.get("weak")


LITTER = ("| Group | Regular volunteers | Hours in 2024 |\n|---|---|---|\n| Beach team | 22 | 640 |\n| School club | 35 | 410 |\n"
          "| Riverside crew | 12 | 380 |\n")


def test_a_total_of_a_compound_noun_sums_its_last_noun():
    assert _checked(_over(LITTER), "total volunteer hours in 2024")["short_answer"].replace(",", "") == "1430"  # not 69


MEMBERS = ("| Membership | At 1 January 2024 | At 31 December 2024 |\n|---|---|---|\n| Adult | 140 | 152 |\n"
           "| Junior | 38 | 61 |\n")


def test_how_much_a_named_row_grew_is_its_change_between_two_dated_columns():
    result = _checked(_over(MEMBERS), "by how much did junior membership grow over the year")
    assert result["short_answer"] == "23" and "rose" in result["answer"]


def test_who_is_never_answered_by_a_cell_of_figures():
    from app.tables.answer import _wrong_kind
    assert _wrong_kind("who made the century at ashby", {"short_answer": "Won by 5 wickets; Won by 2 wickets"})
    assert not _wrong_kind("who made the century at ashby", {"short_answer": "Priya Rao"})


SERVICES = ("| Service | Calls at | 2022 | 2023 |\n|---|---|---|---|\n| 2 | Oban, Mull | 14,200 | 15,050 |\n"
            "| 4 | Mull, Iona | 9,800 | 9,120 |\n| 6 | Coll, Tiree | 3,150 | 3,400 |\n| 11 | Barra | 2,740 | 2,905 |\n")


@pytest.mark.parametrize("question, short", [
    ("combined passengers on services 4 and 6 in 2023", "12,520"),              # two rows named by their numbers
    ("how many fewer passengers did service 4 carry in 2023 than in 2022", "680"),  # the row's number is no figure
    ("which carried more passengers in 2022, service 6 or service 11", "6"),    # one of the two rows named
])
def test_rows_named_by_their_numbers(question, short):
    assert _checked(_over(SERVICES), question)["short_answer"] == short


PUNCTUALITY = ("| Line | On time 2022 | On time 2023 |\n|---|---|---|\n| 1 | 91.0% | 88.5% |\n| 2 | 85.2% | 87.9% |\n"
               "| 3 | 93.4% | 84.1% |\n")


def test_what_was_the_worst_figure_is_that_figure_in_the_column_named():
    assert _checked(_over(PUNCTUALITY), "what was the worst on-time percentage of any line in 2023")[
        "short_answer"] == "84.1%"


SWIMS = ("| Month | Lane swims | Club swims | All swims |\n|---|---|---|---|\n| May | 900 | 400 | 1,300 |\n"
         "| June | 1,100 | 150 | 1,250 |\n| July | 800 | 600 | 1,400 |\n")


def test_the_busiest_row_with_no_figure_named_is_the_one_with_the_largest_total():
    assert _checked(_over(SWIMS), "which month was the busiest at the pool")["short_answer"] == "July"


SCHEDULE = ("| Session type | Hours per week | Share of timetable |\n|---|---|---|\n| Junior swimming | 12 | 40% |\n"
            "| Lane swimming | 10 | 33% |\n| Aquafit | 8 | 27% |\n")


def test_all_of_the_rows_kind_is_every_row_not_those_sharing_a_word():
    result = _checked(_over(SCHEDULE), "total weekly hours of junior sessions across all types")
    assert result["short_answer"] == "30"       # not Junior swimming's 12


SHOW_CLASSES = ("| Class | Entries | First prize | Second prize |\n|---|---|---|---|\n| Giant onion | 8 | Ada Holt | Ben Rice |\n"
                "| Runner beans | 12 | Cai Moss | Dee Lang |\n| Best dahlia | 15 | Eli Frost | Ada Holt |\n")


@pytest.mark.parametrize("question, short", [
    ("who came second for runner beans", "Dee Lang"),       # the Second prize column, not the second row
    ("who came first in the giant onion class", "Ada Holt"),
])
def test_an_ordinal_that_names_a_column_is_no_position(question, short):
    assert _checked(_over(SHOW_CLASSES), question)["short_answer"] == short


HEADS = ("| Head teacher | From | To | Years in post |\n|---|---|---|---|\n| Ruth Acre | 1952 | 1970 | 18 |\n"
         "| Tom Vale | 1970 | 1981 | 11 |\n| Ida Marsh | 1981 | 2003 | 22 |\n")


def test_what_year_is_answered_from_a_column_of_years_not_a_count_of_years():
    assert _checked(_over(HEADS), "what year did tom vale take over as head")["short_answer"] == "1970"


PATROLS = ("| Patrol | Days | Shifts per week | Volunteers per shift |\n|---|---|---|---|\n| Harbour walk | Mon–Sat | 12 | 3 |\n"
           "| Night run | Fri, Sat | 4 | 2 |\n| Beach sweep | Sun | 2 | 6 |\n")


def test_each_of_the_rows_kind_averages_every_row_and_a_week_is_no_bound():
    result = _checked(_over(PATROLS), "on average how many shifts a week does each patrol run")
    assert result["short_answer"] == "6"        # (12 + 4 + 2) / 3: not "Night run" alone, not weeks above 0


LAUNCHES = ("| Boat | Type | Seats | Trips in 2024 |\n|---|---|---|---|\n| Puffin | Motor launch | 12 | 410 |\n"
         "| Gannet | Sailing ketch | 8 | 150 |\n")


@pytest.mark.parametrize("question", [
    "how much is a ticket on the puffin",         # the Type column holds words, not an amount
    "what is the price of a trip on the gannet",  # Trips in 2024 counts trips; it holds no price
])
def test_a_price_is_never_answered_from_words_or_counts(question):
    result = _over(LAUNCHES)[0].answer(question)
    assert result is None or result["kind"] != "table"


POOL = ("| Month | Public swims | Club swims |\n|---|---|---|\n| May | 1,000 | 300 |\n| June | 1,800 | 400 |\n"
        "| July | 2,700 | 250 |\n| Total | 5,500 | 950 |\n")


def test_a_total_of_named_rows_adds_only_them_never_the_total_row():
    assert _checked(_over(POOL), "total club swims over june and july")["short_answer"] == "650"


PANTRY = ("| Month | Parcels | Adults fed |\n|---|---|---|\n| March | 120 | 150 |\n| April | 185 | 220 |\n"
          "| May | 172 | 201 |\n| June | 160 | 190 |\n")


def test_rows_a_bound_picks_are_counted_surely_though_a_verb_is_left_over():
    engine = _by_meaning(extract_tables(parse("table.md", PANTRY)))
    result = _checked((engine, PANTRY), "how many months did they hand out more than 170 parcels")
    assert result["short_answer"] == "2" and not result.get("weak")     # "hand out" is left over: common words


def test_how_much_was_the_biggest_figure_is_that_figure_not_a_total():
    result = _checked(_over(HALL_COSTS), "how much was the single biggest cost in 2024")
    assert result["short_answer"] == "1,350"        # Hall hire's 2024 (£), not 2,000 for every cost together


RACE_TIMES = ("| Category | Finishers | Fastest time | Average time |\n|---|---|---|---|\n| Open men | 80 | 31:05 | 48:10 |\n"
              "| Open women | 64 | 35:50 | 53:30 |\n| Veteran men | 41 | 36:12 | 1:01:20 |\n")


def test_an_irregular_plural_names_the_row_and_a_gap_in_times_is_a_time():
    result = _checked(_over(RACE_TIMES), "how much quicker was the fastest open man than the fastest open woman")
    assert result["short_answer"] == "4:45"         # 35:50 - 31:05, written as the cells write times


def test_an_average_of_times_is_a_time():
    assert _checked(_over(RACE_TIMES), "what was the average of the average times")["short_answer"] == "54:20"
