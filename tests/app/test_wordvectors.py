"""Word vectors from the packaged encoder's embedding table: words alike in meaning lie near, and a question's word
that a sentence lacks counts for it as far as the sentence says it in other words."""
import numpy as np
import pytest

from app.chooser import Asked
from app.support import FEATURES, default_ranker
from app.wordvectors import WordVectors, default_word_vectors


@pytest.fixture(scope="module")
def vectors():
    return default_word_vectors()


def test_unreadable_model_files_give_no_word_vectors_and_say_so(tmp_path, capsys):
    (tmp_path / "model.safetensors").write_bytes(b"not a safetensors file")
    assert default_word_vectors(tmp_path) is None
    assert "no word vectors" in capsys.readouterr().err
    assert isinstance(default_word_vectors(), WordVectors)


def test_words_alike_in_meaning_lie_nearer_than_unrelated_ones(vectors):
    assert vectors.nearest("boat", ["ship"]) > vectors.nearest("boat", ["salary"]) + 0.2
    assert vectors.nearest("wife", ["spouse", "tuesday"]) > vectors.nearest("wife", ["tuesday", "gravel"]) + 0.2
    assert vectors.nearest("boat", ["boat"]) == pytest.approx(1.0, abs=1e-3)
    assert vectors.nearest("boat", []) == 0.0


def test_a_word_is_not_padded_to_the_tokenizers_fixed_length(vectors):
    assert len(vectors.tokenizer.encode("boat", add_special_tokens=False).ids) == 1
    assert vectors.vector("boat").shape == (vectors.table.shape[1],)
    assert np.linalg.norm(vectors.vector("boat")) == pytest.approx(1.0, abs=1e-3)


def test_a_sentence_saying_the_question_in_other_words_is_credited_and_one_saying_something_else_is_not(
        regatta_engine, vectors):
    asked = Asked.of("Which vessel did the harbour master buy?", regatta_engine.vocabulary, vectors)
    said_otherwise = "The port captain purchased a ship in spring."
    said_else = "The gardeners planted tulips in spring."
    assert asked.paraphrased(said_otherwise) > asked.paraphrased(said_else) + 0.1
    words_present = "The harbour master buys a vessel."
    assert asked.paraphrased(words_present) == 0.0   # nothing lacking
    assert Asked.of("Which vessel?", regatta_engine.vocabulary).paraphrased(said_otherwise) == 0.0


def test_of_two_sentences_alike_in_every_other_feature_the_one_saying_the_question_in_other_words_ranks_first():
    rows = np.zeros((2, len(FEATURES)))
    rows[0, FEATURES.index("paraphrase")] = 0.5
    shares = default_ranker().shares(rows)
    assert shares[0] > shares[1]
