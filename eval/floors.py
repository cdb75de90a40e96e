"""Quality floors for CI: answer accuracy, abstention recall and citation accuracy (never timings)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from eval.run import Summary

FLOORS_FILE = Path(__file__).with_name("floors.json")
METRICS = {"accuracy": "answer accuracy (answerable, exact)",
           "abstain_recall": "abstention recall",
           "citation_accuracy": "citation accuracy (gold evidence cited)"}


@dataclass(frozen=True)
class Floors:
    """The set the floors apply to and the minimum of each floored metric."""

    set_path: Path
    docs: Path
    minimum: dict[str, float]


@dataclass(frozen=True)
class FloorCheck:
    """One floored metric: its minimum, the measured value and whether it holds."""

    metric: str
    floor: float
    measured: float

    @property
    def ok(self) -> bool:
        return not math.isnan(self.measured) and self.measured >= self.floor

    def __str__(self) -> str:
        verdict = "ok  " if self.ok else "FAIL"
        return f"{verdict} {METRICS.get(self.metric, self.metric):<42} {self.measured:7.1%}  (floor {self.floor:.1%})"


def load_floors(path: Path = FLOORS_FILE) -> Floors:
    """Read the floors file; only quality metrics may be floored."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    minimum = {k: float(v) for k, v in data["floors"].items()}
    unknown = set(minimum) - set(METRICS)
    if unknown:
        raise ValueError(f"{path}: unknown floor metric(s) {sorted(unknown)}; allowed: {sorted(METRICS)}")
    return Floors(Path(data["set"]), Path(data["docs"]), minimum)


def check(summary: Summary, floors: Floors) -> list[FloorCheck]:
    """Each floored metric measured against its floor (a metric with nothing to measure fails)."""
    return [FloorCheck(metric, floor, float(getattr(summary, metric))) for metric, floor in floors.minimum.items()]
