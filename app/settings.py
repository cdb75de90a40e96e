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
    rerank: bool = True           # the fitted passage ranker (app/rerank.py) orders them before they are read
    reader: bool = True           # the fine-tuned span reader answers (when its model file exists)
    reader_passages: int = 2      # passages it reads: on held-out SQuAD folds 2 score as 3 and 5 do (0.75 x F1 +
                                  # 0.25 x no-answer accuracy 33.75 vs 33.8) and 1 less (32.4); each costs ~11 ms
    account_passages: int = 5     # passages whose sentences a descriptive answer is chosen from (no reader runs, so
                                  # more cost little): on held-out SQuAD folds 5 pick the answer's sentence first 67.7%
                                  # of the time, 2 66.8% (`python -m eval fit-support`, session 22's ranker)
    chooser: bool = True          # the fitted answer chooser (app/chooser.py) picks among the reader's spans
    ranker: bool = True           # the fitted sentence ranker (app/support.py) picks a descriptive answer's sentence
    abstain_threshold: float = 0.30  # below this support score the text path abstains

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)
