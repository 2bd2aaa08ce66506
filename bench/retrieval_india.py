"""Retrieval quality on the `india` pack: recall@5, recall@10 and MRR on the gold pinpoints of the 20
answerable questions of bench/data/india_qa.jsonl, for dense-only, BM25-only, hybrid and the plain
LangChain baseline, with the index's own embedder (MiniLM).

The index is the one the answers section uses (index/india, or a fresh build of the pack when that
one is stale: bench/answers.py `india_index`). Gold: a question's pinpoints ("Art. 21"); a project
passage is a hit for a pinpoint when its cite matches it by the answers section's rule
("Constitution of India, Art. 21" matches "Art. 21", "Art. 21A" does not). A baseline chunk is a hit
when it covers that article (the heading `Art. 21` at a line start, the article's whole text, or a
piece of it: bench/baselines.py `covers`). Only 20 questions: a coarse check per pack, not a target.

Run:  .venv/bin/python -m bench --only retrieval-india
"""
from __future__ import annotations

from bench import Benchmark, Context, timed
from bench.answers import india_index, load_questions, matches_gold
from bench.retrieval import SAME_TEXT, K, Question, score_rows, within_budget

EMBEDDER = "minilm"
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 100  # characters: ~250 MiniLM tokens of English, its 256-token cap


def questions() -> list[Question]:
    items = [i for i in load_questions() if i["answerable"] and i["gold"]]
    return [Question(n, i["question"], frozenset(i["gold"])) for n, i in enumerate(items)]


def gold_in(cites, question: Question) -> set[str]:
    """The question's gold pinpoints that any of these cites names."""
    return {g for g in question.gold if any(matches_gold(c, [g]) for c in cites)}


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


def run(ctx: Context) -> list[dict]:
    from assistant.corpus.packs import load_pack
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from bench.baselines import EmbedderEmbeddings, FlatStore, split_laws

    folder, label = india_index(ctx)
    index, embedder = open_index(folder), get_embedder(EMBEDDER)
    retriever = Retriever(index, embedder, Settings(k=K, embedder=EMBEDDER))
    docs, asked = list(load_pack("india")), questions()
    chunks = split_laws(docs, CHUNK_SIZE, CHUNK_OVERLAP)
    base_s, store = timed(lambda: FlatStore(chunks, EmbedderEmbeddings(embedder)))
    ctx.log(f"retrieval-india: {len(asked)} questions; {label}; baseline {len(chunks)} chunks in {base_s:.0f} s")
    results = {m: project_rankings(retriever, asked, m) for m in ("dense", "lexical", "hybrid")}
    results["langchain"] = baseline_rankings(store, docs, asked)
    budgets = [sum(sizes) for sizes in results["hybrid"][1]]
    results[SAME_TEXT] = (within_budget(*results["langchain"], budgets), [[b] for b in budgets])
    corpus = {"laws": f"{len(docs)} documents", "items": {"langchain": len(chunks), SAME_TEXT: len(chunks),
                                                            "_": index.count},
              "build_s": {"langchain": base_s, SAME_TEXT: base_s},
              "chars": {m: round(sum(map(sum, sizes)) / len(asked)) for m, (_, sizes) in results.items()}}
    rankings = {m: ranking for m, (ranking, _) in results.items()}
    text = f"{len(asked)} answerable india_qa questions; {label}"
    return score_rows(EMBEDDER, text, asked, asked, rankings, corpus, "hybrid", target=False)


BENCHMARK = Benchmark(
    name="retrieval-india",
    title="Retrieval quality: india_qa questions against the india pack",
    run=run,
    notes=f"""
The 20 answerable questions of bench/data/india_qa.jsonl (written for this project, each with its gold
pinpoints: 16 articles such as "Art. 21", 5 case names; 2 of the questions name their article, the others
ask in plain words; the 10 unanswerable ones have no gold and are left out) against the india
index (MiniLM) the answers section uses. recall@k, MRR and methods as in the prc section; the
`langchain` baseline splits each document's full text with RecursiveCharacterTextSplitter into
{CHUNK_SIZE}-character chunks with {CHUNK_OVERLAP} overlap (English: about 250 MiniLM tokens) and embeds them
with the same MiniLM into an exact FAISS index. A passage is a hit when its cite names the gold pinpoint
(the answers section's rule); a chunk, when it covers the gold article (heading `Art. N` at a line start,
the whole article, or a piece of it). "build s" is the baseline's embedding time (the project index is
prebuilt). 20 questions: each one moves recall by 5 points, so this is a per-pack check, not a target.
""",
)
