"""Traced forwards: eager's numbers, or eager itself when a trace would not hold for other inputs."""
import torch

from index.trace import traced


class Scale(torch.nn.Module):
    """The same ops for every input length: a trace holds."""

    def forward(self, x, y):
        return x * 2 + y.sum(dim=1, keepdim=True), x.mean(dim=1)


class LengthBranch(torch.nn.Module):
    """Python control flow on the input's length: a trace records one branch only."""

    def forward(self, x):
        return x * 2 if x.shape[1] > 3 else x


def test_a_trace_that_holds_for_every_length_is_used_and_gives_eagers_outputs():
    module, short, long = Scale(), (torch.ones(1, 2), torch.ones(1, 2)), (torch.rand(1, 9), torch.rand(1, 9))
    fast = traced(module, short, [long])
    assert isinstance(fast, torch.jit.ScriptModule)
    for want, got in zip(module(*long), fast(*long)):
        assert torch.allclose(want, got)


def test_a_trace_that_differs_from_eager_on_another_length_is_not_used(capsys):
    module = LengthBranch()
    assert traced(module, (torch.ones(1, 2),), [(torch.ones(1, 8),)]) is module
    assert "running LengthBranch eagerly" in capsys.readouterr().err


def test_a_module_that_cannot_be_traced_runs_eagerly(capsys):
    class Words(torch.nn.Module):
        def forward(self, x):
            return {"text": "not a tensor"}

    module = Words()
    assert traced(module, (torch.ones(1, 2),), []) is module
    assert "eagerly" in capsys.readouterr().err
