"""Acronyms a passage spells out: "trc" is written "Tollerby Rowing Club" there, "nyc" "New York City"."""
from __future__ import annotations

import re
from functools import lru_cache

from app.question import PATTERNS
from index.fold import STOPWORDS, fold

_WORD = re.compile(r"[\w'’-]+")
LONGEST = 5      # letters: a longer term is taken for a word, not an acronym


def spells(acronym: str, words: list[str], doubles: int = 1) -> bool:
    """Whether the acronym (folded) is the words' leading letters in order, one from each word of a run of them and two
    from at most `doubles` of them ("ab" + "c" for "AB Clinic", "n" + "y" + "c" for "New York City"); connecting
    stopwords may be skipped ("Justice and Development Party")."""
    if not acronym or not words:
        return not acronym and not words
    head, rest = words[0], words[1:]
    if head in STOPWORDS and spells(acronym, rest, doubles):
        return True
    if acronym[0] == head[0] and spells(acronym[1:], rest, doubles):
        return True
    return doubles > 0 and len(head) > 1 and acronym[:2] == head[:2] and spells(acronym[2:], rest, doubles - 1)


@lru_cache(maxsize=4096)
def spelled_out(term: str, text: str) -> bool:
    """Whether `text` writes the acronym `term` (a folded question term of 2 to LONGEST letters) as a run of two or more
    capitalised words."""
    if not (2 <= len(term) <= LONGEST and term.isalpha()):
        return False
    for run in PATTERNS["name"].finditer(text):       # runs of capitalised words ("Bank of England")
        words = [fold(w) for w in _WORD.findall(run.group())]
        for i in range(len(words) - 1):
            if words[i][0] == term[0] and any(spells(term, words[i:j]) for j in range(i + 2, len(words) + 1)):
                return True
    return False
