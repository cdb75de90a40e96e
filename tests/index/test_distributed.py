"""A build on a dask LocalCluster (two worker processes) equals the plain build."""
import os
import shutil

import numpy as np

from index import store
from index.build import build
from index.tables import tables_to_json
from tests.conftest import OWN_DOCS


def test_a_local_cluster_build_equals_the_plain_build_and_shows_its_progress(tmp_path, model, capfd):
    from index.distributed import DaskCluster

    docs = tmp_path / "docs"
    shutil.copytree(OWN_DOCS, docs)
    (docs / "rowing.md").write_text("# Harbour Rowing Club\n\nThe club owns 14 racing boats.\n\n## Crews\n\n"
                                    "Six crews train on the estuary every morning before work.\n", encoding="utf-8")
    build(docs, tmp_path / "plain", model=model, incremental=False)
    with DaskCluster(n_workers=2) as cluster:
        assert cluster.workers == 2
        environ = cluster.client.run(lambda: {k: os.environ.get(k) for k in ("MALLOC_TRIM_THRESHOLD_", "MKL_NUM_THREADS")})
        assert all(e == {"MALLOC_TRIM_THRESHOLD_": None, "MKL_NUM_THREADS": "1"} for e in environ.values())   # no eager trim
        summary = build(docs, tmp_path / "dask", model=model, incremental=False, cluster=cluster, progress=True)
    bars = capfd.readouterr().err
    assert "parsing: 100%" in bars and f"embedding: 100%|██████████| {summary.chunks}/{summary.chunks}" in bars
    assert summary.documents == 2 and summary.embedded_chunks == summary.chunks
    plain, dask = store.load(tmp_path / "plain"), store.load(tmp_path / "dask")
    assert dask.chunks == plain.chunks and dask.texts == plain.texts
    assert tables_to_json(dask.tables) == tables_to_json(plain.tables)
    assert dict(dask.sparse.idf) == dict(plain.sparse.idf)
    assert np.allclose(dask.embeddings, plain.embeddings, atol=1e-5)
    sentences, same = dask.extras["sentences"], plain.extras["sentences"]
    assert sentences.keys == same.keys and np.allclose(sentences.vectors, same.vectors, atol=1e-3)
    assert dask.manifest.docs == plain.manifest.docs
