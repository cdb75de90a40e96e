"""Embeddings: a query is embedded as the build embeds text, by the fast path when the model allows it."""
import numpy as np

from index.embed import embed, query_embedder
from index.runtime import OnnxModule

TEXTS = ["tomatoes", "When did the lighthouse keeper light the lamp for the last time?",
         "Greenhouses hold tomatoes, peppers and cucumbers under glass. " * 40]   # longer than the model reads


def test_a_query_vector_equals_the_vector_the_build_gives_the_same_text(model):
    embed_query = query_embedder(model)
    assert isinstance(embed_query.encoder, OnnxModule)     # the packaged model runs in ONNX Runtime
    for text in TEXTS:
        got, want = embed_query(text), embed(model, [text])
        assert got.shape == want.shape == (1, 384) and got.dtype == np.float32
        assert np.allclose(got, want, atol=1e-5)


def test_a_model_without_a_traceable_encoder_embeds_queries_with_encode():
    class Hashing:
        """An embedder that is not a transformer: one fixed vector per text length."""

        def encode(self, texts, **_):
            return np.array([[len(t), 1.0] for t in texts]) / np.sqrt([[len(t) ** 2 + 1.0] for t in texts])

    embed_query = query_embedder(Hashing())
    assert np.allclose(embed_query("abc"), [[3, 1] / np.sqrt(10)])


def test_every_call_on_the_models_tokenizer_takes_its_turn(model, monkeypatch):
    """A fast tokenizer keeps the padding of its last call: from several threads, a query's call can leave another
    thread's batch unpadded ("Unable to create tensor"). So queries, batches and spans tokenize under one lock."""
    from index.embed import TOKENIZING, embed_with_spans

    embed_query = query_embedder(model)
    tokenizer, calls = model.tokenizer, []

    class Watched(type(tokenizer)):
        def __call__(self, *args, **kwargs):
            calls.append(TOKENIZING.locked())
            return super().__call__(*args, **kwargs)

    monkeypatch.setattr(tokenizer, "__class__", Watched)
    embed_query("how many crates did the barge carry")
    embed(model, ["The barge carried crates.", "A longer line about the barges of the upper canal."])
    embed_with_spans(model, ["The barge carried crates. It sank."], [[(0, 25)]])
    assert len(calls) >= 3 and all(calls)
