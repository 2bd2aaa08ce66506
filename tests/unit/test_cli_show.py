"""`show` and the find-by-citation notes of `search`, end to end on the Japanese fixture folder
(hashing embedder, real FAISS + SQLite)."""
from pathlib import Path

import pytest

from assistant.cli import main

JA = Path(__file__).parent.parent / "fixtures" / "pinpoint" / "ja"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    assert main(["index", "build", str(JA), "--name", "jp", "--home", str(home), "--embedder", "hashing"]) == 0
    return ["--index", "jp", "--home", home, "--embedder", "hashing"]


def test_show_prints_the_provision_with_its_hierarchy(home, capsys):
    code, out, _ = run(capsys, "show", "金融商品取引法第27条の5", *home)
    assert code == 0
    assert out.splitlines()[:2] == ["金融商品取引法 第27条の5", "金融商品取引法 › 第二章の二 公開買付けに関する開示 › 第27条の5"]


def test_show_without_a_pinpoint_is_one_clear_line(home, capsys):
    code, out, err = run(capsys, "show", "公開買付け", *home)
    assert code == 2 and out == "" and "names no provision" in err and "Traceback" not in err


def test_search_puts_the_named_provision_first_and_notes_a_missing_one(home, capsys):
    code, out, _ = run(capsys, "search", "金融商品取引法第27条の11の撤回", "-k", "3", *home)
    assert code == 0 and out.splitlines()[1].endswith("金融商品取引法 第27条の11  (named in the question)")
    assert "note:" not in out
    code, out, _ = run(capsys, "search", "金融商品取引法第99条の罰則", "-k", "3", *home)
    assert code == 0 and "note: not in this index: 金融商品取引法第99条" in out


def test_ask_prints_the_notice_above_the_answer(home, capsys):
    code, out, _ = run(capsys, "ask", "金融商品取引法第99条の罰則は？", "--model", "scripted", *home)
    assert code == 0 and out.startswith("note: not in this index: 金融商品取引法第99条")
