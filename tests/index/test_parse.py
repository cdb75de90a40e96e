"""The parser finds titles, section paths, lists and tables, and every offset points at its text."""
from index.parse import blank_references, parse, split_sentences

WIKI = """= Harbour Report =

Infobox
- Port: Northhaven
- Opened: 1902

The harbour handles ferries. It also handles freight.

== Traffic ==

=== Ferries ===
Ferries sailed 4,120 times in 2022.

| Route | Sailings |
| North | 2,000 |
| South | 2,120 |

== History ==
Built by the town council.
"""

MARKDOWN = """# Orchard Notes

Intro line.

## Apples
Apples need cold winters.

### Varieties
| Variety | Trees |
| --- | --- |
| Cox | 12 |
"""


def test_wiki_title_and_nested_section_paths():
    doc = parse("h.txt", WIKI)
    assert doc.title == "Harbour Report"
    sections = [b.section for b in doc.blocks]
    assert ("Traffic", "Ferries") in sections and ("History",) in sections
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.section == ("Traffic", "Ferries") and len(table.lines) == 3


def test_markdown_headings_and_table():
    doc = parse("o.md", MARKDOWN)
    assert doc.title == "Orchard Notes"
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.section == ("Apples", "Varieties")


def test_infobox_list_is_one_list_block():
    doc = parse("h.txt", WIKI)
    lists = [b for b in doc.blocks if b.kind == "list"]
    assert len(lists) == 1 and [ln.text for ln in lists[0].lines] == ["- Port: Northhaven", "- Opened: 1902"]


def test_plain_first_line_is_the_title_when_there_is_no_heading():
    doc = parse("p.txt", "A Plain Title\n\nFirst sentence here. Second one.\n")
    assert doc.title == "A Plain Title" and doc.blocks[0].section == ()


def test_every_block_line_and_sentence_slice_equals_its_text():
    for name, text in (("h.txt", WIKI), ("o.md", MARKDOWN), ("crlf.txt", WIKI.replace("\n", "\r\n"))):
        doc = parse(name, text)
        for block in doc.blocks:
            assert text[block.start:block.end] == block.text
            for line in block.lines:
                assert text[line.start:line.end] == line.text
            for s in split_sentences(block.text, block.start):
                assert text[s.start:s.end] == s.text


def test_sentences_split_at_sentence_ends_and_list_items():
    doc = parse("h.txt", WIKI)
    para = next(b for b in doc.blocks if b.text.startswith("The harbour"))
    assert [s.text for s in split_sentences(para.text)] == ["The harbour handles ferries.", "It also handles freight."]
    assert [s.text for s in split_sentences("Infobox\n- A: 1\n- B: 2")] == ["Infobox", "- A: 1", "- B: 2"]


def test_reference_markers_are_blanked_where_they_stand():
    text = "Built in 1881,[3] it burned.[citation needed] See [a] and [12b]."
    blank = blank_references(text)
    assert len(blank) == len(text) and "[" not in blank[:text.index(" See")]     # only the markers went
    assert blank.split() == ["Built", "in", "1881,", "it", "burned.", "See", "[a]", "and", "[12b]."]


def test_a_title_an_initial_or_no_before_a_number_ends_no_sentence():
    text = ("Dr. Ines Varga chairs the trust. She followed Rev. T. J. Moss, who held No. 4 Quay Street. "
            "It closed after World War I. Then it reopened.")
    assert [s.text for s in split_sentences(text)] == [
        "Dr. Ines Varga chairs the trust.", "She followed Rev. T. J. Moss, who held No. 4 Quay Street.",
        "It closed after World War I.", "Then it reopened."]


def test_an_underlined_line_is_a_markdown_heading_and_the_first_one_the_title():
    text = ("Tidewater Rowing Club\n=====================\n\nFounded in 1921.\n\nBoats\n-----\n\n"
            "The club owns six eights.\n\n- one item\n---\n")
    doc = parse("club.md", text)
    assert doc.title == "Tidewater Rowing Club"
    assert [(b.kind, b.section, b.text) for b in doc.blocks] == [
        ("paragraph", (), "Founded in 1921."), ("paragraph", ("Boats",), "The club owns six eights."),
        ("list", ("Boats",), "- one item"), ("paragraph", ("Boats",), "---")]    # a rule under a list is no heading
