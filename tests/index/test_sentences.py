"""Sentence vectors are computed when the index is built and stored with it."""
import numpy as np

from index.parse import split_sentences
from index.sentences import NAME, SentenceLookup


def test_every_sentence_of_the_text_chunks_has_a_stored_unit_vector(own_engine):
    extra = own_engine.index.extras[NAME]
    expected = {(c.doc, f"{s.start}:{s.end}") for c in own_engine.index.chunks if c.kind == "text"
                for s in split_sentences(c.text, c.start)}
    stored = {(doc, key) for doc, (lo, hi) in extra.doc_rows.items() for key in extra.keys[lo:hi]}
    assert stored == expected and len(extra.keys) == len(extra.vectors)
    assert np.allclose(np.linalg.norm(np.asarray(extra.vectors), axis=1), 1.0, atol=1e-3)


def test_a_stored_vector_is_its_sentence_read_in_its_chunk(own_engine, model):
    from index.embed import embed_with_spans
    from index.sentences import chunk_sentences

    chunk = next(c for c in own_engine.index.chunks if c.kind == "text" and len(chunk_sentences(c)) > 1)
    (key, span), *_ = chunk_sentences(chunk)
    start, end = map(int, key.split(":"))
    stored = SentenceLookup(own_engine.index.extras[NAME]).get(chunk.doc, start, end)
    _, (pooled,) = embed_with_spans(model, [chunk.search_text], [[span]])
    assert chunk.search_text[slice(*span)] == own_engine.index.texts[chunk.doc][start:end]
    assert stored is not None and float(stored @ pooled[0]) > 0.999


def test_a_sentence_vector_is_nearer_a_question_about_that_sentence(model):
    from index.embed import embed, embed_with_spans

    text = "Harbour Ferries | The Kestrel carries 240 passengers. The company was founded by Agnes Pell in 1921."
    second = text.index("The company")
    _, (pooled,) = embed_with_spans(model, [text], [[(text.index("The Kestrel"), second - 1), (second, len(text))]])
    question = embed(model, ["Who founded the ferry company?"])[0]
    assert float(pooled[1] @ question) > float(pooled[0] @ question)


def test_a_chunk_vector_from_the_shared_pass_equals_a_plain_embedding(model):
    from index.embed import embed, embed_with_spans

    texts = ["Tide tables | High water at 06:12.", "A market opens on Saturdays. It sells honey.", "x"]
    vectors, pooled = embed_with_spans(model, texts, [[(0, 11)], [(0, 28), (29, 44)], []])
    assert np.allclose(vectors, embed(model, texts), atol=1e-5)
    assert [len(p) for p in pooled] == [1, 2, 0]
    assert np.allclose(np.linalg.norm(np.vstack(pooled[:2]), axis=1), 1.0, atol=1e-4)


def test_a_sentence_cut_off_by_truncation_is_embedded_on_its_own(model):
    from index.embed import embed, embed_with_spans

    text = "word " * 600 + "The last sentence is past the model's window."
    tail = (text.index("The last"), len(text))
    _, (pooled,) = embed_with_spans(model, [text], [[tail]])
    assert float(pooled[0] @ embed(model, [text[slice(*tail)]])[0]) > 0.999


def test_the_answer_stage_reads_stored_vectors_and_knows_when_one_is_missing(own_engine):
    lookup = own_engine.text.sentences
    chunk = next(c for c in own_engine.index.chunks if c.kind == "text")
    span = split_sentences(chunk.text, chunk.start)[0]
    assert lookup.get(chunk.doc, span.start, span.end) is not None
    assert lookup.get(chunk.doc, span.start, span.end + 1) is None
    assert lookup.get("no-such-document.md", span.start, span.end) is None


def test_a_build_holds_sentence_vectors_in_the_stored_precision_before_they_are_written(docs_copy, model, tmp_path):
    from index.build import build_index
    from index.store import EXTRA_DTYPE

    index, _ = build_index(docs_copy, tmp_path / "index", model=model, incremental=False, write=False)
    vectors = index.extras[NAME].vectors
    assert len(vectors) and vectors.dtype == EXTRA_DTYPE   # half the memory float32 takes while building
