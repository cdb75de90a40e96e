"""The table engine answers numeric questions straight from typed rows: it cites the row, quotes the cell, shows
its arithmetic, and refuses rows and columns the table does not have. Shown on the 2024 seed's district table and
on a Markdown table of the tests' own with another shape (one header row, no total row, another topic)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.tables.answer import TableEngine
from index.parse import parse
from index.tables import extract_tables

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "002_3b368b2a42ab7357.txt"
OTHER_SEED = ROOT / "seeds" / "000_1ac648e0bb9f5e1e.txt"
DATA = ROOT / "tests" / "data" / "tables"
CONTRACT_KEYS = {"answer", "short_answer", "kind", "confidence", "citations", "computation", "notes"}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _engine(*paths: Path) -> tuple[TableEngine, dict[str, str]]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in paths}
    tables = [t for name, text in texts.items() for t in extract_tables(parse(name, text))]
    return TableEngine(tables), texts


@pytest.fixture(scope="module")
def seed():
    return _engine(SEED, OTHER_SEED)


@pytest.fixture(scope="module")
def market():
    return _engine(DATA / "market.md")


@pytest.fixture(scope="module")
def club():
    return _engine(DATA / "club.txt")


def numbers(text: str) -> set[str]:
    """Numbers in a text without thousands separators or citation markers: `81,777` -> `81777`."""
    text = re.sub(r"\[\d+\]", " ", text)
    return {n.rstrip(",").replace(",", "") for n in _NUMBER.findall(text)}


def assert_well_formed(result: dict, texts: dict[str, str]) -> None:
    """The answer contract, offsets that slice the file to the cited row, quotes inside it, every number backed."""
    assert CONTRACT_KEYS <= result.keys()
    assert 0 <= result["confidence"] <= 1
    if result["kind"] == "none":
        assert result["short_answer"] is None and result["citations"] == [] and result["notes"]
    for c in result["citations"]:
        text = texts[c["doc"]]
        assert text[c["start"]:c["end"]] == c["text"]
        assert c["quote"] and c["quote"] in c["text"]
        assert c["chunk_id"].startswith(f"{c['doc']}#t") and f"[{c['n']}]" in result["answer"]
        for cell in c.get("cells", []):
            assert text[cell["start"]:cell["end"]] == cell["text"]
    backed = set().union(*(numbers(c["text"]) for c in result["citations"]), numbers(result["computation"] or ""))
    assert numbers(result["answer"]) <= backed, "every number in the answer must be in a cited row or computation"


def ask(engine_texts, question: str) -> dict | None:
    engine, texts = engine_texts
    result = engine.answer(question)
    if result is not None:
        assert_well_formed(result, texts)
    return result


def cited_labels(result: dict) -> list[str]:
    return [c["text"].split("|")[1].strip() for c in result["citations"]]


# ---- lookups on the seed -------------------------------------------------------------------------------------


def test_a_lookup_reads_the_cell_and_cites_its_row(seed):
    result = ask(seed, "How many votes did Murat Kurum get in Arnavutköy?")
    assert result["kind"] == "table" and result["short_answer"] == "81,777"
    [cite] = result["citations"]
    assert cite["quote"] == "81,777"
    assert cite["text"].startswith("| Arnavutköy | 64,466 |")
    assert cite["doc"] == SEED.name and cite["chunk_id"] == f"{SEED.name}#t0r1"
    assert cite["section"] == "Results > Metropolitan municipality mayoral election > Results by district"
    assert result["computation"] is None and result["confidence"] >= 0.9


SEED_LOOKUPS = [
    ("What percentage of the vote did Murat Kurum get in Bağcılar?", "49.3%", "49.3"),
    ("How many registered electors were there in Esenler?", "308,902", "308,902"),
    ("How many total votes were cast in Sultangazi?", "284,742", "284,742"),
    ("How many votes did Others receive in Başakşehir?", "26,506", "26,506"),
    ("What was Murat Kurum's vote share in Sultangazi?", "47.6%", "47.6"),
    ("how many votes did murat kurum get in bagcilar", "189,378", "189,378"),
    ("How many votes did Murat Kurum get in bağcılar?", "189,378", "189,378"),
    ("Murat Kurm votes in Arnavutkoy", "81,777", "81,777"),
    ("Kurum votes Esenler?", "121,130", "121,130"),
    ("registered voters in sultangazi?", "374,689", "374,689"),
    ("Murat Kurum Bağcılar'da kaç oy aldı?", "189,378", "189,378"),
]


@pytest.mark.parametrize("question, short, quote", SEED_LOOKUPS)
def test_lookups_fold_diacritics_tolerate_typos_and_know_column_synonyms(seed, question, short, quote):
    result = ask(seed, question)
    assert (result["kind"], result["short_answer"]) == ("table", short)
    assert result["citations"][0]["quote"] == quote


def test_a_row_whose_label_was_recovered_is_answered_with_a_note_saying_so(seed):
    result = ask(seed, "How many registered electors were there in Kadıköy?")
    assert result["short_answer"] == "385,032"
    assert result["citations"][0]["text"].startswith("| | 252,095 |")      # the line itself has no label
    assert any("Kadıköy" in n and "recovered" in n and "7/7" in n for n in result["notes"])


def test_an_answer_using_a_figure_that_disagrees_with_its_table_reports_it(seed):
    result = ask(seed, "What share of the vote did Others get in Ataşehir?")
    assert result["short_answer"] == "5.1%"                                   # the source value, kept
    assert any("17,574 / 246,131 = 7.1%" in n for n in result["notes"])


# ---- derived figures on the seed -----------------------------------------------------------------------------


def test_turnout_is_votes_cast_over_registered_with_the_arithmetic_shown(seed):
    result = ask(seed, "What was the turnout in Bağcılar?")
    assert result["short_answer"] == "75.0%"
    assert result["computation"] == "383,829 / 511,524 = 75.0%"
    assert result["citations"][0]["text"].startswith("| Bağcılar |")
    assert ask(seed, "turnout bagcilar")["short_answer"] == "75.0%"


def test_the_margin_of_a_group_over_the_runner_up(seed):
    result = ask(seed, "By how many votes did Murat Kurum win Bağcılar?")
    assert result["short_answer"] == "39,196"
    assert result["computation"] == "189,378 - 150,182 = 39,196"
    assert ask(seed, "What was Murat Kurum's margin of victory in Güngören?")["short_answer"] == "2,156"


def test_the_winner_of_a_row_is_a_contending_group_never_an_aggregate(seed):
    result = ask(seed, "Who won the most votes in Güngören?")
    assert result["short_answer"] == "Murat Kurum"
    assert "66,706" in result["computation"] and "Others" not in result["computation"]
    assert any("Others" in n and "aggregate" in n for n in result["notes"])
    assert ask(seed, "Who won Esenler?")["short_answer"] == "Murat Kurum"


def test_a_winner_whose_blank_header_was_named_from_the_text_says_it_was_inferred(seed):
    result = ask(seed, "Who won Adalar?")
    assert result["short_answer"] == "Ekrem İmamoğlu"
    assert any("is shown as (inferred: Ekrem İmamoğlu)" in n and "re-elected" in n for n in result["notes"])


def test_a_winner_whose_header_is_blank_is_not_presented_as_a_name():
    text = (DATA / "club.txt").read_text(encoding="utf-8").replace("- Candidate2: Ben Ode", "- Candidate2: Someone")
    engine = TableEngine(extract_tables(parse("club.txt", text)))
    result = engine.answer("Who won North?")
    assert result["kind"] == "none" and result["short_answer"] is None
    assert "blank header" in result["answer"]


@pytest.mark.parametrize("question, short, computation", [
    ("Did Murat Kurum win Fatih?", "No", "(inferred: Ekrem İmamoğlu) 87,997 > Murat Kurum 87,890"),
    ("Was Murat Kurum first in Bağcılar?", "Yes", "Murat Kurum 189,378 > (inferred: Ekrem İmamoğlu) 150,182"),
    ("Did Murat Kurum get more than 50% in Esenler?", "Yes", "51.7 > 50"),
    ("Did Murat Kurum get more than 50% in Bağcılar?", "No", "49.3 <= 50"),
])
def test_yes_no_questions_answer_from_the_row_with_the_comparison_shown(seed, question, short, computation):
    result = ask(seed, question)
    assert (result["short_answer"], result["computation"]) == (short, computation)
    assert result["answer"].startswith(f"{short}:")


@pytest.mark.parametrize("question, label", [
    ("Which district had the most registered electors?", "Esenyurt"),
    ("Which district had the fewest total votes?", "Adalar"),
    ("In which district did Murat Kurum get his highest vote share?", "Sultanbeyli"),
    ("In which district did Murat Kurum get his lowest share of the vote?", "Beşiktaş"),
    ("In which district did Murat Kurum receive the most votes?", "Bağcılar"),
    ("Which district had the highest turnout?", "Şile"),
])
def test_the_row_with_the_largest_or_smallest_value(seed, question, label):
    result = ask(seed, question)
    assert result["short_answer"] == label
    assert label in result["computation"]


@pytest.mark.parametrize("question, count", [
    ("In how many districts did Murat Kurum get more than 50% of the vote?", "2"),
    ("In how many districts did Murat Kurum come first?", "7"),
    ("How many districts had more than 500,000 registered electors?", "5"),
])
def test_counting_rows_that_satisfy_a_condition(seed, question, count):
    result = ask(seed, question)
    assert result["short_answer"] == count
    assert result["computation"].endswith(f"= {count} of 39 rows")
    assert len(result["citations"]) == int(count)


def test_sums_and_differences_across_rows(seed):
    combined = ask(seed, "How many votes did Murat Kurum get in Bağcılar and Esenler combined?")
    assert combined["short_answer"] == "310,508"
    assert combined["computation"] == "189,378 + 121,130 = 310,508"
    assert cited_labels(combined) == ["Bağcılar", "Esenler"]
    diff = ask(seed, "What is the difference in registered electors between Bağcılar and Esenler?")
    assert diff["short_answer"] == "202,622"
    assert diff["computation"] == "511,524 - 308,902 = 202,622"


# ---- whole-table figures on the seed ---------------------------------------------------------------------------


@pytest.mark.parametrize("question, short", [
    ("How many total votes were cast in the 2024 Istanbul mayoral election?", "8,667,694"),
    ("How many registered electors were there in Istanbul in 2024?", "11,314,534"),
    ("How many votes did Murat Kurum get across Istanbul?", "3,431,871"),
    ("How many votes did Others get in total across Istanbul?", "797,096"),
    ("İstanbul genelinde toplam kaç oy kullanıldı?", "8,667,694"),
])
def test_whole_table_figures_come_from_the_total_row(seed, question, short):
    result = ask(seed, question)
    assert result["short_answer"] == short
    assert result["citations"][0]["chunk_id"] == f"{SEED.name}#t0r39"


def test_citywide_turnout_is_computed_from_the_total_row(seed):
    result = ask(seed, "What was the overall turnout in the 2024 Istanbul mayoral election?")
    assert result["short_answer"] == "76.6%"
    assert result["computation"] == "8,667,694 / 11,314,534 = 76.6%"


def test_a_stated_total_share_is_kept_but_its_disagreement_is_reported(seed):
    result = ask(seed, "What was Murat Kurum's overall share of the vote in Istanbul?")
    assert result["short_answer"] == "45.6%"
    assert any("3,431,871 / 8,667,694 = 39.6%" in n for n in result["notes"])


def test_trailing_the_first_placed_group_citywide(seed):
    result = ask(seed, "By how many votes did Murat Kurum trail the first-placed candidate citywide?")
    assert result["short_answer"] == "1,006,856"
    assert result["computation"] == "4,438,727 - 3,431,871 = 1,006,856"
    assert any("blank" in n for n in result["notes"])            # the leader's header is blank: said, not hidden


# ---- refusals and routing on the seed --------------------------------------------------------------------------


@pytest.mark.parametrize("question, missing, what", [
    ("How many votes did Murat Kurum get in Ankara?", "Ankara", "row"),
    ("votes in ankara", "ankara", "row"),
    ("What was the turnout in Ankara?", "Ankara", "row"),
    ("Murat Kurum Antalya'da kaç oy aldı?", "Antalya", "row"),
    ("How many votes did Murat Çepni get in Bağcılar?", "Murat Çepni", "column"),
    ("How many votes did Mansur Yavaş get in Esenler?", "Mansur Yavaş", "column"),
    ("How many invalid votes were cast in the 2024 Istanbul mayoral election?", "invalid votes", "column"),
])
def test_a_row_or_column_the_table_lacks_is_refused_never_answered_with_a_neighbour(seed, question, missing, what):
    result = ask(seed, question)
    assert result["kind"] == "none" and result["short_answer"] is None and result["citations"] == []
    assert f"has no {what} for “{missing}”" in result["answer"]
    assert not numbers(result["answer"])


def test_the_blank_group_named_from_the_text_answers_with_the_inference_said(seed):
    result = ask(seed, "How many votes did İmamoğlu get in Arnavutköy?")
    assert result["short_answer"] == "64,466"
    assert any("is shown as (inferred: Ekrem İmamoğlu)" in n for n in result["notes"])


def test_a_refused_column_mentions_the_blank_header_that_might_be_it():
    text = (DATA / "club.txt").read_text(encoding="utf-8").replace("- Candidate2: Ben Ode", "- Candidate2: Someone")
    engine = TableEngine(extract_tables(parse("club.txt", text)))
    result = engine.answer("How many votes did Ana Lima get in North?")
    assert result["kind"] == "none"
    assert any("header is blank" in n for n in result["notes"])


@pytest.mark.parametrize("question", [
    "When was the 2024 Istanbul mayoral election held?",
    "Who was the AK Party's candidate for mayor of Istanbul in 2024?",
    "What did both İmamoğlu and Kurum pledge to implement?",
    "How many people were critically injured in the Küçükçekmece attack?",
    "What share of the vote did İmamoğlu win in the June 2019 Istanbul mayoral election?",
    "How many votes did Murat Kurum get in Bakırköy in 2019?",
    "How was the initial annulment of the March vote largely seen?",
    "How many votes did Murat Kurum get in 2024 in the district where İmamoğlu was shown campaigning?",
])
def test_questions_that_are_not_for_the_table_go_to_the_text_path(seed, question):
    assert ask(seed, question) is None


# ---- the same behaviours on the tests' own table ------------------------------------------------------------


def test_own_table_lookup(market):
    result = ask(market, "How many kg of pears did Quay Side sell?")
    assert (result["kind"], result["short_answer"]) == ("table", "1,105")
    assert result["citations"][0]["quote"] == "1,105"
    assert result["citations"][0]["chunk_id"] == "market.md#t0r1"
    assert ask(market, "quayside pears")["short_answer"] == "1,105"
    assert ask(market, "What percentage of repeat customers did Old Mill have?")["short_answer"] == "52.3%"


def test_own_table_fuzzy_row_label_is_noted(market):
    result = ask(market, "How many apples did Nort Gate sell?")
    assert result["short_answer"] == "1,240"
    assert any("Read “Nort Gate” as “North Gate”" in n for n in result["notes"])


def test_own_table_margin_between_two_named_columns(market):
    result = ask(market, "How many more kg of apples than pears did North Gate sell?")
    assert result["short_answer"] == "380" and result["computation"] == "1,240 - 860 = 380"


def test_own_table_winner_among_the_columns_that_sum_to_the_total(market):
    result = ask(market, "Which fruit sold the most at Old Mill?")
    assert result["short_answer"] == "Plums (kg)"
    assert result["computation"] == "Plums (kg) 615 > Apples (kg) 455 > Pears (kg) 390"
    assert any("1,480" in n for n in result["notes"])         # that row's parts disagree with its total


def test_own_table_extremes_counts_sums_and_differences(market):
    assert ask(market, "Which stall had the most visitors?")["short_answer"] == "Station Road"
    assert ask(market, "Which stall had the fewest visitors?")["short_answer"] == "Old Mill"
    count = ask(market, "How many stalls sold more than 1,000 kg of apples?")
    assert count["short_answer"] == "2" and cited_labels(count) == ["North Gate", "Station Road"]
    assert ask(market, "How many stalls had more than 40% repeat customers?")["short_answer"] == "3"
    combined = ask(market, "How many visitors did North Gate and Quay Side have combined?")
    assert combined["computation"] == "5,200 + 6,150 = 11,350"
    diff = ask(market, "What is the difference in visitors between Quay Side and Old Mill?")
    assert diff["short_answer"] == "3,170"
    check = ask(market, "Did Quay Side sell more than 1,000 kg of pears?")
    assert (check["short_answer"], check["computation"]) == ("Yes", "1,105 > 1,000")


def test_own_table_whole_table_figure_without_a_total_row_is_a_sum_shown_in_full(market):
    result = ask(market, "How many kg of plums were sold in total?")
    assert result["short_answer"] == "1,720"
    assert result["computation"] == "310 + 420 + 615 + 280 + 95 = 1,720"
    assert any("no total row" in n for n in result["notes"])


def test_own_table_refusals(market):
    row = ask(market, "How many visitors were there at Riverside Market?")
    assert row["kind"] == "none" and "has no row" in row["answer"]
    column = ask(market, "How many kg of cherries did North Gate sell?")
    assert column["kind"] == "none" and "has no column for “cherries”" in column["answer"]
    blank = ask(market, "How many visitors did Chapel Lane have?")
    assert blank["kind"] == "none" and "n/a" in blank["answer"]
    assert ask(market, "Who founded the market?") is None


def test_a_named_row_asked_for_something_the_table_lacks_is_left_to_the_text(market):
    # "gatekeeper" looks like a label ("North Gate"), but the question names its row: the passages may say it
    assert ask(market, "Who is the gatekeeper at North Gate?") is None
    assert "has no Stall “Gatehouse”" in ask(market, "How many visitors did the Gatehouse stall have?")["answer"]


def test_an_inferred_group_name_answers_with_the_inference_in_notes(club):
    result = ask(club, "How many votes did Ana Lima get in North?")
    assert result["short_answer"] == "700"
    assert any("inferred: Ana Lima" in n and "candidate 1 = Ana Lima" in n for n in result["notes"])
    assert ask(club, "Who won South?")["short_answer"] == "Ana Lima"


# ---- the invariant, over every question above ---------------------------------------------------------------


ALL_QUESTIONS = (
    [("seed", q) for q, _, _ in SEED_LOOKUPS]
    + [("seed", q) for q in [
        "How many votes did Murat Kurum get in Arnavutköy?", "What was the turnout in Bağcılar?",
        "By how many votes did Murat Kurum win Bağcılar?", "Who won the most votes in Güngören?",
        "Which district had the highest turnout?", "In how many districts did Murat Kurum come first?",
        "In how many districts did Murat Kurum get more than 50% of the vote?",
        "How many votes did Murat Kurum get in Bağcılar and Esenler combined?",
        "What is the difference in registered electors between Bağcılar and Esenler?",
        "What was the overall turnout in the 2024 Istanbul mayoral election?",
        "By how many votes did Murat Kurum trail the first-placed candidate citywide?",
        "What share of the vote did Others get in Ataşehir?", "How many votes did Murat Kurum get in Ankara?",
        "Did Murat Kurum win Fatih?", "Did Murat Kurum get more than 50% in Bağcılar?"]]
    + [("market", q) for q in [
        "How many kg of pears did Quay Side sell?", "Which fruit sold the most at Old Mill?",
        "How many more kg of apples than pears did North Gate sell?", "Which stall had the most visitors?",
        "How many stalls sold more than 1,000 kg of apples?", "How many kg of plums were sold in total?",
        "What is the difference in visitors between Quay Side and Old Mill?",
        "Did Quay Side sell more than 1,000 kg of pears?"]]
    + [("club", q) for q in ["How many votes did Ana Lima get in North?", "Who won South?"]]
)


def test_every_number_in_every_table_answer_is_in_a_cited_row_or_the_computation(seed, market, club):
    engines = {"seed": seed, "market": market, "club": club}
    answered = 0
    for which, question in ALL_QUESTIONS:
        result = engines[which][0].answer(question)
        assert result is not None, question
        assert_well_formed(result, engines[which][1])
        answered += result["kind"] == "table"
    assert answered >= len(ALL_QUESTIONS) - 1


def test_a_table_citation_carries_its_whole_row_for_display(seed):
    engine, _ = seed
    row = engine.answer("How many votes did Murat Kurum get in Arnavutköy?")["citations"][0]["row"]
    assert row["label"] == "Arnavutköy" and row["label_recovered"] is False
    assert len(row["columns"]) == len(row["values"]) == 8
    assert "81,777" in row["values"] and row["values"][row["columns"].index("Registered electors")] == "225,240"


def test_the_number_of_x_names_column_x_not_a_count_column(seed):
    engine, _ = seed
    result = engine.answer("What was the total number of registered electors?")
    assert result["short_answer"] == "11,314,534"


def test_a_question_naming_no_row_gets_a_whole_table_sum_only_when_it_asks_for_one():
    text = ("# Depots\n\n| Depot | Vans | Opened |\n|---|---|---|\n| Alpha | 12 | 1994 |\n| Beta | 7 | 2008 |\n")
    engine = TableEngine(extract_tables(parse("depots.md", text)))
    assert engine.answer("How many vans are there in total?")["short_answer"] == "19"
    assert engine.answer("How many vans did the Gamma site record?") is None or \
        engine.answer("How many vans did the Gamma site record?")["kind"] == "none"
    summed_years = engine.answer("What is the total of the opened years?")
    assert summed_years is None or summed_years["kind"] == "none"


def test_counting_rows_before_a_year_and_matching_a_column_by_its_word_stem():
    text = ("# Depots\n\n| Depot | Vans | Opening year |\n|---|---|---|\n| Alpha | 12 | 1994 |\n| Beta | 7 | 2008 |\n"
            "| Gamma | 3 | 1987 |\n")
    engine = TableEngine(extract_tables(parse("depots.md", text)))
    result = engine.answer("How many depots opened before 1990?")
    assert result["kind"] == "table" and result["short_answer"] in ("1", "one")


@pytest.mark.parametrize("question", ["Who came out on top in Mill?", "who came out on top at the mill station"])
def test_a_row_the_question_names_is_not_its_own_answer(question):
    engine, texts = _engine(DATA / "council.txt")
    result = engine.answer(question)
    assert result["short_answer"] == "Ida Brenner"       # the most votes at Mill: 290 against 260, not "Mill"
    assert_well_formed(result, texts)


@pytest.mark.parametrize("question", ["What share of registered voters turned out in Westcott?",
                                      "what percentage of voters turned out in westcott",
                                      "What was the turnout in Westcott?"])
def test_turned_out_asked_as_a_share_is_the_turnout(question):
    engine, _ = _engine(DATA / "parish_poll.md")
    result = engine.answer(question)
    assert result["kind"] == "table" and result["short_answer"] == "40.0%"
    assert "400 / 1,000" in result["computation"]


def test_half_of_the_vote_is_read_as_50_percent_by_both_table_readers():
    engine, _ = _engine(DATA / "council.txt")
    result = engine.answer("At how many stations did Ida Brenner get less than half of the vote?")
    assert result["short_answer"] == "3" and "less than 50%" in result["answer"]
    assert not result.get("weak")      # every word is read: no passage is weighed against it
