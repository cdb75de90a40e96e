"""Word statistics of the documents, counted at build time: surface words, capitalisation, terms per document.

The answer side (app/vocabulary.py) needs, for the whole corpus, which folded words exist (spelling
repair), which words are almost always capitalised (names) and which terms each document uses.
Counting them means reading every word of every document, so it happens once per document at
build time and is stored; an incremental build subtracts the counts of the documents that changed
(recounted from their stored old text) and adds the new ones.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import orjson

from index.fold import stem, terms, tokenize
from index.sparse import TermCounts

WORD = re.compile(r"[\w'’-]+")
SENTENCE_START = re.compile(r"(?:[.!?\]]\s+|\n\s*|^\s*[-*|=#]+\s*|^\s*)$")   # also after list, cell and heading marks
SEGMENT = re.compile(r"[^\n|:]+")        # a line, a table cell, a label before its colon
FILES = ("lexicon.json", "doc_terms.npz")


@dataclass
class DocWords:
    """What one document contributes to the lexicon."""

    terms: list[str]                     # its distinct stemmed terms, in order of first use
    surface: set[str]                    # its distinct folded, unstemmed words
    upper: Counter = field(default_factory=Counter)   # term -> capitalised uses (not sentence-initial)
    lower: Counter = field(default_factory=Counter)   # term -> lowercase uses


def doc_words(text: str) -> DocWords:
    """Count one document's words."""
    surface: set[str] = set()
    upper, lower = Counter(), Counter()
    for segment in SEGMENT.finditer(text):       # words never cross a segment's bounds (newline, "|", ":")
        titled = _title_cased(segment.group())
        for m in WORD.finditer(text, segment.start(), segment.end()):
            word = m.group()
            tokens, stems = _word(word)
            surface.update(tokens)
            if titled or m.start() == 0 or SENTENCE_START.search(text[max(0, m.start() - 3):m.start()]):
                continue  # a capital that starts a sentence, or in a title-cased heading, label or cell ("Opening
                          # Date:"), says nothing about the word
            counter = upper if word[:1].isupper() else lower
            for tok in stems:
                counter[tok] += 1
    return DocWords(list(dict.fromkeys(terms(text))), surface, upper, lower)


def _title_cased(segment: str) -> bool:
    """Whether a segment has two or more words, none of them a lowercase word of four or more letters: a heading, label
    or cell written in title case, where every word is capitalised."""
    return len(words := WORD.findall(segment)) >= 2 and not any(_lowercase(w) for w in words)


def _lowercase(word: str) -> bool:
    """A lowercase word of four or more letters ("mayoral"); short ones ("of", "the") stay lowercase in titles too."""
    return len(word) >= 4 and word[0].islower()


@lru_cache(maxsize=65536)
def _word(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A word's folded tokens and their stems (words repeat: each is folded once)."""
    tokens = tuple(tokenize(word))
    return tokens, tuple(stem(t) for t in tokens)


class DocTerms(Mapping):
    """Document name -> set of the terms it uses, read from a sparse matrix on demand."""

    def __init__(self, docs: list[str], rows: TermCounts):
        self.docs, self.rows = docs, rows
        self._pos = {d: i for i, d in enumerate(docs)}
        self._cache: dict[str, frozenset[str]] = {}

    def __getitem__(self, doc: str) -> frozenset[str]:
        if doc not in self._cache:
            i = self._pos[doc]
            ids = self.rows.indices[self.rows.indptr[i]:self.rows.indptr[i + 1]]
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[doc] = frozenset(self.rows.vocab[j] for j in ids)
        return self._cache[doc]

    def __iter__(self):
        return iter(self.docs)

    def __len__(self) -> int:
        return len(self.docs)

    def __contains__(self, doc: object) -> bool:
        return doc in self._pos


@dataclass
class Lexicon:
    """Corpus-wide word statistics (see the module docstring)."""

    surface: Counter                     # folded word -> number of documents using it
    upper: Counter
    lower: Counter
    doc_terms: DocTerms

    @property
    def names(self) -> set[str]:
        """Terms the documents almost always capitalise."""
        return {t for t, n in self.upper.items() if n >= 2 * self.lower[t] + 1 and not t[0].isdigit()}

    @classmethod
    def build(cls, texts: dict[str, str], old: "Lexicon | None" = None, old_texts: dict[str, str] | None = None,
              reuse: set[str] = frozenset(), counted: dict[str, DocWords] | None = None) -> "Lexicon":
        """The lexicon of `texts`; documents in `reuse` keep their counts from `old` (their text is unchanged).

        `counted` holds documents already counted with `doc_words` (the build counts them while parsing).
        """
        counted = counted or {}
        surface, upper, lower = Counter(), Counter(), Counter()
        rows: list[TermCounts] = []
        if old is not None:
            surface, upper, lower = Counter(old.surface), Counter(old.upper), Counter(old.lower)
            for doc in old.doc_terms.docs:
                if doc not in reuse:                       # changed or removed: take its old counts out
                    words = doc_words(old_texts[doc])
                    surface.subtract(words.surface)
                    upper.subtract(words.upper)
                    lower.subtract(words.lower)
        for doc, text in texts.items():
            if old is not None and doc in reuse:
                i = old.doc_terms._pos[doc]
                rows.append(old.doc_terms.rows.take(i, i + 1))
                continue
            words = counted.get(doc) or doc_words(text)
            surface.update(words.surface)
            upper.update(words.upper)
            lower.update(words.lower)
            rows.append(TermCounts.from_tokens([words.terms]))
        return cls(+surface, +upper, +lower, DocTerms(list(texts), TermCounts.concat(rows)))

    def save(self, folder: Path) -> None:
        """lexicon.json (counters, document order, term list) and doc_terms.npz (terms per document)."""
        rows = self.doc_terms.rows
        (Path(folder) / "lexicon.json").write_bytes(orjson.dumps({
            "surface": self.surface, "upper": self.upper, "lower": self.lower,
            "docs": self.doc_terms.docs, "terms": rows.vocab}))
        np.savez(Path(folder) / "doc_terms.npz", indptr=rows.indptr, indices=rows.indices)

    @classmethod
    def load(cls, folder: Path) -> "Lexicon":
        data = orjson.loads((Path(folder) / "lexicon.json").read_bytes())
        with np.load(Path(folder) / "doc_terms.npz") as z:
            rows = TermCounts(data["terms"], z["indptr"], z["indices"], np.ones(len(z["indices"]), np.int32))
        return cls(Counter(data["surface"]), Counter(data["upper"]), Counter(data["lower"]),
                   DocTerms(data["docs"], rows))
