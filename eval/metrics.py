"""Pure scoring functions: answer match, citation checks, retrieval ranks, abstention and latency."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from index.fold import fold

ARTICLES = frozenset({"a", "an", "the"})
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_MARKER = re.compile(r"\[\d+\]")


def canonical_number(token: str) -> str:
    """`81,777` -> `81777`, `54,2` -> `54.2`, `45.0` -> `45`: one spelling per value."""
    token = re.sub(r",(?=\d{3}(?:\D|$))", "", token)   # thousands separators
    token = token.replace(",", ".")                     # a remaining comma is a decimal comma
    if token.count(".") > 1:                            # 1.234.567: dots as thousands separators
        token = token.replace(".", "")
    whole, _, fraction = token.partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def normalize(text: str | None) -> list[str]:
    """Answer tokens compared by EM and F1: folded case and diacritics, no thousands separators,
    no `%` or other punctuation, no articles."""
    if not text:
        return []
    tokens = []
    for tok in _TOKEN.findall(fold(text)):
        if tok[0].isdigit():
            tok = canonical_number(tok) if tok[-1].isdigit() else tok
        if tok not in ARTICLES:
            tokens.append(tok)
    return tokens


def exact_match(prediction: str | None, answers: Iterable[str]) -> bool:
    """Whether the normalised prediction equals some normalised accepted answer."""
    pred = normalize(prediction)
    return bool(pred) and any(pred == normalize(a) for a in answers)


def token_f1(prediction: str | None, answers: Iterable[str]) -> float:
    """Best token-overlap F1 of the normalised prediction against the accepted answers."""
    pred = normalize(prediction)
    best = 0.0
    for answer in answers:
        gold = normalize(answer)
        common = sum((Counter(pred) & Counter(gold)).values())
        if common:
            p, r = common / len(pred), common / len(gold)
            best = max(best, 2 * p * r / (p + r))
    return best


def contains_answer(text: str | None, answers: Iterable[str]) -> bool:
    """Whether some accepted answer occurs in the text as a whole run of normalised tokens."""
    hay = normalize(text)
    for answer in answers:
        needle = normalize(answer)
        n = len(needle)
        if n and any(hay[i:i + n] == needle for i in range(len(hay) - n + 1)):
            return True
    return False


def squash(text: str) -> str:
    """Folded text with runs of whitespace collapsed, for substring checks of evidence."""
    return " ".join(fold(text).split())


def passage_contains(passage: str, evidence: str) -> bool:
    """Whether a passage contains the evidence string (case, diacritics and spacing ignored)."""
    return squash(evidence) in squash(passage)


def evidence_found(evidence: Sequence[str], passages: Sequence[str]) -> list[bool]:
    """For each evidence string, whether some passage contains it."""
    squashed = [squash(p) for p in passages]
    return [any(squash(e) in p for p in squashed) for e in evidence]


def passage_answer(short_answer: str | None, evidence: Sequence[str], passages: Sequence[str]) -> bool:
    """A descriptive answer is right when it gives no short answer and its cited passages hold every evidence string."""
    return not short_answer and bool(evidence) and all(evidence_found(evidence, passages))


def numbers(text: str) -> list[str]:
    """Every number in the text, canonical (`81,777` -> `81777`), without citation markers like `[1]`."""
    return [canonical_number(n) for n in _NUMBER.findall(_MARKER.sub(" ", text or ""))]


def untraced_numbers(answer: str, sources: Iterable[str | None]) -> list[str]:
    """Numbers in the answer that appear in none of the sources (cited passages, computation)."""
    known = {n for s in sources if s for n in numbers(s)}
    return [n for n in numbers(answer) if n not in known]


def evidence_rank(evidence: Sequence[str], passages: Sequence[str]) -> int | None:
    """1-based rank at which every evidence string has been seen among the ranked passages, or None."""
    if not evidence:
        return None
    wanted = [squash(e) for e in evidence]
    found = [False] * len(wanted)
    for rank, passage in enumerate(passages, 1):
        text = squash(passage)
        found = [f or w in text for f, w in zip(found, wanted)]
        if all(found):
            return rank
    return None


def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose gold evidence is within the top k."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else math.nan


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank of the gold evidence (0 when it was not retrieved)."""
    return sum(1 / r for r in ranks if r) / len(ranks) if ranks else math.nan


def abstention(abstained: Sequence[bool], unanswerable: Sequence[bool]) -> tuple[float, float]:
    """(precision, recall) of abstaining as a detector of unanswerable questions; nan when undefined."""
    both = sum(1 for a, u in zip(abstained, unanswerable) if a and u)
    n_abstained, n_unanswerable = sum(abstained), sum(unanswerable)
    precision = both / n_abstained if n_abstained else math.nan
    recall = both / n_unanswerable if n_unanswerable else math.nan
    return precision, recall


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Iterable[float | bool]) -> float:
    """Arithmetic mean; nan for no values."""
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else math.nan
