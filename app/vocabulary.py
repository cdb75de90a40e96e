"""What the indexed documents say, word by word: IDF, which words are names, and spelling repair."""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from app.acronym import spelled_out
from index.fold import STOPWORDS, fold, stem, tokenize
from index.lexicon import WORD as _WORD, Lexicon

_YEAR = re.compile(r"(1[5-9]|2[0-9])\d\d")
_JOINED = re.compile(rf"{_WORD.pattern}(?:&{_WORD.pattern})*")   # "A&E", "R&D": one word, not "A" and "E"
_BOUND = re.compile(r"\b(?:before|after|since|until|till|than|between|and|from|to|by|over|under|prior to)\s*$", re.I)


class Vocabulary:
    """Token statistics of the corpus, used to weigh, correct and vet the words of a question."""

    def __init__(self, idf: Mapping[str, float], lexicon: Lexicon | dict[str, str]):
        """`lexicon`: the index's stored word statistics (or document texts, counted here)."""
        if not isinstance(lexicon, Lexicon):
            lexicon = Lexicon.build(lexicon)
        self.idf = idf
        self.doc_terms = lexicon.doc_terms            # what each document mentions
        self.words = idf.keys()
        self.max_idf = max(idf.values(), default=1.0)
        self.surface = set(lexicon.surface)        # folded, unstemmed words: what spelling repair compares with
        self._spellings: dict[int, list[str]] = {}  # word length -> candidate corrections (see `_candidates`)
        self.correct_word = lru_cache(maxsize=4096)(self._correct_word)   # a question asks for a word ~3 times
        # A name is a word the documents almost always capitalise.
        self.names = lexicon.names
        self.lowercase = {t for t, n in lexicon.lower.items() if n}   # terms the documents also write in lowercase

    def is_name(self, word: str, common: Callable[[str], bool] = lambda word: False) -> bool:
        """Whether the documents write every term of `word` as a name: almost always capitalised, or used but never in
        lowercase and no `common` word (a table's row label: "millbrook" for "Millbrook"; not a header's "Before")."""
        toks = tokenize(word)
        return bool(toks) and all(t not in STOPWORDS and not t[0].isdigit() and (
            stem(t) in self.names or (t in self.surface and stem(t) not in self.lowercase and not common(t)))
            for t in toks)

    def truecase(self, question: str, common: Callable[[str], bool] = lambda word: False) -> str:
        """A question typed without capitals (but for its first letter) with the documents' names capitalised
        ("how many votes did anna lindqvist get" -> "... Anna Lindqvist ..."), so what knows a name by its capital
        knows it; any other question as it is. A `common` word stays as typed: a few documents may never write "us"
        or "draft" in lowercase."""
        if any(c.isupper() for c in question[1:]):
            return question

        def always_capitalised(word: str) -> bool:   # not "party", which names use but prose also writes in lowercase
            toks = [t for t in tokenize(word) if t != "s"]     # a possessive's "s" ("turkey's")
            return bool(toks) and all(stem(t) in self.names and stem(t) not in self.lowercase for t in toks) \
                and not common(word)     # asked last: it runs the encoder's tokenizer

        return _WORD.sub(lambda m: m.group()[:1].upper() + m.group()[1:] if always_capitalised(m.group())
                         else m.group(), question)

    def possessives(self, question: str) -> str:
        """A name typed with a possessive's "s" but no apostrophe read as the possessive ("lindqvists boat" ->
        "lindqvist's boat"): a word the documents never write, whose form without the "s" they write as a name, and
        that a content word follows (not "the Obamas.", "Sands and Chopin", "how many DB10s were made")."""
        words = list(_WORD.finditer(question))
        out, at = [], 0
        for m, after in zip(words, words[1:]):
            folded = fold(m.group())
            base = folded[:-1]
            if (len(folded) >= 4 and folded.endswith("s") and folded not in self.surface and base in self.surface
                    and self.is_name(base) and fold(after.group()) not in STOPWORDS):
                out += [question[at:m.end() - 1], "'s"]
                at = m.end()
        return "".join(out) + question[at:]

    def weight(self, token: str) -> float:
        """IDF, doubled for names: the entity a question is about matters most."""
        w = max(self.idf.get(token, self.max_idf), 0.05)
        return 2 * w if token in self.names else w

    def _correct_word(self, word: str) -> str:
        """The closest corpus word to an unknown folded word of five letters or more (`hydrolgist` -> `hydrologist`); a
        function word is never one ("where" is no typo of "were" in documents that never write it)."""
        if word in self.surface or len(word) < 5 or word[0].isdigit() or word in STOPWORDS:
            return word
        from rapidfuzz import fuzz, process

        match = process.extractOne(word, self._candidates(len(word)), scorer=fuzz.ratio, score_cutoff=85)
        return match[0] if match else word

    def _candidates(self, n: int) -> list[str]:
        """The corpus words that can score 85 against a word of n letters, in a fixed order (ties go to the first).

        fuzz.ratio is 200 x common letters / (n + m), so 85 needs m between 0.74 n and 1.35 n letters.
        """
        if n not in self._spellings:
            lo, hi = math.floor(n * 0.85 / 1.15), math.ceil(n * 1.15 / 0.85)
            self._spellings[n] = sorted(w for w in self.surface if lo <= len(w) <= hi)
        return self._spellings[n]

    def question_words(self, question: str) -> list[str]:
        """The question's content words, folded, misspellings repaired and compounds split ("rerun")."""
        out = []
        for t in tokenize(question):
            if t not in STOPWORDS and not unapostrophised(t):
                out += self.split_compound(self.correct_word(t))
        return out

    def question_terms(self, question: str) -> list[str]:
        """The question's content terms (`question_words` stemmed)."""
        return [stem(w) for w in self.question_words(question)]

    def split_compound(self, word: str) -> list[str]:
        """An unknown word written as two known ones (`rerun` -> `re`, `run`), else the word itself."""
        if word in self.surface or word[0].isdigit():
            return [word]
        for i in range(2, len(word) - 1):
            if word[:i] in self.surface and word[i:] in self.surface:
                return [word[:i], word[i:]]
        return [word]

    def correct_text(self, question: str) -> str:
        """The question with misspelt words replaced by their corpus form (for retrieval)."""
        def fix(m: re.Match) -> str:
            toks = tokenize(m.group())
            if len(toks) != 1:
                return m.group()
            fixed = self.correct_word(toks[0])
            return fixed if fixed != toks[0] else m.group()
        return _WORD.sub(fix, question)

    def unknown_terms(self, question: str, context: str = "") -> list[str]:
        """Names and years in the question that no document mentions, even allowing for typos and other inflections
        ("Grammies" for "Grammy"); an acronym `context` spells out ("NYC" for "New York City") is mentioned.

        A year in a comparison ("opened before 1990") is a bound, not a subject, and does not count.
        """
        unknown = []
        words = list(_JOINED.finditer(question))
        shouting = sum(m.group().isupper() for m in words) > len(words) / 2  # capitals carry no signal
        for i, m in enumerate(words):
            word = m.group()
            is_name = i > 0 and word[:1].isupper() and not shouting
            is_year = bool(_YEAR.fullmatch(word)) and not _BOUND.search(question[:m.start()])
            if not (is_name or is_year):
                continue
            toks = [t for t in tokenize(word) if t not in STOPWORDS]
            if toks and all(self.correct_word(t) not in self.surface and stem(t) not in self.words for t in toks) \
                    and not (word.isupper() and spelled_out(fold(word).replace("&", ""), context)):
                unknown.append(word)
        return unknown


def unapostrophised(word: str) -> bool:
    """A function word and "'s" typed without the apostrophe ("whats", "whos", "thats"): no content word."""
    return len(word) > 2 and word.endswith("s") and word[:-1] in STOPWORDS
