"""The command line answers with the contract, in batches, and refuses bad questions clearly."""
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS


def run(*args, index_dir=None):
    cmd = [sys.executable, "-m", "app", "ask", *args]
    if index_dir:
        cmd += ["--index", str(index_dir), "--docs", str(SEEDS), "--no-build"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_batch_prints_one_contract_object_per_line(seed_index_dir, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("When was the 2024 Istanbul mayoral election held?\n"
                         "when was the 2024 istanbul mayoral election held?\n"
                         "Who won the 2031 Lisbon marathon?\n", encoding="utf-8")
    proc = run("--batch", str(questions), index_dir=seed_index_dir)
    assert proc.returncode == 0, proc.stderr
    first, plain, lisbon = [json.loads(line) for line in proc.stdout.splitlines()]
    for r in (first, plain):
        assert r["short_answer"] == "31 March 2024" and r["kind"] == "text"
        assert r["citations"][0]["doc"] == "002_3b368b2a42ab7357.txt"
        assert "31 March 2024" in r["citations"][0]["quote"]
    assert lisbon["kind"] == "none" and lisbon["short_answer"] is None and lisbon["citations"] == []
    assert set(first) >= {"question", "answer", "short_answer", "kind", "confidence", "citations",
                          "computation", "notes", "timing_ms"}


def test_json_flag_prints_the_contract(seed_index_dir):
    proc = run("--json", "When were the 2024 Istanbul mayoral elections held?", index_dir=seed_index_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["short_answer"] == "31 March 2024"
    cite = result["citations"][0]
    text = (SEEDS / cite["doc"]).read_text(encoding="utf-8")
    assert text[cite["start"]:cite["end"]] == cite["text"]


@pytest.mark.parametrize("question, message", [("", "empty"), ("   ", "empty"), ("x" * 2001, "limit is 2,000")])
def test_bad_questions_exit_non_zero_with_a_clear_message(question, message):
    proc = run(question)
    assert proc.returncode == 2 and message in proc.stderr and proc.stdout == ""


def test_a_missing_index_is_refused_without_building(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "app", "ask", "--index", str(tmp_path / "none"), "--docs",
                           str(SEEDS), "--no-build", "anything?"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 3 and "no index" in proc.stderr


def test_batch_answers_every_line_and_a_bad_one_gets_its_own_error_line(seed_index_dir, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("imamoglu vote share june 2019\n" + "x" * 2001 + "\n...\n"
                         "When were the 2024 Istanbul mayoral elections held?\n", encoding="utf-8")
    proc = run("--batch", str(questions), index_dir=seed_index_dir)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [("error" in r) for r in lines] == [False, True, True, False]
    assert "limit is 2,000" in lines[1]["error"] and "no words" in lines[2]["error"]
    assert lines[3]["short_answer"] == "31 March 2024"
    assert proc.returncode == 1 and "2 of 4 questions failed" in proc.stderr


def test_asking_about_another_folder_builds_its_own_index_and_leaves_the_default_one_alone(tmp_path):
    docs = tmp_path / "notes"
    docs.mkdir()
    (docs / "kiln.md").write_text("# Kiln\n\nThe pottery kiln is fired every Thursday at 1,200 degrees.\n",
                                  encoding="utf-8")
    default = tmp_path / ".index"
    default.mkdir()
    (default / "marker").write_text("the default documents' index", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "app", "ask", "--docs", str(docs), "--json",
                           "How hot is the kiln fired?"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if k not in ("DOCQA_INDEX", "DOCQA_DOCS")})
    assert proc.returncode == 0, proc.stderr
    assert "1,200 degrees" in json.loads(proc.stdout)["answer"]
    assert [p.name for p in default.iterdir()] == ["marker"]     # untouched
    built = [p for p in tmp_path.iterdir() if p.name.startswith(".index-notes-")]
    assert len(built) == 1 and (built[0] / "manifest.json").is_file()
