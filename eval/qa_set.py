"""Load a Q/A set (JSON Lines): one question per line with its accepted answers and gold evidence."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

KINDS = ("prose", "table_lookup", "table_derived", "table_total", "cross_doc", "variant", "turkish",
         "followup", "unanswerable")
REQUIRED = ("id", "question", "answers", "kind")


class SetError(ValueError):
    """A Q/A set line that cannot be used, with the file and line it came from."""


@dataclass(frozen=True)
class QAItem:
    """One evaluation question: accepted answers, source document(s) and gold evidence passage(s)."""

    id: str
    question: str
    answers: tuple[str, ...]
    kind: str
    docs: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    history: tuple[dict, ...] = ()
    note: str = ""
    recovered_label: bool = False
    passage: bool = False           # the answer is a cited passage holding the evidence, short_answer null

    @property
    def answerable(self) -> bool:
        """Whether the documents hold an answer (the engine should not abstain)."""
        return self.kind != "unanswerable" and (bool(self.answers) or self.passage)


def _strings(value, what: str) -> tuple[str, ...]:
    """A string, a list of strings or null as a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SetError(f"{what} must be a string, a list of strings or null, not {value!r}")


def parse_item(data: dict) -> QAItem:
    """A QAItem from one decoded line; SetError says what is missing or malformed."""
    if not isinstance(data, dict):
        raise SetError("each line must be a JSON object")
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise SetError(f"missing {', '.join(missing)}")
    if not isinstance(data["question"], str) or not data["question"].strip():
        raise SetError("question must be a non-empty string")
    history = data.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, dict) and "content" in t for t in history):
        raise SetError("history must be a list of {role, content} turns")
    item = QAItem(id=str(data["id"]), question=data["question"], answers=_strings(data["answers"], "answers"),
                  kind=str(data["kind"]), docs=_strings(data.get("doc"), "doc"),
                  evidence=_strings(data.get("evidence"), "evidence"), history=tuple(history),
                  note=str(data.get("note") or ""), recovered_label=bool(data.get("recovered_label")),
                  passage=bool(data.get("passage")))
    if item.passage and (item.kind == "unanswerable" or item.answers or not item.evidence):
        raise SetError("a passage item is answerable, has no short answers and names its evidence")
    if item.kind != "unanswerable" and not item.answers and not item.passage:
        raise SetError(f"kind {item.kind!r} needs at least one accepted answer")
    return item


def load_set(path: Path) -> list[QAItem]:
    """Every item of a JSON Lines Q/A set; blank lines are skipped, ids must be unique."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = parse_item(json.loads(line))
        except (json.JSONDecodeError, SetError) as err:
            raise SetError(f"{path}:{number}: {err}") from None
        if item.id in seen:
            raise SetError(f"{path}:{number}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise SetError(f"{path}: no questions")
    return items


def default_docs(set_path: Path, fallback: Path) -> Path:
    """The documents a set is about: a `docs/` folder beside the set file, else `fallback`."""
    beside = Path(set_path).parent / "docs"
    return beside if beside.is_dir() else Path(fallback)

