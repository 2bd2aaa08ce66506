"""Multilingual checks: English questions over the Chinese `prc` pack (cross-lingual), and KoBLEX's
Korean questions over the opt-in `korea` pack (skipped, with the reason, when that pack is not installed).

Cross-lingual: 10 English questions written for this project (bench/data/prc_english_questions.jsonl),
each with one gold article of the PRC Civil Code (民法典); the index is the Civil Code with the e5
embedder (the default for Chinese). recall@k = share of questions whose gold article is in the top k.
Run: .venv/bin/python -m bench --only multilingual
"""
from __future__ import annotations

import json
from pathlib import Path

from bench import BENCH_DIR, Benchmark, Context, row

QUESTIONS = BENCH_DIR / "data" / "prc_english_questions.jsonl"
LAW = "中华人民共和国民法典"


def civil_code_retriever(ctx: Context):
    """A Retriever over the Civil Code with e5 (built under the scratch folder once)."""
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.ingest import to_passages
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    settings = Settings(home=ctx.scratch, index="prc-e5", embedder="e5")
    embedder = get_embedder("e5")
    try:
        index = open_index(settings.index_dir(), "e5")
    except Exception:  # not built yet, or built by an older format: build it
        from assistant.corpus.packs import load_pack
        from assistant.index import build_index

        docs = list(load_pack("prc", laws=[LAW]))
        build_index(settings.index_dir(), to_passages(docs, embedder, settings), embedder)
        index = open_index(settings.index_dir(), "e5")
    return Retriever(index, embedder, settings)


def recall_rows(retriever, questions: list[dict]) -> list[dict]:
    rows = []
    for mode in ("dense", "lexical", "hybrid"):
        ranks = []
        for q in questions:
            hits = retriever.search(q["question"], k=10, mode=mode)
            labels = [h.passage.cite.split(" ")[-1] for h in hits]
            ranks.append(labels.index(q["gold"]) + 1 if q["gold"] in labels else None)
        for k in (1, 5, 10):
            found = sum(r is not None and r <= k for r in ranks)
            rows.append(row(f"cross-lingual EN→ZH recall@{k} ({mode})", round(100 * found / len(ranks), 1),
                            unit="%", runs=1, subset=f"{len(ranks)} English questions, PRC Civil Code, e5"))
    return rows


def korean_rows() -> list[dict]:
    from assistant.corpus.packs import PACKS, check_installed
    from assistant.errors import AssistantError

    try:
        check_installed(PACKS["korea"])
    except AssistantError as missing:
        return [row("KoBLEX over the korea pack", "skipped", runs=0, subset=str(missing).splitlines()[0])]
    return [row("KoBLEX over the korea pack", "not measured", runs=0,
                subset="korea pack installed, but this benchmark does not score KoBLEX yet")]


def run(ctx: Context) -> list[dict]:
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return recall_rows(civil_code_retriever(ctx), questions[: 4 if ctx.quick else None]) + korean_rows()


BENCHMARK = Benchmark(name="multilingual", title="Multilingual: English questions over PRC law; KoBLEX",
                      run=run, notes=__doc__.split("Run:")[0].split("\n", 2)[2])
