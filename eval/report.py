"""The report: Markdown for people, JSON for tools, and a PNG chart of the per-kind results."""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.compare import Comparison, Trial
from eval.floors import FloorCheck
from eval.run import SetRun, Summary
from eval.squad import SquadOutcome, SquadScores

TARGETS = {"table_lookup": 1.0, "table_derived": 1.0, "table_total": 1.0, "prose": 0.9}


@dataclass
class SquadRun:
    """A SQuAD file's outcomes and scores."""

    path: str
    outcomes: list[SquadOutcome]
    scores: SquadScores


@dataclass
class Report:
    """Everything one invocation measured."""

    command: str
    generated: str
    settings: dict
    runs: list[SetRun] = field(default_factory=list)
    comparison: Comparison | None = None
    squad: SquadRun | None = None
    floors: list[FloorCheck] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)   # set name -> chart file name


def pct(value: float | None) -> str:
    """A fraction as a percentage, `–` when there is nothing to measure."""
    return "–" if value is None or math.isnan(value) else f"{value:.1%}"


def ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    cells = lambda row: "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in row) + " |"
    return [cells(header), "|" + "|".join("---" for _ in header) + "|", *map(cells, rows)]


def _headline(s: Summary) -> list[str]:
    rows = [
        ["answer accuracy: exact match of short_answer (answerable)", pct(s.accuracy), f"{s.answerable} questions"],
        ["token F1 of short_answer (answerable)", pct(s.f1), ""],
        ["full answer contains an accepted form (answerable)", pct(s.contains), ""],
        ["abstention precision", pct(s.abstain_precision), "target ≥ 90%"],
        ["abstention recall", pct(s.abstain_recall), f"{s.unanswerable} unanswerable; target ≥ 90%"],
        ["citations hold the gold evidence (answered, answerable)", pct(s.citation_accuracy), "target ≥ 95%"],
        ["every number traceable to a citation or computation", pct(s.traceable), "target 100%"],
        *[[f"retrieval recall@{k}", pct(v), ""] for k, v in s.recall.items()],
        ["retrieval MRR", "–" if math.isnan(s.mrr) else f"{s.mrr:.3f}", ""],
        ["latency p50 / p95 (ms)", f"{ms(s.p50_ms)} / {ms(s.p95_ms)}", "per question, warm"],
    ]
    return _table(["metric", "value", "note"], rows)


def kinds_table(run: SetRun) -> list[str]:
    rows = []
    for kind, s in run.kinds.items():
        correct = s.abstain_recall if kind == "unanswerable" else s.accuracy
        target = "≥ 90% abstain" if kind == "unanswerable" else (f"≥ {TARGETS[kind]:.0%}" if kind in TARGETS else "")
        rows.append([kind, s.n, pct(correct), target, pct(s.f1), pct(s.contains), pct(s.citation_accuracy),
                     pct(s.traceable), pct(s.recall[1]), pct(s.recall[5]),
                     "–" if math.isnan(s.mrr) else f"{s.mrr:.2f}", ms(s.p50_ms)])
    return _table(["kind", "n", "correct", "target", "F1", "contains", "cited evidence", "traceable",
                   "R@1", "R@5", "MRR", "p50 ms"], rows)


def _short(text: str | None, limit: int = 90) -> str:
    if text is None:
        return "—"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _failures(run: SetRun) -> list[str]:
    failed = [o for o in run.outcomes if o.problems()]
    if not failed:
        return ["No failures."]
    rows = [[o.id, o.kind, _short(o.question, 70), _short(" / ".join(o.expected[:2]) or "(abstain)", 40),
             _short(o.got if not o.abstained else "(abstained)", 50), "; ".join(o.problems()), _why(o)]
            for o in failed]
    return [f"{len(failed)} of {len(run.outcomes)} questions failed at least one check. `engine's reason / "
            "cited` is the reason the engine gave for abstaining, else the chunk it cited.", "",
            *_table(["id", "kind", "question", "expected", "got", "problems", "engine's reason / cited"], rows)]


def _why(o) -> str:
    """The engine's own reason for an abstention (the parenthesis of its answer), else what it cited."""
    if o.abstained:   # "... question (REASON)." and maybe a sentence on the nearest passage after it
        start, end = o.answer.find("("), o.answer.find(").")
        return _short(o.answer[start + 1:end] if 0 <= start < end else o.answer, 70)
    return ", ".join(o.citations) or "(no citation)"


def _run_section(run: SetRun, chart: str | None) -> list[str]:
    lines = [f"## {run.name}: `{run.set_path}` over `{run.docs}/`", "",
             f"{run.summary.n} questions in {run.seconds:.1f} s.", "", *_headline(run.summary), "",
             "### By kind", "",
             "`correct` is the exact match of `short_answer` (for `unanswerable`: the engine abstained). "
             "R@k and MRR rank the gold evidence among retrieved chunks (for cross_doc: every evidence passage); "
             "table questions are answered from typed rows, so their R@k only shows what a text answer would "
             "have had to work with.", "", *kinds_table(run), ""]
    if chart:
        lines += [f"![per-kind results]({chart})", ""]
    return lines + ["### Failures", "", *_failures(run), ""]


def _trial_rows(trials: list[Trial], chosen: Trial | None) -> list[str]:
    rows = [[("**" + t.label + "**") if t is chosen else t.label, pct(t.overall), pct(t.summary.accuracy),
             pct(t.summary.f1), pct(t.summary.abstain_precision), pct(t.summary.abstain_recall),
             pct(t.summary.citation_accuracy), pct(t.summary.recall[1]), pct(t.summary.recall[5]),
             pct(t.summary.recall[10]), f"{t.summary.mrr:.3f}", ms(t.summary.p50_ms)] for t in trials]
    return _table(["configuration", "overall", "EM", "F1", "abstain P", "abstain R", "cited", "R@1", "R@5",
                   "R@10", "MRR", "p50 ms"], rows)


def _comparison_section(c: Comparison) -> list[str]:
    lines = ["## Retrieval ablation and abstention threshold (`--compare`)", "",
             f"Current settings: {', '.join(f'`{k}={v}`' for k, v in c.baseline.items())}. "
             "`overall` is the share of all questions handled correctly (exact answer, or abstention on an "
             "unanswerable question); the table engine does not use retrieval, so only text answers and the "
             "retrieval columns move.", "",
             "### Retrieval", "", *_trial_rows(c.retrieval, c.chosen_retrieval), "",
             f"Chosen: **{c.chosen_retrieval.label}** — {c.why_retrieval}.", "",
             "### Abstention threshold (on the chosen retrieval)", "",
             *_trial_rows(c.thresholds, c.chosen_threshold), "",
             f"Chosen: **{c.chosen_threshold.label}** — {c.why_threshold}.", ""]
    recs = c.recommendations()
    lines += ["Recommended `Settings` default changes: " + "; ".join(f"`{r}`" for r in recs) + "." if recs
              else "The current `Settings` defaults are the best measured; no change recommended.", ""]
    return lines


def _squad_section(run: SquadRun) -> list[str]:
    s = run.scores
    rows = [["exact match (all)", pct(s.exact), f"{s.n} questions"], ["F1 (all)", pct(s.f1), ""],
            ["has-answer exact / F1", f"{pct(s.has_ans_exact)} / {pct(s.has_ans_f1)}", f"{s.has_ans_n} questions"],
            ["no-answer accuracy (abstained)", pct(s.no_ans_accuracy), f"{s.no_ans_n} questions"],
            ["answers citing the question's own paragraph", pct(s.cited_own_context), ""],
            ["latency p50 (ms)", ms(s.p50_ms), ""]]
    per_q = [[o.id, _short(o.question, 60), _short(" / ".join(o.answers) or "(no answer)", 40),
              _short(o.prediction or "(abstained)", 50), o.exact, f"{o.f1:.2f}"] for o in run.outcomes]
    return [f"## SQuAD v2-style set: `{run.path}`", "",
            "Contexts indexed as documents; scored with SQuAD's official normalisation "
            "(lowercase, no punctuation, no articles).", "", *_table(["metric", "value", "note"], rows), "",
            *_table(["id", "question", "gold", "prediction", "EM", "F1"], per_q), ""]


def _floors_section(checks: list[FloorCheck]) -> list[str]:
    rows = [[c.metric, pct(c.floor), pct(c.measured), "ok" if c.ok else "**FAIL**"] for c in checks]
    return ["## Quality floors (`--floors`, `eval/floors.json`)", "", *_table(["metric", "floor", "measured", ""], rows), ""]


def render(report: Report) -> str:
    """The whole report as Markdown."""
    lines = ["# Evaluation report", "", f"Generated {report.generated} by `{report.command}`. Every answer comes "
             "from `Engine.ask`, the function the CLI, API and UI call.", "",
             "Engine settings: " + ", ".join(f"`{k}={v}`" for k, v in report.settings.items()) + ".", ""]
    for run in report.runs:
        lines += _run_section(run, report.charts.get(run.name))
    if report.floors:
        lines += _floors_section(report.floors)
    if report.comparison:
        lines += _comparison_section(report.comparison)
    if report.squad:
        lines += _squad_section(report.squad)
    return "\n".join(lines).rstrip() + "\n"


def without_nan(value):
    """The value with every nan replaced by None (JSON has no nan)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_nan(v) for v in value]
    return value


def to_json(report: Report) -> dict:
    """The report as plain JSON data."""
    def trials(ts: list[Trial]) -> list[dict]:
        return [{"label": t.label, "changes": t.changes, "overall": t.overall, "summary": t.summary.to_dict(),
                 "seconds": round(t.seconds, 2)} for t in ts]

    data: dict = {"command": report.command, "generated": report.generated, "settings": report.settings,
                  "runs": [r.to_dict() for r in report.runs],
                  "floors": [{**asdict(c), "ok": c.ok} for c in report.floors]}
    if report.comparison:
        c = report.comparison
        data["compare"] = {"baseline": c.baseline, "retrieval": trials(c.retrieval), "thresholds": trials(c.thresholds),
                           "chosen_retrieval": c.chosen_retrieval.label, "why_retrieval": c.why_retrieval,
                           "chosen_threshold": c.chosen_threshold.label, "why_threshold": c.why_threshold,
                           "recommendations": c.recommendations()}
    if report.squad:
        data["squad"] = {"path": report.squad.path, "scores": report.squad.scores.to_dict(),
                         "outcomes": [asdict(o) for o in report.squad.outcomes]}
    return without_nan(data)


def chart(run: SetRun, path: Path) -> Path:
    """A grouped bar chart per kind: answer correct, cited evidence, retrieval recall@5 (matplotlib, Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(run.kinds)
    series = {
        "correct (EM / abstained)": [s.abstain_recall if k == "unanswerable" else s.accuracy for k, s in run.kinds.items()],
        "cited evidence": [s.citation_accuracy for s in run.kinds.values()],
        "retrieval R@5": [s.recall[5] for s in run.kinds.values()],
    }
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(kinds) + 2), 4.2), dpi=100)
    width = 0.8 / len(series)
    for i, (label, values) in enumerate(series.items()):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(kinds))]
        ax.bar(xs, [0 if math.isnan(v) else v * 100 for v in values], width, label=label)
    ax.set_xticks(range(len(kinds)), [f"{k}\n(n={run.kinds[k].n})" for k in kinds], fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title(f"{run.name}: per-kind results")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=len(series), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def write(report: Report, out: Path, markdown_copy: Path | None = None) -> list[Path]:
    """Write report.md, results.json and one chart per set into `out` (and the Markdown to `markdown_copy`)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for run in report.runs:
        name = f"per_kind_{run.name}.png"
        written.append(chart(run, out / name))
        report.charts[run.name] = name
    (out / "report.md").write_text(render(report), encoding="utf-8")
    (out / "results.json").write_text(json.dumps(to_json(report), indent=1, ensure_ascii=False), encoding="utf-8")
    written += [out / "report.md", out / "results.json"]
    if markdown_copy:
        for run in report.runs:
            image = markdown_copy.with_name(f"{markdown_copy.stem}_{run.name}.png")
            image.write_bytes((out / report.charts[run.name]).read_bytes())
            report.charts[run.name] = image.name
        markdown_copy.write_text(render(report), encoding="utf-8")
        written.append(markdown_copy)
    return written
