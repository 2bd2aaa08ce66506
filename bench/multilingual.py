"""Multilingual checks: English questions over the Chinese `prc` pack (cross-lingual), and KoBLEX's
Korean questions over the opt-in `korea` pack (skipped, with the reason, when that pack is not installed).

Cross-lingual: 10 English questions written for this project (bench/data/prc_english_questions.jsonl),
each with one gold article of the PRC Civil Code (民法典); the index is the Civil Code with the e5
embedder (the default for Chinese). recall@k = share of questions whose gold article is in the top k.
Quick mode: 4 questions over every 5th article plus the gold ones.

KoBLEX (`../shared/data/koblex/koblex.jsonl`, 226 expert-checked questions with 1-3 gold statute
articles each; CC BY-NC, evaluation only): the query is the fact background plus the question; the
index holds the korea pack's statutes that KoBLEX cites, with e5; recall@10 = share of gold articles
(law title + 제N조, 제N조의M) in the top 10. Quick mode: the first 20 questions.
Run: .venv/bin/python -m bench --only multilingual
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from bench import BENCH_DIR, Benchmark, Context, row

QUESTIONS = BENCH_DIR / "data" / "prc_english_questions.jsonl"
LAW = "中华人民共和国民法典"
KOBLEX = Path("../shared/data/koblex/koblex.jsonl")  # relative to the repo root, never copied in
_KOBLEX_GOLD = re.compile(r"^(.+?)\s+(\d+)조(?:\s+(\d+))?(?=\s|$)")


def civil_code_retriever(ctx: Context, questions: list[dict]):
    """A Retriever over the Civil Code with e5 (built under the scratch folder once). Quick mode indexes
    every 5th article plus the questions' gold ones (a build of ~4 minutes here becomes ~1)."""
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.ingest import to_passages
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    settings = Settings(home=ctx.scratch, index="civil-code-e5", embedder="e5")  # not retrieval's prc-e5
    embedder = get_embedder("e5")
    try:
        index = open_index(settings.index_dir(), "e5")
    except Exception:  # not built yet, or built by an older format: build it
        from assistant.corpus.packs import load_pack
        from assistant.index import build_index

        docs = list(load_pack("prc", laws=[LAW]))
        if ctx.quick:
            docs = [sampled(d, {q["gold"] for q in questions}) for d in docs]
        build_index(settings.index_dir(), to_passages(docs, embedder, settings), embedder)
        index = open_index(settings.index_dir(), "e5")
    return Retriever(index, embedder, settings)


def sampled(doc, keep: set[str], every: int = 5):
    """The document with every `every`-th unit and the units labelled in `keep`."""
    from dataclasses import replace

    return replace(doc, units=tuple(u for i, u in enumerate(doc.units) if i % every == 0 or u.label in keep))


def recall_rows(retriever, questions: list[dict], subset: str) -> list[dict]:
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
                            unit="%", runs=1, subset=f"{len(ranks)} English questions, {subset}, e5"))
    return rows


def law_key(title: str) -> str:
    """A statute title compared without spaces or a trailing bracketed note: "상법 (법률 제1호)" -> "상법"."""
    return re.sub(r"\s+", "", re.split(r"[(\[（]", title, maxsplit=1)[0])


def koblex_gold(index: str) -> tuple[str, str]:
    """KoBLEX's `index` -> (law key, article label): "상법 814조  운송인의…" -> ("상법", "제814조");
    "민법 864조 2 …" (article 864-2) -> ("민법", "제864조의2")."""
    match = _KOBLEX_GOLD.match(index.strip())
    if not match:
        raise ValueError(f"unreadable KoBLEX provision {index!r}")
    law, number, branch = match.groups()
    return law_key(law), f"제{number}조" + (f"의{branch}" if branch else "")


def load_koblex(path: Path = KOBLEX) -> list[dict]:
    """{"query": background + question, "gold": {(law, article), ...}} per KoBLEX question."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"query": f"{r.get('background', '').strip()}\n{r['question'].strip()}".strip(),
             "gold": {koblex_gold(c["index"]) for c in r["contexts"]}} for r in records]


def passage_key(passage) -> tuple[str, str]:
    return law_key(passage.title), passage.path[-1] if passage.path else ""


def koblex_recall(search, questions: list[dict], k: int = 10) -> tuple[int, int]:
    """(gold articles found in the top k, gold articles); `search(query, k)` returns Hits."""
    found = total = 0
    for q in questions:
        keys = {passage_key(h.passage) for h in search(q["query"], k)}
        found += len(q["gold"] & keys)
        total += len(q["gold"])
    return found, total


def korea_retriever(ctx: Context, laws: set[str]):
    """A Retriever over the korea pack's statutes whose title KoBLEX cites (e5, built once)."""
    from assistant.corpus.packs import load_pack
    from assistant.embed import get_embedder
    from assistant.index import build_index, open_index
    from assistant.ingest import to_passages
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    settings = Settings(home=ctx.scratch, index="koblex-e5", embedder="e5")
    embedder = get_embedder("e5")
    try:
        index = open_index(settings.index_dir(), "e5")
    except Exception:  # not built yet
        docs = [d for d in load_pack("korea") if d.kind == "statute" and law_key(d.title) in laws]
        if not docs:
            return None
        build_index(settings.index_dir(), to_passages(docs, embedder, settings), embedder)
        index = open_index(settings.index_dir(), "e5")
    return Retriever(index, embedder, settings)


def korean_rows(ctx: Context) -> list[dict]:
    from assistant.corpus.packs import PACKS, check_installed
    from assistant.errors import AssistantError

    try:
        check_installed(PACKS["korea"])
    except AssistantError as missing:
        return [row("KoBLEX over the korea pack", "skipped", runs=0, subset=str(missing).splitlines()[0])]
    questions = load_koblex()[: 20 if ctx.quick else None]
    retriever = korea_retriever(ctx, {law for q in questions for law, _ in q["gold"]})
    if retriever is None:
        return [row("KoBLEX over the korea pack", "skipped", runs=0,
                    subset="the installed korea pack has none of the statutes KoBLEX cites")]
    rows = []
    for mode in ("dense", "hybrid"):
        found, total = koblex_recall(lambda query, k: retriever.search(query, k=k, mode=mode), questions)
        rows.append(row(f"KoBLEX recall@10 ({mode})", round(100 * found / total, 1), unit="%", runs=1,
                        subset=f"{len(questions)} questions, {total} gold articles, korea pack statutes, e5"))
    return rows


def run(ctx: Context) -> list[dict]:
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = questions[: 4 if ctx.quick else None]
    subset = "every 5th article of the PRC Civil Code + the gold ones" if ctx.quick else "PRC Civil Code"
    return recall_rows(civil_code_retriever(ctx, questions), questions, subset) + korean_rows(ctx)


BENCHMARK = Benchmark(name="multilingual", title="Multilingual: English questions over PRC law; KoBLEX",
                      run=run, notes=__doc__.split("Run:")[0].split("\n", 2)[2])
