"""Support checker agreement: `assistant.support` labels vs hand labels of answer sentences.

Data: bench/data/support_labels.jsonl, one answer sentence per line, written and labelled by hand against
real India-pack passages (`cites`: pinpoint cites of the passages its [1], [2] markers name, resolved
through `load_pack("india")` + `chunk`; the first passage with that cite, or the one holding `contains`).
Labelling guide: "supported" = every claim is stated or directly entailed by the cited passages;
"partly" = some claims are, at least one is not (an added detail, an over-generalisation, one wrong
element beside right ones); "unsupported" = the passages do not state the claim or contradict it.

Measures, for the lexical-only checker and for lexical + MiniLM cosine:
- accuracy and Cohen's kappa (3 classes) of the shipped thresholds (`support.THRESHOLDS`);
- the same with thresholds re-fitted by leave-one-out (fit on n-1 sentences, label the held-out one):
  the shipped thresholds were fitted on s001-s077, so LOO is the honest estimate;
A sentence that says the opposite of its passage (`assistant.citations.contradicts`) is "unsupported"
whatever its score, as in the app. s078-s087 are negation flips of real provisions and faithful
restatements of them (s085 and s086 are real answers of the 0.5B model, which word overlap alone passes;
s086-s087 open with the answer word "No," / "Yes,").
- binary accuracy of "unsupported" vs the rest (what `apply_support` acts on).

Run:  .venv/bin/python -m bench.support [--no-minilm] [--calibrate]
"""
from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from bench import Benchmark, Context, register, row

LABELS_FILE = Path(__file__).resolve().parent / "data" / "support_labels.jsonl"
CLASSES = ("unsupported", "partly", "supported")
GRID = np.round(np.arange(0.0, 1.0001, 0.01), 2)


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


def components(items: list[dict], embedder=None) -> list[tuple[float, float | None, bool]]:
    """(lexical, dense, says the opposite of its passage) per sentence, computed once; thresholds are
    applied afterwards, and a contradicting sentence is unsupported whatever its score (as in the app)."""
    from assistant.citations import contradicts
    from assistant.support import claim_of, label_sentence

    by_cite = india_passages()
    out = []
    for item in items:
        hits = hits_for(item, by_cite)
        found = label_sentence(item["sentence"], hits, embedder)
        claim = claim_of(item["sentence"])
        out.append((found.lexical, found.dense, any(contradicts(claim, h.passage.text) for h in hits)))
    return out


def scores_of(parts: list[tuple[float, float | None, bool]], use_dense: bool) -> np.ndarray:
    from assistant.support import combined

    return np.array([-1.0 if opposite else combined(lx, dn if use_dense else None) for lx, dn, opposite in parts])


def predict(scores: np.ndarray, partly: float, supported: float) -> np.ndarray:
    return np.where(scores >= supported, 2, np.where(scores >= partly, 1, 0))


def kappa(truth: np.ndarray, pred: np.ndarray, k: int = 3) -> float:
    """Cohen's kappa: (observed - chance agreement) / (1 - chance agreement)."""
    observed = float(np.mean(truth == pred))
    chance = sum(float(np.mean(truth == c)) * float(np.mean(pred == c)) for c in range(k))
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


PAIRS = np.array(list(itertools.combinations_with_replacement(GRID, 2)))  # (partly, supported) candidates


def fit(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Thresholds (partly <= supported) maximising accuracy, then kappa (all pairs scored at once)."""
    pred = np.where(scores[None, :] >= PAIRS[:, 1:2], 2, np.where(scores[None, :] >= PAIRS[:, 0:1], 1, 0))
    accuracy = (pred == truth[None, :]).mean(axis=1)
    chance = sum((pred == c).mean(axis=1) * float(np.mean(truth == c)) for c in range(3))
    kappas = (accuracy - chance) / np.maximum(1 - chance, 1e-9)
    best = np.lexsort((kappas, accuracy))[-1]  # last key is primary
    return float(PAIRS[best, 0]), float(PAIRS[best, 1])


def leave_one_out(scores: np.ndarray, truth: np.ndarray) -> np.ndarray:
    pred = np.zeros_like(truth)
    for i in range(len(truth)):
        keep = np.arange(len(truth)) != i
        partly, supported = fit(scores[keep], truth[keep])
        pred[i] = predict(scores[i : i + 1], partly, supported)[0]
    return pred


def evaluate(name: str, scores: np.ndarray, truth: np.ndarray, shipped: tuple[float, float]) -> list[dict]:
    subset = f"{len(truth)} hand-labelled sentences (india pack)"
    rows = []
    for how, pred in (("shipped thresholds", predict(scores, *shipped)), ("leave-one-out", leave_one_out(scores, truth))):
        rows.append(row(f"{name}: accuracy ({how})", round(float(np.mean(pred == truth)), 3), runs=1, subset=subset))
        rows.append(row(f"{name}: Cohen's kappa ({how})", round(kappa(truth, pred), 3), runs=1, subset=subset))
        binary = float(np.mean((pred == 0) == (truth == 0)))
        rows.append(row(f"{name}: unsupported-vs-rest accuracy ({how})", round(binary, 3), runs=1, subset=subset))
    return rows


def run(ctx: Context | None = None, use_minilm: bool = True, calibrate: bool = False) -> list[dict]:
    from assistant.support import THRESHOLDS

    items = load_labels()
    truth = np.array([CLASSES.index(x["label"]) for x in items])
    embedder = None
    if use_minilm:
        from assistant.embed import get_embedder

        embedder = get_embedder("minilm")
    parts = components(items, embedder)
    rows = evaluate("lexical only", scores_of(parts, False), truth, THRESHOLDS["lexical"])
    if embedder is not None:
        rows += evaluate("lexical + MiniLM", scores_of(parts, True), truth, THRESHOLDS["embedding"])
    if calibrate:
        print("fitted lexical:", fit(scores_of(parts, False), truth))
        if embedder is not None:
            print("fitted embedding:", fit(scores_of(parts, True), truth))
        for item, (lx, dn) in zip(items, parts):
            print(f"{item['label']:<12} lex {lx:.2f} dense {dn if dn is None else round(dn, 2)}  {item['sentence'][:90]}")
    return rows


def print_table(rows: list[dict]) -> None:
    width = max(len(r["measure"]) for r in rows)
    print(f"{'measure':<{width}}  value")
    for r in rows:
        print(f"{r['measure']:<{width}}  {r['value']}")
    print(f"({rows[0]['subset']})")


BENCHMARK = register(Benchmark(
    "support", "Sentence support checker vs hand labels", lambda ctx: run(ctx),
    notes="Agreement of `assistant.support` (lexical; lexical + MiniLM cosine, plus the negation check) with "
          "hand labels (supported / partly / unsupported) of answer sentences against India-pack passages; "
          "s078-s087 are negation flips of real provisions and faithful restatements of them.",
))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-minilm", action="store_true", help="lexical checker only")
    parser.add_argument("--calibrate", action="store_true", help="also print thresholds fitted on all labels")
    args = parser.parse_args()
    rows = run(use_minilm=not args.no_minilm, calibrate=args.calibrate)
    print_table(rows)


if __name__ == "__main__":
    main()
