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


def test_update_records_the_chunker_and_gives_each_version_its_own_signal_files(tmp_path, corpus, capsys,
                                                                                monkeypatch):
    import assistant.chunking
    from assistant.asof import FILE as VALIDITY
    from assistant.asof import load_validity
    from assistant.graph import FILE as GRAPH
    from assistant.graph import CitationGraph
    from assistant.index import read_manifest, versions

    home, chunker = tmp_path / "home", assistant.chunking.CHUNKER_VERSION
    monkeypatch.setattr(assistant.chunking, "CHUNKER_VERSION", "0-older")  # an index chunked by an older release
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    assert read_manifest(home / "firm").chunker_version == "0-older"
    first = versions.current(home / "firm")
    monkeypatch.setattr(assistant.chunking, "CHUNKER_VERSION", chunker)
    (corpus / "new_ruling.md").write_text("---\ntitle: New ruling\nkind: case\ndate: 2026-11-01\n---\n"
                                          "1. The tribunal held that tenants must receive notice.\n", encoding="utf-8")
    code, _, err = run(capsys, "index", "update", "--name", "firm", *common(home))
    manifest, second = read_manifest(home / "firm"), versions.current(home / "firm")
    assert code == 0 and manifest.chunker_version == chunker, err  # update re-chunks every source: it says so
    assert {VALIDITY, GRAPH} <= set(manifest.files) and not [n for n in (VALIDITY, GRAPH) if (home / "firm" / n).exists()]
    added = set(load_validity(second)) - set(load_validity(first))
    assert added and all("new_ruling" in doc for doc in added)  # the first version keeps its own table
    assert added <= set(CitationGraph.load(second).nodes) and not added & set(CitationGraph.load(first).nodes)


def test_ask_with_scripted_model_prints_sources(tmp_path, corpus, capsys):
    home = tmp_path / "home"
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    code, out, _ = run(capsys, "ask", "What does the right to privacy protect?", "--index", "firm", "--model",
                       "scripted", "--json", *common(home))
    answer = json.loads(out)
    retrieved = {p["id"] for p in answer["passages"]}
    assert code == 0 and answer["model"] == "scripted"
    assert {c["passage_id"] for c in answer["citations"]} <= retrieved


def test_ask_without_a_question_answers_each_line_of_standard_input(tmp_path, corpus, capsys, monkeypatch):
    import io

    import assistant.cli as cli

    home = tmp_path / "home"
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    made = []
    real = cli.make_assistant
    monkeypatch.setattr(cli, "make_assistant", lambda args: made.append(1) or real(args))
    monkeypatch.setattr("sys.stdin", io.StringIO("What does the right to privacy protect?\n\nWho decides tenancy notice?\n"))
    code, out, _ = run(capsys, "ask", "--index", "firm", "--model", "scripted", "--json", *common(home))
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(made) == 1  # the models are loaded once for every line
    assert [a["question"] for a in answers] == ["What does the right to privacy protect?", "Who decides tenancy notice?"]
    monkeypatch.setattr("sys.stdin", io.StringIO("What does the right to privacy protect?\n"))
    code, out, err = run(capsys, "ask", "--index", "firm", "--model", "scripted", *common(home))
    assert code == 0 and "Sources" in out and "tokens" not in err  # no token counter in a log: stderr is no terminal
    monkeypatch.setattr("sys.stdin", io.StringIO("anything\n"))
    code, _, err = run(capsys, "ask", "--index", "firm", "--record", tmp_path / "r.json", *common(home))
    assert code == 2 and "--record writes one answer" in err


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


def subcommand(top, *path):
    """The parser of `legal-assistant <path...>`."""
    for name in path:
        action = next(a for a in top._actions if a.__class__.__name__ == "_SubParsersAction")
        top = action.choices[name]
    return top


def test_every_settings_field_is_a_flag_with_its_description():
    from typing import get_args, get_origin

    from assistant.cli import parser
    from assistant.generate import NAMES
    from assistant.settings import Settings

    top = parser()
    for path in (("ask",), ("search",)):
        actions = {a.dest: a for a in subcommand(top, *path)._actions}
        for name, field in Settings.model_fields.items():
            assert name in actions, f"{' '.join(path)} has no flag for Settings.{name}"
            flag = actions[name]
            assert field.description.replace("%", "%%") in flag.help
            assert flag.default is None  # the default stays in Settings (and presets), not in the parser
            if get_origin(field.annotation) is not None:
                assert tuple(flag.choices) == get_args(field.annotation)
        assert tuple(actions["model"].choices) == NAMES
    build = {a.dest: a for a in subcommand(top, "index", "build")._actions}
    assert "--name" in build["index"].option_strings and "--index" in build["index"].option_strings


def test_search_k_comes_from_the_settings(tmp_path, corpus, capsys):
    from assistant.settings import PRESETS, Settings

    home = tmp_path / "home"
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    _, out, _ = run(capsys, "search", "the law", "--index", "firm", "--json", *common(home))
    assert len(json.loads(out)) == Settings().k
    _, out, _ = run(capsys, "search", "the law", "--index", "firm", "--json", "--preset", "quality", *common(home))
    assert len(json.loads(out)) == PRESETS["quality"]["k"] != Settings().k


def test_index_update_takes_an_existing_index_name_first(tmp_path, corpus, capsys, monkeypatch):
    home = tmp_path / "home"
    run(capsys, "index", "build", corpus, "--name", "firm", *common(home))
    new = tmp_path / "new"
    new.mkdir()
    (new / "ruling.md").write_text("---\ntitle: Fresh ruling\nkind: case\n---\n1. Landlords must give notice.\n",
                                   encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # a folder called ./firm would not matter: the index name wins
    code, out, err = run(capsys, "index", "update", "firm", "new", *common(home))
    assert code == 0, err
    assert "version v000002" in out and "added 0," not in out
    manifest = json.loads(run(capsys, "index", "info", "firm", "--home", home)[1])
    assert manifest["sources"] == [str(corpus.resolve()), str(new.resolve())]
    code, _, err = run(capsys, "index", "update", *common(home))
    assert code == 2 and "index update NAME" in err


def test_eval_takes_its_defaults_from_run_eval(monkeypatch):
    import functools
    import inspect

    import assistant.evaluate.run as evaluation
    from assistant import cli

    real, seen = evaluation.run_eval, []

    @functools.wraps(real)  # the parser reads the defaults from this signature
    def fake(settings, **options):
        seen.append(options)

    monkeypatch.setattr(evaluation, "run_eval", fake)
    assert cli.main(["eval", "--n", "3"]) == 0
    defaults = {name: p.default for name, p in inspect.signature(real).parameters.items()}
    assert seen[0]["n_questions"] == 3
    assert {k: seen[0][k] for k in ("k", "max_new_tokens", "base")} == \
        {k: defaults[k] for k in ("k", "max_new_tokens", "base")}
    assert str(seen[0]["out_dir"]) == str(defaults["out_dir"])
