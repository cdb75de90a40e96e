"""Evaluation: Q/A sets -> Engine.ask (the function every surface calls) -> metrics -> report.

    python -m eval                      # the seed set; report in eval/out/
    python -m eval --compare            # + retrieval ablation and abstention-threshold sweep
    python -m eval --squad FILE         # + a SQuAD v2-style file, scored with SQuAD's normalisation
    python -m eval --floors             # exit non-zero when quality falls below eval/floors.json
"""
