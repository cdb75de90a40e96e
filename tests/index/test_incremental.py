"""Incremental builds: only new or edited documents are parsed and embedded; the result equals a full build."""
import shutil

import numpy as np
import pytest

from index import store
from index.build import build
from index.chunk import Chunk
from index.sentences import NAME as SENTENCES, chunk_sentences
from tests.conftest import OWN_DOCS, ROOT

TABLES = ROOT / "tests" / "data" / "tables"


class CountingModel:
    """The real embedder, counting the texts it is asked to encode."""

    def __init__(self, model):
        self.model, self.encoded = model, 0

    def encode(self, texts, **kwargs):
        self.encoded += len(texts)
        return self.model.encode(texts, **kwargs)

    def get_sentence_embedding_dimension(self):
        from index.embed import dimension

        return dimension(self.model)


@pytest.fixture
def corpus(tmp_path):
    """Three documents: the tests' own prose and two table documents."""
    docs = tmp_path / "docs"
    shutil.copytree(OWN_DOCS, docs)
    for path in TABLES.iterdir():
        shutil.copy(path, docs / path.name)
    return docs


def _chunks_of(index: store.StoredIndex, doc: str) -> int:
    return sum(c.doc == doc for c in index.chunks)


def _sentences_of(index: store.StoredIndex, doc: str | None = None) -> int:
    """Sentence vectors stored for one document (or all): the build embeds them along with the chunks."""
    extra = index.extras[SENTENCES]
    return sum(hi - lo for d, (lo, hi) in extra.doc_rows.items() if doc in (None, d))


def test_sentence_vectors_come_from_the_chunks_own_pass(corpus, tmp_path, model, monkeypatch):
    monkeypatch.setattr(type(model), "encode", lambda *a, **k: pytest.fail("embedded apart from the chunks"))
    build(corpus, tmp_path / "index", model=model)
    index = store.load(tmp_path / "index")
    sentences = {(c.doc, key) for c in index.chunks for key, _ in chunk_sentences(c)}
    assert len(sentences) > 10 and _sentences_of(index) == len(sentences)


def test_only_the_edited_document_is_embedded_again(corpus, tmp_path, model):
    out = tmp_path / "index"
    counting = CountingModel(model)
    first = build(corpus, out, model=counting)
    assert counting.encoded == first.chunks + _sentences_of(store.load(out)) and first.reused_documents == 0

    edited = corpus / "market.md"
    edited.write_text(edited.read_text() + "\nThe market also sells honey from the hill farms.\n")
    counting.encoded = 0
    second = build(corpus, out, model=counting)
    index = store.load(out)
    assert second.reused_documents == second.documents - 1   # every document but the edited one
    assert second.embedded_chunks == _chunks_of(index, "market.md") < index.vectors.ntotal
    assert counting.encoded == second.embedded_chunks + _sentences_of(index, "market.md")
    assert "honey" in index.sparse.idf and "honey" in index.lexicon.doc_terms["market.md"]


def test_a_rebuild_passes_unchanged_documents_chunks_on_as_stored(corpus, tmp_path, model, monkeypatch):
    out = tmp_path / "index"
    build(corpus, out, model=model)
    before = store.load(out)
    edited = corpus / "market.md"
    edited.write_text(edited.read_text() + "\nThe market also sells honey from the hill farms.\n")
    parsed = []
    original = Chunk.from_dict.__func__
    monkeypatch.setattr(Chunk, "from_dict", classmethod(lambda cls, d: parsed.append(d) or original(cls, d)))
    build(corpus, out, model=model)
    assert parsed == []                                  # nothing read back into objects, nothing encoded again
    after = store.load(out)
    kept = [line for line, doc in zip(before.chunks.lines(), before.chunks.docs) if doc != "market.md"]
    assert [line for line, doc in zip(after.chunks.lines(), after.chunks.docs) if doc != "market.md"] == kept
    assert any("honey" in c.text for c in after.chunks if c.doc == "market.md")


def test_an_incremental_build_equals_a_full_build(corpus, tmp_path, model):
    out, full = tmp_path / "index", tmp_path / "full"
    build(corpus, out, model=model)
    (corpus / "club.txt").unlink()
    (corpus / "greenhouse.md").write_text((corpus / "greenhouse.md").read_text().replace("vegetables", "aubergines"))
    (corpus / "new.md").write_text("# Bees\n\nThe cooperative keeps twelve hives behind the greenhouse.\n")
    build(corpus, out, model=model)
    build(corpus, full, model=model, incremental=False)
    a, b = store.load(out), store.load(full)
    assert [c.to_dict() for c in a.chunks] == [c.to_dict() for c in b.chunks]
    assert np.allclose(a.embeddings, b.embeddings, atol=1e-5)
    assert a.extras[SENTENCES].keys == b.extras[SENTENCES].keys and a.extras[SENTENCES].doc_rows == b.extras[SENTENCES].doc_rows
    assert np.allclose(a.extras[SENTENCES].vectors, b.extras[SENTENCES].vectors, atol=1e-3)   # stored in half precision
    assert dict(a.sparse.idf) == dict(b.sparse.idf)
    assert a.sparse.scores(["aubergin"]).max() > 0 and "veget" not in a.lexicon.doc_terms["greenhouse.md"]
    for terms in (["aubergin"], ["hive", "greenhous"], ["veget"], ["tomato", "tomato"]):
        assert np.array_equal(a.sparse.scores(terms), b.sparse.scores(terms))
    assert a.lexicon.surface == b.lexicon.surface and a.lexicon.names == b.lexicon.names
    assert {d: set(a.lexicon.doc_terms[d]) for d in a.lexicon.doc_terms} == \
           {d: set(b.lexicon.doc_terms[d]) for d in b.lexicon.doc_terms}
    assert "club.txt" not in a.texts and len(a.tables) == len(b.tables)


def test_an_interrupted_incremental_build_leaves_the_old_index(corpus, tmp_path, model, monkeypatch):
    out = tmp_path / "index"
    build(corpus, out, model=model)
    before = store.load(out)
    (corpus / "market.md").write_text((corpus / "market.md").read_text() + "\nHoney is sold on Fridays.\n")

    def crash(*_):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(store, "_swap", crash)
    with pytest.raises(KeyboardInterrupt):
        build(corpus, out, model=model)
    after = store.load(out)
    assert after.manifest.built_at == before.manifest.built_at and after.manifest.docs == before.manifest.docs
    assert "honey" not in after.sparse.idf and np.array_equal(after.embeddings, before.embeddings)
    assert not list(out.parent.glob(".index.tmp-*"))


def test_a_build_with_nothing_new_or_edited_does_not_load_the_model(corpus, tmp_path, model):
    out = tmp_path / "index"
    build(corpus, out, model=model)
    again = build(corpus, out)                  # no model given: it would be loaded if anything needed embedding
    assert again.model_seconds == 0 and again.embedded_chunks == 0 and again.reused_documents == again.documents
    assert store.load(out).vectors.ntotal == again.chunks


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_an_approximate_index_keeps_its_graph_and_skips_rows_of_edited_documents(corpus, tmp_path, model, kind):
    from index.dense import Rows

    out = tmp_path / "index"
    build(corpus, out, model=model, dense=kind)
    before = store.load(out)
    market = _chunks_of(before, "market.md")
    (corpus / "market.md").write_text((corpus / "market.md").read_text() + "\nHoney is sold on Fridays.\n")
    build(corpus, out, model=model, dense=kind)
    after = store.load(out)
    assert isinstance(after.vectors, Rows) and after.vectors.ntotal == len(after.chunks)
    rows = after.vectors.positions
    assert len(rows) == len(before.chunks) + _chunks_of(after, "market.md")   # the old rows kept, the new added
    assert (rows < 0).sum() == market                                        # the edited document's old rows dead
    assert sorted(rows[rows >= 0]) == list(range(len(after.chunks)))
    flat = np.asarray(after.embeddings) @ np.asarray(after.embeddings).T     # each chunk's nearest is itself
    _, found = after.vectors.search(np.asarray(after.embeddings), 1)
    assert list(found[:, 0]) == list(np.argmax(flat, axis=1))
    _, every = after.vectors.search(np.asarray(after.embeddings[:3]), len(after.chunks))
    assert sorted(every[0][every[0] >= 0]) == list(range(len(after.chunks)))  # no dead row comes back


def test_an_approximate_index_is_built_afresh_once_too_many_rows_are_dead(corpus, tmp_path, model):
    out = tmp_path / "index"
    build(corpus, out, model=model, dense="hnsw")
    fresh = []
    for text in ("Honey is sold on Fridays.", "Bread is sold on Saturdays.", "Fish is sold on Tuesdays."):
        for name in ("market.md", "greenhouse.md"):
            (corpus / name).write_text((corpus / name).read_text() + f"\n{text}\n")
        build(corpus, out, model=model, dense="hnsw")
        rows, chunks = store.load(out).vectors.positions, len(store.load(out).chunks)
        assert (rows < 0).mean() <= 0.2 and (rows >= 0).sum() == chunks
        fresh.append(len(rows) == chunks)
    assert any(fresh)      # two of the three documents edited: more than a fifth dead, so a fresh graph
