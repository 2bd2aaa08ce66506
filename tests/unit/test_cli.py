"""The command line end to end on a small folder: hashing embedder, scripted generator, real FAISS + SQLite."""
import json
import shutil
from pathlib import Path

import pytest

from assistant.cli import main

FOLDER = Path(__file__).parent.parent / "fixtures" / "corpus" / "folder"


@pytest.fixture
def corpus(tmp_path):
    target = tmp_path / "rulings"
    shutil.copytree(FOLDER, target)
    return target


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def common(home):
    return ["--home", home, "--embedder", "hashing"]


def test_build_search_info_update(tmp_path, corpus, capsys):
    home = tmp_path / "home"
    code, out, err = run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    assert code == 0 and "version v000001" in out
    assert "notes.xyz" in err  # the unknown file type is named, the rest is indexed
    code, out, _ = run(capsys, "search", "personal liberty", "--index", "firm", "-k", "3", "--json", *common(home))
    hits = json.loads(out)
    assert code == 0 and len(hits) == 3 and all(h["cite"] for h in hits)
    code, out, _ = run(capsys, "index", "info", "firm", "--home", home)
    manifest = json.loads(out)
    assert manifest["embedder"] == "hashing" and manifest["sources"] == [str(corpus.resolve())]

    (corpus / "new_ruling.md").write_text("---\ntitle: New ruling\nkind: case\ndate: 2026-11-01\n---\n"
                                          "1. The tribunal held that tenants must receive notice.\n", encoding="utf-8")
    code, out, _ = run(capsys, "index", "update", "--name", "firm", *common(home))
    assert code == 0 and "kept" in out and "added 0," not in out and "version v000002" in out


def test_ask_with_scripted_model_prints_sources(tmp_path, corpus, capsys):
    home = tmp_path / "home"
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    code, out, _ = run(capsys, "ask", "What does the right to privacy protect?", "--index", "firm", "--model",
                       "scripted", "--json", *common(home))
    answer = json.loads(out)
    retrieved = {p["id"] for p in answer["passages"]}
    assert code == 0 and answer["model"] == "scripted"
    assert {c["passage_id"] for c in answer["citations"]} <= retrieved


def test_missing_index_is_one_clear_line(tmp_path, capsys):
    code, out, err = run(capsys, "search", "anything", "--index", "nothing", *common(tmp_path))
    assert code == 2 and err.startswith("error: ") and "index build" in err and "Traceback" not in err


def test_bad_filter_date_is_refused(tmp_path, corpus, capsys):
    home = tmp_path / "home"
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    code, _, err = run(capsys, "search", "liberty", "--index", "firm", "--as-of", "last tuesday", *common(home))
    assert code == 2 and "YYYY-MM-DD" in err and "Traceback" not in err


def test_search_reports_the_query_adapter_it_used(tmp_path, corpus, capsys):
    import numpy as np

    from assistant.embed.hashing import HashingEmbedder
    from assistant.embed.query_adapter import QueryAdapter

    home = tmp_path / "home"
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    manifest = json.loads(run(capsys, "index", "info", "firm", "--home", home)[1])
    assert manifest["language"] == "en"  # recorded at build: "auto" matches adapters on it
    dim = HashingEmbedder().dim
    folder = QueryAdapter(np.zeros((dim, dim), np.float32),
                          {"name": "mine", "embedder": "hashing", "dim": dim, "language": "en"}).save(tmp_path / "qa")
    code, out, _ = run(capsys, "search", "personal liberty", "--index", "firm", "--query-adapter", folder, *common(home))
    assert code == 0 and "query adapter: mine" in out
    code, out, _ = run(capsys, "search", "personal liberty", "--index", "firm", *common(home))
    assert code == 0 and "query adapter" not in out  # no shipped adapter for the hashing embedder
    code, _, err = run(capsys, "search", "x", "--index", "firm", "--query-adapter", tmp_path, *common(home))
    assert code == 2 and "not a query adapter" in err


def test_train_retriever_and_bench_hand_their_options_on(monkeypatch):
    import subprocess

    import assistant.train.query_adapter as query_adapter_training
    from assistant import cli

    seen = []
    monkeypatch.setattr(query_adapter_training, "main", lambda argv: seen.append(argv) or 0)
    assert cli.main(["train-retriever", "--out", "runs/x", "--epochs", "3"]) == 0
    assert seen == [["--out", "runs/x", "--epochs", "3"]]
    calls = []
    monkeypatch.setattr(subprocess, "call", lambda command, cwd: calls.append(command) or 0)
    assert cli.main(["bench", "--only", "retrieval", "--quick"]) == 0
    assert calls[0][-3:] == ["--only", "retrieval", "--quick"]
    with pytest.raises(SystemExit):  # other commands still refuse options they do not know
        cli.main(["index", "info", "--bogus"])
