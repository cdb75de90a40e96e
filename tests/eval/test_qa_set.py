"""The Q/A sets load, cover every kind, and every gold evidence string is really in its document."""
import json

import pytest

from eval.metrics import squash
from eval.qa_set import KINDS, SetError, default_docs, load_set
from tests.conftest import ROOT, SEEDS

OTHER = ROOT / "eval" / "other" / "docs"
SETS = [(ROOT / "eval" / "qa.jsonl", SEEDS), (ROOT / "eval" / "other" / "qa.jsonl", OTHER),
        (ROOT / "eval" / "qa_fresh.jsonl", SEEDS), (ROOT / "eval" / "qa_unseen.jsonl", SEEDS),
        (ROOT / "eval" / "other" / "qa_whether.jsonl", OTHER), (ROOT / "eval" / "other" / "qa_arithmetic.jsonl", OTHER),
        (ROOT / "eval" / "arithmetic" / "qa.jsonl", ROOT / "eval" / "arithmetic" / "docs")]


def test_seed_set_covers_every_kind_with_enough_questions():
    items = load_set(ROOT / "eval" / "qa.jsonl")
    kinds = {item.kind for item in items}
    assert kinds == set(KINDS)
    assert len(items) >= 120
    assert sum(not item.answerable for item in items) >= 25
    cross = [item for item in items if item.kind == "cross_doc"]
    assert all(len(item.evidence) == len(item.docs) == 2 for item in cross)   # the list form is read
    assert all(item.history for item in items if item.kind == "followup")


@pytest.mark.parametrize("set_path, docs", SETS, ids=["seeds", "other", "fresh", "unseen", "whether", "arithmetic",
                                                              "huts"])
def test_every_evidence_string_occurs_in_its_document(set_path, docs):
    for item in load_set(set_path):
        if not item.answerable:
            assert not item.evidence and not item.docs
            continue
        texts = [squash((docs / name).read_text(encoding="utf-8")) for name in item.docs]
        for evidence in item.evidence:
            assert any(squash(evidence) in text for text in texts), (item.id, evidence)


def test_a_set_file_names_its_documents_by_a_docs_folder_beside_it(tmp_path):
    assert default_docs(ROOT / "eval" / "other" / "qa.jsonl", SEEDS) == ROOT / "eval" / "other" / "docs"
    assert default_docs(ROOT / "eval" / "qa.jsonl", SEEDS) == SEEDS


def _write(tmp_path, *rows) -> object:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    return path


def test_evidence_and_doc_may_be_strings_lists_or_null(tmp_path):
    path = _write(tmp_path,
                  {"id": "a", "question": "Q?", "answers": ["1"], "kind": "prose", "doc": "d.txt", "evidence": "e"},
                  {"id": "b", "question": "Q?", "answers": ["1"], "kind": "cross_doc", "doc": ["d", "e"],
                   "evidence": ["x", "y"]},
                  {"id": "c", "question": "Q?", "answers": [], "kind": "unanswerable", "doc": None, "evidence": None})
    a, b, c = load_set(path)
    assert a.evidence == ("e",) and a.docs == ("d.txt",) and a.answerable
    assert b.evidence == ("x", "y") and b.docs == ("d", "e")
    assert c.evidence == () and not c.answerable


def test_the_fresh_set_mixes_descriptive_and_unanswerable_questions():
    items = load_set(ROOT / "eval" / "qa_fresh.jsonl")
    assert len(items) >= 40
    assert sum(item.passage for item in items) >= 5 and sum(not item.answerable for item in items) >= 8
    assert all(item.evidence and not item.answers for item in items if item.passage)


def test_a_passage_item_needs_evidence_and_no_short_answers(tmp_path):
    row = {"id": "a", "question": "what happened?", "answers": [], "kind": "prose", "evidence": "e", "passage": True}
    (item,) = load_set(_write(tmp_path, row))
    assert item.passage and item.answerable and item.answers == ()
    for bad in ({**row, "evidence": None}, {**row, "answers": ["x"]}, {**row, "kind": "unanswerable"}):
        with pytest.raises(SetError, match="passage item"):
            load_set(_write(tmp_path, bad))


@pytest.mark.parametrize("row, message", [
    ({"id": "a", "answers": ["1"], "kind": "prose"}, "missing question"),
    ({"id": "a", "question": "Q?", "answers": [], "kind": "prose"}, "needs at least one accepted answer"),
    ({"id": "a", "question": "Q?", "answers": ["1"], "kind": "prose", "evidence": 3}, "evidence must be"),
    ({"id": "a", "question": "Q?", "answers": ["1"], "kind": "followup", "history": "prev"}, "history must be"),
    ("{not json", "set.jsonl:1"),
])
def test_malformed_lines_are_reported_with_their_line(tmp_path, row, message):
    with pytest.raises(SetError, match=message):
        load_set(_write(tmp_path, row))


def test_duplicate_ids_are_refused(tmp_path):
    row = {"id": "a", "question": "Q?", "answers": ["1"], "kind": "prose"}
    with pytest.raises(SetError, match="set.jsonl:2: duplicate id"):
        load_set(_write(tmp_path, row, row))
