"""Load: concurrent `ask` calls (threads) against one Assistant, hashing-embedder index, scripted generator.

Measures the pipeline's own overhead under contention (retrieval, prompt, citation check, audit line),
not a language model: p50 / p95 / max latency per ask and throughput, for 1, 5 and 20 threads.
Run: .venv/bin/python -m bench.load [--passages N] [--asks N]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench import Benchmark, Context, row

SUBJECTS = ["personal liberty", "freedom of speech", "equality before the law", "free education", "wages",
            "trial period", "labour contract", "privacy", "property", "assembly"]


def make_assistant(folder: Path, n_passages: int = 500):
    """An Assistant over `n_passages` synthetic statute passages at folder/idx (built here)."""
    import hashlib

    from assistant.embed.hashing import HashingEmbedder
    from assistant.generate.scripted import ScriptedGenerator, quote_first_passage
    from assistant.index import build_index, open_index
    from assistant.pipeline import Assistant
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from assistant.types import Passage

    def passage(i: int) -> Passage:
        text = f"Article {i}. Every person has the right to {SUBJECTS[i % 10]}; the State shall protect it (rule {i})."
        return Passage(id=hashlib.sha256(text.encode()).hexdigest()[:24], doc_id=f"law{i // 50}", text=text,
                       cite=f"Load Act, Art. {i}", path=("Load Act", f"Art. {i}"), kind="statute",
                       jurisdiction="IN", language="en", title="Load Act", ordinal=i % 50)

    embedder = HashingEmbedder()
    build_index(folder / "idx", [passage(i) for i in range(n_passages)], embedder)
    settings = Settings(home=folder, index="idx", embedder="hashing", model="scripted")
    retriever = Retriever(open_index(folder / "idx"), embedder, settings)
    return Assistant(settings, retriever, ScriptedGenerator(quote_first_passage))


def questions(n: int) -> list[str]:
    return [f"What does Article {i} say about the right to {SUBJECTS[i % 10]}?" for i in range(n)]


def concurrent_asks(assistant, asked: list[str], threads: int):
    """Ask every question from `threads` threads started together: (answers by question, seconds per ask,
    errors, wall seconds)."""
    answers, latencies, errors, lock = {}, [], [], threading.Lock()
    chunks = [asked[i::threads] for i in range(threads)]
    start = threading.Barrier(threads)

    def worker(mine: list[str]) -> None:
        start.wait()
        for q in mine:
            began = time.perf_counter()
            try:
                answer = assistant.ask(q)
            except Exception as exc:  # counted, not raised: the caller decides
                with lock:
                    errors.append(f"{q}: {exc!r}")
                continue
            with lock:
                latencies.append(time.perf_counter() - began)
                answers[q] = answer

    pool = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    began = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return answers, latencies, errors, time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(n_passages: int = 500, asks: int = 100, thread_counts=(1, 5, 20)) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        assistant = make_assistant(Path(tmp), n_passages)
        assistant.ask("warm-up question about personal liberty")
        for threads in thread_counts:
            answers, lat, errors, wall = concurrent_asks(assistant, questions(asks), threads)
            subset = f"{threads} threads, {asks} asks, {n_passages} passages"
            ms = [x * 1000 for x in lat]
            rows += [row("ask latency p50", round(statistics.median(ms), 1), runs=len(ms), unit="ms", subset=subset),
                     row("ask latency p95", round(percentile(ms, 0.95), 1), runs=len(ms), unit="ms", subset=subset),
                     row("ask latency max", round(max(ms), 1), runs=len(ms), unit="ms", subset=subset),
                     row("throughput", round(len(lat) / wall, 1), runs=1, unit="asks/s", subset=subset),
                     row("errors", len(errors), runs=asks, target="0", met=not errors, subset=subset)]
    return rows


def run(ctx: Context) -> list[dict]:
    return measure(asks=40 if ctx.quick else 100)


BENCHMARK = Benchmark(name="load", title="Load: concurrent asks on one Assistant", run=run,
                      notes=__doc__.split("Run:")[0].split("\n", 2)[2])


def table(rows: list[dict]) -> str:
    lines = ["| measure | value | unit | runs | subset |", "|---|---|---|---|---|"]
    lines += [f"| {r['measure']} | {r['value']} | {r['unit']} | {r['runs']} | {r['subset']} |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=500)
    parser.add_argument("--asks", type=int, default=100)
    args = parser.parse_args()
    print(table(measure(args.passages, args.asks)))
