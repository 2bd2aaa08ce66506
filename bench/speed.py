"""Speed: index build throughput against raw SentenceTransformer.encode, incremental update cost, and
hybrid query latency.

- build ratio: passages/s of `build_index` (chunked passages -> MiniLM -> FAISS + SQLite + BM25) divided
  by passages/s of a plain `SentenceTransformer.encode` of the same texts (`index_text`: the header with
  law title and chapters, then the passage, as the index embeds them), the two interleaved in the same
  run; medians over the runs. Target >= 0.9.
- update ratio: `update_index` adding 1% new documents (1 law version of 100: the one with the median
  passage count) to an index of the other 99, divided by the median full `build_index` of all 100.
  Target <= 0.05. Corpus: the 100 shortest prc law versions (quick: 30, so 1 new is 3%), sized for a
  shared 2-core CPU (load average ~8-10 from other jobs). Raw encode vs build is one interleaved pair
  (a ratio within one run); the update is the median of 3 runs, each from a fresh copy of the index.
- latency: p50/p95 of single `Retriever.search(q, k=10, mode="hybrid")` calls (query embedding included)
  on the india index (English article titles as queries) and on the prc index of the retrieval run
  (LeCoQA questions), after 3 warm-up queries.

Run:  .venv/bin/python -m bench --only speed [--quick]
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path

from bench import Benchmark, Context, median, row, timed
from bench.metrics import percentile

SEED = 13
DOCS = 100
QUERIES = 100


def speed_docs(quick: bool):
    """The shortest prc law versions (fewest articles, then id): 100, or 30 in quick mode."""
    from assistant.corpus.packs import load_pack

    n = 30 if quick else DOCS
    docs = sorted(load_pack("prc"), key=lambda d: (len(d.units), d.id))[:n]
    return docs, f"the {n} shortest prc law versions ({sum(len(d.units) for d in docs)} articles)"


def passages_of(docs, embedder):
    from assistant.ingest import to_passages
    from assistant.settings import Settings

    return to_passages(docs, embedder, Settings(embedder=embedder.name))


def raw_encoder():
    """A plain SentenceTransformer on the same packaged MiniLM, as its model card would use it."""
    from sentence_transformers import SentenceTransformer

    from assistant.embed.minilm import model_path

    return SentenceTransformer(model_path(), device="cpu")


def build(ctx: Context, name: str, passages, embedder, hashes) -> float:
    from assistant.index import build_index

    target = ctx.scratch / name
    shutil.rmtree(target, ignore_errors=True)
    seconds, _ = timed(lambda: build_index(target, passages, embedder, index_type="flat", corpus_hashes=hashes))
    return seconds


def build_ratio(ctx: Context, docs, passages, embedder, runs: int, subset: str) -> tuple[list[dict], float]:
    """Raw encode and build_index interleaved `runs` times; rows and the median build seconds."""
    from assistant.index.text import index_text
    from assistant.ingest import corpus_hashes

    texts, model = [index_text(p) for p in passages], raw_encoder()  # the strings build_index embeds
    model.encode(texts[:16]), embedder.embed_passages(texts[:16])  # load and warm both
    raw, built = [], []
    for i in range(runs):
        raw.append(timed(lambda: model.encode(texts, batch_size=32, show_progress_bar=False))[0])
        built.append(build(ctx, "speed-full", passages, embedder, corpus_hashes(docs)))
        ctx.log(f"speed: run {i + 1}/{runs}: encode {raw[-1]:.1f} s, build_index {built[-1]:.1f} s")
    n, ratio = len(texts), median(raw) / median(built)
    subset = f"{n} passages of {subset}"
    return [
        row("raw SentenceTransformer.encode (MiniLM)", round(n / median(raw), 1), unit="passages/s", runs=runs, subset=subset),
        row("build_index (MiniLM, flat)", round(n / median(built), 1), unit="passages/s", runs=runs, subset=subset),
        row("build_index / raw encode throughput", round(ratio, 3), unit="ratio", target="≥ 0.9", met=ratio >= 0.9,
            runs=runs, subset=subset),
    ], median(built)


def held_out(docs, embedder):
    """The new documents: the one law version (1% of 100) whose passage count is the median."""
    sizes = sorted(((len(passages_of([d], embedder)), d.id) for d in docs))
    new_id = sizes[len(sizes) // 2][1]
    return [d for d in docs if d.id != new_id], [d for d in docs if d.id == new_id]


def update_ratio(ctx: Context, docs, embedder, full_s: float, runs: int, subset: str) -> list[dict]:
    """update_index adding 1% new documents, each run from a fresh copy of the 99% index (made from the
    full index by an update that drops the new document, so nothing is embedded twice)."""
    from assistant.index import update_index
    from assistant.ingest import corpus_hashes

    base, _ = held_out(docs, embedder)
    everything, kept = passages_of(docs, embedder), passages_of(base, embedder)
    fresh_copy(ctx, "speed-full", "speed-base")
    drop_s, _ = timed(lambda: update_index(ctx.scratch / "speed-base", kept, embedder, corpus_hashes=corpus_hashes(base)))
    times = []
    for _ in range(runs):
        fresh_copy(ctx, "speed-base", "speed-update")
        times.append(timed(lambda: update_index(ctx.scratch / "speed-update", everything, embedder,
                                                corpus_hashes=corpus_hashes(docs)))[0])
    subset = f"{subset}; 1 new law version = {len(everything) - len(kept)} of {len(everything)} passages"
    ratio = median(times) / full_s
    return [
        row(f"update_index, 1 document of {len(docs)} removed", round(drop_s, 2), unit="s", runs=1, subset=subset),
        row(f"update_index, 1 new document of {len(docs)}", round(median(times), 2), unit="s", runs=runs, subset=subset),
        row("update_index (1 new) / full build_index time", round(ratio, 3), unit="ratio", target="≤ 0.05",
            met=ratio <= 0.05, runs=f"{runs} / {ctx.shared['build runs']}", subset=subset),
    ]


def fresh_copy(ctx: Context, source: str, target: str) -> None:
    shutil.rmtree(ctx.scratch / target, ignore_errors=True)
    shutil.copytree(ctx.scratch / source, ctx.scratch / target)


def latency_rows(retriever, queries: list[str], label: str) -> list[dict]:
    for q in queries[:3]:
        retriever.search(q, k=10, mode="hybrid")
    ms = [1000 * timed(lambda q=q: retriever.search(q, k=10, mode="hybrid"))[0] for q in queries]
    subset = f"{label}; {len(queries)} queries, each timed once"
    return [row(f"hybrid query p{p}, {label.split(';')[0]}", round(percentile(ms, p), 1), unit="ms",
                runs=len(queries), subset=subset) for p in (50, 95)]


def india_retriever(ctx: Context, embedder):
    """A MiniLM index of the india pack (build untimed; quick: cases only) and English queries:
    Constitution article titles (quick: case names)."""
    quick = ctx.quick
    from assistant.corpus.packs import load_pack
    from assistant.index import open_index
    from assistant.ingest import corpus_hashes
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    docs = [d for d in load_pack("india") if not (quick and d.kind == "statute")]
    passages = passages_of(docs, embedder)
    build(ctx, "speed-india", passages, embedder, corpus_hashes(docs))
    titles = sorted({u.heading for d in docs for u in d.units if u.heading and d.kind == "statute"}
                    or {d.title for d in docs})
    queries = random.Random(SEED).sample(titles, min(queries_for(ctx), len(titles)))
    retriever = Retriever(open_index(ctx.scratch / "speed-india"), embedder, Settings(k=10, embedder="minilm"))
    what = "case names" if quick else "Constitution article titles"
    return retriever, queries, f"india index (MiniLM, {len(passages)} passages); {what}"


def prc_retrievers(ctx: Context, embedder) -> list[tuple]:
    """The prc indexes left by the retrieval benchmark, else the speed corpus index, with LeCoQA questions."""
    shared = sorted((name, value) for name, value in ctx.shared.items() if name.startswith("prc-"))
    found = [(r, qs, f"prc index ({name.split('-')[1]}, {r.index.count} passages); LeCoQA questions")
             for name, (r, qs) in shared]
    if found:
        return [(r, random.Random(SEED).sample(qs, min(queries_for(ctx), len(qs))), label) for r, qs, label in found]
    from assistant.index import open_index
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from bench.retrieval import all_question_texts

    queries = random.Random(SEED).sample(all_question_texts(), queries_for(ctx))
    laws = len(ctx.shared["speed-docs"])
    return [(Retriever(open_index(ctx.scratch / "speed-full"), embedder, Settings(k=10, embedder="minilm")),
             queries, f"prc speed corpus index (MiniLM, {laws} law versions); LeCoQA questions")]


def queries_for(ctx: Context) -> int:
    return 20 if ctx.quick else QUERIES


def run(ctx: Context) -> list[dict]:
    from assistant.embed import get_embedder

    embedder = get_embedder("minilm")
    docs, subset = speed_docs(ctx.quick)
    ctx.shared["speed-docs"] = docs
    ctx.shared["build runs"] = runs = 1  # a ratio within one run: the CPU is shared and slow (see notes)
    rows, full_s = build_ratio(ctx, docs, passages_of(docs, embedder), embedder, runs, subset)
    rows += update_ratio(ctx, docs, embedder, full_s, 3, subset)
    for retriever, queries, label in [india_retriever(ctx, embedder), *prc_retrievers(ctx, embedder)]:
        rows += latency_rows(retriever, queries, label)
    return rows


def chart(rows: list[dict], out: Path) -> list[Path]:
    """Left: passages/s of raw encode vs build_index; right: hybrid query p50/p95 per index."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    rate = [r for r in rows if r["unit"] == "passages/s"]
    left.bar([r["measure"].split(" (")[0] for r in rate], [r["value"] for r in rate], color=["grey", "tab:blue"])
    left.set_ylabel("passages/s (median)")
    left.set_title("MiniLM: raw encode vs build_index", fontsize=9)
    lat = [r for r in rows if r["unit"] == "ms"]
    right.barh([r["measure"].replace("hybrid query ", "") for r in lat], [r["value"] for r in lat])
    right.set_xlabel("ms per query")
    right.set_title("hybrid query latency", fontsize=9)
    right.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    path = out / "speed.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


BENCHMARK = Benchmark(name="speed", title="Speed: index build, incremental update, query latency",
                      run=run, chart=chart, notes=__doc__.split("Run:")[0].split("\n", 2)[2])
