"""TorchScript traces of one-sequence forwards: eager PyTorch's numbers without its per-layer Python overhead.

Answering a question runs small transformers on one short input at a time (the query, then each question and
passage pair), where most of eager PyTorch's time goes to dispatching ~100 small ops per layer from Python. A
frozen trace runs the same ops about 1.6x faster on a CPU (`scripts/bench.py`). A trace records one path through
the code, though: transformers drops an all-ones attention mask before attention, so a trace is valid only for a
single unpadded sequence, which is all it is ever given here. Each trace is checked against eager on inputs of
other lengths than the one it was traced on; if any output differs, or tracing fails (another torch or
transformers version), the eager module is used.
"""
from __future__ import annotations

import sys
import warnings
from typing import Callable, Sequence

TOLERANCE = 1e-4


def traced(module, example: Sequence, probes: Sequence[Sequence]) -> Callable:
    """`module` traced on the `example` tensors and frozen, if it gives eager's outputs on every probe; else `module`."""
    import torch

    module = module.eval()
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")        # TorchScript's deprecation notice, the tracer's constant-branch notes
            fast = torch.jit.freeze(torch.jit.trace(module, tuple(example), check_trace=False))
        if not agrees(module, fast, probes):
            raise ValueError("the trace differs from eager on an input of another length")
        return fast
    except Exception as err:   # noqa: BLE001 - any failure means: run eager, which is always right
        print(f"note: running {type(module).__name__} eagerly ({type(err).__name__}: {err})", file=sys.stderr)
        return module


def agrees(module, fast: Callable, inputs: Sequence[Sequence]) -> bool:
    """Whether `fast` gives `module`'s outputs, to TOLERANCE, on every input."""
    import torch

    with torch.inference_mode():
        return all(_same(module(*x), fast(*x)) for x in inputs)


def _same(a, b) -> bool:
    import torch

    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.shape == b.shape and bool((a - b).abs().max() <= TOLERANCE)
    return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
