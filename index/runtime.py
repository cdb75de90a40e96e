"""The fastest faithful way to run a small torch module on one sequence at a time: ONNX Runtime, else a trace.

Answering a question runs two small transformers on one short input each (the query embedder, then the span
reader on each question and passage pair). ONNX Runtime runs such a graph ~1.5x faster than a TorchScript trace
on a CPU in float32, and its int8 kernels faster again (`scripts/bench_runtime.py`). The module is exported in
memory when it loads (a few seconds) with the TorchScript-based exporter, which records one path through the code
as a trace does, so the same limit holds: valid for a single unpadded sequence, which is all it is given. The
float32 session is checked against eager on inputs of other lengths; if it differs, or the export fails, a
TorchScript trace of the float32 module runs instead (index/trace.py), which falls back to eager in turn.
"""
from __future__ import annotations

import io
import logging
import re
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Sequence

from index.trace import TOLERANCE, _same, traced

OPSET = 17


def compiled(module, example: Sequence, probes: Sequence[Sequence], int8_except: str | None = None) -> Callable:
    """`module` as an ONNX Runtime session taking and giving torch tensors, if in float32 it gives eager's outputs
    on the `example` and every probe; else `traced(module, example, probes)`.

    With `int8_except`, the checked graph's matrix products then run with int8 weights and activations (dynamic
    quantization), but those whose node names match that pattern, which stay float32.
    """
    import torch

    module = module.eval()
    try:
        session = OnnxModule(module, example)
        with torch.inference_mode():
            for probe in (example, *probes):
                if not _same(module(*probe), session(*probe)):
                    raise ValueError(f"ONNX Runtime differs from eager by more than {TOLERANCE}")
    except Exception as err:   # noqa: BLE001 - any failure means: the trace, or eager, which are always right
        print(f"note: not running {type(module).__name__} in ONNX Runtime ({type(err).__name__}: {err})",
              file=sys.stderr)
        return traced(module, example, probes)
    if int8_except is not None:
        try:
            session.quantize(re.compile(int8_except))
        except Exception as err:   # noqa: BLE001 - the checked float32 session stays
            print(f"note: running {type(module).__name__} in float32 ({type(err).__name__}: {err})", file=sys.stderr)
    return session


class OnnxModule:
    """A torch module exported to ONNX in memory and run by ONNX Runtime on the CPU; called like the module."""

    def __init__(self, module, example: Sequence):
        import torch

        with torch.inference_mode():
            outputs = module(*example)
        self.single = isinstance(outputs, torch.Tensor)
        n_out = 1 if self.single else len(outputs)
        self.inputs = [f"input{i}" for i in range(len(example))]
        names = self.inputs + [f"output{i}" for i in range(n_out)]
        graph = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")        # the exporter's tracer notes
            torch.onnx.export(module, tuple(example), graph, input_names=self.inputs, output_names=names[len(example):],
                              dynamic_axes={name: {0: "batch", 1: "length"} for name in names},
                              opset_version=OPSET, dynamo=False)
        self.graph = graph.getvalue()
        self.session = _session(self.graph)

    def quantize(self, keep_float: re.Pattern) -> None:
        """Run the graph's matrix products with int8 weights, but those whose node names match `keep_float`."""
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        model = onnx.load_from_string(self.graph)
        products = [node.name for node in model.graph.node if node.op_type in ("MatMul", "Gemm")]
        kept = [name for name in products if keep_float.search(name)]
        if not kept:     # another exporter's node names: quantizing every product would cost accuracy unseen
            raise ValueError(f"no matrix product of the graph matches {keep_float.pattern!r}")
        root, level = logging.getLogger(), logging.getLogger().level
        root.setLevel(logging.ERROR)             # the quantizer's advice to pre-process the graph first
        try:
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "int8.onnx"
                quantize_dynamic(model, out, weight_type=QuantType.QInt8, nodes_to_exclude=kept)
                self.graph = out.read_bytes()
        finally:
            root.setLevel(level)
        self.session = _session(self.graph)

    def __call__(self, *tensors):
        import torch

        outputs = self.session.run(None, {name: t.numpy() for name, t in zip(self.inputs, tensors)})
        outputs = [torch.from_numpy(o) for o in outputs]
        return outputs[0] if self.single else tuple(outputs)


def _session(graph: bytes):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
