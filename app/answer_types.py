"""The kind of answer a question expects, as odds fitted on SQuAD: a date, a number, a name or other words.

`app/question.py` reads the kind from cue words ("when", "how many"), which leave most "what ..." questions
untyped. This model reads the same question as a bag of features (its words, its interrogative with the next
words, the cue-word kind, and the word vector of the head word after the interrogative: "what river" is near
"what lake") and gives the odds of each kind of span, labelled by the form of the gold answers of SQuAD training
questions (`span_type`). The chooser uses the odds of an offered span's own kind as a feature (`app/chooser.py`).
It is fitted with the chooser by `python -m eval fit-chooser` and stored in the chooser's file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from app.question import INTERROGATIVES, MONTHS, PATTERNS, answer_type
from app.wordvectors import WordVectors
from index.fold import STOPWORDS, fold

KINDS = ("date", "number", "name", "other")
_WORDS = re.compile(r"[a-z0-9]+")
_TIME = re.compile(rf"\b(?:{MONTHS})\b|\b\d{{1,3}}0s\b|\bcentur(?:y|ies)\b")   # "May 12", "the 1990s", "18th century"
NAMING_INTERROGATIVES = ("what", "which", "whose", "how")   # those the kind of thing asked for can follow
HEAD_REACH = 3   # words after the interrogative in which its head word is looked for ("what [kind of] river")


def span_type(text: str) -> str:
    """A span's kind by its form: a date or year, a number, a capitalised name (its first word that is no stopword:
    "The Beatles", not "The current director"), or other words."""
    text = text.strip().strip(",;:.").strip()   # as a short answer is cut (app/reader.py short_form)
    if not text:
        return "other"
    if PATTERNS["date"].search(text) or _TIME.search(text):
        return "date"
    words = text.split()
    if re.search(r"\d", text) or PATTERNS["number"].fullmatch(words[0]):
        return "number"
    first = next((w for w in words if fold(w) not in STOPWORDS), words[0])   # not "The" opening a sentence
    return "name" if first[0].isupper() else "other"


def question_features(question: str, vectors: WordVectors | None) -> dict[str, float]:
    """The question as named features: `w=` each word, `wh=` its interrogative, `whK=` it with the Kth word after,
    `cue=` the kind its cue words give, and `vI=` the head word's vector (when `vectors` are given)."""
    words = _WORDS.findall(fold(question))
    found = {f"w={w}": 1.0 for w in words}
    found[f"cue={answer_type(question)}"] = 1.0
    wh = _interrogative(words)
    if wh is None:
        return found
    found[f"wh={words[wh]}"] = 1.0
    for k in range(1, HEAD_REACH + 1):
        if wh + k < len(words):
            found[f"wh{k}={words[wh]}_{words[wh + k]}"] = 1.0
    head = _head(words, wh)
    if head and vectors is not None:
        found.update({f"v{i}": float(x) for i, x in enumerate(vectors.vector(head))})
    return found


def head_word(question: str) -> str | None:
    """The word after "what", "which", "whose" or "how" that names the kind of thing asked for ("party" in "which
    party did ...", "votes" in "how many votes ..."), folded; None for other questions ("who won": no kind named)."""
    words = _WORDS.findall(fold(question))
    wh = _interrogative(words)
    return _head(words, wh) if wh is not None and words[wh] in NAMING_INTERROGATIVES else None


def _interrogative(words: list[str]) -> int | None:
    return next((i for i, w in enumerate(words) if w in INTERROGATIVES), None)


def _head(words: list[str], wh: int) -> str | None:
    return next((w for w in words[wh + 1:wh + 1 + HEAD_REACH] if w not in STOPWORDS), None)


@dataclass(frozen=True)
class AnswerTypes:
    """A multinomial logistic model of the answer's kind (KINDS order) over named question features."""

    features: dict[str, int]     # feature name -> column of `coef`
    coef: np.ndarray             # (len(KINDS), len(features))
    intercept: np.ndarray        # (len(KINDS),)

    def odds(self, question: str, vectors: WordVectors | None) -> dict[str, float]:
        """The probability of each kind of answer."""
        z = self.intercept.copy()
        for name, value in question_features(question, vectors).items():
            if (column := self.features.get(name)) is not None:
                z += value * self.coef[:, column]
        p = np.exp(z - z.max())
        return dict(zip(KINDS, (p / p.sum()).tolist()))

    def to_dict(self) -> dict:
        return {"kinds": list(KINDS), "features": list(self.features),
                "coef": [[round(float(x), 4) for x in row] for row in self.coef],
                "intercept": [round(float(x), 4) for x in self.intercept]}

    @classmethod
    def from_dict(cls, data: dict) -> "AnswerTypes":
        if tuple(data["kinds"]) != KINDS:
            raise ValueError("the answer-type model was fitted on other kinds; run `python -m eval fit-chooser`")
        coef = np.array(data["coef"], dtype=np.float64)
        if coef.shape != (len(KINDS), len(data["features"])):
            raise ValueError("the answer-type model's weights do not match its features")
        return cls({name: k for k, name in enumerate(data["features"])}, coef,
                   np.array(data["intercept"], dtype=np.float64))
