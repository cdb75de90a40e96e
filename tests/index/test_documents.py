"""Bad files are skipped and reported; good ones are read with their hashes."""
from index.documents import load_documents


def test_empty_binary_and_non_utf8_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "good.md").write_text("# Good\n\nFine text.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin1.txt").write_bytes("café olé".encode("latin-1"))
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    docs, skipped = load_documents(tmp_path)
    assert [d.name for d in docs] == ["good.md"]
    reasons = {s.name: s.reason for s in skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "latin1.txt"}
    assert reasons["empty.txt"] == "empty" and "binary" in reasons["binary.txt"] and "UTF-8" in reasons["latin1.txt"]
