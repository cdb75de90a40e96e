"""Text answers: what a span must not be, and which questions ask for an account rather than a span."""
import pytest

from app.chooser import Asked
from app.retrieve import Hit
from app.text_answer import (QUANTITY, _unit, counted, end_state, in_reference, is_descriptive, is_share,
                              without_asked_title, with_unit, without_clause, years_first)
from index.chunk import Chunk


def test_a_reference_marker_is_no_span_to_answer_with():
    sentence = "[12] The crossing took 40 minutes.[citation needed] It reopened in 1956.[7]"
    assert in_reference(sentence, sentence.index("12"))
    assert in_reference(sentence, sentence.index("citation"))
    assert in_reference(sentence, sentence.index("7]"))
    assert not in_reference(sentence, sentence.index("40"))
    assert not in_reference(sentence, sentence.index("1956"))


def _hit(doc: str, title: str, text: str, section: tuple[str, ...] = ()) -> Hit:
    return Hit(Chunk(f"{doc}#c0", doc, title, section, "text", 0, len(text), text, text), 1.0)


def test_passages_of_other_years_are_read_after_those_of_the_year_asked():
    earlier = _hit("a.md", "Harvest fair 2019", "The prize went to a pumpkin grower from the valley.")
    later = _hit("b.md", "Harvest fair", "The 2023 prize went to a beekeeper.", ("Prizes",))
    undated = _hit("c.md", "Harvest fair", "Prizes are given by a jury of three.")
    ordered = years_first("Who won the harvest fair prize in 2023?", [earlier, later, undated])
    assert ordered == [later, undated, earlier]


def test_passages_of_another_month_of_the_year_asked_are_read_after_those_of_its_month():
    spring = _hit("a.md", "Harvest fair", "At the fair of 12 March 2023 the prize went to a pumpkin grower.")
    autumn = _hit("b.md", "Harvest fair", "At the September 2023 fair the prize went to a beekeeper.")
    assert years_first("who won the harvest fair prize in september 2023", [spring, autumn]) == [autumn, spring]
    assert years_first("Who won the harvest fair prize in 2023?", [spring, autumn]) == [spring, autumn]


def test_without_a_year_in_the_question_passages_keep_their_retrieval_order():
    earlier = _hit("a.md", "Harvest fair 2019", "The prize went to a pumpkin grower.")
    later = _hit("b.md", "Harvest fair 2023", "The prize went to a beekeeper.")
    assert years_first("Who won the harvest fair prize?", [earlier, later]) == [earlier, later]


def _engine_over(tmp_path, model, name: str, text: str):
    """An engine over one document of the test's own, its chooser answering whatever its expected F1."""
    import dataclasses

    from app.engine import Engine
    from index import store
    from index.build import build

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    build(tmp_path / "docs", tmp_path / "index", model=model)
    engine = Engine(store.load(tmp_path / "index"), model, tmp_path / "index")
    engine.text.chooser = dataclasses.replace(engine.text.chooser, threshold=0.0)
    return engine


MILL = """# Aldwick Tide Mill

The Aldwick tide mill stands on the creek below the village. It was restored by a volunteer trust led by Hester
Quayle, a retired engineer.

## Restoration

Volunteers rebuilt the wheel and the sluice gates, and the trust raised the money from local families. The mill
reopened to visitors in spring, and three millstones were brought back from the quarry.
"""


def test_a_how_many_or_what_share_question_is_answered_only_by_a_span_with_a_number(tmp_path, model):
    engine = _engine_over(tmp_path, model, "mill.md", MILL)   # no abstention cut: only the type check abstains
    for question in ("How many volunteers rebuilt the wheel?", "How many families gave money to the trust?",
                     "What share of the money came from local families?"):
        found = engine.text.answer(question, engine.retrieve(question), engine.settings)
        assert found.short_answer is None or QUANTITY.search(found.short_answer), (question, found.short_answer)
    counted = engine.text.answer("How many millstones were brought back?",
                                 engine.retrieve("How many millstones were brought back?"), engine.settings)
    assert counted.short_answer == "three"


CHESS = """# 2021 Lakeside Chess Open

The winner was Ilse Maartens, who beat Tomas Reyes in the final round. The next open is planned for 2025.
"""


def test_a_sentence_naming_no_year_is_of_the_year_its_heading_or_title_names(tmp_path, model):
    engine = _engine_over(tmp_path, model, "chess.md", CHESS)   # no abstention cut: only the years decide

    def answer(question: str):
        return engine.text.answer(question, engine.retrieve(question), engine.settings).short_answer

    assert answer("Who won the 2021 Lakeside Chess Open?") == "Ilse Maartens"
    assert "Maartens" not in (answer("Who won the 2025 Lakeside Chess Open?") or "")


COUNCIL = """# 2034 Harbour Council election

Mara Quill of the Green Harbour Party; Quill, when first elected in 2030, became the council's first ferry pilot.
"""


def test_a_year_in_another_part_of_a_sentence_past_a_semicolon_does_not_date_the_span(tmp_path, model):
    engine = _engine_over(tmp_path, model, "council.md", COUNCIL)   # no abstention cut: only the years decide
    question = "Which party did Mara Quill represent in 2034?"
    found = engine.text.answer(question, engine.retrieve(question), engine.settings).short_answer
    assert found is not None and "Green Harbour Party" in found


@pytest.mark.parametrize("question, descriptive", [
    ("What does the town council do?", True), ("what did the volunteers do", True), ("Why was it cancelled?", True),
    ("What does the regatta cost to enter?", False), ("What did the club do in 1931?", False),
    ("What do you call the quay?", False), ("What happens if the ferry is late?", True),
    ("Does the pass cover the night ferry?", True), ("was the quay rebuilt", True),
    ("Was the ferry red or blue?", False),                              # a choice gets a span, yes or no the passage
    ("tell me what changed after the new harbour master took over", True), ("What changed in 2031?", True),
    ("Summarize the ferry dispute", True), ("give me an overview of the regatta", True),
    ("Tell me the ferry's name", False),
    ("Who is Maren Solberg?", True), ("who's maren Solberg", True), ("Who was Dr Piet Vandermeer", True),   # who
    ("Who is the harbour master?", False), ("Who was Mayor of Tollerby in 2022?", False),   # someone named is
    ("Who is Maren Solberg married to?", False), ("who is he", False)])                     # an account of them
def test_what_does_someone_do_asks_for_an_account_like_why_and_what_happened(question, descriptive):
    assert is_descriptive(question) is descriptive


def test_who_someone_named_is_is_answered_with_the_passages_about_them(regatta_engine):
    result = regatta_engine.ask("Who is Piet Vandermeer?")
    assert result["kind"] == "text" and result["short_answer"] is None
    assert any("former ferry captain" in c["quote"] for c in result["citations"])


def test_what_someone_did_is_answered_with_the_passage_and_no_short_answer(regatta_engine):
    result = regatta_engine.ask("What did the town council do?")
    assert result["kind"] == "text" and result["short_answer"] is None
    assert any("council paid for new boats" in c["quote"] for c in result["citations"])


def test_an_acronym_a_retrieved_passage_spells_out_is_no_unknown_name(regatta_engine):
    spelled = regatta_engine.ask("In which year was the TRC founded?")
    assert spelled["kind"] == "text" and spelled["short_answer"] == "1931"
    unknown = regatta_engine.ask("In which year was the TLC founded?")
    assert unknown["kind"] == "none" and "never mention TLC" in unknown["answer"]


@pytest.mark.parametrize("question, span, after, short", [
    ("How many visitors came in 2022?", "five nights and drew 11,500", " visitors.", "11,500"),
    ("How many nights did it last?", "seven nights and attracted 19,200", " visitors.", "seven nights"),
    ("How many miles west is it?", "46 kilometres (29", " miles) west", "29"),
    ("How many visitors came?", "3,000 to 5,000", " visitors", "3,000 to 5,000"),              # a range
    ("How many aftershocks were there?", "between 64 and 104", " aftershocks", "between 64 and 104"),
    ("How many lanterns were lit?", "three of the six", " lanterns", "three of the six"),      # a part
    ("How many visitors came?", "five nights and drew 11,500", " people.", "five nights and drew 11,500"),
])
def test_of_counts_in_separate_clauses_a_how_many_answer_keeps_the_one_of_the_unit_asked(question, span, after, short):
    assert counted(span, after, _unit(question)) == short


def test_a_name_or_figure_stops_before_the_clause_it_runs_on_into():
    assert without_clause("Hollis Building Supplies, replacing Marsh & Sons") == "Hollis Building Supplies"
    assert without_clause("the Pell Trust, which paid for the roof") == "the Pell Trust"
    assert without_clause("1987, opened in 1990") == "1987"
    # a list, or words that are no name, stay whole
    assert without_clause("heating, cooling and lighting") == "heating, cooling and lighting"
    assert without_clause("two boats, including the Tern") == "two boats, including the Tern"
    assert without_clause("3 May that was not lifted until 9 June") == "3 May"     # a restrictive clause
    assert without_clause("£4.50 and a child £2") == "£4.50"                     # a second phrase coordinated
    assert without_clause("Ines Moreau and Kofi Asante") == "Ines Moreau and Kofi Asante"     # two names stay


def test_a_name_drops_the_title_words_that_only_repeat_the_question():
    asked = Asked({"chief": 1.0, "fire": 1.0, "offic": 1.0}, {}, "person")      # "who's the chief fire officer"
    assert without_asked_title("Chief Fire Officer Ola Lind", asked) == "Ola Lind"
    assert without_asked_title("Officer Lind", asked) == "Officer Lind"          # one word left would be no name
    assert without_asked_title("Dr Ola Lind", asked) == "Dr Ola Lind"


@pytest.mark.parametrize("question, short, after, answer", [
    ("how long is the walk to the ferry", "twenty-five", " minutes from the green.", "twenty-five minutes"),
    ("how high is the bell tower", "about 31", " metres to the vane", "about 31 metres"),
    ("how far did the relay run", "3.5", "km along the towpath", "3.5km"),
    ("how long did the lease run", "1958", " until the council bought it", "1958"),   # no unit after it
    ("how many boats were entered", "12", " boats", "12"),                          # no measure asked
    ("how long was the delay", "two hours", " in all", "two hours"),                 # has its unit
])
def test_a_bare_number_answering_how_long_or_far_takes_its_unit(question, short, after, answer):
    assert with_unit(short, after, question) == answer


@pytest.mark.parametrize("question, short, before, answer", [
    ("how many bell ringers does the tower have now", "9 to 13", "The band grew from ", "13"),
    ("what is the hire fee", "from £40 to £55", "The council raised it ", "£55"),
    ("how much was collected at the fete", "£912, up from £780", "The fete raised ", "£912"),
    ("how many ringers joined", "9 to 13", "Between ", "9 to 13"),                  # a range, no "from"
    ("when did the mill run", "1790 to 1905", "It operated from ", "1790 to 1905"),  # a range: no verb of change
    ("how much did the band grow", "9 to 13", "The band grew from ", "9 to 13"),    # a change is asked
    ("who led the band", "Ada to Bram", "The lead passed from ", "Ada to Bram"),     # no figures
    ("when is the hall open", "9:00 to 17:30", "It is open from ", "9:00 to 17:30"),   # hours, no change
])
def test_a_change_answering_a_question_that_asks_none_is_the_figure_it_came_to(question, short, before, answer):
    assert end_state(short, before, question) == answer


TOUR = """# Harrowgate Male Voice Choir: Spring Tour 2025

## Travel

The choir travelled to the three concerts in a 53-seat coach hired from Pennant Travel of Aberfal. The coach left
the rehearsal hall at seven each morning and returned after the last encore.

## Concerts

Tickets for the final concert at St Brannoc's Church cost £12, and the retiring collection raised £640 for the
lifeboat station.
"""


@pytest.fixture(scope="module")
def tour_engine(engine_over):
    return engine_over("tour.md", TOUR)


def test_a_question_asking_what_something_cost_is_answered_with_money_or_not_at_all(tour_engine):
    assert tour_engine.ask("what did the coach hire cost the choir")["short_answer"] is None   # not "53-seat coach"
    assert tour_engine.ask("how much did the choir pay for the coach")["short_answer"] is None  # not "53-seat"
    assert tour_engine.ask("how much did tickets for the final concert cost")["short_answer"] == "£12"


ALARM = """# Ridgeway Sawmill: Incident Report

## The fire

The smoke alarm in the drying shed went off at 3:15 am on 9 October 2024, and the first crew arrived eleven minutes
later. The shed had been inspected on 2 September 2024.
"""


def test_a_question_asking_what_time_is_answered_with_a_time_of_day_not_a_date(engine_over):
    engine = engine_over("alarm.md", ALARM)
    assert engine.ask("what time did the smoke alarm go off")["short_answer"] in ("3:15 am", "3:15")
    inspected = engine.ask("what time was the shed inspected")["short_answer"]
    assert inspected is None or "September" not in inspected       # a date is no time of day


BALLOT = """# Harbour ward by-election, autumn 2025

## The campaign

Campaigning focused on the closure of the ferry slipway, and both lists accused the other of misleading leaflets.

## The count

The count showed a clear swing towards Ines Carvalho, who turned her spring lead of 212 votes into a comfortable win
with 58.4% of the vote against Tomas Brenner's 37.1%.
Brenner, for his part, conceded on the steps of the town hall shortly after midnight.
"""


def test_a_question_asking_what_share_is_answered_with_a_percentage_not_a_count(engine_over):
    engine = engine_over("ballot.md", BALLOT)
    share = engine.ask("What share of the vote did Carvalho win in the autumn by-election?")["short_answer"]
    assert share in (None, "58.4%")         # not "212", the votes of her spring lead
    assert engine.ask("What percentage did Brenner get?")["short_answer"] == "37.1%"
    assert engine.ask("how many votes was her spring lead")["short_answer"] == "212"


def test_a_share_is_a_number_written_as_a_percentage_or_a_word_for_a_part():
    assert is_share("58.4%") and is_share("3", " per cent of voters") and is_share("70", "% of the vote")
    assert is_share("54.2% of the vote against the runner-up's 45.0%") and is_share("half") and is_share("a third")
    assert not is_share("212", " votes") and not is_share("212 votes into a comfortable win with 58.4%")
    assert not is_share("Carvalho")
