"""BM25 document expansion: lay questions read as part of their article by BM25 only, within the file's scope."""
from __future__ import annotations

import json
import sqlite3

import pytest

from assistant.errors import InputError
from assistant.index import expansion, lexical, open_index
from assistant.retrieve import configured
from assistant.settings import Settings
from assistant.train.data import LECOQA
from assistant.train.expansion import articles
from tests.conftest import make_manifest

LAY = "老板拖欠薪水怎么办"


def test_extra_text_is_searched_as_part_of_its_row():
    conn = sqlite3.connect(":memory:")
    conn.execute(lexical.SCHEMA)
    lexical.insert(conn, [1, 2], ["用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同。", "试用期不得超过一个月"])
    assert 1 not in [row for row, _ in lexical.Postings(conn).search("拖欠薪水", 2)]
    assert lexical.Postings(conn, {1: LAY}).search("拖欠薪水", 2)[0][0] == 1


def write(folder, articles_, packs=("prc",)):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / expansion.FILE).write_text(json.dumps({"name": "t", "scope": {"packs": list(packs)},
                                                     "articles": articles_}, ensure_ascii=False), encoding="utf-8")
    return folder


def test_the_retriever_finds_an_article_by_the_questions_about_it_and_shows_its_own_text(tmp_index, tmp_path,
                                                                                           hashing_embedder):
    folder = write(tmp_path / "exp", {"劳动合同法第三十八条": [LAY]})
    plain = configured(open_index(tmp_index), hashing_embedder, Settings(home=tmp_path, expansion="none"))
    expanded = configured(open_index(tmp_index), hashing_embedder, Settings(home=tmp_path, expansion=str(folder)))
    assert all("第三十八条" not in h.passage.cite for h in plain.search("拖欠薪水", mode="lexical"))
    found = expanded.search("拖欠薪水", mode="lexical")
    assert found[0].passage.cite.endswith("第三十八条") and LAY not in found[0].passage.text


def test_auto_applies_the_shipped_file_only_to_an_index_of_its_packs(tmp_path, monkeypatch):
    monkeypatch.setattr(expansion, "SHIPPED", write(tmp_path / "shipped", {"民法典第一条": ["问"]}))
    assert expansion.resolve("auto", make_manifest(sources=["prc"])) is not None
    for sources in (["taiwan"], ["prc", "/srv/firm"], []):
        assert expansion.resolve("auto", make_manifest(sources=sources)) is None
    assert expansion.resolve("none", make_manifest(sources=["prc"])) is None
    assert expansion.resolve(str(tmp_path / "shipped"), make_manifest(sources=["taiwan"])) is not None  # by path


def test_a_bad_expansion_folder_is_named_with_the_fix(tmp_path):
    with pytest.raises(InputError, match="not a BM25 expansion file.*--expansion none"):
        expansion.resolve(str(tmp_path), make_manifest())
    (tmp_path / expansion.FILE).write_text('{"articles": [1, 2]}', encoding="utf-8")
    with pytest.raises(InputError, match=str(tmp_path / expansion.FILE)):
        expansion.load(tmp_path)


def test_only_training_questions_go_in_under_articles_the_pack_holds():
    records = [{"query_id": i, "问题": f"问题{i}", "match_name": ["中华人民共和国民法典第十条", "某条例第三条"]}
               for i in range(40)]
    found = articles(records, {0, 1}, {"民法典第十条"})
    from assistant.train.query_adapter import held_out

    assert list(found) == ["民法典第十条"]
    assert found["民法典第十条"] == [f"问题{i}" for i in range(40) if not held_out(i, {0, 1})]


@pytest.mark.skipif(not LECOQA.exists(), reason="../shared/data/lecoqa-train is not here (it sits beside the repository, as on CI)")
def test_the_shipped_file_holds_no_held_out_question_and_carries_the_lecoqa_notice():
    from assistant.train.data import LECOQA, load_lecoqa
    from assistant.train.query_adapter import held_out, lecoqa_dev_ids

    shipped = expansion.load(expansion.SHIPPED)
    assert shipped.card["scope"] == {"packs": ["prc"]} and len(shipped.articles) > 300
    held = {r["问题"].strip() for r in load_lecoqa(LECOQA) if held_out(r["query_id"], lecoqa_dev_ids(LECOQA))}
    assert not held & {q for qs in shipped.articles.values() for q in qs}
    assert "MIT License" in (expansion.SHIPPED / "NOTICE").read_text(encoding="utf-8")
