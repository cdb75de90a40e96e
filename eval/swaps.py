"""Unanswerable questions made from answerable ones, for the reader to learn that a passage which names something else
does not answer.

One name, year or number of the question that its answer's passage also holds is swapped for another of the same
kind from the same article that this passage never mentions ("What did Ada Finch found in 1931?" -> "What did Ada
Finch found in 1954?"), and the question is asked of that passage with no answer. An entity swap is the commonest kind
of SQuAD 2.0's unanswerable questions (Rajpurkar et al. 2018, "Know What You Don't Know"); held out, the reader
answers such ones ("Diamonds Aren't Forever was released in what year?" with the year of "Diamonds Are Forever"),
having seen only one other article's unanswerable questions (160 or 188) in training.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from index.fold import STOPWORDS, fold

YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
NAME = re.compile(r"\b[A-Z][\w'’-]*[\w]")


@dataclass(frozen=True)
class Pool:
    """The names, years and numbers an article's text uses, to swap into its questions."""

    names: tuple[str, ...]
    years: tuple[str, ...]
    numbers: tuple[str, ...]

    @classmethod
    def of(cls, texts: list[str]) -> "Pool":
        text = "\n".join(texts)
        years = set(YEAR.findall(text))
        return cls(tuple(sorted({m.group() for m in NAME.finditer(text)
                                 if _is_name(m.group()) and not _opens_sentence(text, m.start())})),
                   tuple(sorted(years)), tuple(sorted(set(NUMBER.findall(text)) - years)))


def swapped(question: str, passage: str, pool: Pool, rng: random.Random) -> str | None:
    """The question with one of its names, years or numbers that the passage holds swapped for one of the pool's the
    passage never mentions; None when it has none to swap (or the pool nothing to swap in)."""
    found = []
    for pattern, choices in ((YEAR, pool.years), (NAME, pool.names), (NUMBER, pool.numbers)):
        for m in pattern.finditer(question):
            taken = any(m.start() < e and s < m.end() for s, e, _ in found)    # a year is no number again
            named = pattern is not NAME or _is_name(m.group())                  # "The" is no name
            if m.start() > 0 and not taken and named and _mentions(passage, m.group()):
                found.append((m.start(), m.end(), choices))
    rng.shuffle(found)
    for s, e, choices in found:
        others = [c for c in choices if not _mentions(passage, c)]
        if others:
            return question[:s] + rng.choice(others) + question[e:]
    return None


def _is_name(word: str) -> bool:
    return fold(word) not in STOPWORDS


def _mentions(passage: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", passage) is not None


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` is a sentence's or a line's first (capitalised for that alone, not a name)."""
    before = text[max(0, at - 8):at].rstrip(" \t\"'“(")     # the few characters before it are enough
    return not before or before[-1] in ".!?:\n"
