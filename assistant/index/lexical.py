"""BM25 over an SQLite FTS5 table of pre-tokenised passages, CJK-aware.

Tokenisation: text is NFKC-normalised and lowercased; runs of CJK / kana / Hangul characters become
character unigrams plus bigrams (no dictionary needed, works for zh, ja and ko); other words are
kept whole, minus a few English stop words, plurals reduced ("factories" -> "factory"). The tokens
are stored space-joined in an FTS5 table whose `ascii` tokenizer splits only on those spaces, so
SQLite's bm25() scores exactly our tokens.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterator

CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
MARKS = "\u0300-\u036f\u0900-\u0dff\u0e00-\u0e7f"  # combining marks and Indic/Thai vowel signs
RUN = re.compile(f"(?P<cjk>[{CJK}]+)|(?P<word>(?:[^\\W_{CJK}]|[{MARKS}])+)")
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was were which with".split()
)
SCHEMA = "CREATE VIRTUAL TABLE lex USING fts5(tokens, tokenize = 'ascii')"


def runs(text: str) -> Iterator[tuple[str, bool]]:
    """(run, is_cjk) for each word or CJK run of the normalised, lowercased text."""
    for match in RUN.finditer(unicodedata.normalize("NFKC", text).lower()):
        yield match.group(), match.lastgroup == "cjk"


def tokenize(text: str) -> list[str]:
    """BM25 tokens: words (stop words dropped), and CJK character unigrams + bigrams."""
    tokens: list[str] = []
    for run, is_cjk in runs(text):
        if is_cjk:
            tokens.extend(run)
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif run not in STOP_WORDS:
            tokens.append(singular(run))
    return tokens


def singular(word: str) -> str:
    """A light English plural stemmer: rights -> right, liberties -> liberty; leaves -ss/-us/-is alone."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word.isascii():
        return word[:-1]
    return word


def match_expression(query: str) -> str:
    """An FTS5 MATCH string OR-ing the query's distinct tokens ("" when it has none)."""
    distinct = dict.fromkeys(tokenize(query))
    return " OR ".join(f'"{token}"' for token in distinct)


def insert(conn: sqlite3.Connection, rows: list[int], texts: list[str]) -> None:
    conn.executemany(
        "INSERT INTO lex(rowid, tokens) VALUES (?, ?)", [(row, " ".join(tokenize(t))) for row, t in zip(rows, texts)]
    )


def delete(conn: sqlite3.Connection, rows: list[int]) -> None:
    conn.executemany("DELETE FROM lex WHERE rowid = ?", [(row,) for row in rows])


def search(conn: sqlite3.Connection, query: str, k: int,
           allowed_rows: set[int] | None = None) -> list[tuple[int, float]]:
    """Top-k (row, bm25 score; higher is better) for the query, keeping only allowed rows if given."""
    expression = match_expression(query)
    if not expression or k <= 0:
        return []
    limit = "" if allowed_rows is not None else f" LIMIT {int(k)}"
    sql = f"SELECT rowid, -bm25(lex) FROM lex WHERE lex MATCH ? ORDER BY bm25(lex){limit}"
    cursor = conn.execute(sql, (expression,))
    found = []
    for row, score in cursor:
        if allowed_rows is None or row in allowed_rows:
            found.append((row, float(score)))
            if len(found) == k:
                break
    return found
