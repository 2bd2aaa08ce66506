"""Retrieval quality on the English packs, `india` and `eu`: recall@5, recall@10 and MRR on the gold
pinpoints of the project's own questions (bench/data/india_qa.jsonl: the 20 answerable ones;
bench/data/eu_qa.jsonl: 22), for dense-only, BM25-only, hybrid and the plain LangChain baseline, with
each pack's default embedder (MiniLM).

The india index is the one the answers section uses (index/india, or a fresh build of the pack when that
one is missing or stale: bench/answers.py `india_index`); the eu pack is built into the scratch folder
(reused while it opens). A project passage is a hit for a gold pinpoint when its cite matches it by the
answers section's rule ("Constitution of India, Art. 21" matches "Art. 21", "Art. 21A" does not;
"GDPR, Art. 33" matches "GDPR, Art. 33"). A baseline chunk is a hit when it covers that article (the
heading `Art. 21` at a line start, the article's whole text, or a piece of it: bench/baselines.py
`covers`). About 20 questions a pack: a coarse check, not a target. The run stops when a gold pinpoint
names no passage of its pack (a typo in a question file would otherwise read as a retrieval miss).

Run:  .venv/bin/python -m bench --only retrieval-packs
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bench import BENCH_DIR, Benchmark, Context, timed
from bench.answers import india_index, load_questions, matches_gold
from bench.retrieval import SAME_TEXT, K, Question, score_rows, within_budget

EMBEDDER = "minilm"
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 100  # characters: ~250 MiniLM tokens of English, its 256-token cap


@dataclass(frozen=True)
class PackPlan:
    pack: str
    questions: str  # file under bench/data/, one JSON object a line with "question" and "gold"
    about: str  # what the questions are, for the rows


PLANS = (
    PackPlan("india", "india_qa.jsonl", "answerable india_qa questions"),
    PackPlan("eu", "eu_qa.jsonl", "eu_qa questions (GDPR, AI Act, NIS2, DORA, CRA)"),
)


def read_questions(path: Path) -> list[Question]:
    """The questions that have gold pinpoints (india_qa's unanswerable ones have none)."""
    if path.name == "india_qa.jsonl":
        items = [i for i in load_questions() if i["answerable"]]
    else:
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


def pack_index(ctx: Context, pack: str) -> tuple[Path, str]:
    """The index folder for a pack and a label for the rows."""
    if pack == "india":
        return india_index(ctx)
    from assistant.index import open_index
    from assistant.ingest import ingest
    from assistant.settings import Settings

    home = ctx.scratch / "packs-home"
    try:
        index = open_index(home / pack)
    except Exception:  # missing or stale: build it
        ctx.log(f"retrieval-packs: building the {pack} pack into {home / pack}")
        ingest([pack], Settings(home=home, embedder=EMBEDDER), name=pack)
        index = open_index(home / pack)
    return home / pack, f"{pack} pack built by the bench ({index.count} passages)"


def run_pack(ctx: Context, plan: PackPlan) -> list[dict]:
    from assistant.corpus.packs import load_pack
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from bench.baselines import EmbedderEmbeddings, FlatStore, split_laws

    folder, label = pack_index(ctx, plan.pack)
    index, embedder = open_index(folder), get_embedder(EMBEDDER)
    asked = read_questions(BENCH_DIR / "data" / plan.questions)
    missing = unresolved(asked, [p.cite for p in index.get(index.all_ids())])
    if missing:
        raise RuntimeError(f"bench/data/{plan.questions}: gold {', '.join(missing)} names no passage of the "
                           f"{plan.pack} pack; fix the pinpoint")
    retriever = Retriever(index, embedder, Settings(k=K, embedder=EMBEDDER))
    docs = list(load_pack(plan.pack))
    chunks = split_laws(docs, CHUNK_SIZE, CHUNK_OVERLAP)
    base_s, store = timed(lambda: FlatStore(chunks, EmbedderEmbeddings(embedder)))
    ctx.log(f"retrieval-packs/{plan.pack}: {len(asked)} questions; {label}; baseline {len(chunks)} chunks "
            f"in {base_s:.0f} s")
    results = {m: project_rankings(retriever, asked, m) for m in ("dense", "lexical", "hybrid")}
    results["langchain"] = baseline_rankings(store, docs, asked)
    budgets = [sum(sizes) for sizes in results["hybrid"][1]]
    results[SAME_TEXT] = (within_budget(*results["langchain"], budgets), [[b] for b in budgets])
    corpus = {"laws": f"{len(docs)} documents", "items": {"langchain": len(chunks), SAME_TEXT: len(chunks),
                                                            "_": index.count},
              "build_s": {"langchain": base_s, SAME_TEXT: base_s},
              "chars": {m: round(sum(map(sum, sizes)) / len(asked)) for m, (_, sizes) in results.items()}}
    rankings = {m: ranking for m, (ranking, _) in results.items()}
    text = f"{len(asked)} {plan.about}; {label}"
    return score_rows(f"{EMBEDDER}, {plan.pack}", text, asked, asked, rankings, corpus, "hybrid", target=False)


def run(ctx: Context) -> list[dict]:
    """Every pack; quick: india alone (its index is the answers section's, so only the baseline is extra)."""
    return [r for plan in (PLANS[:1] if ctx.quick else PLANS) for r in run_pack(ctx, plan)]


BENCHMARK = Benchmark(
    name="retrieval-packs",
    title="Retrieval quality on the india and eu packs: the project's own questions with gold pinpoints",
    run=run,
    notes=f"""
Questions written for this project, each with its gold pinpoints, asked in plain words:
bench/data/india_qa.jsonl, its 20 answerable questions (16 article pinpoints such as "Art. 21", 5 case
names; 2 questions name their article; the 10 unanswerable ones have no gold and are left out), and
bench/data/eu_qa.jsonl, 22 questions with one article each (GDPR 12, AI Act 6, NIS2 2, DORA 1, Cyber
Resilience Act 1; none names its article number). Against each pack's MiniLM index: india the one the
answers section uses, eu a build of the pack. recall@k, MRR and methods as in the prc section; the
`langchain` baseline splits each document's full text with RecursiveCharacterTextSplitter into
{CHUNK_SIZE}-character chunks with {CHUNK_OVERLAP} overlap (English: about 250 MiniLM tokens) and embeds them
with the same MiniLM into an exact FAISS index. A passage is a hit when its cite names the gold pinpoint
(the answers section's rule); a chunk, when it covers the gold article (heading `Art. N` at a line start,
the whole article, or a piece of it). "build s" is the baseline's embedding time (the project indexes are
built before). About 20 questions a pack: each moves recall by about 5 points, so these are per-pack
checks, not targets. The EU articles open with their own titles ("Right to erasure ..."), which helps
every method. No gold data exists here for `taiwan`; `korea` is scored in the multilingual section.
Quick run: india only.
""",
)
