"""Real text never crashes the engine: every question of the shared SQuAD sample is answered or refused."""
import os
from pathlib import Path

import pytest

from eval.squad import load_squad, write_documents
from tests.conftest import ROOT

SQUAD = Path(os.environ.get("DOCQA_DATASETS", ROOT.parent / "shared" / "datasets")) / "squad2-train-10-articles.json"


@pytest.mark.slow
def test_every_squad_question_runs_without_an_exception(tmp_path_factory, model):
    from app.engine import Engine
    from index import store
    from index.build import build

    squad = load_squad(SQUAD)
    root = tmp_path_factory.mktemp("squad-all")
    build(write_documents(squad, root / "docs"), root / "index", model=model)
    engine = Engine(store.load(root / "index"), model, root / "index")
    failures = []
    for q in squad.questions:
        try:
            result = engine.ask(q.question)
        except Exception as err:  # noqa: BLE001 - the point is to collect every failure
            failures.append(f"{q.question!r}: {type(err).__name__}: {err}")
            continue
        assert result["kind"] in ("text", "table", "none")
    assert len(squad.questions) == 4719
    assert failures == [], f"{len(failures)} questions raised, e.g. {failures[:5]}"
