"""What the indexed documents say, word by word: IDF, which words are names, and spelling repair."""
from __future__ import annotations

import re
from collections import Counter

from index.fold import STOPWORDS, tokenize

_WORD = re.compile(r"[\w'’-]+")


class Vocabulary:
    """Token statistics of the corpus, used to weigh, correct and vet the words of a question."""

    def __init__(self, idf: dict[str, float], texts: list[str]):
        self.idf = idf
        self.words = set(idf)
        self.max_idf = max(idf.values(), default=1.0)
        upper, lower = Counter(), Counter()
        for text in texts:
            for word in _WORD.findall(text):
                for tok in tokenize(word):
                    (upper if word[:1].isupper() else lower)[tok] += 1
        # A name is a word the documents almost always capitalise.
        self.names = {t for t, n in upper.items() if n >= 2 * lower[t] + 1 and not t[0].isdigit()}

    def weight(self, token: str) -> float:
        """IDF, doubled for names: the entity a question is about matters most."""
        w = max(self.idf.get(token, self.max_idf), 0.05)
        return 2 * w if token in self.names else w

    def correct(self, token: str) -> str:
        """The closest corpus word to an unknown word of five letters or more (`imamolgu` -> `imamoglu`)."""
        if token in self.words or len(token) < 5 or token[0].isdigit():
            return token
        from rapidfuzz import fuzz, process

        match = process.extractOne(token, self.words, scorer=fuzz.ratio, score_cutoff=80)
        return match[0] if match else token

    def correct_text(self, question: str) -> str:
        """The question with misspelt words replaced by their corpus form (for retrieval)."""
        def fix(m: re.Match) -> str:
            toks = tokenize(m.group())
            if len(toks) != 1 or toks[0] in self.words:
                return m.group()
            fixed = self.correct(toks[0])
            return fixed if fixed != toks[0] else m.group()
        return _WORD.sub(fix, question)

    def unknown_terms(self, question: str) -> list[str]:
        """Names and numbers in the question that no document mentions, even allowing for typos."""
        unknown = []
        for i, word in enumerate(_WORD.findall(question)):
            if not ((i > 0 and word[:1].isupper()) or word[:1].isdigit()):
                continue
            toks = [t for t in tokenize(word) if t not in STOPWORDS]
            if toks and all(self.correct(t) not in self.words for t in toks):
                unknown.append(word)
        return unknown
