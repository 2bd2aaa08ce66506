"""passages.sqlite: passages with their metadata, their embedding (float32 blob) and the BM25 table.

`row` is the passage's integer key: the FAISS id of its vector and the FTS5 rowid of its tokens.
Rows of kept passages never change across updates, so an update copies the file and applies
deletes and inserts instead of re-tokenising the corpus.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.index import lexical
from assistant.index.text import index_text
from assistant.types import Filters, Passage

NAME = "passages.sqlite"
SCHEMA = """
CREATE TABLE passages (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
    text TEXT NOT NULL, cite TEXT NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, jurisdiction TEXT NOT NULL,
    language TEXT NOT NULL, title TEXT NOT NULL, date TEXT, in_force INTEGER, source TEXT NOT NULL
);
CREATE TABLE vectors (row INTEGER PRIMARY KEY, vector BLOB NOT NULL);
CREATE INDEX passages_doc ON passages (doc_id, ordinal);
"""
META = "doc_id, ordinal, text, cite, path, kind, jurisdiction, language, title, date, in_force, source"
COLUMNS = "id, " + META


@contextmanager
def writing(path: Path, create: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that commits and closes on success, rolls back and closes on error."""
    conn = sqlite3.connect(path)
    try:
        if create:
            conn.executescript(SCHEMA)
            conn.execute(lexical.SCHEMA)
        with conn:
            yield conn
    finally:
        conn.close()


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    conn = open_read(path)
    try:
        yield conn
    finally:
        conn.close()


def open_read(path: Path) -> sqlite3.Connection:
    """Read-only connection to a published (never again modified) file, usable from any thread."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.create_function("casefold_contains", 2, lambda text, part: part.casefold() in text.casefold(),
                         deterministic=True)
    return conn


def meta_values(p: Passage) -> tuple:
    in_force = None if p.in_force is None else int(p.in_force)
    return (p.doc_id, p.ordinal, p.text, p.cite, json.dumps(list(p.path), ensure_ascii=False), p.kind,
            p.jurisdiction, p.language, p.title, p.date, in_force, p.source)


def insert(conn: sqlite3.Connection, passages: list[Passage], vectors: np.ndarray) -> None:
    """Add passages with their vectors and BM25 tokens (of `index_text`, the same string embedded)."""
    start = conn.execute("SELECT COALESCE(MAX(row), 0) + 1 FROM passages").fetchone()[0]
    rows = list(range(start, start + len(passages)))
    conn.executemany(f"INSERT INTO passages (row, {COLUMNS}) VALUES (?, ?, {', '.join('?' * 12)})",
                     [(row, p.id, *meta_values(p)) for row, p in zip(rows, passages)])
    conn.executemany("INSERT INTO vectors (row, vector) VALUES (?, ?)",
                     [(row, v.astype("<f4").tobytes()) for row, v in zip(rows, vectors)])
    lexical.insert(conn, rows, [index_text(p) for p in passages])


def delete(conn: sqlite3.Connection, ids: list[str]) -> None:
    rows = [r for (r,) in conn.execute("SELECT row FROM passages WHERE id IN (SELECT value FROM json_each(?))",
                                       (json.dumps(ids),))]
    conn.executemany("DELETE FROM passages WHERE row = ?", [(r,) for r in rows])
    conn.executemany("DELETE FROM vectors WHERE row = ?", [(r,) for r in rows])
    lexical.delete(conn, rows)


def refresh_meta(conn: sqlite3.Connection, passages: list[Passage]) -> None:
    """Rewrite the metadata of kept passages that changed (a law repealed, a title corrected)."""
    stored = {pid: tuple(values) for pid, *values in conn.execute(f"SELECT {COLUMNS} FROM passages")}
    changed = [p for p in passages if stored.get(p.id) != meta_values(p)]
    sets = ", ".join(f"{c.strip()} = ?" for c in META.split(","))
    conn.executemany(f"UPDATE passages SET {sets} WHERE id = ?", [(*meta_values(p), p.id) for p in changed])


def row_ids(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return conn.execute("SELECT row, id FROM passages ORDER BY row").fetchall()


def load_vectors(conn: sqlite3.Connection, dim: int, rows: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows int64, vectors float32 (n, dim)) for the given rows, or for all rows in row order."""
    if rows is None:
        found = conn.execute("SELECT row, vector FROM vectors ORDER BY row").fetchall()
    else:
        found = conn.execute("SELECT row, vector FROM vectors WHERE row IN (SELECT value FROM json_each(?))",
                             (json.dumps([int(r) for r in rows]),)).fetchall()
    ids = np.array([r for r, _ in found], dtype=np.int64)
    data = np.frombuffer(b"".join(v for _, v in found), dtype="<f4").reshape(len(found), dim)
    return ids, data.astype(np.float32)


def to_passage(record: tuple) -> Passage:
    pid, doc_id, ordinal, text, cite, path, kind, jurisdiction, language, title, date, in_force, source = record
    return Passage(id=pid, doc_id=doc_id, text=text, cite=cite, path=tuple(json.loads(path)), kind=kind,
                   jurisdiction=jurisdiction, language=language, title=title, date=date,
                   in_force=None if in_force is None else bool(in_force), ordinal=ordinal, source=source)


def passages(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Passage]:
    records = conn.execute(f"SELECT {COLUMNS} FROM passages WHERE id IN (SELECT value FROM json_each(?))",
                           (json.dumps(list(ids)),))
    return {record[0]: to_passage(record) for record in records}


def provision_rows(conn: sqlite3.Connection) -> list[tuple[str, str, int, str, str, bool | None]]:
    """(id, doc_id, ordinal, cite, title, in_force) of every passage: what find-by-citation reads."""
    rows = conn.execute("SELECT id, doc_id, ordinal, cite, title, in_force FROM passages")
    return [(pid, doc_id, ordinal, cite, title, None if f is None else bool(f))
            for pid, doc_id, ordinal, cite, title, f in rows]


def neighbours(conn: sqlite3.Connection, passage_id: str, n: int) -> list[Passage]:
    """Passages of the same document within `n` positions of this one, in document order."""
    records = conn.execute(
        f"SELECT {COLUMNS} FROM passages, (SELECT doc_id AS d, ordinal AS o FROM passages WHERE id = :id) "
        "WHERE doc_id = d AND id != :id AND ordinal BETWEEN o - :n AND o + :n ORDER BY ordinal",
        {"id": passage_id, "n": n},
    )
    return [to_passage(r) for r in records]


def filter_ids(conn: sqlite3.Connection, filters: Filters) -> set[str]:
    """Ids of passages matching every set field; a date filter drops passages without a date."""
    clauses, params = ["1"], []
    for column, values in (("jurisdiction", filters.jurisdiction), ("kind", filters.kind)):
        if values:
            clauses.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(values)))
    if filters.date_from:  # compare on the bound's own precision: "2020" matches "2020-05-01"
        clauses.append("substr(date, 1, length(?)) >= ?")
        params += [filters.date_from, filters.date_from]
    if filters.date_to:
        clauses.append("substr(date, 1, length(?)) <= ?")
        params += [filters.date_to, filters.date_to]
    if filters.in_force is not None:
        clauses.append("in_force = ?")
        params.append(int(filters.in_force))
    if filters.title:
        clauses.append("casefold_contains(title, ?)")
        params.append(filters.title)
    return {pid for (pid,) in conn.execute(f"SELECT id FROM passages WHERE {' AND '.join(clauses)}", params)}
