"""The upload handler as plain functions: safe names, per-file errors, and the incremental update."""
from __future__ import annotations

import pytest

from tests.ui.ui_corpus import INDEX, NEW_RULING
from ui import state
from ui.uploads import safe_name, save_uploads, update_with_uploads, uploads_dir


@pytest.mark.parametrize("given, expected", [
    ("ruling.pdf", "ruling.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\x.DOCX", "x.docx"),
    ("/abs/path/a b.md", "a b.md"),
    ("..", "upload"),
    ("", "upload"),
    (".hidden.txt", "hidden.txt"),
    ("weird<>|:*?.html", "weird.html"),
    ("判决书.txt", "判决书.txt"),
])
def test_safe_name(given, expected):
    assert safe_name(given) == expected


def test_save_uploads_keeps_files_inside_and_reports_each_problem(tmp_path):
    folder = tmp_path / "uploads"
    saved = save_uploads([
        ("../../outside.txt", b"a ruling"),
        ("ok.md", b"# text"),
        ("bad.exe", b"MZ"),
        ("empty.txt", b""),
        ("big.txt", b"x" * 2048),
        ("ok.md", b"# text"),  # same name, same bytes: not written twice
        ("ok.md", b"# other"),  # same name, new bytes: kept beside it
    ], folder, max_bytes=1024)
    assert sorted(p.name for p in folder.iterdir()) == ["ok-2.md", "ok.md", "outside.txt"]
    assert not (tmp_path / "outside.txt").exists()
    assert [p.path for p in saved.problems] == ["bad.exe", "empty.txt", "big.txt"]
    assert "unsupported" in saved.problems[0].message and "empty" in saved.problems[1].message
    assert "larger than" in saved.problems[2].message
    assert [p.name for p in saved.files] == ["outside.txt", "ok.md", "ok.md", "ok-2.md"]


def test_update_with_uploads_adds_documents_and_keeps_the_old_ones(ui_home):
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    settings = Settings(home=ui_home, index=INDEX, model="scripted")
    before = state.manifest(settings.index_dir())
    old = Assistant(settings).retriever
    folder = uploads_dir(settings)
    assert folder.is_relative_to(ui_home / "corpus" / INDEX)
    save_uploads([("puttaswamy.md", NEW_RULING.encode())], folder)
    calls = []
    result = update_with_uploads(settings, folder, progress=lambda *a, **k: calls.append(a))
    assert result.documents == 5 and not result.problems
    after = state.manifest(settings.index_dir())
    assert after != before
    fresh = Assistant(settings).retriever
    titles = {h.passage.title for h in fresh.search("privacy personal data", k=5)}
    assert "Puttaswamy v. Union of India" in titles and len(titles) > 1
    # the retriever opened before the update still answers from the old version
    assert "Puttaswamy v. Union of India" not in {h.passage.title for h in old.search("privacy personal data", k=5)}


def test_retriever_is_cached_per_index_version_and_forgotten_after_an_update(ui_home):
    from assistant.settings import Settings

    settings = Settings(home=ui_home, index=INDEX, model="scripted")
    first = state.get_assistant(settings)
    again = state.get_assistant(settings.model_copy(update={"k": 2, "max_new_tokens": 64}))
    assert again.retriever is first.retriever and again.generator is first.generator  # built once
    assert again is not first  # a light Assistant per question: `last` is never shared between sessions
    old_stamp = state.stamp(settings.index_dir())
    save_uploads([("puttaswamy.md", NEW_RULING.encode())], uploads_dir(settings))
    update_with_uploads(settings, uploads_dir(settings))
    assert state.stamp(settings.index_dir()) != old_stamp
    fresh = state.get_assistant(settings)
    assert fresh.retriever is not first.retriever and fresh.retriever.index.count > first.retriever.index.count
    state.forget(settings, old_stamp)
    assert state._retriever(state._retrieval_json(settings), old_stamp) is not first.retriever
