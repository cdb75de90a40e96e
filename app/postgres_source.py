"""The Postgres backend for the engine: open the current build, rebuild it when stale, follow new builds."""
from __future__ import annotations

from pathlib import Path

from index import store
from index.postgres import Database
from index.publish import build_and_publish, staleness


class PostgresSource:
    """Where an engine's index comes from when it lives in Postgres; servers share it statelessly."""

    def __init__(self, db: Database, model):
        self.db = db
        self.model = model

    @classmethod
    def open(cls, index_dir: Path, docs_dir: Path, model_name: str, rebuild: str, load_model) -> "PostgresSource":
        """Connect; (re)build into the database when its build is missing or stale and rebuild == "auto"."""
        from index.build import log

        db = Database.for_index(index_dir)
        manifest = db.manifest()
        if docs_dir.is_dir():
            problem = staleness(manifest, docs_dir, model_name)
        else:
            problem = None if manifest else f"no build of {db.collection!r} in the database and no documents at {docs_dir}"
        model = None
        if problem is not None:
            if rebuild == "never" or not docs_dir.is_dir():
                raise store.IndexUnavailable(
                    f"{problem}; run `python -m index build --backend postgres --docs {docs_dir} --out {index_dir}`")
            log(f"building the index into Postgres: {problem}")
            model = load_model(model_name)
            log(str(build_and_publish(docs_dir, index_dir, model_name, model=model, progress=True, db=db)))
            manifest = db.manifest()
        return cls(db, model or load_model(manifest.model))

    def current_build(self) -> int | None:
        """The build readers should answer from now."""
        return self.db.current_build()

    def read(self) -> tuple[int, store.StoredIndex]:
        """The current build's id and index: chunks, tables and texts in memory, vectors and BM25 in SQL."""
        loaded = self.db.load()
        return loaded.build_id, loaded.index
