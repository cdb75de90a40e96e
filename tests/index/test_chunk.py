"""Chunks keep their sections apart and their offsets exact; table rows are chunks of their own."""
from index.chunk import MAX_CHARS, Chunk, Chunks, chunk_document
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


def test_reference_markers_are_blanked_for_search_but_kept_in_the_cited_text():
    doc = parse("kiln.txt", "= Kiln =\n\nThe kiln was fired 12 times.[65] Its door faces north.[citation needed]\n")
    (chunk,) = chunk_document(doc, [])
    assert "[65]" in chunk.text and "[citation needed]" in chunk.text
    assert "65" not in chunk.search_text and "citation" not in chunk.search_text and "12 times" in chunk.search_text
    body = chunk.search_text[len(chunk.search_text) - len(chunk.text):]   # same length: sentence offsets still hold
    assert body.split() == chunk.text.replace("[65]", "").replace("[citation needed]", "").split()


def test_stored_chunks_read_back_equal_and_are_parsed_only_when_read(monkeypatch):
    chunks = Chunks.of(_chunks())
    parsed = []
    original = Chunk.from_dict.__func__
    monkeypatch.setattr(Chunk, "from_dict", classmethod(lambda cls, d: parsed.append(d) or original(cls, d)))
    stored = Chunks.from_lines(chunks.lines(), chunks.docs)
    assert len(stored) == len(chunks) and parsed == []
    assert stored[2] == chunks[2] and len(parsed) == 1
    assert stored == chunks and list(stored) == list(chunks)


def test_slices_and_concatenations_keep_each_chunks_document_and_bytes():
    first = Chunks.of(_chunks())
    other = Chunks.of([c for c in chunk_document(parse("b.md", "# B\n\nAnother file, one line.\n"), [])])
    joined = Chunks.concat([first[1:3], other])
    assert joined.docs == ["atlas.txt", "atlas.txt", "b.md"] and joined[2].doc == "b.md"
    assert joined.lines() == first.lines()[1:3] + other.lines()
