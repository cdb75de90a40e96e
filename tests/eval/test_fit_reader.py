"""Fitting the span reader: training pairs, labels, rotation and the policy chosen on held-out answers."""
import math
import random

import pytest

from eval.fit_reader import (Policy, choose_policy, encode_examples, load_items, make_examples, passages, predict,
                             rotation_pairs, save, save_ensemble, summary, trade_off)
from eval.squad import SquadQuestion, load_squad
from tests.conftest import ROOT

TINY = ROOT / "tests" / "data" / "squad_tiny.json"


@pytest.fixture(scope="module")
def tiny():
    squad = load_squad(TINY)
    return squad, load_items(TINY), passages(squad.documents)


def test_answer_offsets_point_at_the_answer_in_the_indexed_document(tiny):
    squad, items, _ = tiny
    assert [i.question for i in items] == [q.question for q in squad.questions]
    for item, q in zip(items, squad.questions):
        assert [squad.documents[item.doc][s:e] for s, e in item.answers] == list(q.answers)
        assert bool(item.answers) != q.impossible


def test_each_question_gives_a_labelled_answer_passage_and_a_no_answer_passage(tiny):
    squad, items, chunks = tiny
    examples = make_examples(items, chunks, random.Random(0))
    answerable = [i for i in items if i.answers]
    positives = [x for x in examples if x.answer]
    assert len(positives) == len(answerable)
    negatives = [x for x in examples if x.answer is None]
    assert len(negatives) <= len(items)                       # at most one per question ...
    for item in items:
        if not item.answers:                                  # ... and always one for an unanswerable question
            assert any(x.question == item.question for x in negatives)
    for x in positives:
        assert x.skip <= x.answer[0] and x.passage[x.answer[0]:x.answer[1]] in {
            squad.documents[i.doc][s:e] for i in answerable for s, e in i.answers}


def test_with_swaps_answer_passages_are_also_asked_a_swapped_question_with_no_answer(tiny):
    _, items, chunks = tiny
    plain = make_examples(items, chunks, random.Random(0))
    swapped = make_examples(items, chunks, random.Random(0), swaps=1.0)
    asked = {i.question for i in items}
    made = [x for x in swapped if x.question not in asked]
    assert made and all(x.answer is None for x in made)
    answer_passages = {x.passage for x in swapped if x.answer}
    assert all(x.passage in answer_passages for x in made)    # asked of the passage that answers the original
    assert [x for x in swapped if x.question in asked and x.answer] == [x for x in plain if x.answer]


def test_token_labels_decode_to_the_answer(tiny):
    from app.reader import load_tokenizer

    _, items, chunks = tiny
    tokenizer = load_tokenizer()
    examples = make_examples(items, chunks, random.Random(0))
    encoded = encode_examples(tokenizer, examples)
    assert len(encoded) == len(examples)
    for x, row in zip(examples, encoded):
        if x.answer is None:
            assert row["start"] == row["end"] == 0
        else:
            decoded = tokenizer.decode(row["input_ids"][row["start"]:row["end"] + 1])
            assert decoded.replace(" ", "") == x.passage[x.answer[0]:x.answer[1]].lower().replace(" ", "")


def test_rotation_pairs_spread_unanswerable_articles_over_different_pairs(tiny):
    _, items, _ = tiny
    pairs = rotation_pairs(items)
    assert sorted(a for p in pairs for a in p) == sorted({i.article for i in items})
    with_unanswerable = [p for p in pairs if any(not i.answers for i in items if i.article in p)]
    assert len(with_unanswerable) == len(pairs)      # both articles have one, and they sit in different pairs


def test_the_trade_off_says_how_much_has_answer_f1_abstaining_on_unanswerable_questions_costs():
    answerable = [SquadQuestion(f"a{i}", "q", ("Paris",), False, "d") for i in range(4)]
    unanswerable = [SquadQuestion(f"n{i}", "q", (), True, "d") for i in range(4)]
    right = [{"id": q.id, "readings": [[3.0 + i, 0, "Paris", "d"]]} for i, q in enumerate(answerable)]
    below = [{"id": q.id, "readings": [[float(i), 0, "London", "d"]]} for i, q in enumerate(unanswerable)]
    apart = trade_off(answerable + unanswerable, right + below)
    assert apart == {"has_ans_f1_at_30pct_no_ans": 100.0, "has_ans_f1_at_45pct_no_ans": 100.0,
                     "has_ans_f1_at_60pct_no_ans": 100.0}
    above = [{"id": q.id, "readings": [[10.0 + i, 0, "London", "d"]]} for i, q in enumerate(unanswerable)]
    assert trade_off(answerable + unanswerable, right + above)["has_ans_f1_at_60pct_no_ans"] == 0.0
    assert trade_off(answerable, right) == {}          # no unanswerable question: nothing to tell apart


def test_the_policy_threshold_separates_right_answers_from_answers_to_unanswerable_questions():
    questions = [SquadQuestion("a", "q", ("Paris",), False, "d"), SquadQuestion("b", "q", ("1887",), False, "d"),
                 SquadQuestion("c", "q", (), True, "d"), SquadQuestion("d", "q", (), True, "d")]
    rows = [{"id": "a", "readings": [[3.0, 0, "Paris", "d"]]}, {"id": "b", "readings": [[2.5, 0, "1887", "d"]]},
            {"id": "c", "readings": [[0.5, 0, "London", "d"]]}, {"id": "d", "readings": [[-1.0, 0, "x", "d"]]}]
    policy = choose_policy(rows, questions)
    assert 0.5 < policy.threshold < 2.5
    scores = summary(questions, rows, [policy] * 4)
    assert scores["has_ans_f1"] == 100.0 and scores["no_ans_accuracy"] == 100.0
    never = summary(questions, rows, [Policy(-math.inf)] * 4)
    assert never["no_ans_accuracy"] == 0.0


def test_the_rank_penalty_prefers_the_higher_ranked_passage_when_scores_are_close():
    questions = [SquadQuestion("a", "q", ("Paris",), False, "d1")]
    rows = [{"id": "a", "readings": [[2.0, 0, "Paris", "d1"], [2.2, 3, "Lyon", "d2"]]}]
    assert summary(questions, rows, [Policy(-math.inf, 0.0)])["has_ans_f1"] == 0.0
    assert summary(questions, rows, [Policy(-math.inf, 0.25)])["has_ans_f1"] == 100.0


def test_a_saved_reader_holds_only_the_fine_tuned_weights_and_loads(tmp_path):
    from app.reader import Reader, build_network

    path = tmp_path / "reader.pt"
    save(build_network(), path)
    assert path.stat().st_size < 30e6
    reader = Reader(path)
    (reading,) = reader.read("Who built it?", ["Title: It was built by Martha Doyle."], [7])
    assert reading.start >= 7 and reading.text


def test_a_resumed_fine_tuning_starts_from_the_saved_reader_and_moves_it(tmp_path, tiny):
    import torch

    from app.reader import build_network, load_network, load_tokenizer
    from eval.fit_reader import train

    squad, items, chunks = tiny
    path = tmp_path / "reader.pt"
    torch.manual_seed(1)
    save(build_network(), path)
    saved = load_network(path).head.weight.detach().clone()
    encoded = encode_examples(load_tokenizer(), make_examples(items, chunks, random.Random(0)))[:4]
    resumed = train(encoded, 1, log=lambda _: None, network=load_network(path)).head.weight.detach()
    fresh = build_network().head.weight.detach()     # a new head: what training from scratch would start from
    assert 0 < (resumed - saved).abs().max() < (fresh - saved).abs().max()


def test_an_ensemble_file_reads_as_the_mean_of_its_readers_logits(tmp_path):
    import torch

    from app.reader import build_network, encode_pairs, load_network, load_tokenizer

    paths = []
    for seed in (1, 2):
        torch.manual_seed(seed)
        paths.append(tmp_path / f"reader{seed}.pt")
        save(build_network(), paths[-1])
    save_ensemble(paths, tmp_path / "both.pt")
    save_ensemble([tmp_path / "both.pt", paths[0]], tmp_path / "three.pt")     # an ensemble's readers join one by one
    pair = encode_pairs(load_tokenizer(), ["Who rang the bell?"], ["The bell was rung by Ada Finch at noon."])
    inputs = (pair["input_ids"], pair["attention_mask"], pair["token_type_ids"])
    with torch.inference_mode():
        one, two = (load_network(p).eval()(*inputs)[0] for p in paths)
        both = load_network(tmp_path / "both.pt").eval()(*inputs)[0]
        assert len(load_network(tmp_path / "three.pt").members) == 3
    assert not torch.allclose(one, two) and torch.allclose(both, (one + two) / 2, atol=1e-5)
    assert (tmp_path / "both.pt").stat().st_size < 2.1 * paths[0].stat().st_size


def test_the_folds_are_read_with_each_question_read_as_the_engine_reads_it(regatta_engine):
    """A question typed without its apostrophes gets the readings of the question written with them."""
    typed, written = (SquadQuestion(str(i), q, ("Maren Solberg",), False, "harbour_regatta.md") for i, q in
                      enumerate(["who coached herons crew in 2018", "who coached Heron's crew in 2018"]))
    rows = predict(regatta_engine, regatta_engine.text.reader, [typed, written])
    assert rows[0]["readings"] and rows[0]["readings"] == rows[1]["readings"]
    assert rows[0]["candidates"] == rows[1]["candidates"]
