"""Writing an index: a full build, or an update that embeds only passages it has not seen.

Both hold the writer lock, embed before touching the disk, write a complete version into a
staging folder (SQLite, then FAISS, then the caller's files, then the manifest last) and only then swap CURRENT.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.errors import IndexError_
from assistant.index import db, dense, manifest, versions
from assistant.index.lock import writer_lock
from assistant.index.manifest import Manifest
from assistant.index.text import TEXT_FORMAT, index_text
from assistant.types import Passage

if TYPE_CHECKING:
    from assistant.embed.base import Embedder

BATCH = 256
Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed); True: a tqdm bar
Files = dict[str, str]  # file name -> text, written into the version (ingest: validity.json, graph.json)


@dataclass(frozen=True)
class IndexReport:
    added: int
    removed: int
    kept: int
    embedded: int
    seconds: float
    version: str
    notes: tuple[str, ...] = ()


def build_index(dir: Path, passages: list[Passage], embedder: Embedder, *, index_type: str = "flat",
                corpus_hashes: dict[str, str] | None = None, progress: Progress | None = None,
                chunker_version: str | None = None, extra: dict | None = None,
                files: Files | None = None) -> IndexReport:
    """Embed every passage and publish a new version of the index at `dir`.

    `extra` holds caller fields (e.g. "sources") stored at the top level of the manifest; `files` are
    written into the new version and checksummed in its manifest (see `publish`).
    """
    start, root = time.perf_counter(), Path(dir)
    settings = {"index_type": index_type, "chunker_version": chunker_version,
                "corpus_hashes": dict(corpus_hashes or {}), "extra": dict(extra or {})}
    with writer_lock(root):
        return full_build(root, unique(passages), embedder, settings, progress, start, files or {})


def update_index(dir: Path, passages: list[Passage], embedder: Embedder, *, corpus_hashes: dict[str, str] | None = None,
                 progress: Progress | None = None, chunker_version: str | None = None,
                 index_type: str | None = None, extra: dict | None = None,
                 files: Files | None = None) -> IndexReport:
    """Publish a version holding exactly `passages`, embedding only ids the live version lacks.

    Builds from scratch when `dir` has no index yet. `index_type`, `chunker_version` and `extra`
    left None keep the live version's values; `files` are not carried over: the new version holds
    only those passed here, as they describe its passages (see `publish`).
    """
    start, root, wanted = time.perf_counter(), Path(dir), unique(passages)
    with writer_lock(root):
        live = versions.current(root)
        old = manifest.read(live) if live else None
        settings = {"index_type": index_type or (old.index_type if old else "flat"),
                    "chunker_version": chunker_version or (old.chunker_version if old else None),
                    "corpus_hashes": dict(corpus_hashes or {}),
                    "extra": {**(old.extra if old else {}), **(extra or {})}}
        if old is None:
            return full_build(root, wanted, embedder, settings, progress, start, files or {})
        manifest.verify(live, old)
        manifest.check_compatible(old, embedder.name, dim=embedder.dim)
        added, kept, removed = diff(live, wanted)
        vectors = embed(embedder, [index_text(p) for p in added], progress)
        with versions.staging(root) as staged:
            shutil.copyfile(live / db.NAME, staged / db.NAME)
            with db.writing(staged / db.NAME) as conn:
                db.delete(conn, removed)
                db.refresh_meta(conn, kept)
                db.insert(conn, added, vectors)
            info = publish(root, staged, embedder, settings, start, files or {})
    return report(len(added), len(removed), len(kept), info, start)


def diff(live: Path, wanted: list[Passage]) -> tuple[list[Passage], list[Passage], list[str]]:
    """(passages to add, passages to keep, ids to remove) going from the live version to `wanted`.

    A passage whose id is stored but whose `index_text` changed (same cite and text under a renamed
    chapter or law title) is removed and added again, so its vector and BM25 tokens are not stale.
    """
    with db.reading(live / db.NAME) as conn:
        stored = {pid: index_text(p) for pid, p in db.passages(conn, [p.id for p in wanted]).items()}
        all_ids = {pid for _, pid in db.row_ids(conn)}
    added = [p for p in wanted if stored.get(p.id) != index_text(p)]
    kept = [p for p in wanted if stored.get(p.id) == index_text(p)]
    stale = {p.id for p in added if p.id in stored}
    return added, kept, sorted((all_ids - {p.id for p in wanted}) | stale)


def full_build(root: Path, passages: list[Passage], embedder: Embedder, settings: dict, progress: Progress | None,
               start: float, files: Files) -> IndexReport:
    vectors = embed(embedder, [index_text(p) for p in passages], progress)
    with versions.staging(root) as staged:
        with db.writing(staged / db.NAME, create=True) as conn:
            db.insert(conn, passages, vectors)
        info = publish(root, staged, embedder, settings, start, files)
    return report(len(passages), 0, 0, info, start)


def publish(root: Path, staged: Path, embedder: Embedder, settings: dict, start: float, files: Files) -> Manifest:
    """Write the FAISS index, `files` and the manifest for the staged SQLite file, then swap it live.

    `settings`: index_type, chunker_version, corpus_hashes, and extra (caller fields: copied to the
    manifest's top level too, never overriding the index's own fields). `files` go inside the version,
    before its manifest lists their checksums, so they are published (or lost in a crash) with the version
    they describe and verified like its index files.
    """
    with db.reading(staged / db.NAME) as conn:
        rows, vectors = db.load_vectors(conn, embedder.dim)
        documents = conn.execute("SELECT COUNT(DISTINCT doc_id) FROM passages").fetchone()[0]
    index, info = dense.build(vectors, rows, settings["index_type"])
    dense.save(index, staged / dense.NAME)
    for file_name, text in files.items():
        (staged / file_name).write_text(text, encoding="utf-8")
    name = versions.next_name(root)
    own = {
        **settings, "version": name, "embedder": embedder.name, "dim": embedder.dim, "text_format": TEXT_FORMAT,
        "faiss_type": info["faiss_type"], "faiss_params": info["params"], "notes": [n for n in [info["note"]] if n],
        "count": len(rows), "documents": documents,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - start, 3),
    }
    written = manifest.write(staged, {**settings["extra"], **own}, files=[db.NAME, dense.NAME, *files])
    versions.publish(root, staged, name)
    return written


def embed(embedder: Embedder, texts: list[str], progress: Progress | bool | None) -> np.ndarray:
    """Vectors for `texts` in their order, embedded in batches of similar length."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    if progress is True:
        progress = tqdm_progress(len(texts))
    for begin in range(0, len(order), BATCH):
        picked = order[begin : begin + BATCH]
        vectors = embedder.embed_passages([texts[i] for i in picked])
        if vectors.shape != (len(picked), embedder.dim):
            raise IndexError_(f"embedder {embedder.name} returned shape {vectors.shape}, "
                              f"expected ({len(picked)}, {embedder.dim})")
        out[picked] = vectors
        if progress:
            progress(begin + len(picked), len(texts))
    return out


def tqdm_progress(total: int) -> Progress:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="passage", desc="embedding", disable=total == 0)
    return lambda done, _total: bar.update(done - bar.n)


def unique(passages: list[Passage]) -> list[Passage]:
    """Passages with distinct ids, first occurrence kept."""
    seen: dict[str, Passage] = {}
    for p in passages:
        seen.setdefault(p.id, p)
    return list(seen.values())


def report(added: int, removed: int, kept: int, written: Manifest, start: float) -> IndexReport:
    return IndexReport(added=added, removed=removed, kept=kept, embedded=added,
                       seconds=round(time.perf_counter() - start, 3), version=written.version, notes=written.notes)
