"""Shared fixtures: the embedder and the seed index are built once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OWN_DOCS = ROOT / "tests" / "data" / "own_docs"


@pytest.fixture(scope="session")
def model():
    from index.embed import load_model

    return load_model()


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, model) -> Path:
    """A real FAISS + BM25 index of seeds/, built once for the whole session."""
    from index.build import build

    out = tmp_path_factory.mktemp("seed-index") / "index"
    build(SEEDS, out, model=model)
    return out


@pytest.fixture(scope="session")
def seed_engine(seed_index_dir, model):
    from app.engine import Engine
    from index import store

    return Engine(store.load(seed_index_dir), model, seed_index_dir)


@pytest.fixture(scope="session")
def own_engine(tmp_path_factory, model):
    """An engine over the tests' own document: another topic, Markdown headings, a pipe table."""
    from app.engine import Engine
    from index import store
    from index.build import build

    out = tmp_path_factory.mktemp("own-index") / "index"
    build(OWN_DOCS, out, model=model)
    return Engine(store.load(out), model, out)


@pytest.fixture
def docs_copy(tmp_path) -> Path:
    """A private, editable copy of the tests' own documents."""
    target = tmp_path / "docs"
    shutil.copytree(OWN_DOCS, target)
    return target
