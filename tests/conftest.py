"""Shared fixtures: the embedder and the seed index are built once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OWN_DOCS = ROOT / "tests" / "data" / "own_docs"
TEXT_DOCS = ROOT / "tests" / "data" / "text_docs"
CONTEST_DOCS = ROOT / "tests" / "data" / "contest_docs"


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


@pytest.fixture(scope="session")
def regatta_engine(tmp_path_factory, model):
    """An engine over a small document that reports two years of the same event."""
    from app.engine import Engine
    from index import store
    from index.build import build

    out = tmp_path_factory.mktemp("regatta-index") / "index"
    build(TEXT_DOCS, out, model=model)
    return Engine(store.load(out), model, out)


@pytest.fixture(scope="session")
def contest_engine(tmp_path_factory, model):
    """An engine over a small document whose sentences each name the winner and the loser of a final."""
    from app.engine import Engine
    from index import store
    from index.build import build

    out = tmp_path_factory.mktemp("contest-index") / "index"
    build(CONTEST_DOCS, out, model=model)
    return Engine(store.load(out), model, out)


@pytest.fixture(scope="session")
def engine_over(tmp_path_factory, model):
    """Builds a real index and engine over one document of a test's own: `engine_over("club.md", text)`."""
    from app.engine import Engine
    from index import store
    from index.build import build

    def over(name: str, text: str):
        docs = tmp_path_factory.mktemp(f"{Path(name).stem}-docs")
        (docs / name).write_text(text, encoding="utf-8")
        out = tmp_path_factory.mktemp(f"{Path(name).stem}-index") / "index"
        build(docs, out, model=model)
        return Engine(store.load(out), model, out)

    return over


@pytest.fixture
def docs_copy(tmp_path) -> Path:
    """A private, editable copy of the tests' own documents."""
    target = tmp_path / "docs"
    shutil.copytree(OWN_DOCS, target)
    return target


@pytest.fixture(scope="session")
def pg_url():
    """One embedded PostgreSQL with pgvector (the pgserver package) for the whole session, removed after it.

    Its data folder is not under pytest's temp root: pytest makes that root private (0700) at every
    session start, which would lock out the server's own system user when running as root.
    """
    import tempfile

    from index.postgres import database_url, stop_embedded

    folder = Path(tempfile.mkdtemp(prefix="docqa-test-pg-"))
    try:
        yield database_url(folder / "index")
    finally:
        stop_embedded(folder / "index")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_seed_engine(pg_url, seed_index_dir, model):
    """The seed index published to Postgres, answering through SQL retrieval."""
    from app.engine import Engine
    from app.postgres_source import PostgresSource
    from index import store
    from index.postgres import Database

    db = Database(pg_url, "seed")
    db.publish(store.load(seed_index_dir))
    source = PostgresSource(db, model)
    build_id, index = source.read()
    return Engine(index, model, seed_index_dir, source=source, build_id=build_id)
