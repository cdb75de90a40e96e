"""The one answer function every surface calls: CLI, HTTP API, UI and eval.

    engine = Engine.open()            # loads the index, building it when missing or stale
    engine.ask("What share of the vote did ... win?")   # -> the answer contract (DESIGN.md)
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from app.chooser import default_chooser
from app.followup import resolve
from app.glossary import expand
from app.question import repair_interrogative, restore_contractions
from app.reader import default_reader
from app.rerank import default_passage_ranker
from app.retrieve import Hit, Retriever
from app.settings import MAX_QUESTION_CHARS, Settings
from app.support import default_ranker
from app.tables.answer import TableEngine
from app.tables.meaning import HeaderMeaning
from app.text_answer import Support, TextAnswer, TextAnswerer, clean_sentence, is_descriptive
from app.vocabulary import Vocabulary
from app.wordvectors import default_word_vectors
from index import store
from index.build import build, log, staleness
from index.embed import DEFAULT_MODEL, embed, load_model
from index.parse import LIST_MARKER, REFERENCE_MARKER
from index.sentences import NAME as SENTENCES, SentenceLookup

DEFAULT_DOCS = Path(os.environ.get("DOCQA_DOCS") or "seeds")
DEFAULT_INDEX = Path(os.environ.get("DOCQA_INDEX") or ".index")


def default_index(docs_dir: Path) -> Path:
    """The index folder of a documents folder when none is given: DOCQA_INDEX if set, `.index` for the default
    documents, else `.index-<folder>-<hash of its path>`, so asking about another folder never rebuilds (and
    replaces) the default documents' index."""
    if os.environ.get("DOCQA_INDEX") or Path(docs_dir).resolve() == DEFAULT_DOCS.resolve():
        return DEFAULT_INDEX
    folder = Path(docs_dir).resolve()
    digest = hashlib.sha1(str(folder).encode("utf-8")).hexdigest()[:8]
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", folder.name)[:40] or "docs"
    return DEFAULT_INDEX.with_name(f"{DEFAULT_INDEX.name}-{name}-{digest}")


STRONG_TEXT = 0.6   # a text answer overrides a table refusal only with this much support


BACKENDS = ("local", "postgres")


def check_backend(backend: str | None) -> str:
    """The backend asked for (default DOCQA_BACKEND, else "local"), or ValueError naming the choices."""
    backend = backend or os.environ.get("DOCQA_BACKEND") or "local"
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return backend


class QuestionError(ValueError):
    """The question cannot be asked: empty, too long, or not text."""


def check_question(question: object) -> str:
    """The question stripped, or QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError("the question must be a string")
    question = question.strip()
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    try:
        question.encode("utf-8")
    except UnicodeEncodeError as err:
        raise QuestionError("the question is not valid Unicode text (it holds a lone surrogate)") from err
    if not re.search(r"[^\W_]", question):
        raise QuestionError("the question has no words in it")
    return question


class Engine:
    """A loaded index with its retriever, table engine and text composer."""

    def __init__(self, index: store.StoredIndex, model, index_dir: Path, settings: Settings = Settings(),
                 source=None, build_id: int | None = None):
        self.index_dir = Path(index_dir)
        self.settings = settings
        self.model = model
        self.source = source   # a shared database (app/postgres_source.py) whose newer builds are followed
        self._reload = threading.Lock()
        self._use(index, build_id)

    def _use(self, index: store.StoredIndex, build_id: int | None = None) -> None:
        """Answer from this index from now on."""
        retriever = Retriever(index, self.model)
        vocabulary = Vocabulary(retriever.bm25.idf, index.lexicon)
        reader, policy = default_reader()
        self.text = TextAnswerer(self.model, vocabulary, retriever.embed_query,
                                 SentenceLookup(index.extras.get(SENTENCES)), reader, policy, default_chooser(),
                                 default_ranker(), default_word_vectors(), default_passage_ranker())
        meaning = HeaderMeaning(partial(embed, self.model)) if self.model is not None else None
        self.tables = TableEngine(index.tables, meaning, self.common_word)
        self.index, self.retriever, self.vocabulary, self.build_id = index, retriever, vocabulary, build_id

    def _follow(self) -> None:
        """With a shared database, switch to its current build when another process has published one."""
        if self.source is None or self.source.current_build() == self.build_id:
            return
        with self._reload:
            if self.source.current_build() != self.build_id:
                build_id, index = self.source.read()
                self._use(index, build_id)

    @classmethod
    def open(cls, index_dir: Path | None = None, docs_dir: Path | None = None, *,
             model_name: str | None = None, rebuild: str = "auto", settings: Settings = Settings(),
             backend: str | None = None) -> "Engine":
        """Load the index; rebuild="auto" rebuilds it when missing, corrupt or stale, "never" refuses instead.

        backend "local" (default) reads the index folder; "postgres" (or DOCQA_BACKEND=postgres) reads the
        current build from Postgres (DOCQA_DATABASE_URL, else an embedded server beside the index folder).
        """
        docs_dir = Path(docs_dir or DEFAULT_DOCS)
        index_dir = Path(index_dir or default_index(docs_dir))
        model_name = model_name or os.environ.get("DOCQA_MODEL", DEFAULT_MODEL)
        backend = check_backend(backend)
        if backend == "postgres":
            from app.postgres_source import PostgresSource

            source = PostgresSource.open(index_dir, docs_dir, model_name, rebuild, load_model)
            build_id, index = source.read()
            return cls(index, source.model, index_dir, settings, source=source, build_id=build_id)
        store.recover(index_dir)
        problem = staleness(index_dir, docs_dir, model_name) if docs_dir.is_dir() else None
        model = None
        if problem is None:
            try:
                index = store.load(index_dir)
            except store.IndexUnavailable as err:
                problem = str(err)
        if problem is not None:
            if rebuild == "never":
                raise store.IndexUnavailable(f"{problem}; run `python -m index build --docs {docs_dir} --out {index_dir}`")
            log(f"building the index: {problem}")
            model = load_model(model_name)
            log(str(build(docs_dir, index_dir, model_name, model=model, progress=True)))
            index = store.load(index_dir)
        return cls(index, model or load_model(index.manifest.model), index_dir, settings)

    def common_word(self, word: str) -> bool:
        """Whether the encoder knows `word` as a word piece of its own, a common word (every word when the word vectors
        are missing): `Vocabulary.truecase` leaves such words as typed."""
        vectors = self.text.word_vectors
        return vectors is None or vectors.in_vocabulary(word)

    def is_name(self, word: str) -> bool:
        """Whether the documents use `word` as a name (`Vocabulary.is_name`), a common word only if they capitalise it."""
        return self.vocabulary.is_name(word, self.common_word)

    def retrieve(self, question: str, settings: Settings | None = None) -> list[Hit]:
        """Fused retrieval hits for a question (misspellings repaired first), best first."""
        return self.retriever.search(self.vocabulary.correct_text(question), settings or self.settings)

    def read_as(self, question: str, history: list[dict] | None = None) -> str:
        """The question as the engine reads it (see `_read`)."""
        return self._read(question, history)[0]

    def _read(self, question: str, history: list[dict] | None) -> tuple[str, bool]:
        """The question as the engine reads it, and whether it was translated: a follow-up completed from the history;
        its first word's typo, its contractions and its names' possessives typed without an apostrophe repaired
        ("whats lindqvists boat" -> "what is Lindqvist's boat"), as the reader was fitted on SQuAD's written questions;
        Turkish glossed in English; and, typed without capitals, the documents' names capitalised."""
        followed = repair_interrogative(resolve(question, history, self.is_name), self.vocabulary.surface)
        contracted = restore_contractions(followed)
        glossed = expand(contracted)
        return self.vocabulary.truecase(self.vocabulary.possessives(glossed), self.common_word), glossed != contracted

    def ask(self, question: str, history: list[dict] | None = None, settings: Settings | None = None,
            docs: list[str] | None = None) -> dict:
        """Answer a question (with the chat history for follow-ups) as the answer contract; `docs` limits the
        answer to those documents (their tables and passages)."""
        t0 = time.perf_counter()
        asked = check_question(question)
        self._follow()
        settings = settings or self.settings
        resolved, translated = self._read(asked, history)
        notes = [f"Read as: “{resolved}”"] if resolved.lower() != asked.lower() else []
        timing: dict[str, float] = {}
        hits = None
        scope = set(docs) if docs is not None else None
        if scope is not None:       # named documents: their tables are the candidates
            candidates = [t.id for t in self.tables.all_tables if t.doc in scope]
        elif not self.tables.few:   # many tables: the retrievers pick the candidate tables
            with _timed(timing, "retrieve"):
                hits = self.retrieve(resolved, settings)
            candidates = _table_ids(hits, self.tables.by_doc)
        else:
            candidates = None
        with _timed(timing, "table"):
            result = self.tables.answer(resolved, candidates)
        # A refused row the table clearly owns is final, unless the question asks for an account ("tell me about
        # the Ashford visit"): a table holds figures, not accounts, so a passage about it answers instead.
        descriptive = is_descriptive(resolved)
        final = bool(result and result.pop("final", False)) and not descriptive
        if not final and (result is None or result["kind"] == "none" or result.get("weak")):
            if hits is None:
                with _timed(timing, "retrieve"):
                    hits = self.retrieve(resolved, settings)
            if scope is not None:
                hits = [h for h in hits if h.chunk.doc in scope]
            with _timed(timing, "answer"):   # requests answer side by side: what they share is thread-safe
                text = self.text.answer(resolved, hits, settings, translated=translated)
            supported = text.support is not None
            if result is None or supported and (
                    text.confidence >= STRONG_TEXT
                    or descriptive                # an account beats a table's refusal or unsure figure
                    or result.get("weak") and text.confidence > result["confidence"]):
                result = _text_result(text)
        result.pop("weak", None)
        result = {"question": asked, **result}
        result["notes"] = notes + list(result.get("notes") or [])
        result["resolved_question"] = resolved
        result["timing_ms"] = {**timing, "total": round((time.perf_counter() - t0) * 1000, 2)}
        return _ordered(result)

    def forget(self) -> None:
        """Drop what earlier questions cached (query vectors, spelling repairs), so the next ask costs what a new
        question costs; the benchmarks call it before every timed ask."""
        self.retriever.embed_query.cache_clear()
        self.vocabulary.correct_word.cache_clear()

    def health(self) -> dict:
        """What is loaded: documents, chunks, tables, model, build time."""
        self._follow()
        m = self.index.manifest
        return {"status": "ok", "documents": len(self.index.texts), "chunks": len(self.index.chunks),
                "tables": len(self.index.tables), "model": m.model, "built_at": m.built_at,
                "index_dir": str(self.index_dir), "skipped": m.skipped,
                "backend": "local" if self.source is None else "postgres"}

    def document_text(self, doc: str) -> str:
        """The full text of an indexed document (citation offsets point into it)."""
        self._follow()
        if doc not in self.index.texts:
            raise KeyError(f"no document named {doc!r} in the index")
        return self.index.texts[doc]


def _table_ids(hits: list[Hit], by_doc: dict[str, list[str]] | None = None) -> list[str]:
    """Tables whose rows were retrieved, best first; a retrieved passage of a document stands for its tables."""
    ids: list[str] = []
    for h in hits:
        ids += [h.chunk.table_id] if h.chunk.table_id else (by_doc or {}).get(h.chunk.doc, [])
    return list(dict.fromkeys(ids))


@contextmanager
def _timed(timing: dict[str, float], stage: str):
    """Record a stage's wall time in milliseconds."""
    start = time.perf_counter()
    yield
    timing[stage] = round((time.perf_counter() - start) * 1000, 2)


def _text_result(text: TextAnswer) -> dict:
    """A text answer as the answer contract; its confidence is the chooser's expected F1 of the short answer where
    the chooser decided (calibrated on held-out SQuAD, docs/text-answers.md), else the reader's odds; an abstention
    shows one minus it. An abstention for want of confidence cites the sentence nearest to an answer, said to be
    no answer: the user can read it, where a bare refusal would leave them nothing."""
    shown = text.confidence if text.expected_f1 is None else text.expected_f1
    if text.support is None:
        answer = f"The documents do not contain an answer to this question ({text.reason})."
        citations = [_citation(1, text.nearest)] if text.nearest else []
        if citations:
            answer += " The passage nearest to an answer is cited [1]; it may not answer it."
        return {"answer": answer, "short_answer": None, "kind": "none", "confidence": round(1 - shown, 3),
                "citations": citations, "computation": None, "notes": []}
    citations = [_citation(n, s) for n, s in enumerate([text.support, *text.also], 1)]
    sentence = clean_sentence(text.support.text)
    marks = "".join(f"[{c['n']}]" for c in citations)
    if text.short_answer is None:   # a descriptive question: the passage is the answer
        answer = " ".join(clean_sentence(s.text) for s in [text.support, *text.also]) + f" {marks}"
    elif text.short_answer == sentence:
        answer = f"{sentence} {marks}"
    else:
        answer = f"{text.short_answer} — {sentence} {marks}"
    return {"answer": answer, "short_answer": text.short_answer, "kind": "text",
            "confidence": shown, "citations": citations, "computation": None, "notes": []}


def _citation(n: int, s: Support) -> dict:
    """A cited passage, with the supporting sentence as its quote (offsets in the original file); a quote starts
    after a list item's bullet ("* Phones must ...") and after the reference markers a sentence may open with ('[16]
    The council ...', '"[5] Critics ...'), which belong to the one before."""
    chunk = s.hit.chunk
    skip = _LEADING_MARKERS.match(s.text).end()
    return {"n": n, "doc": chunk.doc, "title": chunk.title, "section": " > ".join(chunk.section),
            "chunk_id": chunk.id, "text": chunk.text, "start": chunk.start, "end": chunk.end,
            "quote": s.text[skip:], "quote_start": s.start + skip, "quote_end": s.end}


# a list item's bullet, then reference markers, each perhaps after the closing quote mark of the sentence before
_LEADING_MARKERS = re.compile(rf"(?:{LIST_MARKER.pattern})?(?:\s*[\"”]?\s*{REFERENCE_MARKER.pattern})*\s*")


_ORDER = ("question", "answer", "short_answer", "kind", "confidence", "citations", "computation", "notes", "timing_ms")


def _ordered(result: dict) -> dict:
    return {**{k: result.get(k) for k in _ORDER}, **{k: v for k, v in result.items() if k not in _ORDER}}
