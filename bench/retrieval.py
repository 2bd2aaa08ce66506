"""Retrieval quality on LeCoQA-train against the `prc` pack: recall@5, recall@10 and MRR on gold
articles for dense-only, BM25-only (lexical), hybrid (RRF) and the plain LangChain baseline, per embedder.

Gold: a LeCoQA key such as `中华人民共和国民法典第九百六十七条` resolves when, with the prefix
`中华人民共和国` removed from both sides, law name + article number names an article of the pack (any
version of the law). Only resolved gold articles count; questions with none are left out. The index
holds every law (all versions) cited by the questions in the subset. A project passage is a hit for
a gold article when its law title and its article label (`第N条`) are the gold's; the baseline's
chunk rule is in bench/baselines.py.

Run:  .venv/bin/python -m bench --only retrieval [--quick]
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from assistant.corpus.prc import ARTICLE, law_key, passage_key
from assistant.train.data import frozen_test
from assistant.train.query_adapter import held_out, lecoqa_dev_ids
from bench import LECOQA, REPO_ROOT, Benchmark, Context, machine, timed
from bench.metrics import bootstrap_gap, recall_at_k, summarise

K = 10
SEED = 13
ADAPTED = ("dense + query adapter", "hybrid + query adapter")
BASE_METHODS = ("dense", "lexical", "hybrid", "langchain")
SAME_TEXT = "langchain, as much text as the default's top 10"  # a diagnostic row, not a target
UNSEEN = "gold in no training question"  # the label of the diagnostic subset


@dataclass(frozen=True)
class Question:
    qid: int
    text: str
    gold: frozenset[str]  # resolved keys: law (without prefix) + 第N条


def split_gold(key: str) -> tuple[str, str] | None:
    """`中华人民共和国民法典第五十四条` -> ("民法典", "第五十四条"); None without an article number."""
    match = ARTICLE.search(key.strip())
    return (law_key(key[: match.start()]), match.group()) if match else None


def read_questions(articles: set[tuple[str, str]], path: Path = LECOQA, held: bool = False) -> list[Question]:
    """LeCoQA questions with at least one gold article in `articles` ((law, 第N条) pairs); with `held`,
    only those the query adapter's training holds out (assistant/train/query_adapter.py)."""
    rows = json.loads((REPO_ROOT / path).read_text(encoding="utf-8"))
    dev_ids = lecoqa_dev_ids(REPO_ROOT / path) if held else set()
    out = []
    for r in rows:
        if held and not held_out(r["query_id"], dev_ids):
            continue
        gold = {"".join(g) for g in map(split_gold, r["match_name"]) if g and g in articles}
        if gold:
            out.append(Question(r["query_id"], r["问题"].strip(), frozenset(gold)))
    return out


def pack_articles(docs) -> set[tuple[str, str]]:
    return {(law_key(d.title), u.label) for d in docs for u in d.units if u.label}


def choose(questions: list[Question], n: int | None, within: tuple[str, ...] = ()) -> list[Question]:
    """A seeded sample of n questions (all when n is None); with `within`, only questions whose
    resolved gold articles all belong to those laws (names without the prefix)."""
    pool = [q for q in questions if not within or all(ARTICLE.sub("", g) in within for g in q.gold)]
    return pool if n is None or n >= len(pool) else sorted(random.Random(SEED).sample(pool, n), key=lambda q: q.qid)


def cited_titles(questions: list[Question], docs) -> list[str]:
    laws = {ARTICLE.sub("", g) for q in questions for g in q.gold}
    return sorted({d.title for d in docs if law_key(d.title) in laws})


@dataclass(frozen=True)
class Plan:
    """One embedder's run: how many questions (None: all), drawn from those whose gold lies `within`
    these laws (empty: any law); the index holds every law the drawn questions cite."""

    embedder: str
    questions: int | None
    within: tuple[str, ...] = ()


# The full run scores every held-out question over every law they cite (37 laws, 40 versions, 7,042
# passages; e5 embeds them in about 8 minutes here). Its diagnostic subset CIVIL_CODE is the questions whose
# gold lies only in 民法典, the law most questions cite alone (the full run's whole corpus before 2026-12-03).
FULL = (Plan("minilm", None), Plan("e5", None))
CIVIL_CODE = "民法典"
QUICK = (Plan("minilm", 10, within=("劳动合同法",)), Plan("e5", 10, within=("劳动合同法",)))


def project_rankings(retriever, questions: list[Question], mode: str) -> tuple[list[list[set[str]]], list[list[int]]]:
    """Gold keys covered by each hit, and each hit's length in characters."""
    hits = retriever.search_many([q.text for q in questions], k=K, mode=mode)
    ranking = [[{key} if (key := passage_key(h.passage)) else set() for h in row] for row in hits]
    return ranking, [[len(h.passage.text) for h in row] for row in hits]


def mean_chars(lengths: list[list[int]]) -> float:
    return sum(map(sum, lengths)) / max(len(lengths), 1)


def within_budget(ranking: list[list[set[str]]], lengths: list[list[int]], budgets: list[int]) -> list[list[set[str]]]:
    """Each question's ranking cut to the items whose running length stays within its budget (at least one)."""
    out = []
    for items, sizes, budget in zip(ranking, lengths, budgets):
        running = [sum(sizes[: i + 1]) for i in range(len(sizes))]
        out.append([c for c, total in zip(items, running) if total <= budget] or items[:1])
    return out


def baseline_rankings(store, docs, questions: list[Question]) -> tuple[list[list[set[str]]], list[list[int]]]:
    from bench.baselines import covers

    articles = {d.id: {u.label: u.text for u in d.units if u.label} for d in docs}
    titles = {d.id: law_key(d.title) for d in docs}

    def keys(chunk) -> set[str]:
        doc_id = chunk.metadata["doc_id"]
        return {titles[doc_id] + n for n in covers(chunk.page_content, articles[doc_id])}

    found = store.search_many([q.text for q in questions], K)
    return [[keys(c) for c in row] for row in found], [[len(c.page_content) for c in row] for row in found]


def build_project(ctx: Context, name: str, docs, embedder, pack: str):
    """Passages, a fresh flat index under the scratch folder and a Retriever; returns timings too.
    The manifest records the corpus language and pack as `index build` does, so "auto" finds the query
    adapter where its scope allows."""
    from assistant.index import build_index, open_index
    from assistant.ingest import corpus_hashes, main_language, to_passages
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    settings = Settings(home=ctx.scratch, k=K, embedder=embedder.name)
    passages = to_passages(docs, embedder, settings)
    seconds, _ = timed(lambda: build_index(ctx.scratch / name, passages, embedder, index_type="flat",
                                           corpus_hashes=corpus_hashes(docs), extra={"language": main_language(docs), "sources": [pack]}))
    return Retriever(open_index(ctx.scratch / name), embedder, settings), len(passages), seconds


def build_baseline(docs, embedder):
    from bench.baselines import EmbedderEmbeddings, FlatStore, split_laws

    chunks = split_laws(docs)
    seconds, store = timed(lambda: FlatStore(chunks, EmbedderEmbeddings(embedder)))
    return store, len(chunks), seconds


def adapter_for(retriever, questions: list[Question]):
    """The query adapter "auto" picks for this index (None if none), after checking that it was
    trained on none of the scored questions."""
    from assistant.embed import query_adapter

    adapter = query_adapter.resolve("auto", retriever.embedder, retriever.index.manifest)
    if adapter is not None:
        trained = set(adapter.card["data"]["training_query_ids"]) & {q.qid for q in questions}
        if trained:
            raise RuntimeError(f"query adapter {adapter.folder} was trained on {len(trained)} scored questions")
    return adapter


def expanded_index(ctx: Context, name: str, questions: list[Question]):
    """The index opened again with the BM25 expansion `expansion = "auto"` gives it (None if none), after
    checking that the expansion holds none of the scored questions."""
    from assistant.index import expansion, open_index

    index = open_index(ctx.scratch / name)
    found = expansion.resolve("auto", index.manifest)
    if found is None:
        return None
    leaked = {q for qs in found.articles.values() for q in qs} & {q.text for q in questions}
    if leaked:
        raise RuntimeError(f"the BM25 expansion holds {len(leaked)} scored questions: rebuild it")
    index.expand(found.texts(index.get(index.all_ids())))
    return index


def run_plan(ctx: Context, plan: Plan, pool: list[Question], all_docs, everyone: list[Question]) -> list[dict]:
    """Index the laws cited by the plan's questions with one embedder; score every method."""
    from assistant.corpus.packs import load_pack
    from assistant.embed import get_embedder
    from assistant.retrieve import Retriever

    questions = choose(pool, plan.questions, plan.within)
    docs = list(load_pack("prc", laws=cited_titles(questions, all_docs)))
    embedder = get_embedder(plan.embedder)
    ctx.log(f"retrieval/{plan.embedder}: {len(questions)} questions, {len(docs)} law versions")
    retriever, n_passages, build_s = build_project(ctx, f"prc-{plan.embedder}", docs, embedder, "prc")
    ctx.log(f"retrieval/{plan.embedder}: indexed {n_passages} passages in {build_s:.0f} s")
    store, n_chunks, base_s = build_baseline(docs, embedder)
    ctx.log(f"retrieval/{plan.embedder}: baseline {n_chunks} chunks in {base_s:.0f} s")
    results = {m: project_rankings(retriever, questions, m) for m in ("dense", "lexical", "hybrid")}
    adapter, default = adapter_for(retriever, questions), "hybrid"
    if adapter is not None:
        adapted = Retriever(retriever.index, embedder, retriever.settings, adapter)
        results.update({f"{m} + query adapter": project_rankings(adapted, questions, m) for m in ("dense", "hybrid")})
        default, retriever = "hybrid + query adapter", adapted
    expanded = expanded_index(ctx, f"prc-{plan.embedder}", questions)
    if expanded is not None:
        results["lexical + expansion"] = project_rankings(Retriever(expanded, embedder, retriever.settings),
                                                          questions, "lexical")
        retriever = Retriever(expanded, embedder, retriever.settings, adapter)
        default = f"{default} + expansion"
        results[default] = project_rankings(retriever, questions, "hybrid")
    results["langchain"] = baseline_rankings(store, docs, questions)
    budgets = [sum(sizes) for sizes in results[default][1]]
    results[SAME_TEXT] = (within_budget(*results["langchain"], budgets), [[b] for b in budgets])
    rankings = {m: ranking for m, (ranking, _) in results.items()}
    ctx.shared[f"prc-{plan.embedder}"] = (retriever, [q.text for q in questions])
    corpus = {"laws": f"{len({d.title for d in docs})} ({len(docs)} versions)",
              "items": {"langchain": n_chunks, SAME_TEXT: n_chunks, "_": n_passages},
              "build_s": {"langchain": base_s, SAME_TEXT: base_s, "_": build_s},
              "chars": {m: round(mean_chars(lengths)) for m, (_, lengths) in results.items()}}
    within = f" with gold only in {'/'.join(plan.within)}" if plan.within else ""
    total = len(choose(pool, None, plan.within))
    drawn = f" (seed {SEED})" if len(questions) < total else ""
    frozen = [q for q in questions if frozen_test(q.qid)]
    dev = [q for q in questions if not frozen_test(q.qid)]
    rows = score_rows(plan.embedder, f"{len(frozen)} frozen test split{within}{drawn}", questions, frozen, rankings,
                      corpus, default)
    rows += score_rows(plan.embedder, f"{len(dev)} other held-out (dev){within}{drawn}", questions, dev, rankings,
                       corpus, default, target=False)
    if not plan.within:
        civil = choose(frozen, None, (CIVIL_CODE,))
        rows += score_rows(plan.embedder, f"{len(civil)} of the frozen split, gold only in {CIVIL_CODE}", questions,
                           civil, rankings, corpus, default, target=False)
    if adapter is not None:
        taught = set(adapter.card["data"]["training_query_ids"])
        seen = {g for q in everyone if q.qid in taught for g in q.gold}
        unseen = [q for q in frozen if not q.gold & seen]
        if unseen:
            rows += score_rows(plan.embedder, f"{len(unseen)} of the frozen split, {UNSEEN}", questions, unseen,
                               rankings, corpus, default, target=False)
    return rows


def score_rows(embedder: str, label: str, asked: list[Question], scored: list[Question],
               rankings: dict, corpus: dict, default: str, target: bool = True) -> list[dict]:
    """One row per method plus the default-minus-baseline row (the target, unless `target` is False: a
    diagnostic subset), over the `scored` questions."""
    where = {q.qid: i for i, q in enumerate(asked)}
    golds = [set(q.gold) for q in scored]
    rows, figures = [], {}
    for method in (*(m for m in rankings if m != SAME_TEXT), SAME_TEXT):
        figures[method] = summarise([rankings[method][where[q.qid]] for q in scored], golds)
        rows.append(metric_row(embedder, method, label, scored, figures[method], corpus))
    rows[-1]["recall@5 %"] = ""  # the cut ranking's first five mean nothing in particular
    if target:
        best = next(r for r in rows if r["method"] == default)
        best.update(target="recall@5 ≥ 75%", met="yes" if figures[default]["recall@5"] >= 0.75 else "no")
    delta = {m: figures[default][m] - figures["langchain"][m] for m in figures[default]}
    per_question = {m: [recall_at_k(rankings[m][where[q.qid]], set(q.gold), K) for q in scored]
                    for m in (default, "langchain")}
    _, low, high = bootstrap_gap(per_question[default], per_question["langchain"]) if scored else (0, 0, 0)
    rows.append({**metric_row(embedder, f"{default} − langchain", label, scored, delta, corpus, signed=True),
                 "indexed items": "", "build s": "", "recall@10 95% CI": f"{100 * low:+.1f} to {100 * high:+.1f}",
                 "target": "recall@10 ≥ +10 pts" if target else "",
                 "met": ("yes" if delta["recall@10"] >= 0.10 else "no") if target else ""})
    return rows


def metric_row(embedder, method, label, scored, figures, corpus, signed=False) -> dict:
    pct = "{:+.1f}" if signed else "{:.1f}"
    key = method if method in corpus["items"] else "_"
    return {"embedder": embedder, "method": method, "questions": label,
            "gold articles": sum(len(q.gold) for q in scored), "laws": corpus["laws"],
            "indexed items": corpus["items"].get(key, ""),
            "build s": "" if (built := corpus["build_s"].get(key)) is None else round(built),
            "recall@5 %": pct.format(100 * figures["recall@5"]), "recall@10 %": pct.format(100 * figures["recall@10"]),
            "MRR": ("{:+.3f}" if signed else "{:.3f}").format(figures["MRR"]),
            "chars in top 10": corpus["chars"].get(method, ""), "recall@10 95% CI": "",
            "target": "", "met": "", "runs": 1, "machine": machine()}


def run(ctx: Context) -> list[dict]:
    from assistant.corpus.packs import load_pack

    all_docs = list(load_pack("prc"))
    everyone = read_questions(pack_articles(all_docs))
    pool = read_questions(pack_articles(all_docs), held=True)
    ctx.log(f"retrieval: {len(everyone)} LeCoQA-train questions have a gold article in the prc pack, "
            f"{len(pool)} of them held out from the query adapter's training")
    return [r for plan in (QUICK if ctx.quick else FULL) for r in run_plan(ctx, plan, pool, all_docs, everyone)]


def all_question_texts(path: Path = LECOQA) -> list[str]:
    return [r["问题"].strip() for r in json.loads((REPO_ROOT / path).read_text(encoding="utf-8"))]


def chart(rows: list[dict], out: Path) -> list[Path]:
    """Grouped bars: recall@10 of each method, one group per embedder and question set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys((r["embedder"], r["questions"]) for r in rows if UNSEEN not in r["questions"]))
    methods = [m for m in (*BASE_METHODS, *ADAPTED) if any(r["method"] == m for r in rows)]
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(methods)
    for i, method in enumerate(methods):
        values = [next((float(r["recall@10 %"]) for r in rows if (r["embedder"], r["questions"]) == g
                        and r["method"] == method), 0.0) for g in groups]
        ax.bar([x + i * width for x in range(len(groups))], values, width, label=method)
    labels = [f"{e}\n{q.split(' of ')[0]} questions" for e, q in groups]  # ASCII only: no CJK font here
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(groups))], labels, fontsize=8)
    ax.set_ylabel("recall@10 (%)")
    ax.set_title("LeCoQA-train vs prc pack: recall@10 by method")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "retrieval_recall.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


BENCHMARK = Benchmark(
    name="retrieval",
    title="Retrieval quality: LeCoQA-train against the prc pack",
    run=run,
    chart=chart,
    notes="""
recall@k: share of a question's gold articles found in the top k results, averaged over questions;
MRR: mean of 1/rank of the first result that is a gold article (0 when none in the top 10).
Methods: `dense` (FAISS only), `lexical` (BM25 only: the BM25-only baseline), `hybrid` (RRF of both),
`dense + query adapter` / `hybrid + query adapter` (e5 only: the shipped query adapter
assistant/adapters/e5-lecoqa-query, a linear correction of the query vector trained on other LeCoQA
questions, which `query_adapter = "auto"` applies to an e5 index of the prc pack; hybrid then fuses with the
lexical weight and RRF constant in the adapter's card, chosen out of fold on its training questions),
`lexical + expansion` / `... + expansion` (BM25 with the shipped document expansion,
assistant/index/expansion.py: the same training questions as the query adapter's, added to the BM25 tokens
of the articles they cite; `expansion = "auto"` applies it to an index of the prc pack; the run stops if it
holds any scored question), `langchain` (plain baseline:
RecursiveCharacterTextSplitter, 256 characters with 32 overlap, over each law's full text + the same
embedder + exact FAISS). The project's default is `hybrid + query adapter + expansion` for e5 over the
prc pack and `hybrid + expansion` for MiniLM; the target row compares it with the baseline.
Questions: only LeCoQA questions held out from the adapter's training (assistant/train/query_adapter.py);
the run stops if any scored question is in the adapter card's list of training questions. The headline
rows (with targets) are the frozen test split's: a quarter of LeCoQA-train by sha256 of the query id
(assistant.train.data.FROZEN_RULE), fixed on 2026-12-06 before any experiment on it and never used to
train, tune or choose anything; the "− langchain" row carries a paired bootstrap 95% interval (2,000
resamples over questions). "other held-out (dev)": the rest of the held-out questions (the answering
model's dev split and a third of the others by hash), on which earlier settings were probed: a
diagnostic. Diagnostic subsets of the frozen split (no target): "gold only in
民法典", the questions whose gold lies only in the Civil Code (a single-law corpus, where a
passage's law title tells nothing; it was the full run's whole corpus before 2026-12-03), and "gold in no
training question", those none of whose gold articles any training question cites (the adapter cannot
have learnt those articles).
Gold: LeCoQA keys resolved in the pack with the prefix 中华人民共和国 removed from both sides (law name +
第N条, any version of the law); unresolved gold (judicial interpretations, regulations) is left out, as
are questions with none. A project passage is a hit when its law and article label equal the gold's. A
baseline chunk is a hit when it contains the heading `第N条` at a line start, the article's whole text, or
lies wholly (≥ 20 characters) inside the article's text; one chunk may cover several gold articles (in the
baseline's favour: its 10 chunks hold more text than 10 passages, see "chars in top 10"). Diagnostic row
"langchain, as much text as the default's top 10": the baseline's ranking cut, per question, to the chunks
that fit in the characters of the default method's top 10 (recall@10 and MRR columns; not a target).
Corpus: every version of each law the scored questions cite. Full run: every held-out question, so the
index holds 37 laws (40 versions, 7,042 passages); the subsets are scored over that same index. Quick run:
10 held-out questions with gold only in 劳动合同法.
""",
)
