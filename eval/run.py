"""Run a Q/A set through Engine.ask, score every answer, and aggregate overall and by kind."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from eval import metrics
from eval.qa_set import KINDS, QAItem

RECALL_KS = (1, 3, 5, 10)


@dataclass
class Outcome:
    """One question's answer and every check made on it."""

    id: str
    kind: str
    question: str
    expected: list[str]
    got: str | None                 # short_answer
    answer: str                     # the full answer text
    got_kind: str                   # "table" | "text" | "none"
    answerable: bool
    abstained: bool
    exact: bool                     # normalised EM of short_answer, or an account holding an accepted answer
    f1: float
    contains: bool                  # the full answer contains an accepted form
    evidence_hit: bool | None       # cited passages hold all the gold evidence (None: nothing to check)
    evidence_missing: list[str]
    untraced: list[str] | None      # numbers in the answer found in no citation or computation
    rank: int | None                # where the gold evidence first appears among retrieved chunks
    latency_ms: float
    confidence: float | None = None
    citations: list[str] = field(default_factory=list)
    computation: str | None = None
    note: str = ""
    passage: bool = False           # a descriptive question: the cited passage is the answer

    @property
    def correct(self) -> bool:
        """Answerable: the short answer matches exactly; unanswerable: the engine abstained."""
        return self.exact if self.answerable else self.abstained

    def problems(self) -> list[str]:
        """Every check this answer failed, in words."""
        found = []
        if self.answerable and self.abstained:
            found.append("abstained")
        elif self.answerable and self.passage and self.got:
            found.append("short answer given for a passage question")
        elif self.answerable and not self.exact:
            found.append("wrong answer" if not self.contains else "short answer not exact")
        if not self.answerable and not self.abstained:
            found.append("answered an unanswerable question")
        if self.evidence_hit is False:
            found.append("citation lacks gold evidence")
        if self.untraced:
            found.append(f"untraced numbers {', '.join(self.untraced)}")
        return found


def score(item: QAItem, result: dict, retrieved: list[str], latency_ms: float) -> Outcome:
    """Check one answer contract against its Q/A item; `retrieved` are the ranked chunk texts."""
    abstained = result.get("kind") == "none"
    citations = result.get("citations") or []
    passages = [c.get("text") or "" for c in citations] + [c.get("quote") or "" for c in citations]
    answered_answerable = item.answerable and not abstained
    found = metrics.evidence_found(item.evidence, passages) if answered_answerable and item.evidence else []
    computation = result.get("computation")
    headers = [name for c in citations for name in (c.get("row") or {}).get("columns", [])]   # "Stays 2024"
    short = result.get("short_answer")
    if item.passage:    # descriptive question: right when the cited passages hold the evidence, no short answer
        exact = not abstained and metrics.passage_answer(short, item.evidence, passages)
        f1, contains = float(exact), all(metrics.passage_contains(result.get("answer") or "", e) for e in item.evidence)
    else:
        exact, f1 = metrics.exact_match(short, item.answers), metrics.token_f1(short, item.answers)
        contains = metrics.contains_answer(result.get("answer"), item.answers)
        if not short and not abstained and contains:    # an account (no short answer) of a question graded by
            exact, f1 = True, 1.0                        # phrases ("why ...": "a burst pipe"): its text says one
    return Outcome(
        id=item.id, kind=item.kind, question=item.question, expected=list(item.answers or item.evidence),
        got=short, answer=result.get("answer") or "", got_kind=result.get("kind") or "",
        answerable=item.answerable, abstained=abstained, exact=exact, f1=f1, contains=contains,
        evidence_hit=all(found) if found else None,
        evidence_missing=[e for e, ok in zip(item.evidence, found) if not ok],
        untraced=None if abstained else metrics.untraced_numbers(result.get("answer") or "", passages + [computation]
                                                                  + headers),
        rank=metrics.evidence_rank(item.evidence, retrieved) if item.answerable else None,
        latency_ms=round(latency_ms, 2), confidence=result.get("confidence"),
        citations=[c.get("chunk_id", "") for c in citations], computation=computation, note=item.note,
        passage=item.passage)


def run_set(engine, items: list[QAItem], settings=None, retrieval: bool = True) -> list[Outcome]:
    """Ask every question with `engine.ask` (the UI's function) and score it; also rank the evidence."""
    outcomes = []
    for item in items:
        history = [dict(turn) for turn in item.history] or None
        t0 = time.perf_counter()
        result = engine.ask(item.question, history=history, settings=settings)
        latency = (time.perf_counter() - t0) * 1000
        retrieved: list[str] = []
        if retrieval and item.answerable:
            query = result.get("resolved_question") or item.question
            retrieved = [hit.chunk.text for hit in engine.retrieve(query, settings)]
        outcomes.append(score(item, result, retrieved, latency))
    return outcomes


@dataclass
class Summary:
    """Aggregate scores of a group of outcomes; nan where a metric has nothing to measure."""

    n: int
    answerable: int
    unanswerable: int
    accuracy: float                 # EM of short_answer on answerable questions
    f1: float
    contains: float
    abstain_precision: float
    abstain_recall: float
    citation_accuracy: float        # answered answerable questions whose citations hold the evidence
    traceable: float                # answers (not abstentions) whose every number is traceable
    recall: dict[int, float]
    mrr: float
    p50_ms: float
    p95_ms: float

    def to_dict(self) -> dict:
        return asdict(self)


def summarize(outcomes: list[Outcome]) -> Summary:
    """Aggregate a group of outcomes."""
    answerable = [o for o in outcomes if o.answerable]
    answered = [o for o in outcomes if not o.abstained]
    ranks = [o.rank for o in answerable]
    precision, recall = metrics.abstention([o.abstained for o in outcomes], [not o.answerable for o in outcomes])
    latencies = [o.latency_ms for o in outcomes]
    return Summary(
        n=len(outcomes), answerable=len(answerable), unanswerable=len(outcomes) - len(answerable),
        accuracy=metrics.mean(o.exact for o in answerable),
        f1=metrics.mean(o.f1 for o in answerable),
        contains=metrics.mean(o.contains for o in answerable),
        abstain_precision=precision, abstain_recall=recall,
        citation_accuracy=metrics.mean(o.evidence_hit for o in answerable if o.evidence_hit is not None),
        traceable=metrics.mean(not o.untraced for o in answered),
        recall={k: metrics.recall_at(ranks, k) for k in RECALL_KS},
        mrr=metrics.mrr(ranks),
        p50_ms=metrics.percentile(latencies, 50), p95_ms=metrics.percentile(latencies, 95))


def by_kind(outcomes: list[Outcome]) -> dict[str, Summary]:
    """A summary per question kind, in the set's canonical kind order."""
    kinds = [k for k in KINDS if any(o.kind == k for o in outcomes)]
    kinds += sorted({o.kind for o in outcomes} - set(kinds))
    return {k: summarize([o for o in outcomes if o.kind == k]) for k in kinds}


def failures(outcomes: list[Outcome]) -> list[Outcome]:
    """Outcomes with at least one failed check."""
    return [o for o in outcomes if o.problems()]


@dataclass
class SetRun:
    """A whole set's outcomes with its overall and per-kind summaries."""

    name: str
    set_path: str
    docs: str
    settings: dict
    outcomes: list[Outcome]
    seconds: float
    summary: Summary = field(init=False)
    kinds: dict[str, Summary] = field(init=False)

    def __post_init__(self):
        self.summary = summarize(self.outcomes)
        self.kinds = by_kind(self.outcomes)

    def to_dict(self) -> dict:
        return {"name": self.name, "set": self.set_path, "docs": self.docs, "settings": self.settings,
                "seconds": round(self.seconds, 2), "summary": self.summary.to_dict(),
                "by_kind": {k: s.to_dict() for k, s in self.kinds.items()},
                "outcomes": [{**asdict(o), "correct": o.correct, "problems": o.problems()} for o in self.outcomes]}
