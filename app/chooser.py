"""The answer chooser: which of the reader's spans answers.

The span reader (app/reader.py) offers its n best spans in each retrieved passage, each widened to the whole
name it starts or ends inside ("Vandermeer" -> "Piet Vandermeer"). Each becomes a row of features (the
reader's own score and its answer's share of the reader's odds over every span offered for the question, where the
passage ranked, how much of the question its sentence and passage cover, whether the question's names appear
there (or are spelled out: "Tollerby Rowing Club" for "trc"), whether the span is of the kind the question's cue
words ask for and how likely its kind is by the fitted answer-type model (app/answer_types.py), how close it sits
to the question's words, how near its sentence's vector, stored with the index, lies to
the question's) and a logistic model gives the expected F1 of
that span against the right answer; the highest answers, if its expected F1 reaches the fitted threshold (else
the engine abstains: on held-out SQuAD articles this beat the reader's own policy on both has-answer F1 and
no-answer accuracy). The weights are fitted on held-out readings of SQuAD articles by `python -m eval
fit-chooser`, the threshold on out-of-fold predictions, never on our own questions; both are stored, with the
answer-type model, as a JSON file (app/models/chooser.json); applying them is a dot product.
"""
from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.acronym import spelled_out
from app.answer_types import AnswerTypes, head_word, span_type
from app.question import MONTHS, answer_type, candidates
from app.vocabulary import Vocabulary
from app.wordvectors import WordVectors
from app.years import YEAR
from index.fold import STOPWORDS, fold, stem, terms, tokenize

DEFAULT_PATH = Path(__file__).parent / "models" / "chooser.json"

FEATURES = ("reader", "reader_gap", "span_rank", "rank", "retrieval", "sentence_cover", "passage_cover",
            "names_missing", "typed", "type_match", "span_in_question", "distance", "similarity", "type_odds",
            "answer_share")
_WORD = re.compile(r"[\w'’]+")
FAR = 30   # words: a span with no question word in its sentence counts as this far from them
UNLIKELY = 1e-3   # the odds below which an answer's kind counts as this unlikely (its log is a feature)


@dataclass(frozen=True)
class Asked:
    """What the features need to know of a question, worked out once per question."""

    terms: dict[str, float]      # content terms (stemmed) and their IDF weights
    names: dict[str, float]      # the terms among them the documents capitalise: who or what it is about
    kind: str                    # the answer type asked for (app/question.py)
    words: dict[str, str] = field(default_factory=dict)   # each term's word as the question writes it (folded)
    vectors: WordVectors | None = None   # for how near a sentence's words come to a term it lacks
    expects: dict[str, float] = field(default_factory=dict)   # the odds of each kind of answer (app/answer_types.py)
    head: str | None = None      # the term naming the kind of thing asked for ("parti" of "which party ...")

    @classmethod
    def of(cls, question: str, vocabulary: Vocabulary, vectors: WordVectors | None = None,
           types: AnswerTypes | None = None) -> "Asked":
        words = {stem(w): w for w in vocabulary.question_words(question)}
        weighted = {t: vocabulary.weight(t) for t in words}
        names = {t: w for t, w in weighted.items() if t in vocabulary.names}
        expects = types.odds(question, vectors) if types is not None else {}
        head = head_word(question)
        return cls(weighted, names, answer_type(question), words, vectors, expects, head and stem(head))

    def cover(self, found: AbstractSet[str]) -> float:
        """The IDF-weighted share of the question's terms among these terms."""
        return sum(w for t, w in self.terms.items() if t in found) / (sum(self.terms.values()) or 1.0)

    def paraphrased(self, text: str) -> float:
        """The IDF-weighted share of the question's terms that `text` lacks but says in other words: each counts by
        the cosine of its nearest word in the text ("wife" in a sentence saying "spouse")."""
        if self.vectors is None:
            return 0.0
        tokens = tokenize(text)
        present = {stem(t) for t in tokens}
        words = [t for t in tokens if t not in STOPWORDS and not t[0].isdigit()]
        near = sum(weight * self.vectors.nearest(self.words[t], words) for t, weight in self.terms.items()
                   if t not in present and not t[0].isdigit())
        return near / (sum(self.terms.values()) or 1.0)


@dataclass(frozen=True)
class Offer:
    """One span offered by the reader, placed in its document."""

    score: float                 # reader: best span logit - no-answer logit
    best: float                  # the best score offered in the same passage
    span_rank: int               # its place among that passage's spans
    rank: int                    # the passage's retrieval rank
    retrieval: float             # the passage's fused retrieval score
    text: str
    start: int                   # file offsets of the span
    sentence: str
    sentence_start: int
    passage: str                 # the chunk's title, section and text
    similarity: float = 0.0      # the sentence's embedding cosine with the question


def within_sentence(at: int, text: str, sentence_start: int, sentence: str) -> bool:
    """Whether a span (file offset, text) ends inside its sentence and its table cell: a short answer never runs into
    the next sentence, nor across a pipe table's cells ("705 | 17%")."""
    return at + len(text) <= sentence_start + len(sentence) and "|" not in text


def offers(chunk, rank: int, retrieval: float, spans: list[tuple[float, int, str, int, str]],
           names: AbstractSet[str] = frozenset(), similarities: list[float] | None = None) -> list[Offer]:
    """One retrieved passage's spans as the chooser sees them, each widened to the whole name it starts or ends
    inside (`whole_name`); `spans` are (reader score, file offset, text, sentence file offset, sentence text), best
    first; `names` are the terms the documents capitalise (app/vocabulary.py); `similarities` each span's sentence's
    embedding cosine with the question."""
    context = " ".join([chunk.title, *chunk.section, chunk.text])
    best = max((score for score, *_ in spans), default=0.0)
    out = []
    for k, (score, at, text, s_start, sentence) in enumerate(spans):
        start, text = whole_number(*whole_date(*whole_name(at - s_start, text, sentence, names), sentence), sentence)
        out.append(Offer(score, best, k, rank, retrieval, text, s_start + start, sentence, s_start, context,
                         similarities[k] if similarities else 0.0))
    return out


_BEFORE = re.compile(r"(\S+) $")
_AFTER = re.compile(r" ([^\s,;:.()]+)")


def whole_name(at: int, text: str, sentence: str, names: AbstractSet[str]) -> tuple[int, str]:
    """A span (its offset in its sentence, its text) that starts or ends inside a run of capitalised words, widened to
    the whole run: "Vandermeer" -> "Piet Vandermeer", "Rowing" -> "Tollerby Rowing Club". A word joins
    on the left only if the documents almost always capitalise it (a name, not "Author" opening a sentence)."""
    words = text.split()
    start, end = at, at + len(text)
    if words and _capitalised(words[0]):
        while (m := _BEFORE.search(sentence, 0, start)) and _capitalised(m.group(1)) and _named(m.group(1), names):
            start = m.start(1)
    if words and _capitalised(words[-1]):
        while (m := _AFTER.match(sentence, end)) and _capitalised(m.group(1)):
            end = m.end(1)
    return start, sentence[start:end]


# the month (and year) after a day number: "31" of "31 March 2024"
_MONTH_AFTER = re.compile(rf"\s+(?:{MONTHS})\b(?:,?\s+{YEAR.pattern})?")


def whole_date(start: int, text: str, sentence: str) -> tuple[int, str]:
    """A span that is only the day of a date, widened to the whole date: "31" -> "31 March 2024" (a day alone
    answers nothing)."""
    if re.fullmatch(r"\d{1,2}", text) and (m := _MONTH_AFTER.match(sentence, start + len(text))):
        return start, sentence[start:m.end()]
    return start, text


_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"


def whole_number(start: int, text: str, sentence: str) -> tuple[int, str]:
    """A span that is one half of a number written with a hyphen, widened to the whole number: "six" -> "forty-six"."""
    before = re.search(rf"\b(?:{_TENS})[-‐]$", sentence[:start], re.I)
    if before and re.match(rf"(?:{_UNITS})\b", text, re.I):
        return before.start(), sentence[before.start():start + len(text)]
    after = re.match(rf"[-‐](?:{_UNITS})\b", sentence[start + len(text):], re.I)
    if after and re.search(rf"\b(?:{_TENS})$", text, re.I):
        return start, sentence[start:start + len(text) + after.end()]
    return start, text


def _named(word: str, names: AbstractSet[str]) -> bool:
    """Whether the documents almost always capitalise every term of the word."""
    return set(terms(word)) <= names


def _capitalised(word: str) -> bool:
    """A capitalised word of letters (apostrophes and hyphens inside allowed) that is no stopword ("The", "In")."""
    letters = word.replace("'", "").replace("’", "").replace("-", "")
    return letters.isalpha() and word[0].isupper() and fold(word) not in STOPWORDS


def features(asked: Asked, spans: list[Offer]) -> np.ndarray:
    """The chooser's feature rows for all the spans offered for one question (in FEATURES order)."""
    return np.array([[*_own_features(asked, span), share] for span, share in zip(spans, answer_shares(spans))],
                    dtype=np.float64).reshape(-1, len(FEATURES))


def answer_shares(spans: list[Offer]) -> np.ndarray:
    """Each span's answer's share of the reader's odds over every span offered for the question, as a log: a
    log-softmax of the scores (the reader's scores of two passages are each against that passage's own "no answer",
    so a span's score alone does not say how it fares against the other passage's spans), summed over every place
    the same answer is offered (the sentence two chunks overlap on, a name said twice). Split among many answers,
    the reader is unsure: on held-out SQuAD articles, no-answer accuracy 35.3 -> 49.1% for the same has-answer F1."""
    scores = np.array([span.score for span in spans], dtype=np.float64)
    if not len(scores):
        return scores
    top = scores.max()
    shares = scores - (top + np.log(np.exp(scores - top).sum()))
    answers = [fold(span.text) for span in spans]
    pooled: dict[str, float] = {}
    for answer, share in zip(answers, shares):
        pooled[answer] = float(np.logaddexp(pooled.get(answer, -np.inf), share))
    return np.array([pooled[answer] for answer in answers])


def _own_features(asked: Asked, span: Offer) -> list[float]:
    """The features of one span on its own (all of FEATURES but the last)."""
    in_sentence = term_set(span.sentence)
    in_passage = term_set(span.passage)
    names = sum(asked.names.values())
    missing = sum(w for t, w in asked.names.items()
                  if t not in in_passage and not spelled_out(t, span.passage)) / names if names else 0.0
    span_terms = _echo_terms(span.text, asked.head)
    typed = asked.kind not in ("span", "quote")
    matches = typed and bool(candidates(span.text, asked.kind))
    return [
        span.score,
        span.score - span.best,
        span.span_rank,
        span.rank,
        span.retrieval,
        asked.cover(in_sentence),
        asked.cover(in_passage),
        missing,
        float(typed),
        float(matches),
        sum(t in asked.terms for t in span_terms) / len(span_terms) if span_terms else 1.0,
        math.log1p(_distance(asked, span)),
        span.similarity,
        type_odds(asked.expects, span.text),
    ]


@lru_cache(maxsize=8192)
def term_set(text: str) -> frozenset[str]:
    """A text's terms, worked out once: a passage's spans share its passage and often their sentence."""
    return frozenset(terms(text))


def type_odds(expects: dict[str, float], text: str) -> float:
    """The log of the odds the question gives a span's kind of answer (0 without an answer-type model)."""
    return math.log(max(expects[span_type(text)], UNLIKELY)) if expects else 0.0


def names_nothing_asked(row: np.ndarray) -> bool:
    """Whether a span's passage names none of what the question names (a question naming nothing never does): such
    a span is no answer, however sure the reader is (on held-out SQuAD folds, no-answer accuracy 23.6 -> 28.4% for
    0.5 has-answer F1)."""
    return bool(row[FEATURES.index("names_missing")] >= 1)


def best_offer(expected: np.ndarray, rows: np.ndarray) -> int:
    """The span to answer with: the highest expected F1 among the spans whose passage names something the question
    names, when one of them is not ruled out (expected F1 below 0), else the highest of all. A passage naming none
    of it answers nothing (`names_nothing_asked`), so a surer span there must not hide the next passage's."""
    named = np.array([not names_nothing_asked(row) for row in rows], dtype=bool)
    return int(np.argmax(expected + np.where(named & (expected >= 0), 2.0, 0.0)))


def _echo_terms(text: str, head: str | None = None) -> list[str]:
    """The span's content terms that may echo the question: its words, or its numbers if it has no words (a year
    asked about inside a date, "March 1954" for "rebuilt in 1954", is no echo). The term naming the kind of thing
    asked for is no echo either ("Party" in "Labour Party" for "which party ..."), unless it is all the span says."""
    content = [stem(t) for t in tokenize(text) if t not in STOPWORDS]
    content = [t for t in content if t != head] or content
    words = [t for t in content if not t[0].isdigit()]
    return words or content


def _distance(asked: Asked, span: Offer) -> int:
    """Words between the span and the nearest question word in its sentence (FAR when there is none)."""
    at = span.start - span.sentence_start
    end = at + len(span.text)
    best = FAR
    for m in _WORD.finditer(span.sentence):
        if m.start() < end and m.end() > at:
            continue
        if term_set(m.group()) & asked.terms.keys():
            lo, hi = (m.end(), at) if m.end() <= at else (end, m.start())
            best = min(best, len(span.sentence[lo:hi].split()))
    return best


def logistic(rows: np.ndarray, mean, scale, coef, intercept: float) -> np.ndarray:
    """A standardised logistic model's output for each feature row."""
    z = ((np.atleast_2d(rows) - np.array(mean)) / np.array(scale)) @ np.array(coef) + intercept
    return 1 / (1 + np.exp(-z))


@dataclass(frozen=True)
class Chooser:
    """A fitted logistic model over FEATURES, how many passages' spans it was fitted to choose among, and the expected
    F1 below which the chosen span is no answer (None: the reader's policy decides)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    passages: int = 2
    threshold: float | None = None
    types: AnswerTypes | None = None   # the kind of answer a question expects, fitted with it

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """The expected F1 of each row's span (a logistic model of it)."""
        return logistic(rows, self.mean, self.scale, self.coef, self.intercept)

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept, "passages": self.passages,
                "threshold": self.threshold, "answer_types": self.types.to_dict() if self.types else None}

    @classmethod
    def from_dict(cls, data: dict) -> "Chooser":
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError("the chooser file was fitted on other features; run `python -m eval fit-chooser`")
        threshold, types = data.get("threshold"), data.get("answer_types")
        return cls(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]), float(data["intercept"]),
                   int(data.get("passages", 2)), None if threshold is None else float(threshold),
                   AnswerTypes.from_dict(types) if types else None)


@lru_cache(maxsize=1)
def default_chooser(path: Path = DEFAULT_PATH) -> Chooser | None:
    """The shipped chooser, or None without one (said on stderr when the file is unreadable): the reader's best
    span then answers."""
    if not Path(path).is_file():
        return None
    try:
        return Chooser.from_dict(json.loads(Path(path).read_text()))
    except (ValueError, KeyError, TypeError) as err:
        print(f"warning: the answer chooser {path} cannot be used ({err}); the reader's best span answers",
              file=sys.stderr)
        return None
