"""ONNX Runtime sessions: eager's numbers, or the trace (then eager) when the export would not hold."""
import os
import stat

import pytest
import torch

import index.runtime
from index.runtime import OnnxModule, compiled


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """Each test exports into a cache folder of its own."""
    monkeypatch.setenv("DOCQA_CACHE", str(tmp_path))
    return tmp_path / "onnx"


class Scale(torch.nn.Module):
    """The same ops for every input length: the export holds."""

    def forward(self, x, y):
        return x * 2 + y.sum(dim=1, keepdim=True), x.mean(dim=1)


class LengthBranch(torch.nn.Module):
    """Python control flow on the input's length: the exporter records one branch only."""

    def forward(self, x):
        return x * 2 if x.shape[1] > 3 else x + 1


def test_a_module_that_exports_runs_in_onnx_runtime_with_eagers_outputs():
    module, short, long = Scale(), (torch.ones(1, 2), torch.ones(1, 2)), (torch.rand(1, 9), torch.rand(1, 9))
    fast = compiled(module, short, [long])
    assert isinstance(fast, OnnxModule)
    for want, got in zip(module(*long), fast(*long)):
        assert isinstance(got, torch.Tensor) and torch.allclose(want, got)


def test_a_single_output_comes_back_as_one_tensor():
    class Double(torch.nn.Module):
        def forward(self, x):
            return x * 2

    fast = compiled(Double(), (torch.ones(1, 3),), [(torch.ones(1, 7),)])
    assert isinstance(fast, OnnxModule) and torch.equal(fast(torch.ones(1, 5)), torch.full((1, 5), 2.0))


def test_an_export_that_differs_from_eager_on_another_length_is_not_used(capsys):
    module = LengthBranch()
    fast = compiled(module, (torch.ones(1, 2),), [(torch.full((1, 8), 3.0),)])
    assert fast is module       # the trace fails the same check, so eager runs
    err = capsys.readouterr().err
    assert "not running LengthBranch in ONNX Runtime" in err and "running LengthBranch eagerly" in err


class TwoLayers(torch.nn.Module):
    """Two weighted products, so one can be kept float32 and the other quantized."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.inner, self.outer = torch.nn.Linear(16, 32), torch.nn.Linear(32, 4)

    def forward(self, x):
        return self.outer(torch.relu(self.inner(x)))


def test_int8_quantizes_every_weighted_product_but_those_named_and_stays_near_float32():
    import onnx

    module, x = TwoLayers(), torch.rand(1, 5, 16)
    fast = compiled(module, (x,), [(torch.rand(1, 9, 16),)], int8_except=r"^/outer/")
    kinds = {n.name: n.op_type for n in onnx.load(str(fast.path)).graph.node}
    assert kinds["/outer/MatMul"] == "MatMul" and "MatMulInteger" in kinds.values()
    assert not any(name.startswith("/inner/") and kind == "MatMul" for name, kind in kinds.items())
    with torch.inference_mode():
        assert torch.allclose(module(x), fast(x), atol=0.05)


def test_a_kept_product_named_blockwise_runs_int8_by_block_and_stays_near_float32():
    import onnx

    module, x = TwoLayers(), torch.rand(1, 5, 16)
    fast = compiled(module, (x,), [(torch.rand(1, 9, 16),)], int8_except=r"^/(inner|outer)/", blockwise=r"^/outer/")
    kinds = {n.name: n.op_type for n in onnx.load(str(fast.path)).graph.node}
    assert kinds["/inner/MatMul"] == "MatMul"                 # kept float32, not named blockwise
    assert "MatMulNBits" in kinds.values() and "/outer/MatMul" not in kinds
    with torch.inference_mode():
        assert torch.allclose(module(x), fast(x), atol=0.05)


def test_a_blockwise_pattern_that_names_no_product_keeps_the_dynamic_int8_graph(capfd):
    import onnx

    module, x = TwoLayers(), torch.rand(1, 5, 16)
    fast = compiled(module, (x,), [], int8_except=r"^/outer/", blockwise=r"no such layer")
    kinds = {n.name: n.op_type for n in onnx.load(str(fast.path)).graph.node}
    assert kinds["/outer/MatMul"] == "MatMul" and "MatMulInteger" in kinds.values()
    assert "MatMulNBits" not in kinds.values() and "no blockwise products" in capfd.readouterr().err


def test_a_keep_pattern_that_names_no_product_keeps_the_float32_session(capfd):
    import onnx

    module, x = TwoLayers(), torch.rand(1, 5, 16)
    fast = compiled(module, (x,), [], int8_except=r"no such layer")
    assert isinstance(fast, OnnxModule)
    assert "running TwoLayers in float32" in capfd.readouterr().err      # said by the exporting process
    assert not any(n.op_type == "MatMulInteger" for n in onnx.load(str(fast.path)).graph.node)
    with torch.inference_mode():
        assert torch.allclose(module(x), fast(x), atol=1e-5)


def test_a_graph_is_exported_once_per_module_content_and_then_read_from_the_cache(cache, monkeypatch):
    module, short, long = Scale(), (torch.ones(1, 2), torch.ones(1, 2)), (torch.rand(1, 9), torch.rand(1, 9))
    first = compiled(module, short, [long])
    assert [p.name for p in cache.iterdir()] == [first.path.name]

    def no_export(*_):
        raise AssertionError("exported again")

    monkeypatch.setattr(index.runtime, "export", no_export)
    again = compiled(module, short, [long])
    assert isinstance(again, OnnxModule) and again.path == first.path
    for want, got in zip(module(*long), again(*long)):
        assert torch.allclose(want, got)


def test_a_module_built_from_source_bytes_is_built_only_when_its_graph_is_not_cached(cache):
    x, built = torch.rand(1, 5, 16), []

    def build():
        built.append(1)
        return TwoLayers()

    first = compiled(build, (x,), [], int8_except=r"^/outer/", source=b"weights v1")
    again = compiled(build, (x,), [], int8_except=r"^/outer/", source=b"weights v1")
    assert len(built) == 1 and again.path == first.path
    with torch.inference_mode():
        assert torch.allclose(first(x), again(x))
    other = compiled(build, (x,), [], int8_except=r"^/outer/", source=b"weights v2")
    assert len(built) == 2 and other.path != first.path


def test_other_weights_get_their_own_graph_and_a_damaged_cache_file_is_exported_again(cache):
    x = torch.rand(1, 5, 16)
    first = compiled(TwoLayers(), (x,), [])
    changed = TwoLayers()
    with torch.no_grad():
        changed.outer.bias.add_(1.0)
    other = compiled(changed, (x,), [])
    assert other.path != first.path
    first.path.write_bytes(b"not a graph")
    again = compiled(TwoLayers(), (x,), [])
    assert isinstance(again, OnnxModule)
    with torch.inference_mode():
        assert torch.allclose(TwoLayers()(x), again(x), atol=1e-5)


def test_an_int8_graph_is_cached_without_its_float32_source_or_staged_files(cache):
    fast = compiled(TwoLayers(), (torch.rand(1, 5, 16),), [], int8_except=r"^/outer/")
    assert [p.name for p in cache.iterdir()] == [fast.path.name]


def test_a_cached_graph_is_readable_by_others_as_the_umask_allows(cache):
    old = os.umask(0o022)
    try:
        graph = compiled(TwoLayers(), (torch.rand(1, 5, 16),), [], int8_except=r"^/outer/")
    finally:
        os.umask(old)
    assert stat.S_IMODE(graph.path.stat().st_mode) == 0o644


def test_the_export_runs_in_another_process(tmp_path, monkeypatch):
    import os

    export = index.runtime.export

    def recording(module, example):
        (tmp_path / "pid").write_text(str(os.getpid()))
        return export(module, example)

    monkeypatch.setattr(index.runtime, "export", recording)
    assert isinstance(compiled(Scale(), (torch.ones(1, 2), torch.ones(1, 2)), []), OnnxModule)
    assert int((tmp_path / "pid").read_text()) != os.getpid()


def test_an_exporting_process_that_dies_means_the_trace(monkeypatch, capsys):
    import os

    monkeypatch.setattr(index.runtime, "export", lambda *_: os._exit(3))
    fast = compiled(Scale(), (torch.ones(1, 2), torch.ones(1, 2)), [])
    assert isinstance(fast, torch.jit.ScriptModule)
    assert "the exporting process failed (exit code 3)" in capsys.readouterr().err


def test_a_session_runs_on_the_threads_asked_for_and_gives_the_same_outputs(cache):
    x = torch.rand(1, 5, 16)
    default, one = compiled(TwoLayers(), (x,), []), compiled(TwoLayers(), (x,), [], threads=1)
    assert one.path == default.path               # the same cached graph: threads are not part of what it holds
    assert one.session.get_session_options().intra_op_num_threads == 1
    assert default.session.get_session_options().intra_op_num_threads == 0     # ONNX Runtime's default: per core
    with torch.inference_mode():
        assert torch.equal(one(x), default(x))
