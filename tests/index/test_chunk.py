"""Chunks keep their sections apart and their offsets exact; table rows are chunks of their own."""
from index.chunk import MAX_CHARS, chunk_document
from index.parse import parse
from index.tables import extract_tables

LONG = "= Atlas =\n\n== One ==\n" + " ".join(f"Sentence number {i} is about section one." for i in range(40)) + \
       "\n\n== Two ==\nThe second part is short.\n\n| Item | Count |\n| Pens | 4 |\n| Cups | 7 |\n"


def _chunks():
    doc = parse("atlas.txt", LONG)
    return chunk_document(doc, extract_tables(doc))


def test_text_chunks_never_cross_a_section_boundary():
    chunks = [c for c in _chunks() if c.kind == "text"]
    for c in chunks:
        assert ("section one" in c.text) != ("second part" in c.text)
    assert {c.section for c in chunks} == {("One",), ("Two",)}


def test_long_sections_are_windowed_with_overlap():
    ones = [c for c in _chunks() if c.section == ("One",)]
    assert len(ones) > 1 and all(len(c.text) <= MAX_CHARS for c in ones)
    assert all(a.end > b.start for a, b in zip(ones, ones[1:]))  # consecutive windows overlap


def test_chunk_offsets_slice_the_original_text():
    for c in _chunks():
        assert LONG[c.start:c.end] == c.text


def test_each_table_row_is_a_chunk_findable_with_its_headers():
    rows = [c for c in _chunks() if c.kind == "row"]
    pens = next(c for c in rows if "Pens" in c.text)
    assert pens.text == "| Pens | 4 |"
    assert "Count" in pens.search_text and "Pens" in pens.search_text and "Atlas" in pens.search_text
