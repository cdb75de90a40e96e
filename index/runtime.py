"""The fastest faithful way to run a small torch module on one sequence at a time: ONNX Runtime, else a trace.

Answering a question runs two small transformers on one short input each (the query embedder, then the span
reader on each question and passage pair). ONNX Runtime runs the query embedder ~2x faster than a TorchScript
trace on a CPU and the reader's int8 products as fast as torch's (`scripts/bench_runtime.py`). The module is
exported with the TorchScript-based exporter, which records one path through the code as a trace does, so the
same limit holds: valid for a single unpadded sequence, which is all it is given. The float32 graph is checked
against eager on inputs of other lengths; if it differs, or the export fails, a TorchScript trace of the module
runs instead (index/trace.py), which falls back to eager in turn.

Exporting costs seconds and leaves a few hundred MB of heap behind in the process that does it, so it runs in a
forked child, once per module content, into a cache folder (`DOCQA_CACHE`, default ~/.cache/docqa): later loads
only check the graph.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Sequence

from index.trace import TOLERANCE, agrees, traced

OPSET = 17
FORMAT = 2          # bump when the export or quantization below changes what a cached graph holds
EXPORT_TIMEOUT = 600
BLOCK = 128         # inputs per int8 scale in a blockwise product (64 reads the same, 256 less faithfully)


def cache_folder() -> Path:
    """Where exported graphs are kept."""
    return Path(os.environ.get("DOCQA_CACHE") or Path.home() / ".cache" / "docqa") / "onnx"


def compiled(module, example: Sequence, probes: Sequence[Sequence], int8_except: str | None = None,
             source: bytes | None = None, threads: int | None = None, blockwise: str | None = None) -> Callable:
    """`module` as an ONNX Runtime session taking and giving torch tensors, if in float32 it gives eager's outputs
    on the `example` and every probe; else `traced(module, example, probes)`.

    With `int8_except`, the checked graph's matrix products then run with int8 weights and activations (dynamic
    quantization), but those whose node names match that pattern, which stay float32; of those, the ones that also
    match `blockwise` run int8 with one scale per block of BLOCK inputs of each row (see `quantized`).

    With `source`, the bytes the module is built from (its weights file), `module` is a function that builds it,
    called only when there is no cached graph of that source: an int8 graph then loads without the torch module
    ever being in memory (two readers' float32 networks are ~180 MB).

    `threads`: the threads one call of the session runs on (ONNX Runtime's default: one per core).
    """
    build = module if source is not None else (lambda: module)
    options = int8_except if blockwise is None else (int8_except, blockwise)    # as before without blockwise
    key = _content_key(module, example, options) if source is None else _source_key(source, example, options)
    path = cache_folder() / f"{key}.onnx"
    # an int8 graph's float32 source and the int8 graph itself are staged under names of this process's own
    float_path = path if int8_except is None else path.with_suffix(f".{os.getpid()}.float32.onnx")
    if path.is_file():
        try:
            session = OnnxModule(path, len(example), threads)
            if int8_except is not None or agrees(build().eval(), session, (example, *probes)):
                return session       # an int8 graph is only written after its float32 source agreed
        except Exception:   # noqa: BLE001 - a damaged cache file: export again
            pass
    module = build().eval()
    staged = None if int8_except is None else path.with_suffix(f".{os.getpid()}.int8.part")
    try:
        _apart(_write_graphs, module, example, float_path, staged, int8_except, blockwise)
        session = OnnxModule(float_path, len(example), threads)
        if not agrees(module, session, (example, *probes)):
            float_path.unlink(missing_ok=True)
            raise ValueError(f"ONNX Runtime differs from eager by more than {TOLERANCE}")
    except Exception as err:   # noqa: BLE001 - any failure means: the trace, or eager, which are always right
        print(f"note: not running {type(module).__name__} in ONNX Runtime ({type(err).__name__}: {err})",
              file=sys.stderr)
        return traced(module, example, probes)
    if staged is None:
        return session
    if staged.is_file():
        float_path.unlink()
    else:                  # quantizing failed (said by the exporting process): the checked float32 graph serves
        staged = float_path
    os.replace(staged, path)
    return OnnxModule(path, len(example), threads)


def _write_graphs(module, example: Sequence, float_path: Path, int8_path: Path | None, int8_except: str | None,
                  blockwise: str | None = None) -> None:
    """Export the float32 graph to `float_path` and, if asked, its int8 form to `int8_path`."""
    graph = export(module, example)
    _write(float_path, graph)
    if int8_path is not None:
        try:
            _write(int8_path, quantized(graph, re.compile(int8_except), blockwise and re.compile(blockwise)))
        except Exception as err:   # noqa: BLE001 - the float32 graph serves
            print(f"note: running {type(module).__name__} in float32 ({type(err).__name__}: {err})", file=sys.stderr)


def _apart(function: Callable, *args) -> None:
    """Run `function(*args)` in a forked child where the platform forks, so the exporter's heap (a few hundred MB
    that the allocator keeps) never lands in this process; else here. Raises if the child fails."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        function(*args)
        return
    child = multiprocessing.get_context("fork").Process(target=_in_child, args=(function, *args), daemon=True)
    child.start()
    child.join(EXPORT_TIMEOUT)
    if child.is_alive():
        child.kill()
        raise TimeoutError(f"exporting took over {EXPORT_TIMEOUT} s")
    if child.exitcode != 0:
        raise RuntimeError(f"the exporting process failed (exit code {child.exitcode})")


def _in_child(function: Callable, *args) -> None:
    import torch

    torch.set_num_threads(1)      # the parent's OpenMP threads do not survive a fork
    function(*args)


class OnnxModule:
    """An exported graph run by ONNX Runtime on the CPU; called like the torch module it came from."""

    def __init__(self, path: Path, n_inputs: int, threads: int | None = None):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = threads
        # each session has its own threads: spinning after a run would hold a core the next session needs
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = Path(path)
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [f"input{i}" for i in range(n_inputs)]
        self.single = len(self.session.get_outputs()) == 1

    def __call__(self, *tensors):
        import torch

        outputs = self.session.run(None, {name: t.numpy() for name, t in zip(self.inputs, tensors)})
        outputs = [torch.from_numpy(o) for o in outputs]
        return outputs[0] if self.single else tuple(outputs)


def export(module, example: Sequence) -> bytes:
    """The module's float32 ONNX graph, with batch and length dynamic; inputs input0.., outputs output0.."""
    import torch

    with torch.inference_mode():
        outputs = module(*example)
    n_out = 1 if isinstance(outputs, torch.Tensor) else len(outputs)
    names = [f"input{i}" for i in range(len(example))] + [f"output{i}" for i in range(n_out)]
    graph = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # the exporter's tracer notes
        torch.onnx.export(module, tuple(example), graph, input_names=names[:len(example)],
                          output_names=names[len(example):], dynamic_axes={name: {0: "batch", 1: "length"} for name in names},
                          opset_version=OPSET, dynamo=False)
    return graph.getvalue()


def quantized(graph: bytes, keep_float: re.Pattern, blockwise: re.Pattern | None = None) -> bytes:
    """The graph with its matrix products on int8 weights, but those whose node names match `keep_float`; of those,
    the ones matching `blockwise` get int8 weights and activations with one scale per block of BLOCK inputs.

    Dynamic quantization scales a product's whole input by one number per call, which a few outlier activations
    flatten; a blockwise product (ONNX Runtime's MatMulNBits at accuracy level 4) scales each token's inputs by
    block, so an outlier costs only its own block's precision.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load_from_string(graph)
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
            if blockwise is None:
                return out.read_bytes()
            try:
                return _blockwise(onnx.load(str(out)), [name for name in kept if blockwise.search(name)])
            except Exception as err:   # noqa: BLE001 - the dynamic int8 graph serves, its kept products float32
                print(f"note: no blockwise products ({type(err).__name__}: {err})", file=sys.stderr)
                return out.read_bytes()
    finally:
        root.setLevel(level)


def _blockwise(model, names: list[str]) -> bytes:
    """The model with the named float32 products as 8-bit blockwise products (raises if it names none)."""
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    if not names:
        raise ValueError("no float32 matrix product of the graph matches the blockwise pattern")
    logging.getLogger(MatMulNBitsQuantizer.__module__).setLevel(logging.ERROR)    # a line per product
    config = DefaultWeightOnlyQuantConfig(block_size=BLOCK, is_symmetric=True, accuracy_level=4, bits=8)
    others = [node.name for node in model.graph.node if node.op_type == "MatMul" and node.name not in names]
    quantizer = MatMulNBitsQuantizer(model, bits=8, block_size=BLOCK, is_symmetric=True, accuracy_level=4,
                                     nodes_to_exclude=others, algo_config=config)   # it takes every MatMul not excluded
    quantizer.process()
    return quantizer.model.model.SerializeToString()


def _content_key(module, example: Sequence, options) -> str:
    """A hash of everything the exported graph depends on: weights, module class, inputs, versions, options."""
    digest = _settings_digest(type(module).__qualname__, example, options)
    for name, tensor in module.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().contiguous().cpu().numpy().tobytes())
    return digest.hexdigest()[:32]


def _source_key(source: bytes, example: Sequence, options) -> str:
    """The same for a module built from `source`: a hash of those bytes in place of the weights."""
    digest = _settings_digest("source", example, options)
    digest.update(hashlib.sha256(source).digest())
    return digest.hexdigest()[:32]


def _settings_digest(kind: str, example: Sequence, options):
    """A hash begun with everything but the weights: format, versions, the module's kind, inputs, options."""
    import onnxruntime
    import torch

    digest = hashlib.sha256()
    for part in (FORMAT, OPSET, torch.__version__, onnxruntime.__version__, kind, options,
                 [(tuple(t.shape), str(t.dtype)) for t in example]):
        digest.update(repr(part).encode())
    return digest


def _write(path: Path, graph: bytes) -> None:
    """Write atomically (another process may be loading the same graph)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    # created as any file this user writes, by the umask (a tempfile would be 0600): the cache may be shared
    with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as out:
        out.write(graph)
    os.replace(part, path)
