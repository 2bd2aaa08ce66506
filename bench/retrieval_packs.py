"""Retrieval quality on the packs besides prc: `india`, `eu` and `taiwan`. recall@5, recall@10 and MRR on
the gold pinpoints of the project's own questions (bench/data/india_qa.jsonl: its 20 answerable ones;
eu_qa.jsonl: 22; taiwan_qa.jsonl: 29), for dense-only, BM25-only, hybrid (and, where `query_adapter =
"auto"` picks one, the adapted methods) and the plain LangChain baseline, with each pack's default
embedder (MiniLM for English, e5 for Chinese).

The india index is the one the answers section uses (index/india, or a fresh build of the pack when that
one is missing or stale: bench/answers.py `india_index`); eu is built whole into the scratch folder,
taiwan as its gold rulings plus 200 others drawn with a fixed seed (the whole pack is 11,291 passages,
about 13 minutes of e5 here). A project passage is a hit for a gold pinpoint when its cite matches it by
the answers section's rule ("Constitution of India, Art. 21" matches "Art. 21", "Art. 21A" does not;
"釋字第603號, para 2" matches "釋字第603號"). A baseline chunk is a hit when it covers that article or
paragraph (its heading at a line start, its whole text, or a piece of it: bench/baselines.py `covers`).
20-30 questions a pack: coarse checks, not targets. The run stops when a gold pinpoint names no passage
of its pack (a typo in a question file would otherwise read as a retrieval miss).

Run:  .venv/bin/python -m bench --only retrieval-packs
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from bench import BENCH_DIR, Benchmark, Context, timed
from bench.answers import india_index, matches_gold
from bench.retrieval import SAME_TEXT, K, Question, score_rows, within_budget

ENGLISH_CHUNK = (1000, 100)  # characters: ~250 MiniLM tokens of English, its 256-token cap
CHINESE_CHUNK = (256, 32)  # as the prc baseline: about one token a character
SEED = 13


@dataclass(frozen=True)
class PackPlan:
    pack: str
    questions: str  # file under bench/data/, one JSON object a line with "question" and "gold"
    about: str  # what the questions are, for the rows
    embedder: str  # the pack's default (its language's)
    chunk: tuple[int, int]  # the baseline's chunk size and overlap
    others: int | None = None  # index the gold documents + this many others (seeded); None: the whole pack


PLANS = (
    PackPlan("india", "india_qa.jsonl", "answerable india_qa questions", "minilm", ENGLISH_CHUNK),
    PackPlan("eu", "eu_qa.jsonl", "eu_qa questions (GDPR, AI Act, NIS2, DORA, CRA)", "minilm", ENGLISH_CHUNK),
    PackPlan("taiwan", "taiwan_qa.jsonl", "taiwan_qa questions (Constitutional Court rulings)", "e5", CHINESE_CHUNK,
             others=200),
)


def read_questions(path: Path) -> list[Question]:
    """The questions that have gold pinpoints (india_qa's unanswerable ones have none)."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Question(n, i["question"], frozenset(i["gold"])) for n, i in enumerate(items) if i.get("gold")]


def gold_in(cites, question: Question) -> set[str]:
    """The question's gold pinpoints that any of these cites names."""
    return {g for g in question.gold if any(matches_gold(c, [g]) for c in cites)}


def unresolved(asked: list[Question], cites: list[str]) -> list[str]:
    """Gold pinpoints that no passage cite of the pack matches."""
    return sorted({g for q in asked for g in q.gold if not any(matches_gold(c, [g]) for c in cites)})


def project_rankings(retriever, asked: list[Question], mode: str):
    hits = retriever.search_many([q.text for q in asked], k=K, mode=mode)
    ranking = [[gold_in([h.passage.cite], q) for h in row] for q, row in zip(asked, hits)]
    return ranking, [[len(h.passage.text) for h in row] for row in hits]


def baseline_rankings(store, docs, asked: list[Question]):
    """A chunk's cites: "<title>, <label>" of each labelled unit of its document that it covers."""
    from bench.baselines import covers

    units = {d.id: (d.title, {u.label: u.text for u in d.units if u.label}) for d in docs}

    def cites(chunk) -> list[str]:
        title, articles = units[chunk.metadata["doc_id"]]
        return [f"{title}, {label}" for label in covers(chunk.page_content, articles)]

    found = store.search_many([q.text for q in asked], K)
    ranking = [[gold_in(cites(c), q) for c in row] for q, row in zip(asked, found)]
    return ranking, [[len(c.page_content) for c in row] for row in found]


def cited_docs(docs, asked: list[Question], others: int | None) -> list:
    """All documents, or those a gold pinpoint names plus `others` more drawn with a fixed seed."""
    if others is None:
        return docs
    golds = {g for q in asked for g in q.gold}
    named = [d for d in docs if any(matches_gold(d.title, [g]) for g in golds)]
    named_ids = {id(d) for d in named}
    rest = [d for d in docs if id(d) not in named_ids]
    return named + random.Random(SEED).sample(rest, min(others, len(rest)))


def pack_retriever(ctx: Context, plan: PackPlan, docs, embedder):
    """(Retriever, label): india's is the answers section's index; other packs are built in the scratch folder."""
    from assistant.index import open_index
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from bench.retrieval import build_project

    if plan.pack == "india":
        folder, label = india_index(ctx)
        return Retriever(open_index(folder), embedder, Settings(k=K, embedder=plan.embedder)), label
    retriever, count, seconds = build_project(ctx, f"pack-{plan.pack}", docs, embedder, plan.pack)
    ctx.log(f"retrieval-packs/{plan.pack}: indexed {count} passages in {seconds:.0f} s")
    drawn = f" of {len(docs)} documents: the gold ones + {plan.others} drawn (seed {SEED})"
    whole = "" if plan.others is None else drawn
    return retriever, f"{plan.pack} pack built by the bench ({count} passages{whole})"


def run_pack(ctx: Context, plan: PackPlan) -> list[dict]:
    from assistant.corpus.packs import load_pack
    from assistant.embed import get_embedder, query_adapter
    from assistant.retrieve import Retriever
    from bench.baselines import EmbedderEmbeddings, FlatStore, split_laws

    asked = read_questions(BENCH_DIR / "data" / plan.questions)
    embedder = get_embedder(plan.embedder)
    docs = cited_docs(list(load_pack(plan.pack)), asked, plan.others)
    retriever, label = pack_retriever(ctx, plan, docs, embedder)
    index = retriever.index
    missing = unresolved(asked, [p.cite for p in index.get(index.all_ids())])
    if missing:
        raise RuntimeError(f"bench/data/{plan.questions}: gold {', '.join(missing)} names no passage of the "
                           f"{plan.pack} pack; fix the pinpoint")
    chunks = split_laws(docs, *plan.chunk)
    base_s, store = timed(lambda: FlatStore(chunks, EmbedderEmbeddings(embedder)))
    ctx.log(f"retrieval-packs/{plan.pack}: {len(asked)} questions; {label}; baseline {len(chunks)} chunks "
            f"in {base_s:.0f} s")
    results = {m: project_rankings(retriever, asked, m) for m in ("dense", "lexical", "hybrid")}
    adapter, default = query_adapter.resolve("auto", embedder, index.manifest), "hybrid"
    if adapter is not None:  # what `query_adapter = "auto"` gives this index (a Chinese e5 one)
        adapted = Retriever(index, embedder, retriever.settings, adapter)
        results.update({f"{m} + query adapter": project_rankings(adapted, asked, m) for m in ("dense", "hybrid")})
        default = "hybrid + query adapter"
    results["langchain"] = baseline_rankings(store, docs, asked)
    budgets = [sum(sizes) for sizes in results[default][1]]
    results[SAME_TEXT] = (within_budget(*results["langchain"], budgets), [[b] for b in budgets])
    corpus = {"laws": f"{len(docs)} documents", "items": {"langchain": len(chunks), SAME_TEXT: len(chunks),
                                                            "_": index.count},
              "build_s": {"langchain": base_s, SAME_TEXT: base_s},
              "chars": {m: round(sum(map(sum, sizes)) / len(asked)) for m, (_, sizes) in results.items()}}
    rankings = {m: ranking for m, (ranking, _) in results.items()}
    text = f"{len(asked)} {plan.about}; {label}"
    return score_rows(f"{plan.embedder}, {plan.pack}", text, asked, asked, rankings, corpus, default, target=False)


def run(ctx: Context) -> list[dict]:
    """Every pack; quick: india alone (its index is the answers section's, so only the baseline is extra)."""
    return [r for plan in (PLANS[:1] if ctx.quick else PLANS) for r in run_pack(ctx, plan)]


BENCHMARK = Benchmark(
    name="retrieval-packs",
    title="Retrieval quality on the india, eu and taiwan packs: the project's own questions with gold pinpoints",
    run=run,
    notes=f"""
Questions written for this project, each with its gold pinpoints, asked in plain words:
bench/data/india_qa.jsonl, its 20 answerable questions (16 article pinpoints such as "Art. 21", 5 case
names; 2 questions name their article; the 10 unanswerable ones have no gold and are left out);
bench/data/eu_qa.jsonl, 22 questions with one article each (GDPR 12, AI Act 6, NIS2 2, DORA 1, Cyber
Resilience Act 1; none names its article number); bench/data/taiwan_qa.jsonl, 29 questions in
Traditional Chinese about Constitutional Court interpretations of 1989-2011, the gold being the ruling
that decided the point (two questions also have a later ruling on the same point). Indexes: india the
answers section's (MiniLM); eu the whole pack (MiniLM); taiwan the gold rulings plus {PLANS[2].others}
others drawn with seed {SEED} (e5; every paragraph of each). Methods and measures as in the prc section;
for taiwan the e5 query adapter that `query_adapter = "auto"` applies to a Chinese e5 index (trained on
LeCoQA's PRC civil-law questions) is scored too, and the project's default there is hybrid + that
adapter. The `langchain` baseline splits each document's full text with RecursiveCharacterTextSplitter
(English: {ENGLISH_CHUNK[0]} characters with {ENGLISH_CHUNK[1]} overlap, about 250 MiniLM tokens; Chinese:
{CHINESE_CHUNK[0]} with {CHINESE_CHUNK[1]}, as for prc) and embeds the chunks with the same embedder into an exact
FAISS index. A passage is a hit when its cite names the gold pinpoint (the answers section's rule); a
chunk, when it covers the gold article or a paragraph of the gold ruling (heading at a line start, the
whole text, or a piece of it). "build s" is the baseline's embedding time. 20-30 questions a pack: each
moves recall by 3-5 points, so these are per-pack checks, not targets. The EU articles open with their
own titles ("Right to erasure ..."), which helps every method. `korea` is scored in the multilingual
section when installed. Quick run: india only.
""",
)
