"""The fine-tuned span reader on the tests' own documents: spans, passages, year consistency, abstention."""
import json
from dataclasses import replace

import numpy as np
import pytest

from app.reader import DEFAULT_PATH, Policy, Reader, best_span, best_spans, default_reader, passage_of, short_form
from tests.conftest import TEXT_DOCS


def test_the_shipped_reader_is_small_and_its_policy_was_chosen_on_held_out_articles():
    meta = json.loads(DEFAULT_PATH.with_suffix(".json").read_text())
    assert DEFAULT_PATH.stat().st_size < 50e6
    assert np.isfinite(meta["threshold"]) and meta["rank_penalty"] >= 0 and "held-out" in meta["policy_from"]
    reader, policy = default_reader()
    assert isinstance(reader, Reader) and policy == Policy(meta["threshold"], meta["rank_penalty"])


def test_the_reader_finds_the_span_in_the_right_passage_and_not_in_a_distractor():
    reader, _ = default_reader()
    passages = ["Greenhouses: Tomatoes remain the largest crop, grown under glass since the 1960s.",
                "Lighthouse: The lamp was lit every night by the keeper, Mara Quill, from 1871 until 1903."]
    readings = reader.read("Who kept the lighthouse lamp?", passages, [13, 12])
    best = max(readings, key=lambda r: r.score)
    assert best.passage == 1 and "Mara Quill" in best.text
    assert readings[1].score > readings[0].score


def test_reference_markers_are_read_as_blanks_and_spans_keep_the_passages_offsets():
    reader, _ = default_reader()
    question = "Who kept the lamp?"
    marked = "Lighthouse: The lamp was lit every night[4] by the keeper,[12][13] Mara Quill, in 1871.[citation needed]"
    blank = marked.replace("[4]", "   ").replace("[12][13]", " " * 8).replace("[citation needed]", " " * 17)
    (got,), (want,) = reader.read(question, [marked], [12]), reader.read(question, [blank], [12])
    assert (got.start, got.end, got.score) == (want.start, want.end, want.score)     # SQuAD's text had no "[4]"
    assert got.text == marked[got.start:got.end] and "Mara Quill" in got.text


def test_a_question_typed_without_its_question_mark_reads_as_the_one_with_it():
    reader, _ = default_reader()
    passages = ["Lighthouse: The lamp was lit every night by the keeper, Mara Quill, from 1871 until 1903."]
    (typed,), (asked,) = reader.read("who kept the lighthouse lamp", passages, [12]), \
        reader.read("Who kept the lighthouse lamp?", passages, [12])
    assert (typed.start, typed.end, typed.score) == (asked.start, asked.end, asked.score)


def test_a_name_typed_without_its_dotless_i_reads_as_the_documents_spelling_and_spans_keep_their_offsets():
    reader, _ = default_reader()
    passage = "Harbour: The ferry Kızılırmak was skippered by Ayşe Yıldız from 1988 until the harbour closed."
    typed, written = (reader.read(q, [passage], [9])[0] for q in ("Who skippered the kizilirmak?",
                                                                   "Who skippered the Kızılırmak?"))
    assert (typed.start, typed.end) == (written.start, written.end) and typed.score == pytest.approx(written.score)
    assert typed.text == passage[typed.start:typed.end] and "Yıldız" in typed.text


def test_passages_read_at_once_and_from_several_threads_get_the_readings_each_gets_alone():
    from concurrent.futures import ThreadPoolExecutor

    reader, _ = default_reader()
    assert reader.at_once          # the shipped reader runs in ONNX Runtime: its passages are read together
    question = "Who kept the lighthouse lamp?"
    passages = ["Greenhouses: Tomatoes remain the largest crop, grown under glass since the 1960s.",
                "Lighthouse: The lamp was lit every night by the keeper, Mara Quill, from 1871 until 1903.",
                "Harbour: The pier was rebuilt in 1954 after a storm and again in 1987."]
    alone = [reader.read(question, [p])[0] for p in passages]
    together = reader.read(question, passages)
    assert [(r.start, r.end, r.score) for r in together] == [(r.start, r.end, r.score) for r in alone]
    assert [r.passage for r in together] == [0, 1, 2]
    with ThreadPoolExecutor(4) as pool:          # requests on the server's threads share the reader and its pool
        results = list(pool.map(lambda _: reader.read(question, passages), range(8)))
    assert all(r == together for r in results)


def test_a_span_never_starts_in_the_title_prefix():
    # logits that would pick token 1 (inside the prefix) if the prefix were allowed
    offsets = np.array([[0, 0], [0, 5], [6, 10], [11, 15], [0, 0]])
    segment = np.array([0, 1, 1, 1, 1])
    mask = np.array([1, 1, 1, 1, 1])
    start = np.array([0.0, 9.0, 1.0, 0.5, 0.0])
    end = np.array([0.0, 9.0, 0.5, 2.0, 0.0])
    reading = best_span(0, "abcde fghi jklm", start, end, offsets, segment, mask, skip=6)
    assert (reading.start, reading.end) == (6, 15) and reading.score == pytest.approx(3.0)


def test_passages_carry_their_title_and_section_and_spans_map_back(regatta_engine):
    chunk = next(c for c in regatta_engine.index.chunks if "Heron crew" in c.text)
    text, skip = passage_of(chunk)
    assert text[:skip].startswith("Tollerby Harbour Regatta") and text[skip:] == chunk.text


def test_a_descriptive_question_gets_cited_sentences_and_no_short_answer(regatta_engine):
    result = regatta_engine.ask("What happened to the regatta in 2020?")
    assert result["kind"] == "text" and result["short_answer"] is None
    assert "storm" in result["answer"] and result["citations"][0]["section"] == "The storm of 2020"
    c = result["citations"][0]
    text = (TEXT_DOCS / c["doc"]).read_text(encoding="utf-8")
    assert text[c["quote_start"]:c["quote_end"]] == c["quote"]


def test_why_questions_get_passages_too(regatta_engine):
    result = regatta_engine.ask("Why was the 2020 regatta cancelled?")
    assert result["short_answer"] is None and "flooded the quays" in result["answer"]


@pytest.mark.parametrize("year, winner, loser", [("2018", "Heron", "Otter"), ("2022", "Otter", "Heron")])
def test_the_answer_comes_from_a_sentence_of_the_year_asked(regatta_engine, year, winner, loser):
    result = regatta_engine.ask(f"Who won the regatta in {year}?")
    assert result["kind"] == "text"
    c = result["citations"][0]
    assert year in c["quote"] or year in c["section"]
    assert winner in result["short_answer"] and loser not in result["short_answer"]


@pytest.mark.parametrize("year, other", [("1954", "2016"), ("2016", "1954")])
def test_of_two_dates_in_one_sentence_the_answer_is_the_one_of_the_year_asked(regatta_engine, year, other):
    result = regatta_engine.ask(f"When was the harbour wall rebuilt in {year}?")
    assert result["kind"] == "text" and year in result["short_answer"] and other not in result["short_answer"]


def test_a_passage_offers_its_spans_best_first():
    offsets = np.array([[0, 0], [0, 3], [4, 7], [8, 11], [0, 0]])
    segment, mask = np.array([0, 1, 1, 1, 1]), np.ones(5, int)
    start, end = np.array([0.0, 3.0, 1.0, 2.0, 0.0]), np.array([0.0, 0.5, 2.5, 1.0, 0.0])
    spans = best_spans(0, "abc def ghi", start, end, offsets, segment, mask, n=4)
    assert [s.score for s in spans] == sorted((s.score for s in spans), reverse=True) and len(spans) == 4
    assert spans[0] == best_span(0, "abc def ghi", start, end, offsets, segment, mask)
    assert (spans[0].text, spans[0].score) == ("abc def", pytest.approx(5.5))


def test_a_span_starts_and_ends_on_word_boundaries_never_inside_a_number():
    # word pieces of "won 54.2% here"; the logits alone would pick "2%"
    offsets = np.array([[0, 0], [0, 3], [4, 6], [6, 7], [7, 8], [8, 9], [10, 14], [0, 0]])
    segment, mask = np.array([0, 1, 1, 1, 1, 1, 1, 1]), np.ones(8, int)
    start = np.array([0.0, 0.0, 1.0, 0.0, 5.0, 0.0, 0.0, 0.0])
    end = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0])
    assert best_span(0, "won 54.2% here", start, end, offsets, segment, mask).text == "54.2%"


def test_a_sentence_under_another_years_heading_does_not_answer(regatta_engine):
    result = regatta_engine.ask("Who coached the crew in 2022?")
    assert result["kind"] == "text" and "Vandermeer" in result["short_answer"]


def test_abstains_on_a_name_or_year_no_document_mentions(regatta_engine):
    for question in ("What is the capital of Peru?", "Who painted the lighthouse in 1850?"):
        result = regatta_engine.ask(question)
        assert result["kind"] == "none" and result["short_answer"] is None and not result["citations"]


def test_a_question_the_document_answers_scores_above_one_it_does_not(regatta_engine):
    answered = regatta_engine.ask("How much does entry cost per crew?")
    unrelated = regatta_engine.ask("What is the recipe for the town's fish soup?")
    assert answered["kind"] == "text" and "40 euros" in answered["short_answer"]
    assert unrelated["kind"] == "none" or unrelated["confidence"] < answered["confidence"]


def test_the_fitted_thresholds_decide_between_answer_and_abstention(regatta_engine):
    """The chooser's expected-F1 threshold decides; without the chooser, the reader's policy does."""
    from app.settings import Settings

    question = "How much does entry cost per crew?"
    text = regatta_engine.text
    chooser, policy = text.chooser, text.policy
    assert chooser.threshold is not None
    try:
        text.chooser = replace(chooser, threshold=0.0)
        answered = regatta_engine.ask(question)
        text.chooser = replace(chooser, threshold=1.0)       # a logistic model never expects an F1 of 1
        refused = regatta_engine.ask(question)
        text.policy = replace(policy, threshold=-np.inf)
        alone = regatta_engine.ask(question, settings=Settings().with_(chooser=False))
        text.policy = replace(policy, threshold=np.inf)
        alone_refused = regatta_engine.ask(question, settings=Settings().with_(chooser=False))
    finally:
        text.chooser, text.policy = chooser, policy
    assert answered["kind"] == "text" and "40" in answered["short_answer"]
    assert refused["kind"] == "none" and "expected F1" in refused["answer"]
    assert alone["kind"] == "text" and "40" in alone["short_answer"]
    assert alone_refused["kind"] == "none" and "reader score" in alone_refused["answer"]


def test_without_the_reader_the_rules_answer(regatta_engine):
    result = regatta_engine.ask("Who won the regatta in 2018?", settings=regatta_engine.settings.with_(reader=False))
    assert result["kind"] == "text" and "Heron" in result["answer"]


def test_a_span_never_runs_across_a_line_break():
    text = "Quill.\nA caption"
    offsets = np.array([[0, 0], [0, 5], [5, 6], [7, 8], [9, 16], [0, 0]])
    segment = np.array([0, 1, 1, 1, 1, 1])
    mask = np.ones(6, dtype=int)
    start = np.array([0.0, 5.0, 0.0, 0.0, 0.0, 0.0])
    end = np.array([0.0, 1.0, 0.0, 0.0, 6.0, 0.0])
    reading = best_span(0, text, start, end, offsets, segment, mask)
    assert "\n" not in reading.text



@pytest.mark.parametrize("content", [b"", b"not a torch file", b"PK\x03\x04broken zip"])
def test_a_corrupt_model_file_falls_back_to_the_rules_with_a_warning(tmp_path, capsys, content):
    path = tmp_path / "reader.pt"
    path.write_bytes(content)
    reader, policy = default_reader.__wrapped__(path)
    assert reader is None and policy == Policy()
    assert "cannot be used" in capsys.readouterr().err


def test_the_reader_runs_in_onnx_runtime_int8_with_the_feed_forward_products_by_block_and_the_head_in_float32():
    # quantizing the feed-forward outputs with one scale per call cost 3.2 to 8.3 points of held-out has-answer F1 per
    # fold, the feed-forward inputs 1.4 points by rotation; one scale per block of a token's inputs does not
    # (docs/text-answers.md)
    import onnx

    from index.runtime import OnnxModule

    reader, _ = default_reader()
    assert isinstance(reader.forward, OnnxModule)
    nodes = onnx.load(str(reader.forward.path)).graph.node
    # an ensemble's readers sit under /members.N in the graph
    members = [f"/members.{k}" for k in range(len(getattr(reader.network, "members", [])))] or [""]
    weighted_float = {n.name for n in nodes if n.op_type == "MatMul" and "attention/self" not in n.name}
    assert weighted_float == {f"{m}/head/MatMul" for m in members}
    blockwise = {n.name for n in nodes if n.op_type == "MatMulNBits"}
    assert blockwise == {f"{m}/encoder/encoder/layer.{i}/{part}/dense/MatMul_Q8" for m in members for i in range(6)
                         for part in ("intermediate", "output")}
    # query, key, value, attention out
    assert sum(n.op_type == "MatMulInteger" for n in nodes) == len(members) * 6 * 4


def test_an_ensemble_of_readers_runs_in_onnx_runtime_with_every_readers_head_in_float32(tmp_path):
    import onnx

    from app.reader import build_network
    from eval.fit_reader import save, save_ensemble
    from index.runtime import OnnxModule

    paths = [tmp_path / "a.pt", tmp_path / "b.pt"]
    for path in paths:
        save(build_network(), path)
    save_ensemble(paths, tmp_path / "both.pt")
    reader = Reader(tmp_path / "both.pt")
    assert isinstance(reader.forward, OnnxModule)
    nodes = {n.name for n in onnx.load(str(reader.forward.path)).graph.node if n.op_type == "MatMul"}
    assert {"/members.0/head/MatMul", "/members.1/head/MatMul"} <= nodes
    (reading,) = reader.read("Who rang it?", ["Bells: It was rung by Ada Finch."], [7])
    assert reading.start >= 7 and reading.text


def test_a_reader_whose_graph_is_cached_serves_without_building_its_torch_network(tmp_path, monkeypatch):
    import app.reader
    from app.reader import build_network
    from eval.fit_reader import save

    monkeypatch.setenv("DOCQA_CACHE", str(tmp_path / "cache"))
    save(build_network(), tmp_path / "r.pt")
    first = Reader(tmp_path / "r.pt")         # exports the graph, so builds the network

    def not_built(path):
        raise AssertionError("the torch network was built")

    monkeypatch.setattr(app.reader, "load_network", not_built)
    again = Reader(tmp_path / "r.pt")
    question, passage = "Who rang it?", "Bells: It was rung by Ada Finch."
    assert again.read(question, [passage], [7]) == first.read(question, [passage], [7])
    with pytest.raises(AssertionError, match="was built"):
        again.network     # built on demand only (tests, benchmarks)


def test_the_int8_reader_picks_the_float32_networks_spans():
    import copy

    import torch

    reader, _ = default_reader()
    float32 = copy.copy(reader)
    float32.forward = reader.network
    assert all(p.dtype == torch.float32 for p in reader.network.parameters())
    for question, passage in [("Who kept the lamp?", "The lamp was lit every night by the keeper, Mara Quill."),
                              ("Which crop is largest?", "Greenhouses: Tomatoes remain the largest crop. " * 30)]:
        want, got = float32.read(question, [passage])[0], reader.read(question, [passage])[0]
        assert got.text == want.text and abs(got.score - want.score) < 2.0     # int8 moves scores by ~1


def test_a_cached_graph_is_not_served_once_the_code_or_encoder_that_builds_the_network_changes(tmp_path, monkeypatch):
    import app.reader
    from app.reader import build_network
    from eval.fit_reader import save

    monkeypatch.setenv("DOCQA_CACHE", str(tmp_path / "cache"))
    save(build_network(), tmp_path / "r.pt")
    Reader(tmp_path / "r.pt")                 # exports and caches the graph
    built = []
    monkeypatch.setattr(app.reader, "load_network", lambda path: built.append(path) or build_network())
    monkeypatch.setattr(app.reader, "builder_identity", lambda: b"reader.py as edited, the same encoder")
    Reader(tmp_path / "r.pt")
    assert built == [tmp_path / "r.pt"]       # the graph was built again from the model file


def test_a_short_answer_drops_the_punctuation_and_emphasis_marks_around_it():
    assert short_form(" Ingrid Halvorsen, ") == "Ingrid Halvorsen"
    assert short_form("Chief Warden Ola Lind*") == "Chief Warden Ola Lind"      # from "*... by Chief Warden Ola Lind*"
