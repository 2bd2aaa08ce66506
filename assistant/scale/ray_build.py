"""Index build on Ray Data: documents -> (chunk + embed on actors) -> shards -> one index.

    legal-assistant index build prc --engine ray [--ray-address ray://head:10001] [--workers 4]

or from Python:

    from assistant.scale.ray_build import build_with_ray
    result = build_with_ray(["prc"], settings, "prc", address=None, num_workers=2)

The driver reads the sources (packs, folders) and ships documents to a pool of actors; each actor
loads the embedder once, chunks its documents with the same `to_passages` the single-process ingest
uses and embeds the passages (`num_gpus` puts the actors on GPUs). The driver streams the results
back and writes them as shards (`shard-NNNNN.npy` vectors + `.jsonl` passage rows), then merges the
shards in document order, drops duplicate passage ids exactly as the single-process path does and
writes the index with `build_index`, handing it the precomputed vectors. Without `address` a local Ray
(2 CPUs, no dashboard, no usage stats) is started and shut down again; with `address="ray://..."`
(or "auto") the same code runs on a cluster and the `assistant` package is shipped to the workers.
Needs the optional extra: pip install "ray[data]==2.60.0".
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.index.text import index_text
from assistant.ingest import (
    IngestResult,
    absolute,
    corpus_hashes,
    default_name,
    embedder_name,
    load_documents,
    main_language,
    signal_files,
    to_passages,
    unique,
    write_index,
)
from assistant.settings import Settings
from assistant.types import Document, Passage, Unit

PACKAGE_DIR = Path(__file__).resolve().parents[1]


# ---- (de)serialising documents and passages between driver and workers ---------------------------


def document_to_json(doc: Document) -> str:
    return json.dumps(dataclasses.asdict(doc), ensure_ascii=False, default=str)


def document_from_json(text: str) -> Document:
    d = json.loads(text)
    d["units"] = tuple(Unit(**{**u, "path": tuple(u["path"])}) for u in d["units"])
    return Document(**d)


def passage_from_dict(d: dict) -> Passage:
    return Passage(**{**d, "path": tuple(d["path"])})


# ---- the actor ---------------------------------------------------------------------------------


class ChunkAndEmbed:
    """Ray Data callable class: one embedder per actor; a batch of documents in, passages + vectors out."""

    def __init__(self, settings: dict, embedder: str, embed_batch: int = 64):
        from assistant.embed import get_embedder

        self.settings = Settings(**settings)
        self.embedder = get_embedder(embedder)
        self.embed_batch = embed_batch

    def __call__(self, batch: dict) -> dict:
        order, seq, rows = [], [], []
        for doc_order, doc_json in zip(batch["order"], batch["doc"]):
            passages = to_passages([document_from_json(str(doc_json))], self.embedder, self.settings)
            for i, p in enumerate(passages):
                order.append(int(doc_order))
                seq.append(i)
                rows.append(p)
        vectors = embed_in_batches(self.embedder, [embed_text(p) for p in rows], self.embed_batch)
        return {
            "order": np.asarray(order, dtype=np.int64),
            "seq": np.asarray(seq, dtype=np.int64),
            "passage": np.asarray([json.dumps(p.to_dict(), ensure_ascii=False) for p in rows], dtype=object),
            "vector": vectors,
        }


def embed_text(p: Passage) -> str:
    """The string the index embeds for a passage: the same `index_text` build_index embeds."""
    return index_text(p)


def embed_in_batches(embedder, texts: list[str], size: int) -> np.ndarray:
    """Vectors in the order of `texts`; batches group texts of similar length (less padding)."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for begin in range(0, len(order), size):
        picked = order[begin : begin + size]
        out[picked] = embedder.embed_passages([texts[i] for i in picked])
    return out


# ---- precomputed vectors handed to build_index -------------------------------------------------


class PrecomputedEmbedder:
    """Looks like the real embedder to `build_index`, but answers `embed_passages` from the Ray results.

    Vectors are looked up by the exact text embedded, so build_index's own batching and order do not
    matter; a text the workers did not embed is an error, never a silent re-embed. Queries and token
    counts go to the real embedder.
    """

    def __init__(self, base, texts: list[str], vectors: np.ndarray):
        self.base = base
        self.name, self.dim, self.max_tokens = base.name, base.dim, base.max_tokens
        self._rows = {t: i for i, t in enumerate(texts)}
        self._vectors = vectors
        self.served = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._rows]
        if missing:
            raise KeyError(f"{len(missing)} passage text(s) were not embedded by the Ray workers: {missing[0][:80]!r}")
        self.served += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._vectors[[self._rows[t] for t in texts]]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.base.embed_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self.base.count_tokens(text)


# ---- Ray session -------------------------------------------------------------------------------


def connect(address: str | None = None, num_cpus: int = 2) -> bool:
    """Start a local Ray (address None) or join a cluster; True when this call started the session."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray

    if ray.is_initialized():
        return False
    if address is None:
        pythonpath = os.pathsep.join(filter(None, [str(PACKAGE_DIR.parent), os.environ.get("PYTHONPATH")]))
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                 object_store_memory=256 * 2**20,
                 runtime_env={"env_vars": {"PYTHONPATH": pythonpath, "RAY_USAGE_STATS_ENABLED": "0",
                                           "TOKENIZERS_PARALLELISM": "false"}})
    else:
        # Workers elsewhere get the package as a zipped module; models and wheels must be installed there.
        ray.init(address=address, runtime_env={"py_modules": [str(PACKAGE_DIR)],
                                               "env_vars": {"RAY_USAGE_STATS_ENABLED": "0"}})
    return True


def run_pipeline(docs: list[Document], settings: Settings, embedder: str, shard_dir: Path, *,
                 num_workers: int, num_gpus: float, docs_per_batch: int, progress) -> int:
    """Chunk + embed on the actor pool; write each result block as a shard; return the shard count."""
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = bool(progress)
    items = [{"order": i, "doc": document_to_json(d)} for i, d in enumerate(docs)]
    blocks = max(1, min(len(items), num_workers * 4))
    ds = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
        ChunkAndEmbed,
        fn_constructor_kwargs={"settings": settings.model_dump(mode="json"), "embedder": embedder},
        batch_size=docs_per_batch, batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=num_workers),
        num_cpus=0 if num_gpus else 1, num_gpus=num_gpus or None,
    )
    shards = 0
    for batch in ds.iter_batches(batch_format="numpy", batch_size=None, prefetch_batches=1):
        if len(batch["order"]):
            write_shard(shard_dir, shards, batch)
            shards += 1
    return shards


def write_shard(shard_dir: Path, number: int, batch: dict) -> None:
    stem = shard_dir / f"shard-{number:05d}"
    np.save(f"{stem}.npy", np.asarray(batch["vector"], dtype=np.float32))
    with open(f"{stem}.jsonl", "w", encoding="utf-8") as out:
        for order, seq, passage in zip(batch["order"], batch["seq"], batch["passage"]):
            out.write(json.dumps({"order": int(order), "seq": int(seq), "passage": json.loads(passage)},
                                 ensure_ascii=False) + "\n")


def read_shards(shard_dir: Path) -> tuple[list[Passage], np.ndarray]:
    """All shard rows in document order, duplicates dropped (first wins), with their vectors."""
    keyed, vectors = [], []
    for npy in sorted(shard_dir.glob("shard-*.npy")):
        vecs = np.load(npy)
        with open(npy.with_suffix(".jsonl"), encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        keyed.extend((r["order"], r["seq"], len(vectors), j, r["passage"]) for j, r in enumerate(rows))
        vectors.append(vecs)
    keyed.sort(key=lambda k: (k[0], k[1]))
    passages = unique([passage_from_dict(k[4]) for k in keyed])
    first = {}
    for k in keyed:
        first.setdefault(k[4]["id"], (k[2], k[3]))
    if not passages:
        return [], np.zeros((0, 0), dtype=np.float32)
    return passages, np.stack([vectors[s][j] for s, j in (first[p.id] for p in passages)])


# ---- the entry point ---------------------------------------------------------------------------


def build_with_ray(sources: list[str], settings: Settings, name: str | None = None, address: str | None = None,
                   num_workers: int = 2, *, num_gpus: float = 0, limit: int | None = None,
                   until: str | None = None, docs_per_batch: int = 8, shard_dir: str | Path | None = None,
                   keep_shards: bool = False, progress=None) -> IngestResult:
    """Build index `name` from `sources` with Ray Data; same result as `ingest(...)` single-process.

    Returns an IngestResult whose `report` is build_index's report, with a `timings` attribute added:
    seconds for read_s (driver), init_s (Ray start), ray_s (chunk + embed + shards), total_ray_s (with
    start and shutdown), merge_s, index_s (build_index with precomputed vectors) and total_s.
    """
    from assistant.embed import get_embedder

    t0 = time.perf_counter()
    target = settings.index_dir(name or default_name(sources[0]))
    docs, problems = load_documents(sources, limit=limit, until=until)
    emb_name = embedder_name(settings, docs)
    embedder = get_embedder(emb_name)
    result = IngestResult(len(docs), 0, problems, embedder=embedder.name)
    timings = {"read_s": time.perf_counter() - t0}
    own_dir = shard_dir is None
    shards = Path(shard_dir) if shard_dir else Path(tempfile.mkdtemp(prefix=f".{target.name}-shards-",
                                                                      dir=_mkdir(target.parent)))
    shards.mkdir(parents=True, exist_ok=True)
    try:
        passages, vectors = embed_on_ray(docs, settings, emb_name, shards, address, num_workers, num_gpus,
                                         docs_per_batch, progress, timings)
        result.passages = len(passages)
        t3 = time.perf_counter()
        pre = PrecomputedEmbedder(embedder, [embed_text(p) for p in passages], vectors)
        extra = {"sources": [absolute(s) for s in sources], "engine": "ray", "language": main_language(docs)}
        result.report = write_index(target, passages, pre, settings, corpus_hashes(docs), extra, False, progress,
                                    files=signal_files(docs))
        timings["index_s"] = time.perf_counter() - t3
    finally:
        if own_dir and not keep_shards:
            shutil.rmtree(shards, ignore_errors=True)
    timings["total_s"] = time.perf_counter() - t0
    result.timings = timings
    return result


def embed_on_ray(docs, settings, emb_name, shards: Path, address, num_workers, num_gpus, docs_per_batch,
                 progress, timings: dict) -> tuple[list[Passage], np.ndarray]:
    """Start or join Ray, run the pipeline into `shards`, shut down what was started, merge the shards."""
    t1 = time.perf_counter()
    started = connect(address, num_cpus=max(2, num_workers))
    timings["init_s"] = time.perf_counter() - t1
    try:
        t2 = time.perf_counter()
        run_pipeline(docs, settings, emb_name, shards, num_workers=num_workers, num_gpus=num_gpus,
                     docs_per_batch=docs_per_batch, progress=progress)
        timings["ray_s"] = time.perf_counter() - t2
    finally:
        if started:
            import ray

            ray.shutdown()
    timings["total_ray_s"] = time.perf_counter() - t1
    t3 = time.perf_counter()
    merged = read_shards(shards)
    timings["merge_s"] = time.perf_counter() - t3
    return merged


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
