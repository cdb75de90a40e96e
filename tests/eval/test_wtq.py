"""WTQ scoring: folded values, numbers by value, every item of a list; questions sorted by operation kind."""
from __future__ import annotations

import json

from eval.wtq import load_wtq, matches, operation_kind


def test_values_compare_after_folding_case_diacritics_and_separators():
    assert matches("Gungoren", ("Güngören",))
    assert matches("1,006,856", ("1006856",))
    assert matches("5.0", ("5",))
    assert not matches("6", ("5",))
    assert not matches(None, ("5",))


def test_a_list_answer_needs_every_item_and_no_other():
    assert matches("West Germany; Netherlands", ("Netherlands", "West Germany"))
    assert not matches("West Germany", ("West Germany", "Netherlands"))
    assert not matches("West Germany; Netherlands; Italy", ("West Germany", "Netherlands"))


def test_operation_kinds_read_from_the_wording():
    assert operation_kind("how many games took place in november?") == "count"
    assert operation_kind("after mr. ben steyn, who was the next mayor?") == "next/previous"
    assert operation_kind("what is the last stop on route 10?") == "first/last"
    assert operation_kind("who scored the most goals?") == "superlative"
    assert operation_kind("were more episodes aired in 1967 or 1968?") == "compare"
    assert operation_kind("what is the difference between a and b?") == "difference"


def test_the_set_loads_question_answers_and_table(tmp_path):
    line = {"id": "x1", "q": "how many?", "answers": ["3"], "doc": "t.md", "all": False}
    (tmp_path / "qa.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    (item,) = load_wtq(tmp_path)
    assert (item.question, item.answers, item.doc, item.operation) == ("how many?", ("3",), "t.md", "count")
