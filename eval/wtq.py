"""WikiTableQuestions (../shared/datasets/wtq-dev): questions over real Wikipedia tables, in two modes.

    oracle: each question asked over its own table only (measures answering from a table)
    open:   every question asked over all the tables in one folder (measures finding the table too)

Scores are reported by operation kind, a reading of the question's wording (not of its answer).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from eval import metrics

WTQ_DIR = Path(os.environ.get("DOCQA_DATASETS", "../shared/datasets")) / "wtq-dev"   # relative to the repo root
OPERATIONS = ("count", "superlative", "first/last", "next/previous", "compare", "aggregate", "difference",
              "yes/no", "list", "lookup")


@dataclass(frozen=True)
class WtqItem:
    """One WTQ question: its table's document and the target values (all needed when `all`)."""

    id: str
    question: str
    answers: tuple[str, ...]
    doc: str
    all: bool

    @property
    def operation(self) -> str:
        return operation_kind(self.question, len(self.answers))


@dataclass
class WtqOutcome:
    """One question's answer and whether it matched."""

    id: str
    question: str
    operation: str
    expected: list[str]
    got: str | None
    got_kind: str
    correct: bool
    latency_ms: float
    table_ms: float | None
    cited_doc: str | None
    right_doc: bool | None


@dataclass
class WtqRun:
    """A whole mode's outcomes with accuracy overall and by operation kind."""

    mode: str
    outcomes: list[WtqOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def accuracy(self, operation: str | None = None) -> tuple[int, int]:
        chosen = [o for o in self.outcomes if operation is None or o.operation == operation]
        return sum(o.correct for o in chosen), len(chosen)

    def lines(self) -> list[str]:
        right, n = self.accuracy()
        answered = sum(o.got_kind != "none" for o in self.outcomes)
        wrong = answered - right
        out = [f"== wtq {self.mode}: {right}/{n} correct = {100 * right / max(n, 1):.1f}%   answered {answered}, "
               f"wrong {wrong}, abstained {n - answered}   ({self.seconds:.0f} s)"]
        tables = sorted(o.table_ms for o in self.outcomes if o.table_ms is not None)
        if tables:
            out.append(f"table stage p50 {tables[len(tables) // 2]:.2f} ms   "
                       f"p95 {tables[min(len(tables) - 1, int(.95 * len(tables)))]:.2f} ms")
        for op in OPERATIONS:
            r, k = self.accuracy(op)
            if k:
                out.append(f"  {op:14s} {r:3d}/{k:<3d} {100 * r / k:5.1f}%")
        return out

    def to_dict(self) -> dict:
        right, n = self.accuracy()
        return {"mode": self.mode, "correct": right, "n": n, "seconds": round(self.seconds, 1),
                "by_operation": {op: self.accuracy(op) for op in OPERATIONS if self.accuracy(op)[1]},
                "outcomes": [o.__dict__ for o in self.outcomes]}


def operation_kind(question: str, n_answers: int = 1) -> str:
    """The operation a question's wording asks for (for reporting only)."""
    q = " ".join(re.findall(r"[a-z0-9]+", question.lower()))
    if re.search(r"\b(difference|how many more|how much more|how many less|how much less|how many fewer|"
                 r"how long between|how many years (between|after|before))\b", q):
        return "difference"
    if re.search(r"\b(next|after|before|previous|preceding|following|prior)\b", q):
        return "next/previous"
    if re.search(r"\b(first|last|final|earliest|latest|top|bottom)\b", q):
        return "first/last"
    if re.search(r"\b(most|least|highest|lowest|largest|smallest|biggest|longest|shortest|best|worst|greatest|"
                 r"fewest|maximum|minimum|top|oldest|youngest|tallest|newest|fastest|slowest)\b", q):
        return "superlative"
    if re.search(r"\b(average|mean|total|sum|combined|altogether)\b", q):
        return "aggregate"
    if re.search(r"\bhow many\b|\bnumber of\b|\bcount\b", q):
        return "count"
    if re.search(r"\b(or|than|more|less|higher|lower|larger|smaller|longer|shorter|taller|better|same)\b", q):
        return "compare"
    if re.match(r"(is|are|was|were|did|does|do|has|have|had|can)\b", q):
        return "yes/no"
    if n_answers > 1:
        return "list"
    return "lookup"


def load_wtq(root: Path = WTQ_DIR) -> list[WtqItem]:
    """The questions of `root/qa.jsonl` (documents in `root/docs/`)."""
    items = []
    for line in (root / "qa.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            items.append(WtqItem(str(d["id"]), d["q"], tuple(d["answers"]), d["doc"], bool(d.get("all"))))
    return items


def _value(text: str) -> str:
    tokens = metrics.normalize(text)
    return " ".join(tokens)


def matches(got: str | None, answers: tuple[str, ...]) -> bool:
    """WTQ scoring: folded case, diacritics and thousands separators; every item of a list answer needed."""
    if not got:
        return False
    wanted = [_value(a) for a in answers]
    if len(wanted) == 1:
        return _value(got) == wanted[0] or _number_equal(got, answers[0])
    parts = {_value(p) for p in re.split(r";|,(?!\d{3})| and ", got)}
    return all(w in parts for w in wanted) and len(parts - set(wanted)) == 0


def _number_equal(got: str, want: str) -> bool:
    a, b = re.fullmatch(r"[-+]?[\d,]*\.?\d+", got.strip()), re.fullmatch(r"[-+]?[\d,]*\.?\d+", want.strip())
    if not a or not b:
        return False
    try:
        return abs(float(got.replace(",", "")) - float(want.replace(",", ""))) < 1e-6
    except ValueError:
        return False


def _ask(engine, item: WtqItem, mode: str) -> WtqOutcome:
    t0 = time.perf_counter()
    result = engine.ask(item.question)
    latency = (time.perf_counter() - t0) * 1000
    cited = next((c.get("doc") for c in result.get("citations") or []), None)
    got = result.get("short_answer") if result.get("kind") != "none" else None
    return WtqOutcome(item.id, item.question, item.operation, list(item.answers), got, result.get("kind") or "none",
                      matches(got, item.answers), round(latency, 2), (result.get("timing_ms") or {}).get("table"),
                      cited, None if cited is None else cited == item.doc)


def run_open(items: list[WtqItem], docs: Path, index: Path, limit: int | None = None) -> WtqRun:
    """Every question over all the tables in one folder (one index)."""
    from app.engine import Engine

    engine = Engine.open(index, docs)
    run = WtqRun("open")
    engine.ask(items[0].question)
    t0 = time.perf_counter()
    for item in items[:limit]:
        run.outcomes.append(_ask(engine, item, "open"))
    run.seconds = time.perf_counter() - t0
    return run


def run_oracle(items: list[WtqItem], docs: Path, out: Path, limit: int | None = None) -> WtqRun:
    """Each question over its own table only: one small index per document (kept under `out` for reruns)."""
    from app.engine import Engine
    from index import store
    from index.build import build, staleness
    from index.embed import DEFAULT_MODEL, load_model

    model = load_model()
    run = WtqRun("oracle")
    t0 = time.perf_counter()
    for item in items[:limit]:
        name = Path(item.doc).stem
        folder, index = out / "wtq-oracle-docs" / name, out / "indexes" / "wtq-oracle" / name
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / item.doc).exists():
            shutil.copyfile(docs / item.doc, folder / item.doc)
        if staleness(index, folder, DEFAULT_MODEL) is not None:
            build(folder, index, DEFAULT_MODEL, model=model)
        engine = Engine(store.load(index), model, index)
        run.outcomes.append(_ask(engine, item, "oracle"))
    run.seconds = time.perf_counter() - t0
    return run


def main(modes: list[str], out: Path, root: Path = WTQ_DIR, limit: int | None = None) -> list[WtqRun]:
    """Run the chosen modes, print accuracy by operation kind and write `out/wtq-<mode>.json`."""
    items = load_wtq(root)
    runs = []
    for mode in modes:
        if mode == "oracle":
            run = run_oracle(items, root / "docs", out, limit)
        else:
            run = run_open(items, root / "docs", out / "indexes" / "wtq-open", limit)
        print("\n" + "\n".join(run.lines()))
        out.mkdir(parents=True, exist_ok=True)
        (out / f"wtq-{mode}.json").write_text(json.dumps(run.to_dict(), indent=1, ensure_ascii=False),
                                              encoding="utf-8")
        runs.append(run)
    return runs
