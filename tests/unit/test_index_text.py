"""The indexed text of a passage: law title + chapters as a header, the same for embedding and BM25."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from assistant.errors import IndexError_
from assistant.index import build_index, open_index, update_index
from assistant.index.text import TEXT_FORMAT, index_text
from assistant.types import Passage
from tests.conftest import make_passage

TEXT = "第五百七十一条\n债务人将标的物或者将标的物依法拍卖、变卖所得价款交付提存部门时，提存成立。"


def prc_passage(chapter: str = "第七章 合同的权利义务终止") -> Passage:
    return Passage(id="p571", doc_id="cc", text=TEXT, cite="中华人民共和国民法典 第五百七十一条",
                   path=("中华人民共和国民法典", chapter, "第五百七十一条"), kind="statute", jurisdiction="CN",
                   language="zh", title="中华人民共和国民法典", ordinal=571)


def test_header_holds_short_title_and_chapters_not_the_label():
    assert index_text(prc_passage()) == "民法典 第七章 合同的权利义务终止\n" + TEXT
    p = make_passage("coi", 0, "Art. 21", "21. No person shall be deprived of his life.")
    p = replace(p, path=(p.title, "Part III", "Art. 21"))
    assert index_text(p) == f"{p.title} Part III\n{p.text}"


def test_passage_text_is_unchanged_and_bm25_sees_the_header(tmp_path, hashing_embedder):
    p = prc_passage()
    build_index(tmp_path / "ix", [p], hashing_embedder)
    index = open_index(tmp_path / "ix")
    assert index.get([p.id])[0].text == TEXT
    assert index.lexical_search("合同终止", k=1)[0][0] == p.id  # 合同 / 终止 only in the chapter
    assert index.manifest.text_format == TEXT_FORMAT


def test_update_reembeds_a_kept_passage_whose_chapter_changed(tmp_path, hashing_embedder):
    build_index(tmp_path / "ix", [prc_passage()], hashing_embedder)
    moved = prc_passage("第八章 违约责任")
    report = update_index(tmp_path / "ix", [moved], hashing_embedder)
    assert (report.added, report.removed, report.kept) == (1, 1, 0)
    index = open_index(tmp_path / "ix")
    assert index.get([moved.id]) == [moved]
    assert index.lexical_search("违约责任", k=1)[0][0] == moved.id
    assert update_index(tmp_path / "ix", [moved], hashing_embedder).kept == 1  # unchanged: nothing embedded


def test_an_index_of_another_text_format_must_be_rebuilt(tmp_path, hashing_embedder):
    from assistant.index import manifest, versions

    build_index(tmp_path / "ix", [prc_passage()], hashing_embedder)
    live = versions.current(tmp_path / "ix")
    data = json.loads((live / manifest.NAME).read_text(encoding="utf-8"))
    del data["text_format"]  # as written before contextual headers
    data[manifest.SELF] = manifest.own_checksum(data)
    (live / manifest.NAME).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(IndexError_, match="rebuild"):
        open_index(tmp_path / "ix")
    with pytest.raises(IndexError_, match="rebuild"):
        update_index(tmp_path / "ix", [prc_passage()], hashing_embedder)
    build_index(tmp_path / "ix", [prc_passage()], hashing_embedder)  # the rebuild works
    assert open_index(tmp_path / "ix").manifest.text_format == TEXT_FORMAT
