"""Cloze questions: reader training pairs made from unlabelled text, for a warm-up epoch before the real questions.

A sentence with one of its names, dates or numbers replaced by the matching wh-word ("the lamp was lit by who") is a
question whose answer is the span taken out (Dhingra et al. 2018, "Simple and Effective Semi-Supervised Question
Answering"). The packaged encoder was trained for sentence similarity, not reading; such a pass was meant to teach it
to point at spans before the few thousand real questions do. Only the training articles' own text is used. Tried on one
rotation fold and left out of the shipped recipe (`fit-reader --cloze`; docs/text-answers.md): worth one more real
epoch at first, and nothing after the second.
"""
from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING

from app.question import PATTERNS
from index.chunk import Chunk
from index.fold import terms
from index.parse import split_sentences

if TYPE_CHECKING:
    from eval.fit_reader import Example     # fit_reader imports this module

CONTEXT_WORDS = 10      # words kept either side of the blank: questions are short
_KINDS = [("date", "when"), ("number", "how many"), ("name", "who")]


def cloze_examples(chunks: list[Chunk], rng: random.Random, negatives: float = 0.5,
                   per_sentence: int = 2) -> list[Example]:
    """For each sentence of these chunks, up to `per_sentence` cloze questions answered in its chunk; with probability
    `negatives`, each also asked of the chunk sharing most of its words that does not hold the sentence ("no answer")."""
    from app.reader import passage_of
    from eval.fit_reader import Example

    words = {c.id: set(terms(c.text)) for c in chunks}
    examples = []
    for chunk in chunks:
        text, skip = passage_of(chunk)
        for sentence, (question, (s, e)) in [(x, made) for x in split_sentences(chunk.text, 0)
                                             for made in clozes(x.text, rng, per_sentence)]:
            at = skip + sentence.start
            examples.append(Example(question, text, skip, (at + s, at + e)))
            if rng.random() < negatives:
                q_terms = set(terms(question))
                other = max((c for c in chunks if c.id != chunk.id), key=lambda c: len(q_terms & words[c.id]),
                            default=None)
                if other is not None and sentence.text not in other.text:
                    other_text, other_skip = passage_of(other)
                    examples.append(Example(question, other_text, other_skip, None))
    return examples


def clozes(sentence: str, rng: random.Random, most: int) -> list[tuple[str, tuple[int, int]]]:
    """Up to `most` questions made from a sentence by blanking one date, number or name each (never its first word),
    with that span's offsets in the sentence; none for a sentence under six words."""
    if len(sentence.split()) < 6:
        return []
    spans: dict[int, tuple[int, str]] = {}
    for kind, wh in _KINDS:         # a year is a date before it is a number
        for m in PATTERNS[kind].finditer(sentence):
            end = m.start() + len(m.group().rstrip(".,;:"))
            if m.start() > 0 and end > m.start():
                spans.setdefault(m.start(), (end, wh))
    out = []
    for s in rng.sample(sorted(spans), min(most, len(spans))):
        e, wh = spans[s]
        left = sentence[:s].split()[-CONTEXT_WORDS:]
        right = re.sub(r"[.!?]+$", "", sentence[e:].strip()).split()[:CONTEXT_WORDS]
        out.append((" ".join([*left, wh, *right]) + "?", (s, e)))
    return out
