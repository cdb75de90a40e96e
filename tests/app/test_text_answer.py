"""Text answers: what a span must not be."""
from app.text_answer import in_reference


def test_a_reference_marker_is_no_span_to_answer_with():
    sentence = "[12] The crossing took 40 minutes.[citation needed] It reopened in 1956.[7]"
    assert in_reference(sentence, sentence.index("12"))
    assert in_reference(sentence, sentence.index("citation"))
    assert in_reference(sentence, sentence.index("7]"))
    assert not in_reference(sentence, sentence.index("40"))
    assert not in_reference(sentence, sentence.index("1956"))
