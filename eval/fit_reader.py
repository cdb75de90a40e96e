"""Fine-tune the span reader on a SQuAD file, report it by article rotation, and write the model file.

    python -m eval fit-reader [--squad FILE] [--out eval/out] [--epochs 1] [--folds 0,1,2,3,4] [--no-final] [--reuse] [--no-write]
    python -m eval fit-reader --resume [--epochs 1]     # each saved reader fine-tuned for more epochs
    python -m eval fit-reader --seed 14 --out B ...     # the same recipe with another seed, into another folder
    python -m eval fit-reader --ensemble A B --out C    # each fold's (and the shipped) reader: A's and B's as one
    python -m eval fit-reader --swaps 0.5 --out D ...   # also train on questions made unanswerable (eval/swaps.py)

Rotation ("fit on 8, score 2"): the articles are paired (unanswerable questions spread over the
pairs); for each pair the reader is fine-tuned on the other eight articles and the pair's questions
are answered in open retrieval over all ten articles, through the app's own text answer. The
policy a fold is reported with (abstention threshold, retrieval-rank penalty) is chosen on the other
folds' held-out answers, never on its own questions, for the best weighted mean of has-answer F1 and
no-answer accuracy (choose_policy says why the weights). The shipped reader (app/models/reader.pt) is
fine-tuned on all ten articles; its policy is the one chosen on every held-out answer (app/models/reader.json).
The shipped reader is two such readers fitted with different seeds, read as the mean of their logits (`--ensemble`):
on held-out folds the pair reads better than either seed alone (docs/text-answers.md, "Two readers, two seeds").
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from app.reader import DEFAULT_PATH, MAX_LENGTH, Policy, build_network, load_network, load_tokenizer, trained_state
from app.settings import Settings
from eval.cloze import cloze_examples
from eval.swaps import Pool, swapped
from eval.squad import SquadQuestion, compute_exact, compute_f1, document_name, load_squad, write_documents
from index.chunk import Chunk, chunk_document
from index.fold import plain_letters, terms
from index.parse import parse

DEFAULT_SQUAD = Path(os.environ.get("DOCQA_DATASETS", "../shared/datasets")) / "squad2-train-10-articles.json"
SEED = 13
BATCH = 16
LEARNING_RATE = 1e-4
RESUME_LEARNING_RATE = 5e-5     # a further epoch starts from a fitted reader: half the first epoch's peak rate
FROZEN = ("word_embeddings",)     # kept as packaged: the model file then holds only the rest
UNANSWERABLE_SHARE = 0.25       # the prior share of questions with no answer that the policy weighs for
RANK_PENALTIES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)   # the policy's choices, per retrieval rank


@dataclass(frozen=True)
class Item:
    """A SQuAD question located in its document: answer character spans in the document's text."""

    article: int
    doc: str
    question: str
    answers: tuple[tuple[int, int], ...]      # (start, end) in the document text; empty when unanswerable


@dataclass(frozen=True)
class Example:
    """One reader training pair: a question, a passage, and the answer's character span in it (None: no answer)."""

    question: str
    passage: str
    skip: int
    answer: tuple[int, int] | None


def load_items(path: Path) -> list[Item]:
    """Every question with its answers' offsets in the document text that `eval.squad.load_squad` writes."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items = []
    for a, article in enumerate(data["data"]):
        title = str(article.get("title") or f"Article {a + 1}").replace("_", " ")
        for p, paragraph in enumerate(article.get("paragraphs", [])):
            context = paragraph["context"]
            shift = len(title) + 2 - (len(context) - len(context.lstrip()))   # "title\n\n" + context.strip()
            name = document_name(a, p, title)
            for qa in paragraph.get("qas", []):
                spans = tuple(dict.fromkeys((x["answer_start"] + shift, x["answer_start"] + shift + len(x["text"]))
                                            for x in qa.get("answers", []) if x.get("text")))
                impossible = bool(qa.get("is_impossible", not spans))
                items.append(Item(a, name, qa["question"], () if impossible else spans))
    return items


def passages(documents: dict[str, str]) -> dict[str, list[Chunk]]:
    """Each document's prose chunks, exactly as the index builder cuts them."""
    out = {}
    for name, text in documents.items():
        parsed = parse(name, text)
        out[name] = [c for c in chunk_document(parsed, []) if c.kind == "text"]
    return out


def make_examples(items: list[Item], chunks: dict[str, list[Chunk]], rng: random.Random,
                  swaps: float = 0.0) -> list[Example]:
    """For each question: the chunk holding its answer, and one chunk without it (labelled "no answer").

    The negative is another chunk of the same paragraph half of the time, else the chunk of another
    paragraph of the same article that shares most of the question's terms (what retrieval confuses).
    With `swaps`, that share of the answerable questions is also asked of the chunk holding the answer with one of
    its names, years or numbers swapped for another of the article's, labelled "no answer" (eval/swaps.py).
    """
    from app.reader import passage_of

    by_article: dict[int, list[Chunk]] = {}
    for name, cs in chunks.items():
        by_article.setdefault(int(name.split("_", 1)[0]), []).extend(cs)
    words = {c.id: set(terms(c.text)) for cs in chunks.values() for c in cs}
    pools = {a: Pool.of([c.text for c in cs]) for a, cs in by_article.items()} if swaps else {}
    examples = []
    for item in items:
        own = chunks[item.doc]
        holding = [(c, s) for c in own for s in item.answers if c.start <= s[0] and s[1] <= c.end]
        if holding:
            c, (s, e) = holding[0]
            text, skip = passage_of(c)
            examples.append(Example(item.question, text, skip, (s - c.start + skip, e - c.start + skip)))
            if swaps and rng.random() < swaps and (other := swapped(item.question, c.text, pools[item.article], rng)):
                examples.append(Example(other, text, skip, None))
        q_terms = set(terms(item.question))
        others = [c for c in own if all(not (c.start <= s and e <= c.end) for s, e in item.answers)]
        if not item.answers or not others or rng.random() < 0.5:
            pool = [c for c in by_article[item.article] if c.doc != item.doc] if item.answers else others
            others = sorted(pool, key=lambda c: -len(q_terms & words[c.id]))[:1]
        for c in others[:1]:
            text, skip = passage_of(c)
            examples.append(Example(item.question, text, skip, None))
    return examples


def encode_examples(tokenizer, examples: list[Example]) -> list[dict]:
    """Token ids and start/end labels (0 = the [CLS] "no answer" position); answers cut by truncation dropped."""
    out = []
    for k in range(0, len(examples), 256):
        part = examples[k:k + 256]
        enc = tokenizer([plain_letters(x.question) for x in part], [plain_letters(x.passage) for x in part],
                        truncation="only_second",
                        max_length=MAX_LENGTH, return_offsets_mapping=True)
        for i, x in enumerate(part):
            offsets, segments = enc["offset_mapping"][i], enc["token_type_ids"][i]
            start = end = 0
            if x.answer is not None:
                s, e = x.answer
                inside = [t for t, (o, seg) in enumerate(zip(offsets, segments)) if seg == 1 and o[1] > o[0]]
                starts = [t for t in inside if offsets[t][1] > s]
                ends = [t for t in inside if offsets[t][0] < e]
                if not starts or not ends or offsets[ends[-1]][1] < e or starts[0] > ends[-1]:
                    continue   # the answer lies past the truncation
                start, end = starts[0], ends[-1]
            out.append({"input_ids": enc["input_ids"][i], "token_type_ids": segments,
                        "attention_mask": enc["attention_mask"][i], "start": start, "end": end})
    return out


def train(encoded: list[dict], epochs: int, seed: int = SEED, log=print, network=None,
          learning_rate: float = LEARNING_RATE):
    """Fine-tune the packaged encoder with a start/end head (or a given network) on the encoded pairs; returns
    the network. Warm-up over the first tenth of the steps, then a linear decay to zero."""
    import torch

    torch.manual_seed(SEED)
    rng = random.Random(seed + 1 if network is not None else seed)   # a resumed epoch sees another order
    network = network if network is not None else build_network()
    if seed != SEED:    # another seed changes the order, the negatives and dropout, never the head's start
        torch.manual_seed(seed)
    for name, p in network.named_parameters():
        p.requires_grad = not any(f in name for f in FROZEN)
    params = [p for p in network.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=learning_rate, weight_decay=0.01)
    # batches of similar length (less padding), in random order
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]["input_ids"]))
    batches = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
    steps = epochs * len(batches)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    network.train()
    step, t0, seen = 0, time.perf_counter(), 0
    for epoch in range(epochs):
        rng.shuffle(batches)
        for batch in batches:
            rows = [encoded[i] for i in batch]
            width = max(len(r["input_ids"]) for r in rows)
            pad = lambda key: torch.tensor([r[key] + [0] * (width - len(r[key])) for r in rows])  # noqa: E731
            mask = pad("attention_mask")
            start, end = network(pad("input_ids"), mask, pad("token_type_ids"))
            start = start.masked_fill(mask == 0, -1e4)
            end = end.masked_fill(mask == 0, -1e4)
            loss = (torch.nn.functional.cross_entropy(start, torch.tensor([r["start"] for r in rows]))
                    + torch.nn.functional.cross_entropy(end, torch.tensor([r["end"] for r in rows]))) / 2
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            seen += len(rows)
            if step % 50 == 0 or step == steps:
                rate = seen / (time.perf_counter() - t0)
                log(f"  epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f} "
                    f"({rate:.1f} pairs/s, {(steps - step) * BATCH / rate / 60:.1f} min left)")
    return network.eval()


def save(network, path: Path) -> None:
    _write_state(trained_state(network), path)


def save_ensemble(paths: list[Path], path: Path) -> None:
    """One model file holding the readers of these files (each one reader or an ensemble) as an ensemble."""
    import torch

    members = []
    for p in paths:
        state = torch.load(p, map_location="cpu", weights_only=True)
        members += state["members"] if "members" in state else [state]
    _write_state({"members": members}, path)


def _write_state(state: dict, path: Path) -> None:
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


# ---- rotation --------------------------------------------------------------------------------------

def rotation_pairs(items: list[Item]) -> list[list[int]]:
    """Articles in pairs for "fit on 8, score 2": the k-th most unanswerable with the k-th least, so that
    unanswerable questions are spread over as many pairs as they can be (in SQuAD they sit in few articles)."""
    def share(a: int) -> float:
        own = [i for i in items if i.article == a]
        return sum(not i.answers for i in own) / max(1, len(own))

    articles = sorted({i.article for i in items}, key=lambda a: (-share(a), a))
    half = (len(articles) + 1) // 2
    return [sorted({articles[i], articles[-1 - i]}) for i in range(half)]


def predict(engine, reader, questions: list[SquadQuestion]) -> list[dict]:
    """For each question, read as the engine reads it (`Engine.read_as`), every passage reading of the app's text
    answer with this reader (raw scores and retrieval ranks, so a policy can be chosen afterwards); none where the
    app abstains before reading or answers with a passage (a descriptive question: no short answer). `candidates`
    keeps, per passage, its chunk, fused retrieval score and n best spans (score, sentence start/end in the file,
    span text), the raw material the answer chooser's features are computed from."""
    from app.text_answer import SPANS_CHOSEN_AMONG, is_descriptive

    engine.text.reader = reader
    rows = []
    for q in questions:
        asked = engine.read_as(q.question)
        hits = engine.retrieve(asked)
        passages = [h for h in hits if h.chunk.kind == "text"][: engine.settings.top_k]
        gated = bool(engine.text.unknown_names(asked, passages)) or is_descriptive(asked)
        groups = [] if gated else engine.text.candidates(asked, passages, SPANS_CHOSEN_AMONG)
        found = [g[0] for g in groups if g]
        rows.append({"id": q.id, "readings": [[r.reading.score, r.rank, r.reading.answer, r.hit.chunk.doc]
                                              for r in found],
                     "candidates": [{"chunk": h.chunk.id, "retrieval": h.score,
                                     "spans": [[r.reading.score, r.sentence.start, r.sentence.end, r.at, r.reading.text]
                                               for r in g]} for h, g in zip(passages, groups)]})
    return rows


def as_read(fold: dict, passages: int) -> dict:
    """A fold's rows as the app sees them: only the readings of the first `passages` retrieved passages (the
    rows keep five, so the number the app reads can itself be chosen on held-out answers)."""
    return {**fold, "rows": [{**r, "readings": [x for x in r["readings"] if x[1] < passages]} for r in fold["rows"]]}


def answer_of(row: dict, policy: Policy) -> tuple[str, str | None]:
    """The prediction (empty: abstained) and cited document of a row under a policy, as TextAnswerer._read decides."""
    if not row["readings"]:
        return "", None
    score, rank, text, doc = max(row["readings"], key=lambda r: policy.value(r[0], r[1]))
    return (text, doc) if policy.value(score, rank) >= policy.threshold else ("", None)


def outcome(q: SquadQuestion, row: dict, policy: Policy) -> tuple[float, float]:
    """(F1, exact) of a row under a policy."""
    prediction, _ = answer_of(row, policy)
    golds = list(q.answers) or [""]
    return max(compute_f1(g, prediction) for g in golds), max(compute_exact(g, prediction) for g in golds)


def choose_policy(rows: list[dict], questions: list[SquadQuestion]) -> Policy:
    """The rank penalty and threshold maximising (1 - s) x has-answer F1 + s x no-answer accuracy over these
    (held-out) answers, s = UNANSWERABLE_SHARE.

    s is a stated prior, not a fitted value: in the SQuAD file only 7% of questions have no answer,
    and the threshold that maximises plain SQuAD F1 there almost never abstains, which users asking
    about what their documents do not hold would pay for; weighing both kinds equally (s = 0.5)
    makes abstaining on everything the optimum. For each penalty every question's best reading is
    fixed, so the threshold is the best cut of those values.
    """
    best, best_score = Policy(-math.inf, 0.0), -1.0
    has = np.array([bool(q.answers) for q in questions])
    weight = np.where(has, (1 - UNANSWERABLE_SHARE) / max(1, has.sum()), UNANSWERABLE_SHARE / max(1, (~has).sum()))
    abstain = np.where(has, 0.0, 1.0) * weight
    for penalty in RANK_PENALTIES:
        free = Policy(-math.inf, penalty)
        values = np.array([max((free.value(r[0], r[1]) for r in row["readings"]), default=-math.inf)
                           for row in rows])
        answer = np.array([outcome(q, row, free)[0] for q, row in zip(questions, rows)]) * weight
        cut, total = best_cut(values, answer, abstain)
        if total > best_score:
            best, best_score = Policy(cut, penalty), total
    return best


def best_cut(values: np.ndarray, answer: np.ndarray, abstain: np.ndarray) -> tuple[float, float]:
    """The threshold on `values` (answer at or above it, abstain below) with the highest total of `answer` over the
    questions answered plus `abstain` over those abstained on, and that total. Each cut between sorted values is
    scored at once with cumulative sums."""
    order = np.argsort(values)
    v, ans, abst = values[order], answer[order], abstain[order]
    # cut k: the k lowest values abstain, the rest answer
    totals = np.concatenate([[0.0], np.cumsum(abst)]) + np.concatenate([np.cumsum(ans[::-1])[::-1], [0.0]])
    cuts = np.concatenate([[-math.inf], (v[:-1] + v[1:]) / 2, [math.inf]])
    valid = np.concatenate([[True], v[:-1] < v[1:], [True]])
    k = int(np.argmax(np.where(valid, totals, -1.0)))
    return float(cuts[k]), float(totals[k])


def summary(questions: list[SquadQuestion], rows: list[dict], policies: list[Policy]) -> dict:
    """HasAns F1/EM, NoAns accuracy, overall F1 (percent) and own paragraph cited, of rows under their policies."""
    scored = [outcome(q, r, p) for q, r, p in zip(questions, rows, policies)]
    has = [s for q, s in zip(questions, scored) if q.answers]
    no = [s for q, s in zip(questions, scored) if not q.answers]
    cited = [answer_of(r, p)[1] for r, p in zip(rows, policies)]
    own = [d == q.doc for q, d in zip(questions, cited) if d is not None]
    pct = lambda xs: round(100 * sum(xs) / max(1, len(xs)), 1)  # noqa: E731
    return {"n": len(rows), "has_ans_f1": pct([f for f, _ in has]), "has_ans_exact": pct([e for _, e in has]),
            "no_ans_accuracy": pct([f for f, _ in no]), "no_ans_n": len(no), "f1": pct([f for f, _ in scored]),
            "own_paragraph_cited": pct(own)}


def trade_off(questions: list[SquadQuestion], rows: list[dict]) -> dict:
    """`f1_at_no_answer_shares` with the reader's best score as the confidence: how well the reader alone tells the
    unanswerable questions apart, whatever threshold is chosen."""
    free = Policy(-math.inf)
    return f1_at_no_answer_shares(np.array([bool(q.answers) for q in questions]),
                                  np.array([outcome(q, row, free)[0] for q, row in zip(questions, rows)]),
                                  np.array([max((r[0] for r in row["readings"]), default=-math.inf) for row in rows]))


def f1_at_no_answer_shares(has: np.ndarray, f1: np.ndarray, values: np.ndarray, shares=(0.3, 0.45, 0.6)) -> dict:
    """Has-answer F1 (percent) where a cut on `values` would abstain on each share of the unanswerable questions
    (`has` False), answering at or above it (never at -inf); none without both kinds of question."""
    if has.all() or not has.any():
        return {}
    out = {}
    for share in shares:
        answered = (values >= np.quantile(values[~has], share)) & (values > -math.inf)
        out[f"has_ans_f1_at_{round(100 * share)}pct_no_ans"] = round(100 * float(np.mean(np.where(answered[has],
                                                                                                   f1[has], 0.0))), 1)
    return out


def open_engine(squad_path: Path, out: Path):
    """The app's engine over the SQuAD file's contexts, one document per paragraph (index kept under `out`)."""
    from app.engine import Engine

    squad = load_squad(squad_path)
    docs = out / f"squad-docs-{squad_path.stem}"
    if not docs.is_dir() or sorted(p.name for p in docs.iterdir()) != sorted(squad.documents):
        write_documents(squad, docs)
    return Engine.open(out / "indexes" / f"squad-{squad_path.stem}", docs), squad


def fit(items: list[Item], chunks: dict[str, list[Chunk]], tokenizer, epochs: int, log=print,
        start: Path | None = None, cloze: bool = False, seed: int = SEED, swaps: float = 0.0):
    """The reader fine-tuned on these questions: from the packaged encoder (with `cloze`, after an epoch of cloze
    questions made from the same articles' text, eval/cloze.py), or further from a saved reader."""
    encoded = encode_examples(tokenizer, make_examples(items, chunks, random.Random(seed), swaps))
    log(f"  {len(encoded)} training pairs from {len(items)} questions" + (f", resuming {start}" if start else ""))
    if start is None:
        warmed = None
        if cloze:
            articles = {i.article for i in items}
            text = [c for name, cs in chunks.items() if int(name.split("_", 1)[0]) in articles for c in cs]
            warm = encode_examples(tokenizer, cloze_examples(text, random.Random(SEED)))
            log(f"  {len(warm)} cloze pairs from the training articles' text, one epoch first")
            warmed = train(warm, 1, log=log)
        return train(encoded, epochs, seed, log=log, network=warmed)
    return train(encoded, epochs, seed, log=log, network=load_network(start), learning_rate=RESUME_LEARNING_RATE)


def report(folds: dict[int, dict], questions: dict[str, SquadQuestion]) -> dict:
    """Each fold scored with the policy chosen on the other folds' held-out answers, and all folds together."""
    lines, all_rows, all_policies = {}, [], []
    for f, fold in sorted(folds.items()):
        others = [r for g, o in folds.items() if g != f for r in o["rows"]]
        policy = choose_policy(others, [questions[r["id"]] for r in others]) if others else Policy()
        rows = fold["rows"]
        lines[f] = {"articles": fold["articles"], **asdict(policy),
                    **summary([questions[r["id"]] for r in rows], rows, [policy] * len(rows)),
                    **trade_off([questions[r["id"]] for r in rows], rows)}
        all_rows += rows
        all_policies += [policy] * len(rows)
    return {"folds": lines, "overall": summary([questions[r["id"]] for r in all_rows], all_rows, all_policies)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval fit-reader", description=__doc__.splitlines()[0])
    p.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    p.add_argument("--out", type=Path, default=Path("eval/out"))
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--folds", default="all", help="comma-separated fold numbers to run, or none (default all)")
    p.add_argument("--no-final", action="store_true", help="skip fitting the shipped reader on every article")
    p.add_argument("--model", type=Path, default=DEFAULT_PATH)
    p.add_argument("--reuse", action="store_true", help="answer with the folds' saved readers instead of refitting")
    p.add_argument("--cloze", action="store_true",
                   help="before the real questions, one epoch of cloze questions made from the training articles' text")
    p.add_argument("--no-write", action="store_true",
                   help=f"leave the policy file ({DEFAULT_PATH.with_suffix('.json').name}) as it is: report the folds only")
    p.add_argument("--resume", action="store_true",
                   help="fine-tune the folds' saved readers (and the shipped one) for --epochs more epochs")
    p.add_argument("--ensemble", nargs="+", type=Path, metavar="DIR",
                   help="no fitting: each fold's reader (and the shipped one) is the ensemble of those fitted under "
                        "these --out folders (DIR/reader/foldN.pt, DIR/reader/final.pt), e.g. with other seeds")
    p.add_argument("--seed", type=int, default=SEED,
                   help="another seed: other training order, negatives and dropout, from the same starting weights")
    p.add_argument("--swaps", type=float, default=0.0, metavar="SHARE",
                   help="also ask this share of the answerable questions of their answer's passage with a name, year "
                        "or number swapped, as unanswerable (eval/swaps.py); give it again with --resume")
    args = p.parse_args(argv)
    if args.ensemble and args.out.resolve() in [d.resolve() for d in args.ensemble]:
        p.error("--out must be another folder than the --ensemble ones: it gets the ensembles' files")
    from app.reader import Reader

    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    items = load_items(args.squad)
    engine, squad = open_engine(args.squad, args.out)
    assert [q.question for q in squad.questions] == [i.question for i in items]
    questions = {q.id: q for q in squad.questions}
    chunks = passages(squad.documents)
    tokenizer = load_tokenizer()
    pairs = rotation_pairs(items)
    folder = args.out / "reader"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = range(len(pairs)) if args.folds == "all" else [] if args.folds == "none" else \
        [int(f) for f in args.folds.split(",")]
    for f in wanted:
        test = pairs[f]
        how = f"the ensemble of {len(args.ensemble)} folders' readers fitted" if args.ensemble else "fine-tuning"
        log(f"fold {f}: {how} on articles {[a for p in pairs if p != test for a in p]}, scoring {test}")
        t0 = time.perf_counter()
        saved = folder / f"fold{f}.pt"
        before = json.loads(saved.with_suffix(".json").read_text()) if saved.with_suffix(".json").is_file() else {}
        epochs = args.epochs + (before.get("epochs", 0) if args.resume else 0)
        if args.ensemble:
            fitted = [d / "reader" / saved.name for d in args.ensemble]
            save_ensemble(fitted, saved)
            metas = [json.loads(p.with_suffix(".json").read_text()) for p in fitted]
            trained, epochs = sum(m["train_s"] for m in metas), metas[0]["epochs"]
            reader = Reader(saved, tokenizer=tokenizer)
        elif args.reuse and saved.is_file():    # answer again with the fold's saved reader (e.g. after a code change)
            reader, trained, epochs = Reader(saved, tokenizer=tokenizer), before["train_s"], before["epochs"]
        else:
            if args.resume and not saved.is_file():
                log(f"no saved reader {saved} to resume: run `python -m eval fit-reader` first")
                return 2
            network = fit([i for i in items if i.article not in test], chunks, tokenizer, args.epochs, log,
                          start=saved if args.resume else None, cloze=args.cloze, seed=args.seed, swaps=args.swaps)
            trained = time.perf_counter() - t0 + (before.get("train_s", 0) if args.resume else 0)
            save(network, saved)
            reader = Reader(network=network, tokenizer=tokenizer)
        held = [q for q, i in zip(squad.questions, items) if i.article in test]
        rows = predict(engine, reader, held)
        (folder / f"fold{f}.json").write_text(json.dumps({"articles": test, "epochs": epochs,
                                                          "train_s": round(trained), "rows": rows}))
        log(f"fold {f}: {summary(held, rows, [Policy(-math.inf)] * len(rows))} never abstaining ({trained:.0f} s fine-tuning)")
    read = Settings().reader_passages
    folds = {int(p.stem[4:]): as_read(json.loads(p.read_text()), read) for p in sorted(folder.glob("fold*.json"))}
    result = report(folds, questions) if folds else {}
    if result:
        print(json.dumps(result, indent=1))
    if args.ensemble and not args.no_final:
        save_ensemble([d / "reader" / "final.pt" for d in args.ensemble], args.model)
    elif not args.no_final:
        log("final: fine-tuning on every article")
        save(fit(items, chunks, tokenizer, args.epochs, log, start=args.model if args.resume else None, seed=args.seed,
                 swaps=args.swaps),
             args.model)
    if args.model.is_file() and len(folds) == len(pairs) and not args.no_write:
        rows = [r for fold in folds.values() for r in fold["rows"]]
        policy = choose_policy(rows, [questions[r["id"]] for r in rows])
        args.model.with_suffix(".json").write_text(json.dumps({
            **asdict(policy), "epochs": max(fold["epochs"] for fold in folds.values()), "data": args.squad.name,
            "policy_from": f"{1 - UNANSWERABLE_SHARE:g} x has-answer F1 + {UNANSWERABLE_SHARE:g} x no-answer "
                           "accuracy over every fold's held-out answers (python -m eval fit-reader)",
            "rotation": result["overall"]}, indent=1) + "\n")
        log(f"wrote {args.model} ({args.model.stat().st_size / 1e6:.1f} MB) and its {policy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
