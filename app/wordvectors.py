"""Word vectors from the packaged encoder's own input embeddings: how near in meaning a question's word is to a
passage's words when the passage does not use it ("wife" and "spouse": cosine 0.58; "wife" and "party": 0.06).

A word's vector is the mean of its word pieces' rows in the encoder's embedding table (float16, 23 MB), read from
the packaged model's weights; no network runs, so a lookup costs microseconds and is cached per word.
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

TABLE = "embeddings.word_embeddings.weight"


class WordVectors:
    """Unit vectors of folded words, and how near a word comes to any of a list of words."""

    def __init__(self, table: np.ndarray, tokenizer):
        self.table, self.tokenizer = table, tokenizer
        self.vector = lru_cache(maxsize=65536)(self._vector)

    @classmethod
    def packaged(cls, base: Path | None = None) -> "WordVectors":
        """The packaged encoder's table and word-piece tokenizer."""
        from safetensors import safe_open
        from tokenizers import Tokenizer

        from app.reader import packaged_model_path

        base = Path(base or packaged_model_path())
        with safe_open(str(base / "model.safetensors"), framework="np") as weights:
            table = weights.get_tensor(TABLE).astype(np.float16)
        tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        tokenizer.no_padding()   # the packaged file pads every text to 128 pieces
        return cls(table, tokenizer)

    def _vector(self, word: str) -> np.ndarray:
        ids = self.tokenizer.encode(word, add_special_tokens=False).ids
        v = self.table[ids].astype(np.float32).mean(axis=0) if ids else np.zeros(self.table.shape[1], np.float32)
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def in_vocabulary(self, word: str) -> bool:
        """Whether the encoder knows `word` as one word piece of its own: a common word ("draft", "us"), not a rare name
        ("lindqvist" is "lin", "##dq", "##vist")."""
        ids = self.tokenizer.encode(word.lower(), add_special_tokens=False).ids
        return len(ids) == 1 and self.tokenizer.id_to_token(ids[0]) != "[UNK]"

    def nearest(self, word: str, words: list[str]) -> float:
        """The highest cosine between `word` and any of `words` (0 for none)."""
        if not words:
            return 0.0
        return float(max(0.0, (np.stack([self.vector(w) for w in words]) @ self.vector(word)).max()))


@lru_cache(maxsize=None)     # one entry per folder asked for: the packaged one, in the app
def default_word_vectors(base: Path | None = None) -> WordVectors | None:
    """The packaged encoder's word vectors, loaded once per process; None (said on stderr) when its files cannot be
    read: sentences are then ranked as if they said nothing in other words."""
    try:
        return WordVectors.packaged(base)
    except Exception as err:      # a missing, truncated or foreign file: safetensors and tokenizers raise their own
        print(f"warning: no word vectors from {base or 'the packaged model'} ({err}); paraphrases are not weighed",
              file=sys.stderr)
        return None
