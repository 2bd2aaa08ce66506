"""Run the benchmarks and write RESULTS.md + PNG charts.

    .venv/bin/python -m bench                 # full run -> bench/RESULTS.md, bench/*.png
    .venv/bin/python -m bench --quick         # small subsets -> bench/out/quick/
    (--quick, every section, from an empty bench/out/: 375 s on this 2-core CPU, otherwise idle, 2026-12-03)
    .venv/bin/python -m bench --only speed    # one section; the others are kept from their last run
    .venv/bin/python -m bench --render        # re-assemble RESULTS.md from the stored sections only
    nohup .venv/bin/python -m bench > runs/bench.log 2>&1 &

Sections come from the modules in MODULES that exist, each exposing `BENCHMARK` (a bench.Benchmark);
a module not written yet shows as pending. Each section's rows are stored under <out>/sections/ as JSON.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import BENCH_DIR, BENCHMARKS, Context, load_average, machine, register

MODULES = {
    "faithful": "bench.faithful",  # issue #21: what the default serves on 130 labelled questions
    "retrieval": "bench.retrieval",
    "retrieval-packs": "bench.retrieval_packs",  # india, eu, taiwan: the project's own questions with gold pinpoints
    "abstention": "bench.abstention",  # the similarity floor: covered questions pass, others stop
    "speed": "bench.speed",
    "latency": "bench.latency",  # issue #25: hybrid query latency on the full prc pack, BM25 before/after
    "scale": "bench.scale",  # Ray build, ANN recall, memory per million passages
    "support": "bench.support",  # support checker vs hand labels
    "load": "bench.load",  # concurrent asks on one Assistant
    "tuning": "bench.tuning",  # issue #4: zero-shot / few-shot / LoRA / P-tuning on the LeCoQA dev split
    "answers": "bench.answers",  # issue #9: ROUGE-L / token F1 / citation precision / refusal accuracy
    "generation": "bench.generation",  # issue #9: time to first token, tokens/s, peak RSS
    "lora-engines": "bench.lora_engines",  # issue #22: the LoRA adapter under llama.cpp vs peft, greedy agreement
    "multilingual": "bench.multilingual",  # English questions over PRC law; KoBLEX when korea is installed
    "pinpoints": "bench.pinpoints",  # issue #24: pinpoint accuracy per numbering system, find by citation
}


def discover() -> list[str]:
    """Register the BENCHMARK of every module that exists; return the names still pending."""
    pending = []
    for name, module in MODULES.items():
        try:
            register(importlib.import_module(module).BENCHMARK)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            pending.append(name)
    return pending


def log(message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {message}", flush=True)


def run_one(name: str, ctx: Context, out: Path, run_id: str) -> None:
    bench, load = BENCHMARKS[name], load_average()
    log(f"{name}: start (load average {load})")
    start = time.perf_counter()
    rows = bench.run(ctx)
    log(f"{name}: rows " + json.dumps(rows, ensure_ascii=False))
    seconds = time.perf_counter() - start
    (out / "sections").mkdir(parents=True, exist_ok=True)
    charts = [p.name for p in bench.chart(rows, out)] if bench.chart and rows else []
    section = {"name": name, "title": bench.title, "notes": bench.notes, "rows": rows, "charts": charts,
               "mode": "quick" if ctx.quick else "full", "seconds": round(seconds),
               "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"), "load_average": load,
               "run": run_id}
    (out / "sections" / f"{name}.json").write_text(json.dumps(section, ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"{name}: done in {seconds:.0f} s")


def table(rows: list[dict]) -> list[str]:
    """Markdown table over the union of the rows' keys, in first-seen order."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    return lines + ["| " + " | ".join(cell(r.get(k, "")) for k in keys) + " |" for r in rows]


def section_text(section: dict) -> list[str]:
    head = [f"## {section['title']}", "", section["notes"].strip(), "",
            f"_{section['mode']} run, finished {section['finished']}, took {section['seconds']} s; "
            f"load average at start {section['load_average']}._", ""]
    return head + table(section["rows"]) + [""] + [f"![{c}]({c})" for c in section["charts"]] + [""]


def provenance(sections: list[dict]) -> str:
    """One line saying which invocations of `python -m bench` the stored sections come from."""
    runs: dict[str, list[dict]] = {}
    for s in sections:
        runs.setdefault(s.get("run", "an unrecorded run"), []).append(s)
    if len(runs) == 1 and "an unrecorded run" not in runs:
        (started, group), = runs.items()
        modes = "/".join(sorted({s["mode"] for s in group}))
        return (f"Provenance: every section below comes from one {modes} run of `python -m bench`, "
                f"started {started}, {sum(s['seconds'] for s in group) / 60:.0f} min of measuring in all.")
    parts = [f"{', '.join(s['name'] for s in group)} from {started}" for started, group in sorted(runs.items())]
    count = f"{len(runs)} run{'s' if len(runs) > 1 else ''}"
    return f"Provenance: the sections below come from {count} of `python -m bench`: " + "; ".join(parts) + "."


def write_results(out: Path, pending: list[str]) -> Path:
    stored = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "sections").glob("*.json"))}
    lines = ["# Benchmark results", "",
             "Written by `.venv/bin/python -m bench` (see bench/__main__.py); do not edit by hand.",
             f"Machine: {machine()}. Timings are medians of the stated runs or ratios within one run.",
             provenance(list(stored.values())) if stored else "No section has been measured yet.", ""]
    for name in MODULES:
        if name in stored:
            lines += section_text(stored[name])
        elif name in pending:
            lines += [f"## {name}: not measured yet", "", f"Pending: add `{MODULES[name]}` with a `BENCHMARK`.", ""]
    target = out / "RESULTS.md"
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small subsets, < 10 minutes")
    parser.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
    parser.add_argument("--render", action="store_true", help="only re-assemble RESULTS.md from stored sections")
    parser.add_argument("--out", type=Path, help="where RESULTS.md, charts and sections go "
                        "(default: bench/ for a full run, bench/out/quick/ for --quick)")
    args = parser.parse_args(argv)
    pending = discover()
    names = [] if args.render else args.only or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    out = args.out or (BENCH_DIR / "out" / "quick" if args.quick else BENCH_DIR)
    ctx = Context(quick=args.quick, scratch=BENCH_DIR / "out" / ("scratch-quick" if args.quick else "scratch"), log=log)
    ctx.scratch.mkdir(parents=True, exist_ok=True)
    start, run_id = time.perf_counter(), datetime.now(timezone.utc).isoformat(timespec="seconds")
    for name in names:
        run_one(name, ctx, out, run_id)
    log(f"wrote {write_results(out, pending)} after {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
