"""Abstention before generation: the similarity floor should let questions the index covers through to
the model and stop questions it does not cover, on real LeCoQA questions over a real prc index.

Index: e5 over one law (full run: the 民法典; quick: 劳动合同法, the retrieval section's quick index,
reused from that section when it ran in the same invocation). Covered: a seeded sample of the held-out
questions (held out from the query adapter's training) whose gold lies only in that law. Not covered:
held-out questions citing none of the indexed law's articles (criminal law, trademarks, labour law, ...).
A question passes when the best dense score among its hybrid top-5 hits (the app's default k) reaches the floor.

Run:  .venv/bin/python -m bench --only abstention [--quick]
"""
from __future__ import annotations

import random

import numpy as np

from bench import Benchmark, Context, machine
from bench.retrieval import ARTICLE, CIVIL_CODE, QUICK, SEED, Plan, choose, cited_titles, pack_articles, read_questions

UNCOVERED = {True: 40, False: 200}  # quick / full: how many not-covered questions to sample
NAME = "abstention-e5"  # its own scratch index: the full retrieval run's prc-e5 holds 37 laws
PLANS = {True: next(p for p in QUICK if p.embedder == "e5"), False: Plan("e5", 200, within=(CIVIL_CODE,))}


def retrievers(ctx: Context, plan, pool, all_docs):
    """(plain e5 retriever, adapted retriever or None, covered questions) over the plan's index."""
    from assistant.embed import get_embedder, query_adapter
    from assistant.retrieve import Retriever
    from bench.retrieval import build_project

    covered = choose(pool, plan.questions, plan.within)
    titles = set(cited_titles(covered, all_docs))
    found = ctx.shared.get("prc-e5", (None,))[0]
    if found is not None and {p.title for p in found.index.get(found.index.all_ids())} == titles:
        plain = Retriever(found.index, found.embedder, found.settings)
    elif (left := left_by_retrieval(ctx, titles)) is not None:
        plain = left
    else:
        from assistant.corpus.packs import load_pack

        docs = list(load_pack("prc", laws=sorted(titles)))
        plain, _, _ = build_project(ctx, NAME, docs, get_embedder("e5"), "prc")
    adapter = query_adapter.resolve("auto", plain.embedder, plain.index.manifest)
    adapted = Retriever(plain.index, plain.embedder, plain.settings, adapter) if adapter else None
    return plain, adapted, covered


def left_by_retrieval(ctx: Context, titles: set[str]):
    """A scratch index an earlier run left (retrieval's or this section's own), if it holds exactly these laws."""
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    for name in ("prc-e5", NAME):
        try:
            index = open_index(ctx.scratch / name, "e5")
        except Exception:  # missing, stale or built by other code: try the next, else rebuild
            continue
        if {p.title for p in index.get(index.all_ids())} == titles and "language" in index.manifest:
            return Retriever(index, get_embedder("e5"), Settings(home=ctx.scratch, k=10, embedder="e5"))
    return None


def best_scores(retriever, texts: list[str]) -> np.ndarray:
    """Each question's best dense score among its hybrid top-k hits (k = the app's default), as the app checks it."""
    from assistant.settings import Settings

    hits = retriever.search_many(texts, k=Settings().k, mode="hybrid")
    return np.array([max((h.dense for h in row if h.dense is not None), default=-1.0) for row in hits])


def calibrated_floor(retriever, questions, percentile: float) -> float:
    """The adapter's calibration rule applied to plain e5: that percentile of training questions' best score."""
    return float(np.percentile(best_scores(retriever, [q.text for q in questions]), percentile))


def run(ctx: Context) -> list[dict]:
    from assistant.corpus.packs import load_pack
    from assistant.settings import Settings
    from assistant.train.query_adapter import FLOOR_PERCENTILE

    plan = PLANS[ctx.quick]
    all_docs = list(load_pack("prc"))
    everyone = read_questions(pack_articles(all_docs))
    pool = read_questions(pack_articles(all_docs), held=True)
    plain, adapted, covered = retrievers(ctx, plan, pool, all_docs)
    laws = set(plan.within)
    outside = [q for q in pool if not {ARTICLE.sub("", g) for g in q.gold} & laws]
    uncovered = sorted(random.Random(SEED).sample(outside, min(UNCOVERED[ctx.quick], len(outside))), key=lambda q: q.qid)
    ctx.log(f"abstention: {len(covered)} covered, {len(uncovered)} not covered (of {len(outside)})")
    floors = [("e5, min_dense_score (default setting)", plain, Settings().min_dense_score)]
    if adapted is not None:
        taught = set(adapted.query_adapter.card["data"]["training_query_ids"])
        inside = [q for q in everyone if q.qid in taught and {ARTICLE.sub("", g) for g in q.gold} <= laws]
        floors.append((f"e5, floor calibrated like the adapter's ({len(inside)} training questions)", plain,
                       calibrated_floor(plain, inside, FLOOR_PERCENTILE)))
        floors.append(("e5 + query adapter, its min_score", adapted, adapted.query_adapter.card["min_score"]))
    subset = (f"{plan.within[0]} index ({plain.index.count} passages); {len(covered)} covered held-out questions, "
              f"{len(uncovered)} held-out questions citing none of its articles (seed {SEED})")
    rows = []
    for label, retriever, floor in floors:
        passed = best_scores(retriever, [q.text for q in covered]) >= floor
        stopped = best_scores(retriever, [q.text for q in uncovered]) < floor
        figures = {"covered questions passed to the model": 100 * passed.mean(),
                   "not-covered questions stopped before the model": 100 * stopped.mean(),
                   "balanced accuracy": 50 * (passed.mean() + stopped.mean())}
        for measure, value in figures.items():
            rows.append({"floor": label, "floor value": round(floor, 4), "measure": measure,
                         "value": round(value, 1), "unit": "%", "runs": 1, "subset": subset, "machine": machine()})
    return rows


BENCHMARK = Benchmark(
    name="abstention",
    title="Abstention before generation: covered vs not-covered questions",
    run=run,
    notes="""
The assistant refuses without calling the model when the best passage's dense similarity is below a floor
(assistant/pipeline.py). This measures that floor on real questions over an e5 index of one law
(full run: the 民法典; quick: 劳动合同法). Covered: a seeded sample of 200 held-out questions (held out
from the query adapter's training) whose gold lies only in the indexed law; the model should be asked. Not covered:
a seeded sample of held-out questions that cite none of the indexed law's articles (criminal law,
trademarks, labour law, ...); the assistant should stop. Some of those may still be partly answerable from
the indexed law, so "stopped" is a lower bound of the right behaviour, not an exact one.
Floors: the default `min_dense_score` with plain e5 (e5 similarities sit between about 0.7 and 0.95, so
a floor made for MiniLM stops nothing), plain e5 with a floor calibrated by the adapter's own rule (the 5th
percentile of the training questions' best score on this index), and the query adapter with the
`min_score` its card carries, which the app uses when the adapter is on (the same percentile on its
training corpus, each question scored by an adapter fitted without it: out-of-fold, so the floor is not
set by questions the adapter has memorised).
""",
)
