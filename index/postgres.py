"""The index in Postgres + pgvector: one schema, one transaction per build, readers follow `current`.

Tables (schema `docqa`, or DOCQA_PG_SCHEMA):
  builds(id, collection, manifest, layout)  current(collection -> build_id)
  build_docs(build_id, ord, key, name, pos, table_pos)   -- a build's documents in order, each naming its rows
                                            -- by `key` and placing its chunks at positions pos, pos + 1, ...
  doc_texts(key, text)  doc_chunks(key, idx, chunk jsonb, embedding vector, tsv tsvector)  doc_tables(key, idx, data)
  doc_extras(key, name, n_rows, dim, row_keys, vectors bytea)
                                            -- one document's rows, shared by every build that has it
  files(build_id, name, data bytea)         -- per build: the BM25 index (the local index's bm25/ files, the
                                            -- sparse matrix of score contributions, index/sparse.py) and the
                                            -- answer side's word statistics (lexicon)
A document's key hashes its collection, name, content, the model and the index format, so a build
writes rows only for new or edited documents; the BM25 statistics are corpus-wide, so each build writes
its own matrix as a few large values (not a row per term), and a server reads it whole when it opens the
build and scores BM25 in memory with the local path's code: the same scores, the same speed.
A build inserts its rows and moves `current` in one transaction, so a reader sees the old build or
the new one, never half of one. The build before it is kept, so a reader still answering from it
finishes cleanly; older ones are deleted, and then the rows no build uses. Dense search is exact unless
the build was made with an approximate dense kind (`--dense hnsw|ivf`): its collection then has a
partial pgvector HNSW index, kept up to date row by row. A build written in an older table layout
(`builds.layout` < LAYOUT) is not read: the collection is rebuilt. With no DOCQA_DATABASE_URL an
embedded PostgreSQL (the `pgserver` package, with pgvector) runs in a data folder next to the index folder.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from psycopg import sql

from index.chunk import Chunks
from index.dense import HNSW_EF_CONSTRUCTION, HNSW_M
from index.lexicon import FILES as LEXICON_FILES, Lexicon
from index.sparse import SparseIndex
from index.store import EXTRA_DTYPE, Extra, IndexUnavailable, Manifest, StoredIndex, collector_paused
from index.tables import tables_from_json, tables_to_json

SPARSE_KINDS = ("bm25", "tsvector")
LAYOUT = 5          # the tables a build is written in (1: BM25 postings as SQL arrays; 2: every row per build;
                    # 3: BM25 postings as one row per term; 4: extra vectors as one file per build)
PG_EF_SEARCH = 64   # pgvector's HNSW candidate list: recall@10 against exact search 0.973 at 144,951 chunks, the
                    # FAISS HNSW's 0.977 at 128; 128 gives 0.984 for 1.6x the time (docs/scale.md)
_SERVERS: dict[str, object] = {}   # embedded servers this process started or joined, by data folder
_LOCK = threading.Lock()


def schema_name() -> str:
    """The schema holding every docqa table (DOCQA_PG_SCHEMA, default `docqa`)."""
    name = os.environ.get("DOCQA_PG_SCHEMA", "docqa")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"DOCQA_PG_SCHEMA={name!r} is not a plain lowercase SQL name")
    return name


def sparse_kind() -> str:
    """How a Postgres build ranks words (DOCQA_PG_SPARSE): `bm25` (default) or Postgres's own `tsvector`."""
    kind = os.environ.get("DOCQA_PG_SPARSE", "bm25")
    if kind not in SPARSE_KINDS:
        raise ValueError(f"DOCQA_PG_SPARSE must be one of {', '.join(SPARSE_KINDS)}, not {kind!r}")
    return kind


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
        import orjson
        import psycopg
        from pgvector.psycopg import register_vector
        from psycopg.types.json import set_json_loads

        try:
            conn = psycopg.connect(self.url, autocommit=True)
        except psycopg.OperationalError as err:
            raise IndexUnavailable(f"cannot connect to Postgres ({err}); check DOCQA_DATABASE_URL") from err
        if not self._ready:
            self._create_schema(conn)
            self._ready = True
        register_vector(conn)
        set_json_loads(orjson.loads, conn)      # manifests and tables (chunks are read as text)
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
                CREATE TABLE IF NOT EXISTS {s}.build_docs (
                    build_id bigint NOT NULL REFERENCES {s}.builds(id) ON DELETE CASCADE, ord int NOT NULL,
                    key text NOT NULL, name text NOT NULL, pos int NOT NULL, table_pos int NOT NULL,
                    PRIMARY KEY (build_id, ord));
                -- a search joins its nearest chunks to the build by key: 64 index probes instead of hashing
                -- every document of the builds kept (7.2 -> 4.2 ms per query at 145k chunks)
                CREATE INDEX IF NOT EXISTS build_docs_key_build ON {s}.build_docs (key, build_id) INCLUDE (pos);
                DROP INDEX IF EXISTS {s}.build_docs_key;
                CREATE TABLE IF NOT EXISTS {s}.doc_texts (
                    key text PRIMARY KEY, collection text NOT NULL, text text NOT NULL);
                CREATE TABLE IF NOT EXISTS {s}.doc_chunks (
                    key text NOT NULL, idx int NOT NULL, collection text NOT NULL, dim int NOT NULL,
                    chunk jsonb NOT NULL, embedding vector NOT NULL, tsv tsvector NOT NULL, PRIMARY KEY (key, idx));
                CREATE INDEX IF NOT EXISTS doc_chunks_tsv ON {s}.doc_chunks USING gin (tsv);
                CREATE TABLE IF NOT EXISTS {s}.doc_tables (
                    key text NOT NULL, idx int NOT NULL, collection text NOT NULL, data jsonb NOT NULL,
                    PRIMARY KEY (key, idx));
                CREATE TABLE IF NOT EXISTS {s}.doc_extras (
                    key text NOT NULL, name text NOT NULL, collection text NOT NULL, n_rows int NOT NULL,
                    dim int NOT NULL, row_keys text NOT NULL, vectors bytea NOT NULL, PRIMARY KEY (key, name));
                ALTER TABLE {s}.doc_extras ALTER COLUMN vectors SET STORAGE EXTERNAL;
                CREATE TABLE IF NOT EXISTS {s}.files (
                    build_id bigint NOT NULL REFERENCES {s}.builds(id) ON DELETE CASCADE, name text NOT NULL,
                    data bytea NOT NULL, PRIMARY KEY (build_id, name));
                -- a build's ~90 MB of BM25 arrays, stored as they are: pglz compression took 1.2 of 1.7 s to write them
                ALTER TABLE {s}.files ALTER COLUMN data SET STORAGE EXTERNAL;
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
        """Store an index as a new build and make it current, in one transaction; returns its id. Only documents
        whose key is not stored yet (new or edited ones) have their texts, chunks, vectors and tables written."""
        s, conn = self.schema, self.connection()
        docs = _placed(index)
        keys = {name: _doc_key(self.collection, index.manifest, name) for name in index.texts}
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('docqa publish'))")   # one writer: the sweep below
            previous = self.current_build()                                         # must not race another build
            build_id = conn.execute(f"INSERT INTO {s}.builds (collection, manifest, layout) VALUES (%s, %s, %s) "
                                    "RETURNING id", (self.collection, json.dumps(index.manifest.__dict__), LAYOUT)
                                    ).fetchone()[0]
            stored = {r[0] for r in conn.execute(f"SELECT key FROM {s}.doc_texts WHERE key = ANY(%s)", (list(keys.values()),))}
            new = [d for d in docs if keys[d.name] not in stored]
            with conn.cursor() as cur:
                self._write_documents(cur, index, new, keys)
                with cur.copy(f"COPY {s}.build_docs (build_id, ord, key, name, pos, table_pos) FROM STDIN") as copy:
                    for ord_, d in enumerate(docs):
                        copy.write_row((build_id, ord_, keys[d.name], d.name, d.rows[0], d.tables[0]))
                with cur.copy(f"COPY {s}.files (build_id, name, data) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(["int8", "text", "bytea"])
                    for name, data in _build_files(index).items():
                        copy.write_row((build_id, name, data))
            hnsw = self.hnsw_index(index.manifest.dim)
            if index.manifest.dense != "flat":
                conn.execute("SET LOCAL maintenance_work_mem = '1GB'")   # a first build makes the graph in memory
                conn.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {}.doc_chunks USING hnsw (({}) vector_ip_ops) "
                                     "WITH (m = {}, ef_construction = {}) WHERE {}").format(
                    sql.Identifier(hnsw), sql.Identifier(s), sql.SQL(_vector(index.manifest.dim)),
                    sql.Literal(HNSW_M), sql.Literal(HNSW_EF_CONSTRUCTION), self._hnsw_rows(index.manifest.dim)))
            else:                                                  # exact search needs none: stop maintaining it
                conn.execute(sql.SQL("DROP INDEX IF EXISTS {}.{}").format(sql.Identifier(s), sql.Identifier(hnsw)))
            conn.execute(f"INSERT INTO {s}.current (collection, build_id) VALUES (%s, %s) "
                         "ON CONFLICT (collection) DO UPDATE SET build_id = EXCLUDED.build_id",
                         (self.collection, build_id))
            conn.execute(f"DELETE FROM {s}.builds WHERE collection = %s AND id <> ALL(%s)",
                         (self.collection, [build_id] + ([previous] if previous else [])))
            for table in ("doc_texts", "doc_chunks", "doc_tables", "doc_extras"):   # rows no remaining build uses
                conn.execute(f"DELETE FROM {s}.{table} t WHERE collection = %s AND NOT EXISTS "
                             f"(SELECT 1 FROM {s}.build_docs d WHERE d.key = t.key)", (self.collection,))
        conn.execute(f"ANALYZE {s}.build_docs")       # the planner sees the new build's rows at once
        return build_id

    def _write_documents(self, cur, index: StoredIndex, docs: list["_Placed"], keys: dict[str, str]) -> None:
        """The texts, chunks (with vector and tsvector) and tables of these documents."""
        s, counts, dim = self.schema, index.sparse.counts, index.manifest.dim
        with cur.copy(f"COPY {s}.doc_texts (key, collection, text) FROM STDIN") as copy:
            for d in docs:
                copy.write_row((keys[d.name], self.collection, index.texts[d.name]))
        with cur.copy(f"COPY {s}.doc_chunks (key, idx, collection, dim, chunk, embedding, tsv) FROM STDIN") as copy:
            for d in docs:
                for idx, pos in enumerate(range(*d.rows)):
                    lo, hi = counts.indptr[pos], counts.indptr[pos + 1]
                    row = [(counts.vocab[t], int(c)) for t, c in zip(counts.indices[lo:hi], counts.counts[lo:hi])]
                    copy.write_row((keys[d.name], idx, self.collection, dim, index.chunks.line(pos).decode(),
                                    np.asarray(index.embeddings[pos], dtype=np.float32), _tsvector(row)))
        tables = tables_to_json(index.tables)
        with cur.copy(f"COPY {s}.doc_tables (key, idx, collection, data) FROM STDIN") as copy:
            for d in docs:
                for idx, pos in enumerate(range(*d.tables)):
                    copy.write_row((keys[d.name], idx, self.collection, json.dumps(tables[pos])))
        with cur.copy(f"COPY {s}.doc_extras (key, name, collection, n_rows, dim, row_keys, vectors) "
                      "FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["text", "text", "text", "int4", "int4", "text", "bytea"])
            for name, extra in index.extras.items():
                dim = extra.vectors.shape[1]
                for d in docs:
                    lo, hi = extra.doc_rows.get(d.name, (0, 0))
                    vectors = np.ascontiguousarray(extra.vectors[lo:hi], dtype=EXTRA_DTYPE)
                    copy.write_row((keys[d.name], name, self.collection, hi - lo, dim, json.dumps(extra.keys[lo:hi]),
                                    vectors.tobytes()))

    def hnsw_index(self, dim: int) -> str:
        """The collection's HNSW index for vectors of this dimension."""
        return f"doc_chunks_hnsw_{hashlib.sha256(self.collection.encode()).hexdigest()[:12]}_{int(dim)}"

    def _hnsw_rows(self, dim: int):
        """The HNSW index's predicate, which a query must repeat word for word (as literals) for the planner to use it."""
        return sql.SQL("collection = {} AND dim = {}").format(sql.Literal(self.collection), sql.Literal(int(dim)))

    def load(self) -> Loaded:
        """The current build's chunks, tables, texts, BM25 index, word statistics and manifest, read in one snapshot.

        Its `vectors` search in SQL; nothing is rebuilt.
        """
        s, conn = self.schema, self.connection()
        with collector_paused(), conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            build_id = self.current_build()
            if build_id is None:
                raise IndexUnavailable(f"no build of {self.collection!r} in the database; "
                                       "build it with `python -m index build --backend postgres`")
            manifest = Manifest(**conn.execute(f"SELECT manifest FROM {s}.builds WHERE id = %s",
                                               (build_id,)).fetchone()[0])
            rows = conn.execute(f"SELECT d.name, c.chunk::text FROM {s}.build_docs d JOIN {s}.doc_chunks c "
                                "ON c.key = d.key WHERE d.build_id = %s ORDER BY d.ord, c.idx", (build_id,)).fetchall()
            chunks = Chunks.from_lines([chunk.encode() for _, chunk in rows], [name for name, _ in rows])
            tables = tables_from_json([row[0] for row in conn.execute(
                f"SELECT t.data FROM {s}.build_docs d JOIN {s}.doc_tables t ON t.key = d.key "
                "WHERE d.build_id = %s ORDER BY d.ord, t.idx", (build_id,))])
            texts = dict(conn.execute(f"SELECT d.name, t.text FROM {s}.build_docs d JOIN {s}.doc_texts t ON t.key = d.key "
                                      "WHERE d.build_id = %s ORDER BY d.ord", (build_id,)).fetchall())
            files = {name: bytes(data) for name, data in conn.execute(
                f"SELECT name, data FROM {s}.files WHERE build_id = %s", (build_id,), binary=True)}
            extras = self._extras(build_id)
        sparse, lexicon = _read_build_files(files)
        if sparse_kind() == "tsvector":
            sparse = FullTextSparse(self, build_id, sparse.idf)
        index = StoredIndex(manifest, chunks, tables, texts, sparse,
                            SqlVectors(self, build_id, len(chunks), manifest.dim, manifest.dense != "flat"),
                            None, lexicon, extras)
        return Loaded(build_id, index)

    def _extras(self, build_id: int) -> dict[str, Extra]:
        """A build's extra vectors, its documents' rows in order, streamed into a temporary file, then memory-mapped: a
        server then holds only the pages it reads (sentence vectors: ~0.4 GB at 145k chunks)."""
        import tempfile

        s, conn, extras = self.schema, self.connection(), {}
        for name, total, dim in conn.execute(
                f"SELECT e.name, sum(e.n_rows), max(e.dim) FROM {s}.build_docs d JOIN {s}.doc_extras e ON e.key = d.key "
                "WHERE d.build_id = %s GROUP BY e.name ORDER BY e.name", (build_id,)).fetchall():
            keys: list[str] = []
            doc_rows: dict[str, tuple[int, int]] = {}
            with tempfile.NamedTemporaryFile(prefix="docqa-", suffix=".npy") as tmp:
                # written, not mapped for writing: pages written through a mapping would count in the server's RSS
                np.lib.format.write_array_header_1_0(tmp, {"descr": np.lib.format.dtype_to_descr(np.dtype(EXTRA_DTYPE)),
                                                           "fortran_order": False, "shape": (int(total), int(dim))})
                with conn.cursor(name="docqa_extras", binary=True) as cur:   # server-side: a few rows at a time
                    cur.execute(f"SELECT d.name, e.n_rows, e.row_keys, e.vectors FROM {s}.build_docs d JOIN {s}.doc_extras e "
                                "ON e.key = d.key WHERE d.build_id = %s AND e.name = %s ORDER BY d.ord", (build_id, name))
                    for doc, rows, row_keys, data in cur:
                        doc_rows[doc] = (len(keys), len(keys) + rows)
                        keys += json.loads(row_keys)
                        tmp.write(data)
                tmp.flush()
                extras[name] = Extra(keys, np.load(tmp.name, mmap_mode="r"), doc_rows)   # outlives the file's name
        return extras

    def dense(self, build_id: int, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk position, inner product) of the k nearest chunks by exact pgvector search."""
        rows = self.connection().execute(
            f"SELECT d.pos + c.idx AS pos, -(c.embedding <#> %s) AS score FROM {self.schema}.build_docs d "
            f"JOIN {self.schema}.doc_chunks c ON c.key = d.key WHERE d.build_id = %s "
            "ORDER BY c.embedding <#> %s, 1 LIMIT %s", (vector, build_id, vector, k)).fetchall()
        return [(int(p), float(sc)) for p, sc in rows]

    def dense_approximate(self, build_id: int, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The same through the collection's HNSW index: its nearest rows, then those of this build. The index
        holds the collection's current and previous builds only, which share all but their edited documents."""
        conn, wanted = self.connection(), max(PG_EF_SEARCH, 2 * int(k))
        if getattr(self._local, "ef_search", None) != (conn, wanted):   # once per connection, not per query
            conn.execute(f"SET hnsw.ef_search = {wanted}")
            self._local.ef_search = (conn, wanted)
        rows = conn.execute(self.approximate_query(len(vector)), (vector, vector, wanted, build_id, k)).fetchall()
        return [(int(p), float(sc)) for p, sc in rows]

    def approximate_query(self, dim: int):
        """The HNSW search: parameters (vector, vector, how many nearest rows, build id, k)."""
        return sql.SQL(
            "SELECT d.pos + c.idx, c.score FROM (SELECT key, idx, -({v} <#> %s) AS score FROM {s}.doc_chunks "
            "WHERE {rows} ORDER BY {v} <#> %s LIMIT %s) c JOIN {s}.build_docs d ON d.key = c.key AND d.build_id = %s "
            "ORDER BY c.score DESC, 1 LIMIT %s").format(v=sql.SQL(_vector(dim)), s=sql.Identifier(self.schema),
                                                        rows=self._hnsw_rows(dim))

    def full_text(self, build_id: int, terms: list[str], k: int) -> list[tuple[int, float]]:
        """(chunk position, ts_rank) of the k best chunks matching any term: Postgres's own full-text rank."""
        words = sorted({t for t in terms if t})
        if not words:
            return []
        query = " | ".join(_quote_lexeme(w) for w in words)
        rows = self.connection().execute(
            f"SELECT d.pos + c.idx AS pos, ts_rank(c.tsv, q) AS score FROM {self.schema}.build_docs d "
            f"JOIN {self.schema}.doc_chunks c ON c.key = d.key, to_tsquery('simple', %s) q "
            "WHERE d.build_id = %s AND c.tsv @@ q ORDER BY score DESC, 1 LIMIT %s", (query, build_id, k)).fetchall()
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


class FullTextSparse:
    """Postgres's own full text (ts_rank over 'simple' lexemes of the same terms) in place of BM25, chosen with
    DOCQA_PG_SPARSE=tsvector for comparison: it does not reproduce BM25's ranking. Answers `top` and `idf`."""

    def __init__(self, db: Database, build_id: int, idf):
        self.db, self.build_id, self.idf = db, build_id, idf

    def top(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """(chunk position, ts_rank) of the k best chunks matching any term, best first."""
        return self.db.full_text(self.build_id, terms, k)


def _build_files(index: StoredIndex) -> dict[str, bytes]:
    """The BM25 index and word statistics, as the files the local index keeps them in (the term counts, which only
    a local incremental build reads, left out)."""
    import tempfile

    files = {}
    with tempfile.TemporaryDirectory(prefix="docqa-build-") as tmp:
        index.lexicon.save(Path(tmp))
        index.sparse.save(Path(tmp) / "bm25", counts=False)
        for path in sorted(p for p in Path(tmp).rglob("*") if p.is_file()):
            files[path.relative_to(tmp).as_posix()] = path.read_bytes()
    return files


def _read_build_files(files: dict[str, bytes]) -> tuple[SparseIndex, Lexicon]:
    """The BM25 index (in memory) and word statistics of a build, from its stored files."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="docqa-build-") as tmp:
        (Path(tmp) / "bm25").mkdir()
        for name, data in files.items():
            if name in LEXICON_FILES or name.startswith("bm25/"):
                (Path(tmp) / name).write_bytes(data)
        return SparseIndex.load(Path(tmp) / "bm25", mmap=False), Lexicon.load(Path(tmp))


@dataclass
class _Placed:
    """A document of a build: its chunk positions [start, end) and table positions [start, end)."""

    name: str
    rows: tuple[int, int]
    tables: tuple[int, int]


def _placed(index: StoredIndex) -> list[_Placed]:
    """The index's documents in order with where their chunks and tables sit (both are contiguous per document)."""
    rows, tables = index.doc_rows(), {}
    for pos, table in enumerate(index.tables):
        start = tables.get(table.doc, (pos,))[0]
        tables[table.doc] = (start, pos + 1)
    placed, row, table = [], 0, 0
    for name in index.texts:
        r, t = rows.get(name, (row, row)), tables.get(name, (table, table))
        if r[0] != row or t[0] != table:
            raise ValueError(f"chunks or tables of {name!r} are not where the document order puts them")
        placed.append(_Placed(name, r, t))
        row, table = r[1], t[1]
    if row != len(index.chunks) or table != len(index.tables):
        raise ValueError("chunks or tables belong to no indexed document")
    return placed


def _doc_key(collection: str, manifest: Manifest, name: str) -> str:
    """What a document's stored rows depend on: collection, name, content, model and index format."""
    parts = (collection, name, manifest.docs[name], manifest.model, str(manifest.format_version), str(LAYOUT))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


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
