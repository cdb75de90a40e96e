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


def test_a_stored_vector_is_the_embedding_of_its_sentence(own_engine, model):
    from index.embed import embed

    chunk = next(c for c in own_engine.index.chunks if c.kind == "text")
    span = split_sentences(chunk.text, chunk.start)[0]
    stored = SentenceLookup(own_engine.index.extras[NAME]).get(chunk.doc, span.start, span.end)
    assert stored is not None and float(stored @ embed(model, [span.text])[0]) > 0.999


def test_the_answer_stage_reads_stored_vectors_and_knows_when_one_is_missing(own_engine):
    lookup = own_engine.text.sentences
    chunk = next(c for c in own_engine.index.chunks if c.kind == "text")
    span = split_sentences(chunk.text, chunk.start)[0]
    assert lookup.get(chunk.doc, span.start, span.end) is not None
    assert lookup.get(chunk.doc, span.start, span.end + 1) is None
    assert lookup.get("no-such-document.md", span.start, span.end) is None
