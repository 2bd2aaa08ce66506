"""Scale-out: Ray Data build vs the single-process build, ANN recall@10 against exact search, and
index memory per million passages.

- Ray vs single: the same `prc` subset built by `ingest` (one process) and `build_with_ray` (local Ray,
  2 CPU actors), same machine, back to back; ratio = Ray wall time / single wall time, with and
  without Ray's start-up. Hashing embedder (orchestration overhead only) and, in the full run, e5
  (the pack's default embedder, compute-bound).
- ANN recall@10: the project's FAISS configurations (assistant/index/dense.py: IVF nlist ~ sqrt(n),
  nprobe max(8, nlist/8); IVF-PQ 8-bit, re-scored exactly from 4 x k candidates as Index.dense_search
  does; HNSW M=32, efSearch 64) against exact inner product. Real vectors: MiniLM over the English
  packs (india + eu), 100 held-out passages as queries. Random vectors at a larger n, 200 queries:
  unit-normalised Gaussian (no structure at all, every point nearly equidistant: the worst case for
  any ANN index, a lower bound) and, in the full run, clustered around 1,000 random centres (closer to
  real embeddings, which group by topic). Where n is below the
  project's own minimum for a type (ivf 1,000, ivfpq 10,000: the project then builds flat), the
  structure is still built for the measurement and the row says so.
- Memory per million passages: serialized FAISS bytes per vector x 1e6 (RAM while serving), plus
  SQLite bytes per passage (disk: text, metadata, stored vectors, BM25 tokens) and the Index's
  in-memory id maps, measured on a real index and scaled to 1e6.

Run:  .venv/bin/python -m bench --only scale [--quick]
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from bench import Benchmark, Context, load_average, register, row

K = 10
SEED = 7
TYPES = ("ivf", "ivfpq", "hnsw")


# ---- Ray vs single process ---------------------------------------------------------------------


def ray_vs_single(ctx: Context, embedder: str, limit: int) -> list[dict]:
    from assistant.ingest import ingest
    from assistant.scale.ray_build import build_with_ray
    from assistant.settings import Settings

    settings = Settings(home=ctx.scratch / f"scale-{embedder}", embedder=embedder, audit_log=False)
    subset = f"prc, first {limit} laws, embedder {embedder}"
    ctx.log(f"scale: single-process build ({subset})")
    start = time.perf_counter()
    single = ingest(["prc"], settings, name="single", limit=limit)
    single_s = time.perf_counter() - start
    ctx.log(f"scale: Ray build ({subset})")
    start = time.perf_counter()
    ray = build_with_ray(["prc"], settings, "ray", num_workers=2, limit=limit)
    ray_s = time.perf_counter() - start
    t = ray.timings
    without_start = ray_s - t["init_s"]
    common = {"runs": 1, "subset": f"{subset}, {single.passages} passages", "load_average": load_average()}
    ctx.shared.setdefault("scale_index", settings.index_dir("single"))
    return [
        row("single-process build", round(single_s, 2), unit="s", **common),
        row("Ray build (2 CPU actors, incl. Ray start/stop)", round(ray_s, 2), unit="s", **common),
        row("Ray / single time ratio", round(ray_s / single_s, 2), unit="x", **common,
            note="< 1 means Ray is faster; start-up included"),
        row("Ray / single time ratio, Ray start excluded", round(without_start / single_s, 2), unit="x", **common,
            note=f"Ray start {t['init_s']:.1f} s, actors+shards {t['ray_s']:.1f} s, merge {t['merge_s']:.2f} s, "
                 f"index write {t['index_s']:.1f} s"),
        row("same passage ids, Ray vs single", ray.passages == single.passages, runs=1,
            subset=common["subset"]),
    ]


# ---- ANN recall --------------------------------------------------------------------------------


def english_vectors(ctx: Context, quick: bool) -> np.ndarray:
    """MiniLM passage vectors of the English packs (cached under the scratch folder)."""
    from assistant.embed import get_embedder
    from assistant.ingest import load_documents, to_passages
    from assistant.settings import Settings

    packs = ["india"] if quick else ["india", "eu"]
    cache = ctx.scratch / f"minilm-{'-'.join(packs)}.npy"
    if cache.exists():
        return np.load(cache)
    embedder = get_embedder("minilm")
    docs, _ = load_documents(packs)
    passages = to_passages(docs, embedder, Settings())
    ctx.log(f"scale: embedding {len(passages)} passages of {'+'.join(packs)} with MiniLM")
    texts = [p.text for p in passages]
    vectors = np.concatenate([embedder.embed_passages(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    np.save(cache, vectors)
    return vectors


def build_ann(vectors: np.ndarray, kind: str):
    """The project's index for `kind`, built even below the project's size minimum (then flagged)."""
    from assistant.index import dense

    n, dim = vectors.shape
    rows = np.arange(n, dtype=np.int64)
    chosen, _ = dense.choose(kind, n)
    if chosen == kind:
        return dense.build(vectors, rows, kind)[0], ""
    nlist = max(1, int(np.sqrt(n)))
    index = dense.make_ivf(kind, dim, nlist)
    index.train(dense.training_sample(vectors, nlist))
    index.nprobe = max(8, nlist // 8)
    index.add_with_ids(vectors, rows)
    return index, f"n below the project's minimum for {kind} (it would build flat)"


def search_like_index(index, vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Top-k rows as Index.dense_search returns them (PQ: 4 x k candidates re-scored exactly)."""
    from assistant.index import dense
    from assistant.index.store import RERANK

    if not dense.is_quantised(index):
        return dense.search(index, queries, k, None)[1]
    _, cand = dense.search(index, queries, k * RERANK, None)
    out = np.full((len(queries), k), -1, dtype=np.int64)
    for i, (q, c) in enumerate(zip(queries, cand)):
        c = c[c >= 0]
        out[i, : min(k, len(c))] = c[np.argsort(-(vectors[c] @ q), kind="stable")[:k]]
    return out


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f[f >= 0]) & set(t)) / len(t) for f, t in zip(found, truth)]))


def ann_rows(vectors: np.ndarray, queries: np.ndarray, label: str, ctx: Context) -> tuple[list[dict], dict]:
    """recall@10 per type against exact search, and serialized bytes per vector per type."""
    import faiss

    from assistant.index import dense

    truth = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :K]
    sample = vectors[:2000]
    flat = dense.build(sample, np.arange(len(sample), dtype=np.int64), "flat")[0]
    out, sizes = [], {"flat": len(faiss.serialize_index(flat)) / len(sample)}
    for kind in TYPES:
        ctx.log(f"scale: {kind} over {label}")
        start = time.perf_counter()
        index, flag = build_ann(vectors, kind)
        build_s = time.perf_counter() - start
        start = time.perf_counter()
        found = search_like_index(index, vectors, queries, K)
        query_ms = (time.perf_counter() - start) * 1000 / len(queries)
        sizes[kind] = len(faiss.serialize_index(index)) / len(vectors)
        extra = {"params": str(dense.params_of(index)), "build_s": round(build_s, 1),
                 "query_ms": round(query_ms, 2), "note": flag}
        out.append(row(f"recall@{K} {kind} vs exact", round(recall_at(found, truth), 3), runs=1,
                       subset=f"{label}, n={len(vectors)}, {len(queries)} queries", **extra))
        if kind == "ivfpq":
            raw = dense.search(index, queries, K, None)[1]
            out.append(row(f"recall@{K} ivfpq vs exact, no exact re-scoring", round(recall_at(raw, truth), 3),
                           runs=1, subset=f"{label}, n={len(vectors)}, {len(queries)} queries"))
    return out, sizes


def unit_random(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    v = rng.standard_normal((n, dim), dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def clustered_random(n: int, dim: int, rng: np.random.Generator, centres: int = 1000,
                     spread: float = 0.04) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, queries): unit vectors around random topic centres (cosine to the centre ~0.8, closer
    to how sentence embeddings of one corpus group), queries drawn the same way."""
    middle = unit_random(centres, dim, rng)

    def draw(m: int) -> np.ndarray:
        v = middle[rng.integers(0, centres, m)] + spread * rng.standard_normal((m, dim), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    return draw(n), draw(200)


# ---- memory ------------------------------------------------------------------------------------


def metadata_bytes(index_dir: Path) -> tuple[float, float, int]:
    """(SQLite bytes per passage, in-memory id-map bytes per passage, passages) of a real index."""
    from assistant.index import db, open_index

    index = open_index(index_dir)
    try:
        sqlite = os.path.getsize(index.folder / db.NAME) / index.count
        maps = [index._id_of, index._row_of]  # noqa: SLF001 - measuring, not using
        size = sum(sys.getsizeof(m) + sum(sys.getsizeof(x) for kv in m.items() for x in kv) for m in maps)
        return sqlite, size / index.count, index.count
    finally:
        index.close()


def memory_rows(sizes: dict, index_dir: Path | None, dim: int) -> list[dict]:
    out = []
    sqlite, maps, n = metadata_bytes(index_dir) if index_dir else (float("nan"), float("nan"), 0)
    for kind in ("flat", *TYPES):
        per_vec = sizes[kind]
        ram_gb = (per_vec + maps) * 1e6 / 1e9
        out.append(row(f"memory per 1M passages, {kind}", round(ram_gb, 2), unit="GB RAM", runs=1,
                       subset=f"{dim}-d", bytes_per_vector=round(per_vec, 1), id_maps_bytes=round(maps, 1),
                       sqlite_gb_per_million=round(sqlite * 1e6 / 1e9, 2),
                       note=f"SQLite (disk) measured on a real index of {n} passages"))
    return out


# ---- the benchmark -----------------------------------------------------------------------------


def run(ctx: Context) -> list[dict]:
    rows = ray_vs_single(ctx, "hashing", 10 if ctx.quick else 40)
    if not ctx.quick:
        rows += ray_vs_single(ctx, "e5", 3)
    rng = np.random.default_rng(SEED)
    real = english_vectors(ctx, ctx.quick)
    held = rng.choice(len(real), size=100, replace=False)
    keep = np.setdiff1d(np.arange(len(real)), held)
    real_rows, _ = ann_rows(np.ascontiguousarray(real[keep]), real[held], "MiniLM, english packs", ctx)
    n = 20_000 if ctx.quick else 100_000
    random_rows, sizes = ann_rows(unit_random(n, 384, rng), unit_random(200, 384, rng), "random unit vectors", ctx)
    if not ctx.quick:
        random_rows += ann_rows(*clustered_random(n, 384, rng), "clustered random unit vectors", ctx)[0]
    return rows + real_rows + random_rows + memory_rows(sizes, ctx.shared.get("scale_index"), 384)


BENCHMARK = register(Benchmark(name="scale", title="Scale-out: Ray build, ANN recall, memory per million passages",
                               run=run, notes=__doc__.split("Run:")[0].split("\n", 2)[2]))
