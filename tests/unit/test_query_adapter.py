"""Query adapters: the linear correction, its files, how "auto" picks one, the held-out split, the fit."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.corpus.prc import gold_key
from assistant.embed import query_adapter
from assistant.embed.base import normalise
from assistant.embed.query_adapter import QueryAdapter, load, resolve
from assistant.errors import InputError
from assistant.index import open_index
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.train.data import frozen_test
from assistant.train.query_adapter import examples, fit, held_out
from tests.conftest import make_manifest


def card(dim: int, **more) -> dict:
    return {"name": "test", "embedder": "hashing", "dim": dim, "language": "en", **more}


def test_zero_adapter_only_normalises_and_a_saved_one_loads_identically(tmp_path, hashing_embedder):
    vectors = np.random.default_rng(0).normal(size=(3, hashing_embedder.dim)).astype(np.float32)
    zero = QueryAdapter(np.zeros((hashing_embedder.dim,) * 2, np.float32), card(hashing_embedder.dim))
    assert np.allclose(zero.apply(vectors), normalise(vectors))
    delta = np.random.default_rng(1).normal(scale=0.1, size=(hashing_embedder.dim,) * 2).astype(np.float32)
    saved = QueryAdapter(delta, card(hashing_embedder.dim)).save(tmp_path / "qa")
    again = load(saved, hashing_embedder)
    assert np.array_equal(again.apply(vectors), normalise(vectors + vectors @ delta))
    assert not np.allclose(again.apply(vectors), normalise(vectors))


def test_bad_adapter_folders_are_named_with_the_fix(tmp_path, hashing_embedder):
    with pytest.raises(InputError, match="not a query adapter.*--query-adapter none"):
        load(tmp_path / "missing")
    QueryAdapter(np.zeros((4, 4), np.float32), card(4)).save(tmp_path / "small")
    with pytest.raises(InputError, match="is for 'hashing' \\(4-d\\)"):
        load(tmp_path / "small", hashing_embedder)
    (tmp_path / "small" / "card.json").write_text('{"dim": 5}', encoding="utf-8")
    with pytest.raises(InputError, match="shape \\(4, 4\\)"):
        load(tmp_path / "small")


def test_auto_picks_a_shipped_adapter_only_for_its_embedder_and_language(tmp_path, hashing_embedder, monkeypatch):
    QueryAdapter(np.zeros((hashing_embedder.dim,) * 2, np.float32), card(hashing_embedder.dim, language="zh")).save(
        tmp_path / "hashing-zh")
    monkeypatch.setattr(query_adapter, "SHIPPED", tmp_path)
    assert resolve("auto", hashing_embedder, make_manifest(language="zh")).folder == tmp_path / "hashing-zh"
    assert resolve("auto", hashing_embedder, make_manifest(language="en")) is None
    assert resolve("auto", hashing_embedder, make_manifest()) is None  # built before languages were recorded
    assert resolve("none", hashing_embedder, make_manifest(language="zh")) is None
    assert resolve(str(tmp_path / "hashing-zh"), hashing_embedder, make_manifest(language="en")) is not None


def test_auto_keeps_a_scoped_adapter_to_indexes_built_from_its_packs_alone(tmp_path, hashing_embedder, monkeypatch):
    QueryAdapter(np.zeros((hashing_embedder.dim,) * 2, np.float32),
                 card(hashing_embedder.dim, language="zh", scope={"packs": ["prc"]})).save(tmp_path / "prc-only")
    monkeypatch.setattr(query_adapter, "SHIPPED", tmp_path)
    assert resolve("auto", hashing_embedder, make_manifest(language="zh", sources=["prc"])) is not None
    assert resolve("auto", hashing_embedder, make_manifest(language="zh", sources=["taiwan"])) is None
    assert resolve("auto", hashing_embedder, make_manifest(language="zh", sources=["prc", "/srv/rulings"])) is None
    assert resolve("auto", hashing_embedder, make_manifest(language="zh")) is None  # sources not recorded: not measured
    by_path = resolve(str(tmp_path / "prc-only"), hashing_embedder, make_manifest(language="zh"))
    assert by_path is not None  # asked for by path


def test_the_retriever_searches_with_the_adapted_query(tmp_index, hashing_embedder, tmp_path):
    index = open_index(tmp_index)
    dim = hashing_embedder.dim
    swap = np.eye(dim, dtype=np.float32)[::-1]  # q + q @ (P - I) = q @ P: the query's coordinates reversed
    adapter = QueryAdapter(swap - np.eye(dim, dtype=np.float32), card(dim))
    settings = Settings(home=tmp_path, k=3)
    query = "personal liberty and the right to life"
    got = Retriever(index, hashing_embedder, settings, adapter).search(query, k=3, mode="dense")
    reversed_query = normalise(hashing_embedder.embed_queries([query]) @ swap)
    expected = index.dense_search(reversed_query, 3)[0]
    assert [h.passage.id for h in got] == [pid for pid, _ in expected]
    plain = Retriever(index, hashing_embedder, settings).search(query, k=3, mode="dense")
    assert [h.dense for h in got] != [h.dense for h in plain]


def test_fit_learns_to_map_questions_to_their_gold_passages():
    rng = np.random.default_rng(3)
    passages = normalise(rng.normal(size=(40, 16)))
    queries = normalise(rng.normal(size=(40, 16)))  # unrelated to the passages: question i's gold is passage i
    pairs = [(i, i) for i in range(40)]

    def top1(q):
        return float(np.mean(np.argmax(q @ passages.T, axis=1) == np.arange(40)))

    delta, losses = fit(queries, passages, pairs, l2=1e-4, epochs=200, tau=0.05, lr=1e-2, batch=16, seed=0)
    assert losses[-1] < losses[0] / 2
    assert top1(normalise(queries + queries @ delta)) > top1(queries) + 0.5
    again, _ = fit(queries, passages, pairs, l2=1e-4, epochs=200, tau=0.05, lr=1e-2, batch=16, seed=0)
    assert np.array_equal(delta, again)  # seeded: the same adapter every time


def test_held_out_questions_are_never_training_examples():
    assert held_out("q-dev", {"q-dev"})
    shares = [held_out(i, set()) for i in range(3000)]
    assert 0.45 < sum(shares) / len(shares) < 0.55  # a quarter frozen, then a third of the rest
    frozen = [i for i in range(3000) if frozen_test(i)]
    assert 0.22 < len(frozen) / 3000 < 0.28 and all(held_out(i, set()) for i in frozen)
    assert frozen_test(frozen[0]) and frozen == [i for i in range(3000) if frozen_test(i)]  # fixed, not drawn
    records = [{"query_id": i, "问题": f"问题{i}", "match_name": ["中华人民共和国民法典第十条"]} for i in range(60)]
    keys = ["民法典第十条", None, "民法典第十条", "刑法第一条"]
    chosen = examples(records, keys, dev_ids={0, 1})
    assert chosen and all(not held_out(q, {0, 1}) for q, _, _ in chosen)
    assert {tuple(rows) for _, _, rows in chosen} == {(0, 2)}  # every passage of the gold article
    assert examples([{"query_id": 7, "问题": "x", "match_name": ["某条例第三条"]}], keys, set()) == []


def test_gold_keys_drop_the_state_prefix():
    assert gold_key("中华人民共和国民法典第一千零八十七条") == "民法典第一千零八十七条"
    assert gold_key("最高人民法院关于适用民法典的解释") is None


def test_an_adapter_for_chinese_leaves_other_questions_alone(tmp_index, hashing_embedder, tmp_path):
    dim = hashing_embedder.dim
    swap = np.eye(dim, dtype=np.float32)[::-1]
    adapter = QueryAdapter(swap - np.eye(dim, dtype=np.float32), card(dim, language="zh"))
    assert adapter.applies_to("丈夫欠的债，妻子要还吗？") and adapter.applies_to("《民法典》第1064条 applies?")
    assert not adapter.applies_to("Does a wife answer for her husband's debts?") and not adapter.applies_to("123")
    index, settings = open_index(tmp_index), Settings(home=tmp_path, k=3)
    adapted, plain = Retriever(index, hashing_embedder, settings, adapter), Retriever(index, hashing_embedder, settings)
    english = "personal liberty and the right to life"
    assert [h.dense for h in adapted.search(english, mode="dense")] == [h.dense for h in plain.search(english, mode="dense")]
    chinese = "人身自由和生命权"
    assert [h.dense for h in adapted.search(chinese, mode="dense")] != [h.dense for h in plain.search(chinese, mode="dense")]
    assert adapted.adapts(chinese) and not adapted.adapts(english) and not plain.adapts(chinese)


def test_fusion_tuning_keeps_bm25_from_crowding_out_a_gold_article_the_adapted_ranking_found():
    from assistant.train.query_adapter import FUSION_DEFAULT, tune_fusion

    keys = [f"k{i}" for i in range(80)]
    scores = np.linspace(1.0, 0.0, 80, dtype=np.float32)[None, :]  # dense rank r+1 for passage row r
    gold = [[9]]  # dense rank 10: in the top 10 unless BM25's own top ranks push it out
    junk = [list(range(60, 70))]  # BM25 ranks ten other passages, beyond the 50 dense candidates
    tuned = tune_fusion(scores, junk, keys, gold)
    assert tuned["recall@10 at the defaults"] == 0.0  # at weight 1, BM25 ranks 1-9 outscore dense rank 10
    assert tuned["recall@10"] == 1.0 and tuned["lexical_weight"] < FUSION_DEFAULT["lexical_weight"]
    assert len(tuned["grid"]) == 10


def test_fusion_tuning_keeps_the_defaults_when_nothing_beats_them():
    from assistant.train.query_adapter import FUSION_DEFAULT, tune_fusion

    keys = [f"k{i}" for i in range(12)]
    scores = np.linspace(1.0, 0.0, 12, dtype=np.float32)[None, :]
    tuned = tune_fusion(scores, [[0, 5, 6]], keys, [[0]])  # both sides rank the gold first
    assert {k: tuned[k] for k in FUSION_DEFAULT} == FUSION_DEFAULT and tuned["recall@10"] == 1.0


def test_adapted_questions_fuse_with_the_adapters_weights_unless_the_settings_change_them(tmp_path):
    from types import SimpleNamespace

    tuned = {"lexical_weight": 0.35, "rrf_k": 20}
    adapter = QueryAdapter(np.zeros((4, 4), np.float32), card(4, language="zh", fusion={**tuned, "grid": []}))
    index = SimpleNamespace(manifest=make_manifest(dim=4))
    embedder = SimpleNamespace(name="hashing", dim=4)
    plain = {"dense_weight": 1.0, "lexical_weight": 1.0, "rrf_k": 60}
    retriever = Retriever(index, embedder, Settings(home=tmp_path), adapter)
    assert retriever.fusion("离婚时夫妻共同财产怎么分") == {"dense_weight": 1.0, **tuned}
    assert retriever.fusion("how is marital property divided") == plain  # the adapter leaves English alone
    assert Retriever(index, embedder, Settings(home=tmp_path)).fusion("离婚时夫妻共同财产怎么分") == plain
    chosen = Retriever(index, embedder, Settings(home=tmp_path, lexical_weight=0.8), adapter)
    expected = {"dense_weight": 1.0, "lexical_weight": 0.8, "rrf_k": 20}  # the setting's own value wins
    assert chosen.fusion("离婚时夫妻共同财产怎么分") == expected
