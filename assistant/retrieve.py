"""Hybrid retrieval: dense (FAISS) and BM25 candidates fused by weighted reciprocal rank fusion.

fused(p) = dense_weight / (rrf_k + dense_rank(p)) + lexical_weight / (rrf_k + lexical_rank(p)),
ranks starting at 1, a side that did not return p contributing nothing. Filters are applied
inside both searches, so every candidate already satisfies them. For a question the query adapter
reshapes, the adapter's tuned `lexical_weight` / `rrf_k` (its card's `fusion`) replace the settings'
values where those are at their defaults.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.errors import IndexError_, InputError
from assistant.types import Filters, Hit

MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Fused:
    passage_id: str
    score: float
    dense: float | None
    lexical: float | None


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]], *, dense_weight: float = 1.0,
         lexical_weight: float = 1.0, rrf_k: int = 60) -> list[Fused]:
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
        built, dim = index.manifest["embedder"], index.manifest["dim"]
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
        dense = self._dense(queries, n, allowed) if mode != "lexical" else [[] for _ in queries]
        lexical = [self.index.lexical_search(q, n, allowed) if mode != "dense" else [] for q in queries]
        return [self._hits(d, lx, k, self.fusion(q)) for q, d, lx in zip(queries, dense, lexical)]

    def _dense(self, queries: list[str], n: int, allowed: set[str] | None) -> list[list[tuple[str, float]]]:
        vectors = self.embedder.embed_queries(list(queries))
        adapted = [i for i, q in enumerate(queries) if self.adapts(q)]
        if adapted:
            vectors = np.array(vectors, dtype=np.float32)
            vectors[adapted] = self.query_adapter.apply(vectors[adapted])
        return self.index.dense_search(vectors, n, allowed)

    def adapts(self, query: str) -> bool:
        """Whether the query adapter reshapes this query's vector (and its dense scores)."""
        return self.query_adapter is not None and self.query_adapter.applies_to(query)

    def fusion(self, query: str) -> dict:
        """The RRF weights for this query: the settings', except that for a query the adapter reshapes its
        tuned values replace those still at their defaults (a setting changed from its default wins)."""
        s = self.settings
        tuned = self.query_adapter.fusion if self.adapts(query) else {}
        weights = {"dense_weight": s.dense_weight, "lexical_weight": s.lexical_weight, "rrf_k": s.rrf_k}
        for name, value in tuned.items():
            if weights[name] == type(s).model_fields[name].default:
                weights[name] = value
        return weights

    def _hits(self, dense: list[tuple[str, float]], lexical: list[tuple[str, float]], k: int,
              weights: dict) -> list[Hit]:
        fused = fuse(dense, lexical, **weights)[:k]
        passages = {p.id: p for p in self.index.get([f.passage_id for f in fused])}
        return [Hit(passages[f.passage_id], f.score, f.dense, f.lexical, rank)
                for rank, f in enumerate(fused, start=1) if f.passage_id in passages]
