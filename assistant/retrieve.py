"""Hybrid retrieval: dense (FAISS) and BM25 candidates fused by weighted reciprocal rank fusion.

fused(p) = dense_weight / (rrf_k + dense_rank(p)) + lexical_weight / (rrf_k + lexical_rank(p)),
ranks starting at 1, a side that did not return p contributing nothing. Filters are applied
inside both searches, so every candidate already satisfies them. For a question the query adapter
reshapes, the adapter's tuned `lexical_weight` / `rrf_k` (its card's `fusion`) replace the settings'
values where those are at their defaults. When the query names a provision ("金融商品取引法第27条の5",
"Art. 21"), that provision's passages come first, whatever their similarity (assistant/provisions.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.aliases import with_aliases
from assistant.errors import IndexError_, InputError
from assistant.provisions import Lookup
from assistant.settings import default
from assistant.types import Filters, Hit

MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Fused:
    passage_id: str
    score: float
    dense: float | None
    lexical: float | None


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]], *,
         dense_weight: float = default("dense_weight"), lexical_weight: float = default("lexical_weight"),
         rrf_k: int = default("rrf_k")) -> list[Fused]:
    """Weighted RRF of two ranked (id, score) lists, best first. Equal fused scores (rank 1 on one side and
    2 on the other is common) go to the higher cosine, then the higher BM25 score, then the id."""
    scores: dict[str, float] = {}
    for ranking, weight in ((dense, dense_weight), (lexical, lexical_weight)):
        for rank, (pid, _) in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + weight / (rrf_k + rank)
    dense_of, lexical_of = dict(dense), dict(lexical)
    low = float("-inf")
    order = sorted(scores, key=lambda pid: (-scores[pid], -dense_of.get(pid, low), -lexical_of.get(pid, low), pid))
    return [Fused(pid, scores[pid], dense_of.get(pid), lexical_of.get(pid)) for pid in order]


class Retriever:
    """Searches one index with the embedder it was built with; an optional query adapter
    (assistant/embed/query_adapter.py) corrects the query vectors before the dense search."""

    def __init__(self, index, embedder, settings, query_adapter=None):
        built, dim = index.manifest.embedder, index.manifest.dim
        if (built, dim) != (embedder.name, embedder.dim):
            raise IndexError_(
                f"the index was built with '{built}' ({dim}-d) but the retriever got '{embedder.name}' "
                f"({embedder.dim}-d): use --embedder {built} or rebuild the index"
            )
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.query_adapter = query_adapter

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               mode: str = "hybrid") -> list[Hit]:
        return self.search_many([query], k, filters, mode)[0]

    def search_many(self, queries: list[str], k: int | None = None, filters: Filters | None = None,
                    mode: str = "hybrid") -> list[list[Hit]]:
        """Top-k hits for each query; all queries are embedded in one batch."""
        if mode not in MODES:
            raise InputError(f"unknown retrieval mode {mode!r}: choose one of {', '.join(MODES)}")
        k = k or self.settings.k
        allowed = self.index.filter_ids(filters)
        if not queries or (allowed is not None and not allowed):
            return [[] for _ in queries]
        n = max(self.settings.candidates, k)
        searched = [with_aliases(q) for q in queries]  # "Lok Sabha" also finds "House of the People"
        vectors = self._vectors(searched) if mode != "lexical" else [None] * len(queries)
        dense = self.index.dense_search(vectors, n, allowed) if mode != "lexical" else [[] for _ in queries]
        lexical = [self.index.lexical_search(q, n, allowed) if mode != "dense" else [] for q in searched]
        return [self._named_first(q, v, fuse(d, lx, **self.fusion(q)), k, allowed)
                for q, v, d, lx in zip(queries, vectors, dense, lexical)]

    def named(self, query: str, filters: Filters | None = None) -> Lookup:
        """The provisions `query` names and whether the index holds them (for a "not in this index" notice)."""
        return self.index.provisions().lookup(query, self.index.filter_ids(filters))

    def _vectors(self, queries: list[str]) -> np.ndarray:
        vectors = np.array(self.embedder.embed_queries(list(queries)), dtype=np.float32)
        adapted = [i for i, q in enumerate(queries) if self.adapts(q)]
        if adapted:
            vectors[adapted] = self.query_adapter.apply(vectors[adapted])
        return vectors

    def adapts(self, query: str) -> bool:
        """Whether the query adapter reshapes this query's vector (and its dense scores)."""
        return self.query_adapter is not None and self.query_adapter.applies_to(query)

    def adapted_floor(self, query: str) -> tuple[float, str] | None:
        """(abstention floor, its name) when the query adapter reshapes this query and brings its own floor:
        adapted similarities have another scale than `settings.min_dense_score`."""
        if not self.adapts(query) or "min_score" not in self.query_adapter.card:
            return None
        return self.query_adapter.card["min_score"], f"the min_score of query adapter {self.query_adapter.name}"

    def fusion(self, query: str) -> dict:
        """The RRF weights for this query: the settings', except that for a query the adapter reshapes its
        tuned values replace those still at their defaults (a setting changed from its default wins)."""
        s = self.settings
        tuned = self.query_adapter.fusion if self.adapts(query) else {}
        weights = {"dense_weight": s.dense_weight, "lexical_weight": s.lexical_weight, "rrf_k": s.rrf_k}
        for name, value in tuned.items():
            if weights[name] == default(name):
                weights[name] = value
        return weights

    def _named_first(self, query: str, vector, fused: list[Fused], k: int, allowed: set[str] | None) -> list[Hit]:
        """The passages of a provision the query names, then the fused ranking; a named passage the fused
        lists missed gets its cosine from the stored vector and no fused score."""
        rank = {f.passage_id: r for r, f in enumerate(fused)}
        named = self.index.provisions().lookup(query, allowed, rank).ids[:k]
        by_id = {f.passage_id: f for f in fused}
        missed = [pid for pid in named if pid not in by_id]
        cosines = self.index.vectors(missed) @ vector if missed and vector is not None else [None] * len(missed)
        by_id |= {pid: Fused(pid, 0.0, None if c is None else float(c), None) for pid, c in zip(missed, cosines)}
        order = (list(named) + [f.passage_id for f in fused if f.passage_id not in set(named)])[:k]
        passages = {p.id: p for p in self.index.get(order)}
        return [Hit(passages[pid], by_id[pid].score, by_id[pid].dense, by_id[pid].lexical, rank, pid in named)
                for rank, pid in enumerate((pid for pid in order if pid in passages), start=1)]


def configured(index, embedder, settings) -> Retriever:
    """A retriever over `index` with what the settings ask for on it: the query adapter
    (assistant/embed/query_adapter.py) and the BM25 document expansion (assistant/index/expansion.py)."""
    from assistant.embed import query_adapter
    from assistant.index import expansion

    found = expansion.resolve(settings.expansion, index.manifest)
    if found is not None:
        index.expand(found.texts(index.get(index.all_ids())))
    return Retriever(index, embedder, settings, query_adapter.resolve(settings.query_adapter, embedder, index.manifest))
