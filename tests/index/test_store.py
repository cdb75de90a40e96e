"""The index folder is verified on load, rebuilt when stale, and never half-written."""
import json

import numpy as np

import pytest

from app.engine import Engine
from index import store
from index.build import build, staleness
from index.embed import DEFAULT_MODEL


@pytest.fixture
def built(docs_copy, tmp_path, model):
    out = tmp_path / "index"
    build(docs_copy, out, model=model)
    return docs_copy, out


def test_a_fresh_index_is_current_and_loads(built):
    docs, out = built
    assert staleness(out, docs, DEFAULT_MODEL) is None
    loaded = store.load(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["model"] == DEFAULT_MODEL and manifest["dim"] == 384 and manifest["format_version"] == store.FORMAT_VERSION
    assert set(manifest["docs"]) == {"greenhouse.md"} and loaded.vectors.ntotal == len(loaded.chunks)


def test_edited_added_or_removed_documents_make_it_stale(built):
    docs, out = built
    (docs / "greenhouse.md").write_text((docs / "greenhouse.md").read_text() + "\nMore.\n")
    assert "edited ['greenhouse.md']" in staleness(out, docs, DEFAULT_MODEL)
    (docs / "new.txt").write_text("New document.\n")
    assert "added ['new.txt']" in staleness(out, docs, DEFAULT_MODEL)


def test_another_model_makes_it_stale(built):
    docs, out = built
    assert "model" in staleness(out, docs, "some-other-model")


def test_a_corrupt_file_is_detected_not_used(built):
    _, out = built
    (out / "chunks.jsonl").write_text("{}")
    with pytest.raises(store.IndexUnavailable, match="corrupt"):
        store.load(out)


def test_a_missing_index_is_refused_with_a_clear_message_when_building_is_off(docs_copy, tmp_path):
    with pytest.raises(store.IndexUnavailable, match="no index"):
        Engine.open(tmp_path / "nothing", docs_copy, rebuild="never")


def test_a_stale_index_is_rebuilt_on_open(built):
    docs, out = built
    (docs / "extra.md").write_text("# Extra\n\nThe cooperative owns a red tractor named Bertha.\n")
    engine = Engine.open(out, docs)
    assert engine.health()["documents"] == 2
    assert staleness(out, docs, DEFAULT_MODEL) is None


def test_an_index_of_an_older_format_is_rebuilt_on_open(built):
    """A format bump (parsing or chunking changed, e.g. markers blanked for search) makes every old index stale."""
    docs, out = built
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps({**manifest, "format_version": store.FORMAT_VERSION - 1}))
    with pytest.raises(store.IndexUnavailable, match="format"):
        store.load(out)
    assert "format" in staleness(out, docs, DEFAULT_MODEL)
    Engine.open(out, docs)
    assert store.load(out).manifest.format_version == store.FORMAT_VERSION


def test_an_interrupted_build_leaves_the_previous_index_usable(built, model, monkeypatch):
    docs, out = built
    before = store.load(out).manifest.built_at
    (docs / "extra.md").write_text("# Extra\n\nMore text.\n")

    def crash(*_):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(store, "_swap", crash)
    with pytest.raises(KeyboardInterrupt):
        build(docs, out, model=model)
    assert store.load(out).manifest.built_at == before
    assert not list(out.parent.glob(".index.tmp-*"))  # no half-written folder left behind


def test_a_swap_cut_between_its_two_renames_is_recovered(built):
    _, out = built
    out.rename(out.with_name(".index.old-deadbeef"))
    assert not out.exists()
    assert store.load(out).vectors.ntotal > 0


def test_extra_vectors_are_stored_in_half_precision(own_engine):
    from index.sentences import NAME

    stored = own_engine.index.extras[NAME].vectors
    assert stored.dtype == np.float16 and np.allclose(np.linalg.norm(stored.astype(np.float32), axis=1), 1.0, atol=2e-3)
