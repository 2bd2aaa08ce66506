"""Reciprocal rank fusion, retrieval modes, filters and batching."""
from __future__ import annotations

import pytest

from assistant.embed.hashing import HashingEmbedder
from assistant.errors import IndexError_, InputError
from assistant.index import open_index
from assistant.retrieve import Retriever, fuse
from assistant.settings import Settings
from assistant.types import Filters


class CountingQueries(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.calls: list[list[str]] = []

    def embed_queries(self, texts):
        self.calls.append(list(texts))
        return super().embed_queries(texts)


@pytest.fixture
def retriever(tmp_index, hashing_embedder, tmp_path):
    return Retriever(open_index(tmp_index), hashing_embedder, Settings(home=tmp_path, k=3, candidates=10))


def test_fuse_adds_weighted_reciprocal_ranks():
    fused = fuse([("a", 0.9), ("b", 0.8), ("c", 0.7)], [("c", 5.0), ("d", 4.0)], rrf_k=60)
    assert [f.passage_id for f in fused] == ["c", "a", "b", "d"]
    assert fused[0].score == pytest.approx(1 / 63 + 1 / 61)
    assert (fused[0].dense, fused[0].lexical) == (0.7, 5.0)
    assert (fused[1].dense, fused[1].lexical) == (0.9, None)


def test_fuse_weights_shift_the_order():
    dense, lexical = [("a", 0.9), ("b", 0.5)], [("b", 3.0), ("a", 1.0)]
    assert fuse(dense, lexical, dense_weight=2.0)[0].passage_id == "a"
    assert fuse(dense, lexical, lexical_weight=2.0)[0].passage_id == "b"
    assert [f.passage_id for f in fuse(dense, lexical)] == ["a", "b"]  # a tie: a has the higher cosine


def test_fuse_ties_go_to_the_higher_cosine_then_the_higher_bm25_then_the_id():
    assert [f.passage_id for f in fuse([("z", 0.9), ("a", 0.5)], [("a", 3.0), ("z", 1.0)])] == ["z", "a"]
    equal_cosine = fuse([("z", 0.6), ("a", 0.6)], [("a", 4.0), ("z", 11.0)])
    assert [f.passage_id for f in equal_cosine] == ["z", "a"]  # same cosine: the stronger keyword match
    assert [f.passage_id for f in fuse([("z", 0.6), ("a", 0.6)], [("a", 4.0), ("z", 4.0)])] == ["a", "z"]


def test_hybrid_search_finds_the_article(retriever, tiny_passages):
    hits = retriever.search("deprived of life or personal liberty")
    assert hits[0].passage == tiny_passages[2]
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].dense is not None and hits[0].lexical is not None
    assert hits[0].score >= hits[1].score >= hits[2].score


def test_chinese_question(retriever, tiny_passages):
    assert retriever.search("劳动合同的试用期最长多久？", k=1)[0].passage == tiny_passages[7]


def test_modes(retriever, tiny_passages):
    dense = retriever.search("life and liberty", mode="dense")
    lexical = retriever.search("life and liberty", mode="lexical")
    assert all(h.lexical is None and h.dense is not None for h in dense)
    assert all(h.dense is None and h.lexical is not None for h in lexical)
    assert {h.passage.id for h in lexical} == {tiny_passages[2].id, tiny_passages[5].id}
    with pytest.raises(InputError, match="mode"):
        retriever.search("x", mode="magic")


def test_filters_apply_to_both_sides(retriever, tiny_passages):
    hits = retriever.search("personal liberty", k=5, filters=Filters(kind=("case",)))
    assert [h.passage for h in hits] == [tiny_passages[5]]
    cn = retriever.search("personal liberty law", k=5, filters=Filters(jurisdiction=("CN",)))
    assert cn and all(h.passage.jurisdiction == "CN" for h in cn)
    dated = retriever.search("劳动", k=10, filters=Filters(date_from="2000-01-01"))
    assert tiny_passages[9].id not in {h.passage.id for h in dated}
    assert retriever.search("liberty", filters=Filters(title="no such law")) == []


def test_search_many_embeds_all_queries_at_once(tmp_index, tmp_path, tiny_passages):
    embedder = CountingQueries()
    retriever = Retriever(open_index(tmp_index), embedder, Settings(home=tmp_path, k=2))
    results = retriever.search_many(["equality before the law", "书面劳动合同", "free education children"])
    assert embedder.calls == [["equality before the law", "书面劳动合同", "free education children"]]
    assert [r[0].passage for r in results] == [tiny_passages[0], tiny_passages[6], tiny_passages[3]]
    assert all(len(r) == 2 for r in results)


def test_retriever_refuses_another_embedder(tmp_index, tmp_path):
    with pytest.raises(IndexError_, match="built with 'hashing'"):
        Retriever(open_index(tmp_index), HashingEmbedder(dim=64), Settings(home=tmp_path))
