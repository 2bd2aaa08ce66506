"""Reading an index: `open_index` checks the live version and returns an `Index` over it.

An Index keeps the FAISS index in memory and a read-only connection to its version's SQLite file,
so it keeps working after writers publish newer versions or prune this one.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np

from assistant.errors import IndexError_
from assistant.index import db, dense, lexical, manifest, versions
from assistant.index.manifest import Manifest
from assistant.provisions import Provisions
from assistant.types import Filters, Passage

EXACT_LIMIT = 4096  # filtered searches over at most this many passages are scored exactly
RERANK = 4  # product-quantised search fetches this many times k, then re-scores exactly

Scored = list[tuple[str, float]]


class Index:
    """One published version: dense and BM25 search, passage lookup and metadata filters."""

    def __init__(self, folder: Path, manifest_data: Manifest, faiss_index, conn: sqlite3.Connection):
        self.folder = folder
        self.manifest = manifest_data
        self._faiss = faiss_index
        self._conn = conn
        self._lock = threading.Lock()  # one SQLite connection shared by threads
        pairs = db.row_ids(conn)
        self._id_of = dict(pairs)
        self._row_of = {pid: row for row, pid in pairs}
        self._provisions: Provisions | None = None
        self._postings: lexical.Postings | None = None
        self._expansion: dict[int, str] = {}

    @property
    def count(self) -> int:
        return len(self._row_of)

    @property
    def dim(self) -> int:
        return self.manifest.dim

    def all_ids(self) -> list[str]:
        return list(self._row_of)

    def get(self, ids: list[str]) -> list[Passage]:
        """Passages for `ids`, in that order; unknown ids are skipped."""
        with self._lock:
            found = db.passages(self._conn, ids)
        return [found[i] for i in ids if i in found]

    def vectors(self, ids: list[str]) -> np.ndarray:
        """The stored embedding of each id, in that order (float32, n x dim)."""
        with self._lock:
            rows, vectors = db.load_vectors(self._conn, self.dim, [self._row_of[i] for i in ids])
        order = {row: n for n, row in enumerate(rows)}
        return vectors[[order[self._row_of[i]] for i in ids]]

    def neighbours(self, passage_id: str, n: int = 1) -> list[Passage]:
        """Passages of the same document up to `n` positions before and after, in order."""
        with self._lock:
            return db.neighbours(self._conn, passage_id, n)

    def provisions(self) -> Provisions:
        """Passages by law name and pinpoint, for find-by-citation; read from SQLite on first use."""
        with self._lock:
            if self._provisions is None:
                self._provisions = Provisions(db.provision_rows(self._conn))
            return self._provisions

    def filter_ids(self, filters: Filters | None) -> set[str] | None:
        """Ids matching the filters, or None when there is nothing to filter on."""
        if filters is None or filters.is_empty():
            return None
        with self._lock:
            return db.filter_ids(self._conn, filters)

    def expand(self, texts: dict[str, str]) -> None:
        """From now on BM25 reads each text as part of its passage (passage id -> text; document expansion,
        assistant/index/expansion.py). Passage text, vectors and what is shown do not change."""
        with self._lock:
            self._expansion = {self._row_of[i]: t for i, t in texts.items() if i in self._row_of}
            self._postings = None

    def lexical_search(self, query: str, k: int, allowed: set[str] | None = None) -> Scored:
        """BM25 top-k (passage id, score) for the query, among `allowed` ids if given."""
        rows = None if allowed is None else {self._row_of[i] for i in allowed if i in self._row_of}
        with self._lock:
            if self._postings is None:  # read once: the version is never written again
                self._postings = lexical.Postings(self._conn, self._expansion)
            found = self._postings.search(query, k, rows)
        return [(self._id_of[row], score) for row, score in found]

    def dense_search(self, qvecs: np.ndarray, k: int, allowed: set[str] | None = None) -> list[Scored]:
        """For each query vector, the top-k (passage id, inner product) among `allowed` ids if given."""
        qvecs = np.atleast_2d(np.asarray(qvecs, dtype=np.float32))
        rows = None if allowed is None else self._rows(allowed)
        if k <= 0 or self.count == 0 or (rows is not None and len(rows) == 0):
            return [[] for _ in qvecs]
        if rows is not None and len(rows) <= EXACT_LIMIT and not dense.is_exact(self._faiss):
            found = [self._exact(q, rows, k) for q in qvecs]
        else:
            found = self._approximate(qvecs, k, rows)
        return [[(self._id_of[row], score) for row, score in hits] for hits in found]

    def _rows(self, allowed: set[str]) -> np.ndarray:
        return np.array(sorted(self._row_of[i] for i in allowed if i in self._row_of), dtype=np.int64)

    def _approximate(self, qvecs: np.ndarray, k: int, rows: np.ndarray | None) -> list[list[tuple[int, float]]]:
        quantised = dense.is_quantised(self._faiss)
        scores, found = dense.search(self._faiss, qvecs, min(k * RERANK if quantised else k, self.count), rows)
        hits = [[(int(r), float(s)) for r, s in zip(rs, ss) if r >= 0] for rs, ss in zip(found, scores)]
        if quantised:  # PQ scores are approximate: re-score the candidates with the stored vectors
            hits = [self._exact(q, np.array([r for r, _ in h], dtype=np.int64), k) for q, h in zip(qvecs, hits)]
        return hits

    def _exact(self, query: np.ndarray, rows: np.ndarray, k: int) -> list[tuple[int, float]]:
        with self._lock:
            found_rows, vectors = db.load_vectors(self._conn, self.dim, rows.tolist())
        scores = vectors @ query
        best = np.argsort(-scores, kind="stable")[:k]
        return [(int(found_rows[i]), float(scores[i])) for i in best]

    def close(self) -> None:
        self._conn.close()


class NoIndex(IndexError_, FileNotFoundError):
    """Nothing was ever published at the folder (also a FileNotFoundError, for callers probing for one)."""


def live_folder(root: Path) -> Path:
    folder = versions.current(root)
    if folder is None:
        raise NoIndex(f"no index at {root}: build one with `legal-assistant index build <pack or folder>`")
    return folder


def read_manifest(dir: Path) -> Manifest:
    """The live version's manifest; NoIndex if there is none."""
    return manifest.read(live_folder(Path(dir)))


def open_index(dir: Path, embedder_name: str | None = None, *, chunker_version: str | None = None,
               verify: bool = True) -> Index:
    """The live version at `dir`, after checking it is complete, undamaged and built as asked."""
    folder = live_folder(Path(dir))
    data = manifest.read(folder)
    if verify:
        manifest.verify(folder, data)
    manifest.check_compatible(data, embedder_name, chunker_version)
    try:
        faiss_index = dense.load(folder / dense.NAME)
        conn = db.open_read(folder / db.NAME)
        return Index(folder, data, faiss_index, conn)
    except (RuntimeError, sqlite3.DatabaseError) as exc:
        raise IndexError_(f"cannot read the index at {folder} ({exc}): {manifest.REBUILD}") from exc
