"""Tunable parameters of retrieval and answering, in one place."""
from __future__ import annotations

from dataclasses import dataclass, replace

MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Settings:
    """Retrieval and answer parameters; the eval sweeps these."""

    mode: str = "hybrid"          # "hybrid" | "bm25" | "dense"
    fusion: str = "weighted"      # "weighted" (convex combination of min-max scores) | "rrf"; chosen by `python -m eval --compare`
    dense_weight: float = 0.5     # weight of the dense score when fusion == "weighted"
    rrf_k: int = 60               # reciprocal rank fusion constant
    candidates: int = 30          # top-k taken from each retriever before fusion
    top_k: int = 5                # passages handed to the answer composer
    reader: bool = True           # the fine-tuned span reader answers (when its model file exists)
    reader_passages: int = 2      # passages it reads: held-out SQuAD answers are as good with 2 as with 3 or 5, and
                                  # each passage costs ~14 ms (`python -m eval fit-reader --folds none --no-final`)
    abstain_threshold: float = 0.30  # below this support score the text path abstains

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)
