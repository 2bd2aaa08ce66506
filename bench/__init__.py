"""Benchmarks for the legal research assistant: retrieval quality, speed, (later) answers.

Run:  .venv/bin/python -m bench [--quick] [--only NAME] [--out DIR]

Each benchmark is a function `run(ctx) -> list[dict]` registered here under a name; every row says
the machine and how many runs its figure comes from. `bench/__main__.py` stores each section's rows
as JSON and assembles RESULTS.md (and the PNG charts) from every stored section, so `--only NAME`
refreshes one section and keeps the others. Other modules add sections with `register(...)`.
"""
from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
LECOQA = Path("../shared/data/lecoqa-train/train.json")  # relative to the repo root, never copied in


@dataclass
class Context:
    """What every benchmark receives: the mode, a scratch folder for indexes and a log function."""

    quick: bool
    scratch: Path
    log: Callable[[str], None] = print
    shared: dict = field(default_factory=dict)  # heavy things built once and reused across benchmarks


@dataclass
class Benchmark:
    name: str
    title: str
    run: Callable[[Context], list[dict]]
    notes: str = ""  # markdown: what is measured, how, which subsets
    chart: Callable[[list[dict], Path], list[Path]] | None = None


BENCHMARKS: dict[str, Benchmark] = {}


def register(benchmark: Benchmark) -> Benchmark:
    BENCHMARKS[benchmark.name] = benchmark
    return benchmark


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """'2 × AMD EPYC' style label written into every row."""
    return f"{os.cpu_count()} × {cpu_model()}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Wall-clock seconds of one call and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median(values: list[float]) -> float:
    return statistics.median(values)


def row(measure: str, value, *, runs: int, unit: str = "", target: str = "", met: bool | None = None,
        subset: str = "", **extra) -> dict:
    """One result row; every row carries the machine and the number of runs."""
    return {"measure": measure, "value": value, "unit": unit, "target": target,
            "met": "" if met is None else ("yes" if met else "no"), "runs": runs, "subset": subset,
            "machine": machine(), **extra}
