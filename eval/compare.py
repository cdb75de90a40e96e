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
        if changes.get("fusion") != "weighted":
            changes.pop("dense_weight", None)     # the weight only matters to weighted fusion
        moved = [f"{k}: {self.baseline.get(k)!r} -> {v!r}" for k, v in changes.items() if self.baseline.get(k) != v]
        if changes.get("fusion") == "weighted" and self.baseline.get("fusion") != "weighted":
            moved = [m + f" (with dense_weight={changes['dense_weight']})" if m.startswith("fusion") else m
                     for m in moved]
        return moved


def _trial(engine, items: list[QAItem], label: str, changes: dict) -> Trial:
    t0 = time.perf_counter()
    outcomes = run_set(engine, items, engine.settings.with_(**changes))
    return Trial(label, changes, summarize(outcomes), time.perf_counter() - t0)


def _is_current(changes: dict, baseline: dict) -> bool:
    relevant = {k: v for k, v in changes.items() if not (k == "dense_weight" and changes.get("fusion") != "weighted")}
    return all(baseline.get(k) == v for k, v in relevant.items())


def _contenders(trials: list[Trial]) -> list[Trial]:
    """Trials within one question of the best share handled correctly: one question is noise, not a signal."""
    n = max(t.summary.n for t in trials)
    best = max(t.overall for t in trials)
    return [t for t in trials if t.overall >= best - 1 / n - 1e-9]


def choose_retrieval(trials: list[Trial], baseline: dict) -> tuple[Trial, str]:
    """Among trials within one question of the most handled correctly, the best MRR (then recall@5);
    the current setting is kept unless a contender beats its MRR by more than 0.01."""
    contenders = _contenders(trials)
    best = max(contenders, key=lambda t: (round(t.summary.mrr, 4), round(t.summary.recall[5], 4)))
    current = next((t for t in contenders if _is_current(t.changes, baseline)), None)
    chosen = current if current and current.summary.mrr >= best.summary.mrr - 0.01 else best
    s = chosen.summary
    why = (f"{chosen.overall:.1%} of questions handled correctly (best {max(t.overall for t in trials):.1%}; "
           f"{_listed(contenders, trials)} within one question of it), "
           f"and among those MRR {s.mrr:.3f}, recall@5 {s.recall[5]:.1%}")
    if chosen is current and best is not current:
        why += f"; {best.label} has MRR {best.summary.mrr:.3f}, within 0.01, so the current setting is kept"
    elif chosen is current:
        why += "; it is the current setting"
    return chosen, why


def _listed(contenders: list[Trial], trials: list[Trial]) -> str:
    """The contenders by name when few, else how many of the trials they are."""
    if len(contenders) <= 3:
        return ", ".join(t.label for t in contenders)
    return f"{len(contenders)} of {len(trials)} configurations"


def choose_threshold(trials: list[Trial], current: float) -> tuple[Trial, str]:
    """Among thresholds within one question of the most handled correctly, the one nearest the current value."""
    contenders = _contenders(trials)
    chosen = min(contenders, key=lambda t: (abs(t.changes["abstain_threshold"] - current), t.changes["abstain_threshold"]))
    s = chosen.summary
    values = sorted(t.changes["abstain_threshold"] for t in contenders)
    why = (f"{chosen.overall:.1%} of questions handled correctly (best {max(t.overall for t in trials):.1%}; "
           f"answerable exact {s.accuracy:.1%}, abstention precision {s.abstain_precision:.1%} / "
           f"recall {s.abstain_recall:.1%})")
    if len(values) > 1:
        why += (f"; thresholds {', '.join(f'{v:.2f}' for v in values)} are within one question of the best, "
                f"and the one nearest the current {current:.2f} is kept")
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
