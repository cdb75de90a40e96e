"""Other people's sets: a SQuAD v2-style JSON file, its contexts indexed as documents, scored the SQuAD way.

Normalisation, EM and F1 follow the official SQuAD v2.0 evaluation script: lowercase, drop
punctuation and the articles a/an/the, split on whitespace; an unanswerable question's only gold
answer is the empty string, so abstaining (an empty prediction) scores 1 on it and answering 0.
"""
from __future__ import annotations

import collections
import json
import re
import string
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from eval import metrics

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


@dataclass(frozen=True)
class SquadQuestion:
    """One SQuAD question with its gold answers and the document its context was written to."""

    id: str
    question: str
    answers: tuple[str, ...]
    impossible: bool
    doc: str


@dataclass(frozen=True)
class SquadSet:
    """The contexts (document name -> text) and questions of a SQuAD file."""

    documents: dict[str, str]
    questions: list[SquadQuestion]


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:40] or "untitled"


def document_name(article: int, paragraph: int, title: str) -> str:
    """The document a SQuAD paragraph becomes: `<article>_<paragraph>_<title>.txt`."""
    return f"{article:03d}_{paragraph:02d}_{_slug(title)}.txt"


def load_squad(path: Path) -> SquadSet:
    """Read a SQuAD v2 file; each paragraph becomes one document `<article>_<paragraph>_<title>.txt`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ValueError(f"{path}: not a SQuAD file (expected an object with a `data` list)")
    documents: dict[str, str] = {}
    questions: list[SquadQuestion] = []
    for a, article in enumerate(data["data"]):
        title = str(article.get("title") or f"Article {a + 1}").replace("_", " ")
        for p, paragraph in enumerate(article.get("paragraphs", [])):
            name = document_name(a, p, title)
            documents[name] = f"{title}\n\n{paragraph['context'].strip()}\n"
            for qa in paragraph.get("qas", []):
                answers = tuple(dict.fromkeys(x["text"] for x in qa.get("answers", []) if x.get("text")))
                impossible = bool(qa.get("is_impossible", not answers))
                questions.append(SquadQuestion(str(qa["id"]), qa["question"], () if impossible else answers,
                                               impossible, name))
    if not questions:
        raise ValueError(f"{path}: no questions")
    return SquadSet(documents, questions)


def write_documents(squad: SquadSet, folder: Path) -> Path:
    """Write every context as a .txt document into `folder` (created) and return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in squad.documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def normalize_answer(text: str) -> str:
    """SQuAD's official normalisation: lowercase, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def compute_exact(gold: str, prediction: str) -> int:
    """1 when the normalised strings are equal."""
    return int(normalize_answer(gold) == normalize_answer(prediction))


def compute_f1(gold: str, prediction: str) -> float:
    """Token-overlap F1 of the normalised strings; an empty side scores 1 only against another empty one."""
    gold_tokens, pred_tokens = normalize_answer(gold).split(), normalize_answer(prediction).split()
    if not gold_tokens or not pred_tokens:
        return float(gold_tokens == pred_tokens)
    common = sum((collections.Counter(gold_tokens) & collections.Counter(pred_tokens)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred_tokens), common / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


@dataclass
class SquadOutcome:
    """The engine's prediction for one SQuAD question and its scores."""

    id: str
    question: str
    answers: list[str]
    impossible: bool
    prediction: str                 # short_answer, or "" when the engine abstained
    abstained: bool
    exact: int
    f1: float
    cited_own_context: bool | None  # the answer cites the question's own paragraph (None: abstained)
    latency_ms: float


def score_prediction(question: SquadQuestion, prediction: str, cited_docs: list[str],
                     latency_ms: float = 0.0) -> SquadOutcome:
    """Score one prediction with the official EM/F1 (max over gold answers; `[""]` when impossible)."""
    golds = list(question.answers) or [""]
    abstained = not prediction
    return SquadOutcome(question.id, question.question, list(question.answers), question.impossible, prediction,
                        abstained, max(compute_exact(g, prediction) for g in golds),
                        max(compute_f1(g, prediction) for g in golds),
                        None if abstained else question.doc in cited_docs, round(latency_ms, 2))


@dataclass
class SquadScores:
    """Aggregate SQuAD v2 scores, as fractions (the official script prints percentages)."""

    n: int
    exact: float
    f1: float
    has_ans_n: int
    has_ans_exact: float
    has_ans_f1: float
    no_ans_n: int
    no_ans_accuracy: float
    cited_own_context: float
    p50_ms: float

    def to_dict(self) -> dict:
        return asdict(self)


def summarize(outcomes: list[SquadOutcome]) -> SquadScores:
    """Overall, has-answer and no-answer scores."""
    has = [o for o in outcomes if not o.impossible]
    no = [o for o in outcomes if o.impossible]
    return SquadScores(
        n=len(outcomes), exact=metrics.mean(o.exact for o in outcomes), f1=metrics.mean(o.f1 for o in outcomes),
        has_ans_n=len(has), has_ans_exact=metrics.mean(o.exact for o in has), has_ans_f1=metrics.mean(o.f1 for o in has),
        no_ans_n=len(no), no_ans_accuracy=metrics.mean(o.abstained for o in no),
        cited_own_context=metrics.mean(o.cited_own_context for o in outcomes if o.cited_own_context is not None),
        p50_ms=metrics.percentile([o.latency_ms for o in outcomes], 50))


def run_squad(engine, squad: SquadSet) -> list[SquadOutcome]:
    """Ask every SQuAD question with `engine.ask` and score the short answers."""
    outcomes = []
    for q in squad.questions:
        t0 = time.perf_counter()
        result = engine.ask(q.question)
        latency = (time.perf_counter() - t0) * 1000
        prediction = "" if result.get("kind") == "none" else (result.get("short_answer") or "")
        outcomes.append(score_prediction(q, prediction, [c.get("doc") for c in result.get("citations") or []],
                                         latency))
    return outcomes
