"""The index in Postgres + pgvector: one schema, one transaction per build, readers follow `current`.

Tables (schema `docqa`, or DOCQA_PG_SCHEMA), every row keyed by the build it belongs to:
  builds(id, collection, manifest, layout)  current(collection -> build_id)
  chunks(pos, chunk jsonb, embedding vector, tsv tsvector)
  postings(term, idf, chunks bytea, weights bytea)   -- the BM25 inverted index (index/bm25_postings.py):
                                            -- int32 chunk positions and float64 BM25 contributions (idf
                                            -- included); a query fetches its terms' rows and adds them up
                                            -- with numpy, so a common term costs a read, not a SQL aggregate
  documents(name, text)                     tables(pos, data jsonb)
  files(name, data bytea)                   -- the answer side's word statistics (lexicon) and extras
A build inserts all its rows and moves `current` in one transaction, so a reader sees the old build
or the new one, never half of one. A build written in an older table layout (`builds.layout` < LAYOUT) is
not read: the collection is rebuilt. Dense search is exact unless the index was built with an approximate
dense kind (`--dense hnsw|ivf`): then the build gets its own partial pgvector HNSW index.
The build before it is kept, so a reader still answering from it
finishes cleanly; older ones are deleted. With no DOCQA_DATABASE_URL an embedded PostgreSQL (the
`pgserver` package, with pgvector) runs in a data folder next to the index folder.
"""
from __future__ import annotations

import io
import json
import os
import re
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.bm25_postings import postings
from index.chunk import Chunk
from index.dense import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M
from index.lexicon import FILES as LEXICON_FILES, Lexicon
from index.store import Extra, IndexUnavailable, Manifest, StoredIndex
from index.tables import tables_from_json, tables_to_json

SPARSE_KINDS = ("bm25", "tsvector")
LAYOUT = 2          # the tables a build is written in (1: BM25 postings as SQL arrays, summed in SQL)
_SERVERS: dict[str, object] = {}   # embedded servers this process started or joined, by data folder
_LOCK = threading.Lock()


def schema_name() -> str:
    """The schema holding every docqa table (DOCQA_PG_SCHEMA, default `docqa`)."""
    name = os.environ.get("DOCQA_PG_SCHEMA", "docqa")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"DOCQA_PG_SCHEMA={name!r} is not a plain lowercase SQL name")
    return name


def data_folder(index_dir: Path) -> Path:
    """Where the embedded Postgres keeps its data: beside the index folder (`.index` -> `.index.pg`)."""
    index_dir = Path(index_dir).resolve()
    return index_dir.with_name(index_dir.name + ".pg")


def database_url(index_dir: Path) -> str:
    """DOCQA_DATABASE_URL, or the URL of an embedded Postgres started (or joined) next to the index."""
    url = os.environ.get("DOCQA_DATABASE_URL")
    if url:
        return url
    folder = data_folder(index_dir)
    with _LOCK:
        if str(folder) not in _SERVERS:
            folder.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")   # platformdirs warns when XDG_RUNTIME_DIR is unset
                import pgserver

                # "stop": the server stops when the last process using it exits
                _SERVERS[str(folder)] = pgserver.get_server(folder, cleanup_mode="stop")
        return _SERVERS[str(folder)].get_uri()


def stop_embedded(index_dir: Path) -> None:
    """Stop the embedded server beside an index folder if this process started or joined it."""
    server = _SERVERS.pop(str(data_folder(index_dir)), None)
    if server is not None:
        server.cleanup()


def collection_name(index_dir: Path) -> str:
    """The name a build is stored under: the index folder's name (`.index` -> `index`)."""
    return Path(index_dir).name.lstrip(".") or "index"


@dataclass
class Loaded:
    """A build read back from the database; `index.vectors` is None: vectors stay in SQL."""

    build_id: int
    index: StoredIndex


class Database:
    """One collection's builds in one Postgres database; safe to share between threads."""

    def __init__(self, url: str, collection: str):
        self.url = url
        self.collection = collection
        self.schema = schema_name()
        self._local = threading.local()
        self._ready = False

    @classmethod
    def for_index(cls, index_dir: Path) -> "Database":
        """The database of an index folder: DOCQA_DATABASE_URL or the embedded server beside it."""
        return cls(database_url(index_dir), collection_name(index_dir))

    def connection(self):
        """This thread's autocommit connection (opened on first use), with the schema in place."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self):
        import psycopg
        from pgvector.psycopg import register_vector

        try:
            conn = psycopg.connect(self.url, autocommit=True)
        except psycopg.OperationalError as err:
            raise IndexUnavailable(f"cannot connect to Postgres ({err}); check DOCQA_DATABASE_URL") from err
        if not self._ready:
            self._create_schema(conn)
            self._ready = True
        register_vector(conn)
        return conn

    def _create_schema(self, conn) -> None:
        s = self.schema
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('docqa schema'))")  # concurrent starts
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
            conn.execute(f"""
                CREATE TABLE IF NOT EXISTS {s}.builds (
                    id bigserial PRIMARY KEY, collection text NOT NULL, manifest jsonb NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now());
                ALTER TABLE {s}.builds ADD COLUMN IF NOT EXISTS layout int NOT NULL DEFAULT 1;
                CREATE TABLE IF NOT EXISTS {s}.current (
                    collection text PRIMARY KEY, build_id bigint NOT NULL REFERENCES {s}.builds(id));
                CREATE TABLE IF NOT EXISTS {s}.chunks (
                    build_id bigint NOT NULL REFERENCES {s}.builds(id) ON DELETE CASCADE, pos int NOT NULL,
                    chunk jsonb NOT NULL, embedding vector NOT NULL, tsv tsvector NOT NULL,
                    PRIMARY KEY (build_id, pos));
                CREATE INDEX IF NOT EXISTS chunks_tsv ON {s}.chunks USING gin (tsv);
                CREATE TABLE IF NOT EXISTS {s}.postings (
                    build_id bigint NOT NULL REFERENCES {s}.builds(id) ON DELETE CASCADE, term text NOT NULL,
                    idf float8 NOT NULL, chunks bytea NOT NULL, weights bytea NOT NULL,
                    PRIMARY KEY (build_id, term));
                CREATE TABLE IF NOT EXISTS {s}.documents (
                    build_id bigint NOT NULL REFERENCES {s}.builds(id) ON DELETE CASCADE, name text NOT NULL,
                    text text NOT NULL, PRIMARY KEY (build_id, name));
                CREATE TABLE IF NOT EXISTS {s}.tables (
                    build_id bigint NOT NULL REFERENCES {s}.builds(id) ON DELETE CASCADE, pos int NOT NULL,
                    data jsonb NOT NULL, PRIMARY KEY (build_id, pos));
                CREATE TABLE IF NOT EXISTS {s}.files (
                    build_id bigint NOT NULL REFERENCES {s}.builds(id) ON DELETE CASCADE, name text NOT NULL,
                    data bytea NOT NULL, PRIMARY KEY (build_id, name));
            """)

    def current_build(self) -> int | None:
        """The id of the collection's current build, or None before the first one (or if it has an older layout)."""
        row = self.connection().execute(
            f"SELECT c.build_id FROM {self.schema}.current c JOIN {self.schema}.builds b ON b.id = c.build_id "
            "WHERE c.collection = %s AND b.layout = %s", (self.collection, LAYOUT)).fetchone()
        return row[0] if row else None

    def manifest(self) -> Manifest | None:
        """The current build's manifest, or None before the first build (or if it has an older layout)."""
        row = self.connection().execute(
            f"SELECT b.manifest FROM {self.schema}.current c JOIN {self.schema}.builds b ON b.id = c.build_id "
            "WHERE c.collection = %s AND b.layout = %s", (self.collection, LAYOUT)).fetchone()
        return Manifest(**row[0]) if row else None

    def publish(self, index: StoredIndex) -> int:
        """Store a whole index as a new build and make it current, in one transaction; returns its id."""
        s, conn = self.schema, self.connection()
        counts = index.sparse.counts
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"docqa build {self.collection}",))
            previous = self.current_build()
            build_id = conn.execute(f"INSERT INTO {s}.builds (collection, manifest, layout) VALUES (%s, %s, %s) "
                                    "RETURNING id", (self.collection, json.dumps(index.manifest.__dict__), LAYOUT)
                                    ).fetchone()[0]
            with conn.cursor() as cur:
                with cur.copy(f"COPY {s}.chunks (build_id, pos, chunk, embedding, tsv) FROM STDIN") as copy:
                    for pos, chunk in enumerate(index.chunks):
                        lo, hi = counts.indptr[pos], counts.indptr[pos + 1]
                        row = [(counts.vocab[t], int(c)) for t, c in zip(counts.indices[lo:hi], counts.counts[lo:hi])]
                        copy.write_row((build_id, pos, json.dumps(chunk.to_dict()),
                                        np.asarray(index.embeddings[pos], dtype=np.float32), _tsvector(row)))
                if index.manifest.dense != "flat":
                    conn.execute("SET LOCAL maintenance_work_mem = '1GB'")   # the graph is built in memory
                    conn.execute(f"CREATE INDEX {_hnsw_index(build_id)} ON {s}.chunks USING hnsw "
                                 f"(({_vector(index.manifest.dim)}) vector_ip_ops) WITH (m = {HNSW_M}, "
                                 f"ef_construction = {HNSW_EF_CONSTRUCTION}) WHERE build_id = {int(build_id)}")
                with cur.copy(f"COPY {s}.postings (build_id, term, idf, chunks, weights) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["int8", "text", "float8", "bytea", "bytea"])
                    for p in postings(index.sparse):
                        copy.write_row((build_id, p.term, p.idf, p.chunks.astype("<i4").tobytes(),
                                        p.scores.astype("<f8").tobytes()))
                with cur.copy(f"COPY {s}.documents (build_id, name, text) FROM STDIN") as copy:
                    for name, text in index.texts.items():
                        copy.write_row((build_id, name, text))
                with cur.copy(f"COPY {s}.tables (build_id, pos, data) FROM STDIN") as copy:
                    for pos, table in enumerate(tables_to_json(index.tables)):
                        copy.write_row((build_id, pos, json.dumps(table)))
                with cur.copy(f"COPY {s}.files (build_id, name, data) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["int8", "text", "bytea"])
                    for name, data in _answer_files(index).items():
                        copy.write_row((build_id, name, data))
            conn.execute(f"INSERT INTO {s}.current (collection, build_id) VALUES (%s, %s) "
                         "ON CONFLICT (collection) DO UPDATE SET build_id = EXCLUDED.build_id",
                         (self.collection, build_id))
            stale = [row[0] for row in conn.execute(f"DELETE FROM {s}.builds WHERE collection = %s AND id <> ALL(%s) "
                                                    "RETURNING id", (self.collection, [build_id] + ([previous] if previous else [])))]
            for old in stale:
                conn.execute(f"DROP INDEX IF EXISTS {s}.{_hnsw_index(old)}")
        return build_id

    def load(self) -> Loaded:
        """The current build's chunks, tables, texts, word statistics and manifest, read in one snapshot.

        Its `vectors` and `sparse` search in SQL; nothing is rebuilt.
        """
        s, conn = self.schema, self.connection()
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            build_id = self.current_build()
            if build_id is None:
                raise IndexUnavailable(f"no build of {self.collection!r} in the database; "
                                       "build it with `python -m index build --backend postgres`")
            manifest = Manifest(**conn.execute(f"SELECT manifest FROM {s}.builds WHERE id = %s",
                                               (build_id,)).fetchone()[0])
            chunks = [Chunk.from_dict(row[0]) for row in conn.execute(
                f"SELECT chunk FROM {s}.chunks WHERE build_id = %s ORDER BY pos", (build_id,))]
            tables = tables_from_json([row[0] for row in conn.execute(
                f"SELECT data FROM {s}.tables WHERE build_id = %s ORDER BY pos", (build_id,))])
            texts = dict(conn.execute(f"SELECT name, text FROM {s}.documents WHERE build_id = %s ORDER BY name",
                                      (build_id,)).fetchall())
            idf = dict(conn.execute(f"SELECT term, idf FROM {s}.postings WHERE build_id = %s", (build_id,)).fetchall())
            files = {name: bytes(data) for name, data in conn.execute(
                f"SELECT name, data FROM {s}.files WHERE build_id = %s", (build_id,))}
        lexicon, extras = _read_answer_files(files)
        index = StoredIndex(manifest, chunks, tables, texts, SqlSparse(self, build_id, idf, len(chunks)),
                            SqlVectors(self, build_id, len(chunks), manifest.dim, manifest.dense != "flat"),
                            None, lexicon, extras)
        return Loaded(build_id, index)

    def dense(self, build_id: int, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk position, inner product) of the k nearest chunks by exact pgvector search."""
        rows = self.connection().execute(
            f"SELECT pos, -(embedding <#> %s) AS score FROM {self.schema}.chunks WHERE build_id = %s "
            "ORDER BY embedding <#> %s, pos LIMIT %s", (vector, build_id, vector, k)).fetchall()
        return [(int(p), float(sc)) for p, sc in rows]

    def dense_approximate(self, build_id: int, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The same through the build's HNSW index (its predicate and ORDER BY must match the index's exactly:
        the build id is written into the query, not bound, so the planner can choose the partial index)."""
        column = _vector(len(vector))
        conn = self.connection()
        with conn.transaction():
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(HNSW_EF_SEARCH, int(k))}")
            rows = conn.execute(
                f"SELECT pos, -({column} <#> %s) AS score FROM {self.schema}.chunks WHERE build_id = {int(build_id)} "
                f"ORDER BY {column} <#> %s LIMIT %s", (vector, vector, k)).fetchall()
        return [(int(p), float(sc)) for p, sc in rows]

    def bm25(self, build_id: int, terms: list[str], k: int, num_docs: int) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) of the k best chunks with a positive score: the query terms' postings
        are read and added up here, in query order (a repeated term counts again, as in rank-bm25)."""
        if not terms:
            return []
        rows = self.connection().execute(
            f"SELECT term, chunks, weights FROM {self.schema}.postings WHERE build_id = %s AND term = ANY(%s)",
            (build_id, sorted(set(terms))), binary=True).fetchall()
        found = {term: (np.frombuffer(chunks, "<i4"), np.frombuffer(weights, "<f8")) for term, chunks, weights in rows}
        scores = np.zeros(num_docs)
        for term in terms:
            if term in found:
                chunks, weights = found[term]
                scores[chunks] += weights
        hits = np.flatnonzero(scores > 0)
        best = hits[np.lexsort((hits, -scores[hits]))][:k]
        return [(int(p), float(scores[p])) for p in best]

    def full_text(self, build_id: int, terms: list[str], k: int) -> list[tuple[int, float]]:
        """(chunk position, ts_rank) of the k best chunks matching any term: Postgres's own full-text rank."""
        words = sorted({t for t in terms if t})
        if not words:
            return []
        query = " | ".join(_quote_lexeme(w) for w in words)
        rows = self.connection().execute(
            f"SELECT pos, ts_rank(tsv, q) AS score FROM {self.schema}.chunks, to_tsquery('simple', %s) q "
            "WHERE build_id = %s AND tsv @@ q ORDER BY score DESC, pos LIMIT %s", (query, build_id, k)).fetchall()
        return [(int(p), float(sc)) for p, sc in rows]


class SqlVectors:
    """The dense index of a build, searched by pgvector; answers FAISS's `search(query_vectors, k)`."""

    def __init__(self, db: Database, build_id: int, ntotal: int, d: int, approximate: bool = False):
        self.db, self.build_id, self.ntotal, self.d = db, build_id, ntotal, d
        self.approximate = approximate    # the build has an HNSW index (built with --dense hnsw or ivf)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), one row per query vector, padded with -1 ids like FAISS."""
        scores, ids = np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        for row, query in enumerate(queries):
            search = self.db.dense_approximate if self.approximate else self.db.dense
            for j, (pos, score) in enumerate(search(self.build_id, np.asarray(query, np.float32), k)):
                scores[row, j], ids[row, j] = score, pos
        return scores, ids


class SqlSparse:
    """The BM25 index of a build, scored in SQL; answers `top(terms, k)` and `idf` like index/sparse.py.

    DOCQA_PG_SPARSE=tsvector ranks with Postgres's own full text (ts_rank over 'simple' lexemes of the
    same terms) instead, for comparison: it does not reproduce BM25's ranking.
    """

    def __init__(self, db: Database, build_id: int, idf: dict[str, float], num_docs: int, kind: str | None = None):
        self.db, self.build_id, self.idf, self.num_docs = db, build_id, idf, num_docs
        self.kind = kind or os.environ.get("DOCQA_PG_SPARSE", "bm25")
        if self.kind not in SPARSE_KINDS:
            raise ValueError(f"DOCQA_PG_SPARSE must be one of {', '.join(SPARSE_KINDS)}, not {self.kind!r}")

    def top(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """(chunk position, score) of the k best chunks with a positive score, best first."""
        if self.kind == "tsvector":
            return self.db.full_text(self.build_id, terms, k)
        return self.db.bm25(self.build_id, terms, k, self.num_docs)


def _answer_files(index: StoredIndex) -> dict[str, bytes]:
    """The word statistics and extra vectors, as the files the local index keeps them in."""
    import tempfile

    files = {}
    with tempfile.TemporaryDirectory(prefix="docqa-lexicon-") as tmp:
        index.lexicon.save(Path(tmp))
        for path in sorted(Path(tmp).iterdir()):
            files[path.name] = path.read_bytes()
    for name, extra in index.extras.items():
        buf = io.BytesIO()
        np.save(buf, np.asarray(extra.vectors, dtype=np.float32))
        files[f"extras/{name}.npy"] = buf.getvalue()
        files[f"extras/{name}.json"] = json.dumps({"keys": extra.keys, "doc_rows": extra.doc_rows}).encode()
    return files


def _read_answer_files(files: dict[str, bytes]) -> tuple[Lexicon, dict[str, Extra]]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="docqa-lexicon-") as tmp:
        for name in LEXICON_FILES:
            (Path(tmp) / name).write_bytes(files[name])
        lexicon = Lexicon.load(Path(tmp))
    extras = {}
    for name in sorted(files):
        if name.startswith("extras/") and name.endswith(".json"):
            stem = name[len("extras/"):-len(".json")]
            meta = json.loads(files[name])
            extras[stem] = Extra(meta["keys"], np.load(io.BytesIO(files[f"extras/{stem}.npy"])),
                                 {d: tuple(r) for d, r in meta["doc_rows"].items()})
    return lexicon, extras


def _hnsw_index(build_id: int) -> str:
    return f"chunks_hnsw_{int(build_id)}"


def _vector(dim: int) -> str:
    """The embedding column cast to its build's dimension, as an HNSW index needs (the column itself has none)."""
    return f"embedding::vector({int(dim)})"


def _tsvector(row: list[tuple[str, int]]) -> str:
    """A tsvector literal of a chunk's already folded, stemmed terms, each with as many positions as uses."""
    parts, at = [], 1
    for term, count in row:
        count = min(count, 255)
        parts.append(f"{_quote_lexeme(term)}:{','.join(str(min(at + i, 16383)) for i in range(count))}")
        at += count
    return " ".join(parts)


def _quote_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
