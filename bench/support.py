"""Serving checker agreement: what `assistant.verify` serves vs hand labels of answer sentences.

Data: bench/data/support_labels.jsonl, one answer sentence per line, written and labelled by hand against
real India-pack passages (`cites`: pinpoint cites of the passages its [1], [2] markers name, resolved
through `load_pack("india")` + `chunk`; the first passage with that cite, or the one holding `contains`).
Labelling guide: "supported" = every claim is stated or directly entailed by the cited passages;
"partly" = some claims are, at least one is not (an added detail, an over-generalisation, one wrong
element beside right ones); "unsupported" = the passages do not state the claim or contradict it.
s078-s087 are negation flips of real provisions and faithful restatements of them (s085 and s086 are
real answers of the 0.5B model, which word overlap alone passes; s086-s087 open with "No," / "Yes,").

Each sentence goes through `assistant.verify.check_sentence` against the passages it cites, as in the app.
Measures: served share per hand label. The one that must be 0 is "unsupported served"; "partly served"
is an over-generalised sentence let through; "supported served" is the price paid in answer rate.

Run:  .venv/bin/python -m bench.support
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import Benchmark, Context, register, row

LABELS_FILE = Path(__file__).resolve().parent / "data" / "support_labels.jsonl"
CLASSES = ("unsupported", "partly", "supported")


def load_labels(path: Path = LABELS_FILE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def india_passages() -> dict[str, list]:
    """Passages of the india pack by cite, in document order."""
    from assistant.chunking import chunk
    from assistant.corpus import load_pack

    by_cite: dict[str, list] = {}
    for doc in load_pack("india"):
        for p in chunk(doc):
            by_cite.setdefault(p.cite, []).append(p)
    return by_cite


def hits_for(item: dict, by_cite: dict[str, list]) -> list:
    from assistant.types import Hit

    found = []
    for cite in item["cites"]:
        choices = by_cite[cite]
        wanted = item.get("contains")
        found.append(next((p for p in choices if wanted and wanted in p.text), choices[0]))
    return [Hit(p, 1.0) for p in found]


def served(items: list[dict]) -> list[bool]:
    """Whether the app would serve each sentence, checked against the passages it cites."""
    from assistant.verify import check_sentence

    by_cite = india_passages()
    return [check_sentence(item["sentence"], hits_for(item, by_cite), set()).served for item in items]


def run(ctx: Context | None = None) -> list[dict]:
    items = load_labels()
    verdicts = served(items)
    rows = []
    for label in CLASSES:
        chosen = [ok for ok, item in zip(verdicts, items) if item["label"] == label]
        subset = f"{len(chosen)} of {len(items)} hand-labelled sentences (india pack)"
        rows.append(row(f"{label} sentences served", f"{sum(chosen)}/{len(chosen)}", runs=1, subset=subset))
    return rows


def print_table(rows: list[dict]) -> None:
    width = max(len(r["measure"]) for r in rows)
    print(f"{'measure':<{width}}  value")
    for r in rows:
        print(f"{r['measure']:<{width}}  {r['value']}  ({r['subset']})")


BENCHMARK = register(Benchmark(
    "support", "Serving checker vs hand labels", lambda ctx: run(ctx),
    notes="What `assistant.verify` serves (anchored span, same polarity) per hand label (supported / partly / "
          "unsupported) of answer sentences against India-pack passages; s078-s087 are negation flips of real "
          "provisions and faithful restatements of them. Unsupported served must be 0.",
))


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    print_table(run())


if __name__ == "__main__":
    main()
