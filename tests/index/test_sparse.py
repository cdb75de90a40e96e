"""The stored BM25 index scores exactly as rank-bm25's BM25Okapi, before and after a save/load round trip."""
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from index.chunk import chunk_document
from index.documents import load_documents
from index.fold import terms
from index.parse import parse
from index.sparse import SparseIndex, TermCounts
from index.tables import extract_tables
from tests.conftest import OWN_DOCS, ROOT


@pytest.fixture(scope="module")
def tokens():
    out = []
    for folder in (OWN_DOCS, ROOT / "tests" / "data" / "tables"):
        docs, _ = load_documents(folder)
        for doc in docs:
            parsed = parse(doc.name, doc.text)
            out += [terms(c.search_text) for c in chunk_document(parsed, extract_tables(parsed))]
    return out


QUERIES = [["greenhous", "cooper"], ["tomato", "tomato", "harvest"], ["the"], ["nosuchword"], [], ["2023", "member"]]


def test_scores_and_idf_equal_rank_bm25_bit_for_bit(tokens, tmp_path):
    reference = BM25Okapi(tokens)
    built = SparseIndex.build(TermCounts.from_tokens(tokens))
    built.save(tmp_path / "bm25")
    loaded = SparseIndex.load(tmp_path / "bm25")
    for index in (built, loaded):
        assert dict(index.idf) == reference.idf
        for q in QUERIES:
            assert np.array_equal(index.scores(q), reference.get_scores(q)), q
    assert isinstance(loaded._bm25.scores["data"], np.memmap)   # served from the stored file, not rebuilt


def test_top_keeps_positive_scores_best_first(tokens):
    index = SparseIndex.build(TermCounts.from_tokens(tokens))
    top = index.top(["greenhous", "cooper"], 5)
    scores = [s for _, s in top]
    assert top and scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert index.top(["nosuchword"], 5) == [] and index.top([], 5) == []


def test_concatenated_counts_renumber_terms_and_keep_rows(tokens):
    half = len(tokens) // 2
    whole = TermCounts.from_tokens(tokens)
    joined = TermCounts.concat([TermCounts.from_tokens(tokens[:half]), TermCounts.from_tokens(tokens[half:])])
    assert joined.vocab == whole.vocab and joined.rows == whole.rows
    assert np.array_equal(joined.indices, whole.indices) and np.array_equal(joined.counts, whole.counts)
    part = whole.take(half, whole.rows)
    assert part.rows == whole.rows - half and part.counts.sum() == sum(len(t) for t in tokens[half:])
