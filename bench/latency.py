"""Query latency on the full `prc` pack (issue #25): what a lawyer waits for retrieval on the largest pack.

The index: every law version of the `prc` pack (378 documents, ~32,400 passages), e5 embedder, flat FAISS,
default settings; built on first use (about 30 minutes on this 2-core CPU) and reused from the scratch folder.
Queries: 100 LeCoQA questions drawn with a fixed seed, each timed once after 3 warm-up queries (the first
query also reads the BM25 postings into memory: that one-off cost is its own row).
Rows: hybrid `Retriever.search(q, k=5)` (e5 query embedding, query adapter, flat dense scan, BM25, fusion,
passage fetch), p50 and p95; and the BM25 side alone, the in-memory postings against SQLite FTS5's own
MATCH ... ORDER BY bm25() over the same stored tokens (the search the index ran before), in one run.
Run: .venv/bin/python -m bench --only latency     (quick mode: 20 queries)
"""
from __future__ import annotations

import random

from bench import LECOQA, REPO_ROOT, Benchmark, Context, register, row, timed
from bench.metrics import percentile

SEED = 25
QUERIES = 100


def full_prc(ctx: Context):
    from assistant.index import open_index
    from assistant.ingest import ingest
    from assistant.settings import Settings

    home = ctx.scratch / "prc-full-home"
    try:
        open_index(home / "prc")
    except Exception:  # missing or stale: build it
        ctx.log("latency: building the full prc index with e5 (about 30 minutes)")
        ingest(["prc"], Settings(home=home, embedder="e5"), name="prc")
    return home


def questions(n: int) -> list[str]:
    import json

    items = json.loads((REPO_ROOT / LECOQA).read_text(encoding="utf-8"))
    return random.Random(SEED).sample([item["问题"] for item in items], n)


def fts5(index, query: str, k: int) -> list[int]:
    """The BM25 search as SQLite FTS5 runs it: MATCH over the query's distinct tokens OR-ed."""
    from assistant.index.lexical import tokenize

    expression = " OR ".join(f'"{t}"' for t in dict.fromkeys(tokenize(query)))
    sql = "SELECT rowid FROM lex WHERE lex MATCH ? ORDER BY bm25(lex) LIMIT ?"
    return [r for (r,) in index._conn.execute(sql, (expression, k))]


def run(ctx: Context) -> list[dict]:
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    home = full_prc(ctx)
    assistant = Assistant(Settings(home=home, index="prc", audit_log=False))
    retriever, index = assistant.retriever, assistant.retriever.index
    queries = questions(20 if ctx.quick else QUERIES)
    first, _ = timed(lambda: index.lexical_search(queries[0], 50))
    for q in queries[:3]:
        retriever.search(q)
    hybrid = [1000 * timed(lambda q=q: retriever.search(q))[0] for q in queries]
    memory = [1000 * timed(lambda q=q: index.lexical_search(q, 50))[0] for q in queries]
    sqlite = [1000 * timed(lambda q=q: fts5(index, q, 50))[0] for q in queries]
    subset = (f"full prc pack, {index.count} passages, {index.manifest['embedder']}, flat; "
              f"{len(queries)} LeCoQA questions, each timed once")
    rows = [row(f"query latency p{p}, full prc, no reranking", round(percentile(hybrid, p), 1), unit="ms",
                target="≤ 50 ms" if p == 95 else "", met=(percentile(hybrid, p) <= 50) if p == 95 else None,
                runs=len(queries), subset=subset) for p in (50, 95)]
    for label, ms in (("in-memory postings", memory), ("SQLite FTS5 MATCH (before)", sqlite)):
        rows += [row(f"BM25 side p{p}, full prc, {label}", round(percentile(ms, p), 1), unit="ms",
                     runs=len(queries), subset=subset) for p in (50, 95)]
    rows.append(row("BM25 postings read on first query, full prc", round(first, 1), unit="s", runs=1, subset=subset))
    return rows


BENCHMARK = register(Benchmark(name="latency", title="Query latency on the full prc pack", run=run,
                               notes=__doc__.split("\n", 1)[1].split("Run:")[0].strip()))
