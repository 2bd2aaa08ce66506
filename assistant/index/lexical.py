"""BM25 over an SQLite FTS5 table of pre-tokenised passages, CJK-aware.

Tokens are `assistant.text.tokenize`'s (CJK runs as character unigrams + bigrams, other words whole).
They are stored space-joined in an FTS5 table whose `ascii` tokenizer splits only on those spaces, so
SQLite's bm25() would score exactly our tokens.
Searching does not go through FTS5's MATCH, though: an OR over a question's ~45 CJK unigrams and bigrams
made it read most of a large index per query (p50 178 ms on the 32,431-passage `prc` pack). `Postings`
reads the stored tokens once into a term-by-passage matrix of precomputed BM25 weights (FTS5's formula:
k1 = 1.2, b = 0.75, idf = ln((N - n + 0.5) / (n + 0.5)), at least 1e-6), so a query is one sum over its
terms' columns: the same ranking, in about 2 ms.
English words are matched by their stem (`assistant.text.stem`: "appoints" meets "appointed"), applied to
the stored tokens as they are read and to the query's, so the stored tokens, and indexes built before, stay
as they were. Where no two stored words share a stem, the scores are FTS5's exactly.
"""
from __future__ import annotations

import sqlite3

import numpy as np

from assistant.text import stem, tokenize

SCHEMA = "CREATE VIRTUAL TABLE lex USING fts5(tokens, tokenize = 'ascii')"


def insert(conn: sqlite3.Connection, rows: list[int], texts: list[str]) -> None:
    conn.executemany(
        "INSERT INTO lex(rowid, tokens) VALUES (?, ?)", [(row, " ".join(tokenize(t))) for row, t in zip(rows, texts)]
    )


def delete(conn: sqlite3.Connection, rows: list[int]) -> None:
    conn.executemany("DELETE FROM lex WHERE rowid = ?", [(row,) for row in rows])


K1, B = 1.2, 0.75  # FTS5's bm25() constants


class Postings:
    """BM25 over one (read-only) table's stored tokens, in memory: per term, the rows holding it and its
    precomputed weight in each."""

    def __init__(self, conn: sqlite3.Connection, extra: dict[int, str] | None = None):
        """`extra`: row -> more text read as part of that row (document expansion, assistant/index/expansion.py)."""
        rows, lengths, columns, tokens_seen = [], [], [], {}
        for row, tokens in conn.execute("SELECT rowid, tokens FROM lex ORDER BY rowid"):
            words = tokens.split() + (tokenize(extra[row]) if extra and row in extra else [])
            rows.append(row)
            lengths.append(len(words))
            columns.append(np.fromiter((tokens_seen.setdefault(w, len(tokens_seen)) for w in words), np.int64, len(words)))
        # each distinct stored token stemmed once: its column is its stem's
        vocabulary: dict[str, int] = {}
        to_stem = np.fromiter((vocabulary.setdefault(stem(w), len(vocabulary)) for w in tokens_seen), np.int64,
                              len(tokens_seen))
        self.rows = np.asarray(rows, dtype=np.int64)
        self.vocabulary = vocabulary
        n, terms = len(rows), len(vocabulary)
        # (term, passage) pairs sorted by term; repeated pairs counted into a term frequency
        pairs = (to_stem[np.concatenate(columns)] * max(n, 1) + np.repeat(np.arange(n), lengths) if n
                 else np.zeros(0, np.int64))
        pairs, tf = np.unique(pairs, return_counts=True)
        term, self.passage = np.divmod(pairs, max(n, 1))
        self.start = np.searchsorted(term, np.arange(terms + 1))
        df = np.diff(self.start)
        idf = np.maximum(np.log((n - df + 0.5) / (df + 0.5)), 1e-6)
        length = np.asarray(lengths, dtype=np.float64)
        norm = K1 * (1 - B + B * length / max(length.mean(), 1e-9)) if n else length
        self.weight = (idf[term] * tf * (K1 + 1) / (tf + norm[self.passage])).astype(np.float32)

    def search(self, query: str, k: int, allowed_rows: set[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (row, BM25 score) for the query, best first (ties: lower row), among allowed rows if given."""
        columns = [self.vocabulary[t] for t in dict.fromkeys(map(stem, tokenize(query))) if t in self.vocabulary]
        if not columns or k <= 0:
            return []
        parts = [slice(self.start[c], self.start[c + 1]) for c in columns]
        scores = np.bincount(np.concatenate([self.passage[p] for p in parts]),
                             weights=np.concatenate([self.weight[p] for p in parts]), minlength=len(self.rows))
        found = np.flatnonzero(scores)
        if allowed_rows is not None:
            found = found[np.isin(self.rows[found], np.fromiter(allowed_rows, np.int64, len(allowed_rows)))]
        if len(found) > k:
            found = found[np.argpartition(-scores[found], k - 1)[:k]]
        found = found[np.lexsort((found, -scores[found]))]
        return [(int(self.rows[i]), float(scores[i])) for i in found]
