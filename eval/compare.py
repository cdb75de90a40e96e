"""Ablation and tuning: retrieval modes and fusion weights side by side, then the abstention threshold."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from eval.qa_set import QAItem
from eval.run import Summary, run_set, summarize

DENSE_WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
RETRIEVAL_FIELDS = ("mode", "fusion", "dense_weight")


def retrieval_configs() -> list[tuple[str, dict]]:
    """(label, Settings changes) of every retrieval configuration compared."""
    configs = [("BM25 only", {"mode": "bm25"}), ("dense only", {"mode": "dense"}),
               ("hybrid RRF", {"mode": "hybrid", "fusion": "rrf"})]
    configs += [(f"hybrid weighted w={w:.1f}", {"mode": "hybrid", "fusion": "weighted", "dense_weight": w})
                for w in DENSE_WEIGHTS]
    return configs


@dataclass
class Trial:
    """One configuration's changes to the settings and its scores on the set."""

    label: str
    changes: dict
    summary: Summary
    seconds: float

    @property
    def overall(self) -> float:
        """Share of all questions handled correctly: exact answers plus abstentions on unanswerable ones."""
        s = self.summary
        answered = (s.accuracy if s.answerable else 0.0) * s.answerable
        abstained = (s.abstain_recall if s.unanswerable else 0.0) * s.unanswerable
        return (answered + abstained) / s.n if s.n else 0.0


@dataclass
class Comparison:
    """Every trial, what was chosen and why."""

    baseline: dict                              # the engine's current settings
    retrieval: list[Trial] = field(default_factory=list)
    thresholds: list[Trial] = field(default_factory=list)
    chosen_retrieval: Trial | None = None
    chosen_threshold: Trial | None = None
    why_retrieval: str = ""
    why_threshold: str = ""

    def recommendations(self) -> list[str]:
        """Settings defaults the numbers say should change (empty when the current ones are best)."""
        changes = {}
        if self.chosen_retrieval:
            changes.update(self.chosen_retrieval.changes)
        if self.chosen_threshold:
            changes.update(self.chosen_threshold.changes)
        return [f"{k}: {self.baseline.get(k)!r} -> {v!r}" for k, v in changes.items()
                if self.baseline.get(k) != v and not (k == "dense_weight" and changes.get("fusion") != "weighted")]


def _trial(engine, items: list[QAItem], label: str, changes: dict) -> Trial:
    t0 = time.perf_counter()
    outcomes = run_set(engine, items, engine.settings.with_(**changes))
    return Trial(label, changes, summarize(outcomes), time.perf_counter() - t0)


def _retrieval_key(trial: Trial) -> tuple:
    s = trial.summary
    return (round(trial.overall, 4), round(s.mrr, 4), round(s.recall[5], 4))


def _is_current(changes: dict, baseline: dict) -> bool:
    relevant = {k: v for k, v in changes.items() if not (k == "dense_weight" and changes.get("fusion") != "weighted")}
    return all(baseline.get(k) == v for k, v in relevant.items())


def choose_retrieval(trials: list[Trial], baseline: dict) -> tuple[Trial, str]:
    """The best trial by share of questions handled correctly, then MRR, then recall@5; ties keep the current."""
    best_key = max(_retrieval_key(t) for t in trials)
    tied = [t for t in trials if _retrieval_key(t) == best_key]
    chosen = next((t for t in tied if _is_current(t.changes, baseline)), tied[0])
    s = chosen.summary
    why = (f"highest share of questions handled correctly ({chosen.overall:.1%}), then MRR ({s.mrr:.3f}) and "
           f"recall@5 ({s.recall[5]:.1%})")
    if len(tied) > 1:
        why += f"; tied with {', '.join(t.label for t in tied if t is not chosen)}"
        why += ", so the current setting is kept" if _is_current(chosen.changes, baseline) else ""
    return chosen, why


def choose_threshold(trials: list[Trial], current: float) -> tuple[Trial, str]:
    """The threshold handling most questions correctly; among ties the one nearest the current value."""
    best = max(round(t.overall, 4) for t in trials)
    tied = [t for t in trials if round(t.overall, 4) == best]
    chosen = min(tied, key=lambda t: (abs(t.changes["abstain_threshold"] - current), t.changes["abstain_threshold"]))
    s = chosen.summary
    lo, hi = min(t.changes["abstain_threshold"] for t in tied), max(t.changes["abstain_threshold"] for t in tied)
    why = (f"handles the most questions correctly ({chosen.overall:.1%}: answerable exact {s.accuracy:.1%}, "
           f"abstention precision {s.abstain_precision:.1%} / recall {s.abstain_recall:.1%})")
    if len(tied) > 1:
        why += f"; every threshold from {lo:.2f} to {hi:.2f} scores the same, the one nearest the current {current:.2f} is kept"
    return chosen, why


def compare(engine, items: list[QAItem], progress=print) -> Comparison:
    """Run every retrieval configuration, choose one, then sweep the abstention threshold on it."""
    baseline = {k: getattr(engine.settings, k) for k in ("mode", "fusion", "dense_weight", "rrf_k", "abstain_threshold")}
    result = Comparison(baseline)
    for label, changes in retrieval_configs():
        result.retrieval.append(_trial(engine, items, label, changes))
        progress(f"  {label:<24} {_line(result.retrieval[-1])}")
    result.chosen_retrieval, result.why_retrieval = choose_retrieval(result.retrieval, baseline)
    for threshold in THRESHOLDS:
        changes = {**result.chosen_retrieval.changes, "abstain_threshold": threshold}
        result.thresholds.append(_trial(engine, items, f"abstain_threshold={threshold:.2f}", changes))
        progress(f"  {result.thresholds[-1].label:<24} {_line(result.thresholds[-1])}")
    result.chosen_threshold, result.why_threshold = choose_threshold(result.thresholds, baseline["abstain_threshold"])
    return result


def _line(trial: Trial) -> str:
    s = trial.summary
    return (f"overall {trial.overall:.3f}  EM {s.accuracy:.3f}  abstain P/R {s.abstain_precision:.2f}/"
            f"{s.abstain_recall:.2f}  R@5 {s.recall[5]:.3f}  MRR {s.mrr:.3f}  ({trial.seconds:.0f} s)")
