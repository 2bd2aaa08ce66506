"""Ranking metrics for the benchmarks (pure; tested in tests/unit/test_bench_metrics.py).

A ranking is a list, best first, of the sets of gold keys each retrieved item covers: a passage
covers at most one article, a baseline chunk may cover several, an unrelated item covers none.
"""
from __future__ import annotations

import random
from statistics import mean


def recall_at_k(ranking: list[set[str]], gold: set[str], k: int) -> float:
    """Share of the gold keys covered by the first k items (0.0 when there is no gold)."""
    if not gold:
        return 0.0
    found = set().union(*ranking[:k]) if ranking[:k] else set()
    return len(found & gold) / len(gold)


def reciprocal_rank(ranking: list[set[str]], gold: set[str], k: int | None = None) -> float:
    """1 / rank of the first item covering any gold key, 0.0 if none does (within k when given)."""
    for rank, covered in enumerate(ranking[:k] if k else ranking, start=1):
        if covered & gold:
            return 1.0 / rank
    return 0.0


def summarise(rankings: list[list[set[str]]], golds: list[set[str]], ks=(5, 10)) -> dict[str, float]:
    """Mean recall@k for each k and MRR (within the largest k) over questions, as percentages/ratios."""
    if len(rankings) != len(golds):
        raise ValueError("one ranking per question")
    if not golds:
        return {**{f"recall@{k}": 0.0 for k in ks}, "MRR": 0.0}
    out = {f"recall@{k}": mean(recall_at_k(r, g, k) for r, g in zip(rankings, golds)) for k in ks}
    out["MRR"] = mean(reciprocal_rank(r, g, max(ks)) for r, g in zip(rankings, golds))
    return out


def percentile(values: list[float], q: float) -> float:
    """q-th percentile (0-100) with linear interpolation between the closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def bootstrap_gap(tuned: list[float], base: list[float], resamples: int = 2000, seed: int = 13) -> tuple[float, float, float]:
    """Mean paired difference tuned − base and its 95% percentile interval."""
    pairs = [t - b for t, b in zip(tuned, base)]
    rng = random.Random(seed)
    means = sorted(sum(rng.choice(pairs) for _ in pairs) / len(pairs) for _ in range(resamples))
    return sum(pairs) / len(pairs), means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]
