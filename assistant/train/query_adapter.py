"""Train a query adapter (assistant/embed/query_adapter.py) on LeCoQA questions and their gold articles.

Corpus: an e5 index of the prc laws LeCoQA cites most (`LAWS`: 民法典, 刑法, 劳动合同法, 商标法, 著作权法,
every version), built once under the run folder. Examples: each training question with every passage of
its gold articles in that index (law + 第N条, the prefix 中华人民共和国 ignored). Loss: softmax
cross-entropy of the adapted query against all corpus passages (cosine / `tau`), plus `l2` * ||D||^2 to
keep the adapter close to the identity; Adam, a fixed seed, a few seconds on a CPU.

Calibrated out of fold on the same training questions (never on held-out ones): the training questions
are split in FOLDS folds and each fold is scored by an adapter fitted on the other folds. From those
scores come the abstention floor (`min_score`) and the fusion weights (`fusion`: the `FUSION_GRID`
point with the best recall@10 of RRF between that adapted dense ranking and BM25, the defaults on a tie).

Held out, never trained on (`held_out`): the frozen test split and the answering model's dev split
(assistant.train.data), and a third of the other questions by hash. The retrieval bench draws its questions from the held-out ones
and checks that none of them is in the card's list of training questions.

    .venv/bin/python -m assistant.train.query_adapter --out runs/query-adapter      # or: make query-adapter
"""
from __future__ import annotations

import argparse
import hashlib
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from assistant.corpus.prc import PREFIX, gold_key, passage_key
from assistant.embed.query_adapter import FUSION_FIELDS, SHIPPED, QueryAdapter
from assistant.settings import Settings, default

LAWS = tuple(PREFIX + law for law in ("民法典", "刑法", "劳动合同法", "商标法", "著作权法"))
NAME = "e5-lecoqa-query"
SCOPE = {"packs": ["prc"]}  # where "auto" applies it: trained and measured on PRC law only (embed/query_adapter.py)
HELD_OUT_RULE = ("LeCoQA query_id in the frozen test split (assistant.train.data.FROZEN_RULE), in the answering "
                 "model's dev split, or sha1('retrieval:' + query_id) % 3 == 0")
DEFAULTS = {"l2": 0.01, "epochs": 30, "tau": 0.05, "lr": 1e-3, "batch": 64, "seed": 0}
FLOOR_PERCENTILE = 5  # min_score: this percentile of the training questions' out-of-fold best passage score
FOLDS = 5
FUSION_GRID = {"lexical_weight": (0.25, 0.35, 0.5, 0.75, 1.0), "rrf_k": (20, 60)}
FUSION_DEFAULT = {name: default(name) for name in FUSION_FIELDS}  # kept on a tie
CANDIDATES, TOP = 50, 10  # as the retriever: 50 candidates a side (Settings.candidates), recall@10


def held_out(query_id, dev_ids: set) -> bool:
    from assistant.train.data import frozen_test

    digest = hashlib.sha1(f"retrieval:{query_id}".encode("utf-8")).hexdigest()
    return frozen_test(query_id) or query_id in dev_ids or int(digest, 16) % 3 == 0


def lecoqa_dev_ids(path: Path | str) -> set:
    """Query ids of the answering model's dev split (assistant.train.data), read from `path`."""
    from assistant.train.data import load_lecoqa, split_dev

    return {r["query_id"] for r in split_dev(load_lecoqa(path))[1]}


def examples(records: list[dict], keys: list[str | None], dev_ids: set) -> list[tuple[object, str, list[int]]]:
    """(query_id, question, gold passage rows) for the questions that are not held out and have gold in the corpus."""
    rows_of: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        if key:
            rows_of.setdefault(key, []).append(row)
    out = []
    for r in records:
        if held_out(r["query_id"], dev_ids):
            continue
        rows = sorted({row for name in r.get("match_name", []) for row in rows_of.get(gold_key(name) or "", [])})
        if rows:
            out.append((r["query_id"], r["问题"].strip(), rows))
    return out


def fit(queries: np.ndarray, passages: np.ndarray, pairs: list[tuple[int, int]], *, l2: float, epochs: int,
        tau: float, lr: float, batch: int, seed: int) -> tuple[np.ndarray, list[float]]:
    """D minimising the loss in the module docstring over (query row, passage row) pairs; (D, loss per epoch)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    q_all, p_all = torch.from_numpy(np.asarray(queries, np.float32)), torch.from_numpy(np.asarray(passages, np.float32))
    qi = torch.tensor([a for a, _ in pairs])
    pj = torch.tensor([b for _, b in pairs])
    delta = torch.zeros(q_all.shape[1], q_all.shape[1], requires_grad=True)
    optimiser = torch.optim.Adam([delta], lr=lr)
    losses = []
    for _ in range(epochs):
        order, total = torch.randperm(len(qi), generator=generator), 0.0
        for start in range(0, len(qi), batch):
            b = order[start : start + batch]
            q = q_all[qi[b]]
            q = q + q @ delta
            q = q / q.norm(dim=1, keepdim=True)
            loss = torch.nn.functional.cross_entropy(q @ p_all.T / tau, pj[b]) + l2 * (delta**2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(b)
        losses.append(total / len(qi))
    return delta.detach().numpy(), losses


def out_of_fold_scores(queries: np.ndarray, passages: np.ndarray, gold_rows: list[list[int]],
                       params: dict) -> np.ndarray:
    """Adapted cosine of each training question with every passage, the question's fold scored by an
    adapter fitted on the other FOLDS - 1 folds: scoring questions an adapter was trained on would flatter it."""
    passages = np.asarray(passages, np.float32)
    scores = np.empty((len(queries), len(passages)), dtype=np.float32)
    for fold in range(FOLDS):
        held = np.arange(len(queries)) % FOLDS == fold
        pairs = [(i, row) for i, rows in enumerate(gold_rows) if not held[i] for row in rows]
        delta, _ = fit(queries, passages, pairs, **params)
        scores[held] = QueryAdapter(delta, {}).apply(queries[held]) @ passages.T
    return scores


def floor(scores: np.ndarray) -> float:
    """The abstention floor for adapted scores: FLOOR_PERCENTILE of the questions' best out-of-fold score."""
    return round(float(np.percentile(scores.max(axis=1), FLOOR_PERCENTILE)), 4)


def tune_fusion(scores: np.ndarray, lexical: list[list[int]], keys: list[str | None],
                gold_rows: list[list[int]]) -> dict:
    """The FUSION_GRID point with the best mean recall@TOP (gold articles found, per question) of RRF between
    each question's out-of-fold dense ranking (rows of `scores`) and its BM25 ranking (`lexical`, passage
    rows best first); the defaults win a tie. Returns the point plus every point's recall@TOP."""
    from itertools import product

    from assistant.retrieve import fuse

    dense = [[(int(r), float(row[r])) for r in np.argsort(-row)[:CANDIDATES]] for row in scores]
    ranked = [[(r, 0.0) for r in rows[:CANDIDATES]] for rows in lexical]
    golds = [{keys[r] for r in rows} for rows in gold_rows]
    recall = {}
    for weight, rrf_k in product(FUSION_GRID["lexical_weight"], FUSION_GRID["rrf_k"]):
        found = [len(gold & {keys[f.passage_id] for f in fuse(d, lx, lexical_weight=weight, rrf_k=rrf_k)[:TOP]})
                 / len(gold) for d, lx, gold in zip(dense, ranked, golds)]
        recall[(weight, rrf_k)] = round(float(np.mean(found)), 4)
    default = (FUSION_DEFAULT["lexical_weight"], FUSION_DEFAULT["rrf_k"])
    weight, rrf_k = max(recall, key=lambda point: (recall[point], point == default))
    return {"lexical_weight": weight, "rrf_k": rrf_k, f"recall@{TOP}": recall[(weight, rrf_k)],
            f"recall@{TOP} at the defaults": recall[default],
            "grid": [{"lexical_weight": w, "rrf_k": k, f"recall@{TOP}": r} for (w, k), r in recall.items()]}


def corpus_index(folder: Path, embedder, laws=LAWS):
    """The e5 index of `laws` under `folder`, built on first use (about 8 minutes on 2 cores)."""
    from assistant.corpus.packs import load_pack
    from assistant.index import build_index, open_index
    from assistant.index.store import NoIndex
    from assistant.ingest import corpus_hashes, to_passages

    try:
        return open_index(folder, embedder.name)
    except NoIndex:
        pass
    docs = list(load_pack("prc", laws=list(laws)))
    passages = to_passages(docs, embedder, Settings(embedder=embedder.name))
    print(f"query adapter: embedding {len(passages)} passages of {len(docs)} law versions ...", flush=True)
    build_index(folder, passages, embedder, corpus_hashes=corpus_hashes(docs), extra={"language": "zh"})
    return open_index(folder, embedder.name)


def train(out: Path, data_path: Path | None = None, **params) -> QueryAdapter:
    """Build the corpus index if needed, train on the non-held-out questions, save to `out`/adapter."""
    from assistant.embed import get_embedder
    from assistant.train.data import LECOQA, load_lecoqa, write_lecoqa_notice

    params = {**DEFAULTS, **{k: v for k, v in params.items() if v is not None}}
    out, t0 = Path(out), time.perf_counter()
    embedder = get_embedder("e5")
    index = corpus_index(out / "index", embedder)
    ids = index.all_ids()
    keys = [passage_key(p) for p in index.get(ids)]
    vectors = index.vectors(ids)
    records = load_lecoqa(data_path or LECOQA)
    chosen = examples(records, keys, lecoqa_dev_ids(data_path or LECOQA))
    queries = embedder.embed_queries([text for _, text, _ in chosen])
    pairs = [(i, row) for i, (_, _, rows) in enumerate(chosen) for row in rows]
    delta, losses = fit(queries, vectors, pairs, **params)
    card = {
        "name": NAME, "embedder": embedder.name, "dim": embedder.dim, "language": "zh", "scope": SCOPE,
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data": {"source": str(data_path or LECOQA), "questions": len(chosen), "pairs": len(pairs),
                 "held_out": HELD_OUT_RULE, "training_query_ids": sorted(q for q, _, _ in chosen)},
        "corpus": {"laws": list(LAWS), "passages": len(ids), "index_built_at": index.manifest.built_at},
        "params": params, "loss": {"first_epoch": round(losses[0], 4), "last_epoch": round(losses[-1], 4)},
    }
    adapter = QueryAdapter(delta, card)
    gold_rows = [rows for _, _, rows in chosen]
    scores = out_of_fold_scores(queries, vectors, gold_rows, params)
    card["min_score"] = floor(scores)
    card["min_score_rule"] = (f"percentile {FLOOR_PERCENTILE} of the training questions' best passage score, each "
                              f"scored by an adapter fitted on the other {FOLDS - 1} of {FOLDS} folds; used "
                              "instead of min_dense_score while this adapter is on")
    row_of = {pid: row for row, pid in enumerate(ids)}
    lexical = [[row_of[pid] for pid, _ in index.lexical_search(text, CANDIDATES)] for _, text, _ in chosen]
    card["fusion"] = tune_fusion(scores, lexical, keys, gold_rows)
    card["fusion"]["rule"] = (f"the grid point with the best recall@{TOP} of RRF between those out-of-fold adapted "
                              f"rankings and BM25 ({CANDIDATES} candidates a side) on the training questions; "
                              "the retriever uses it for adapted questions where the settings keep their defaults")
    card["seconds"] = round(time.perf_counter() - t0, 1)
    adapter.save(out / "adapter")
    write_lecoqa_notice(out / "adapter", "a 384 x 384 query-vector correction fitted on LeCoQA-train questions and "
                        "their gold articles (assistant/train/query_adapter.py)", data_path or LECOQA)
    fusion = card["fusion"]
    print(f"query adapter: fusion lexical_weight {fusion['lexical_weight']}, rrf_k {fusion['rrf_k']} "
          f"(out-of-fold recall@{TOP} {fusion[f'recall@{TOP}']} vs {fusion[f'recall@{TOP} at the defaults']} "
          "at the defaults)")
    print(f"query adapter: {len(chosen)} questions, {len(pairs)} pairs, loss {losses[0]:.3f} -> {losses[-1]:.3f}; "
          f"saved to {out / 'adapter'} (ship it: copy to {SHIPPED / NAME})")
    return adapter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="legal-assistant train-retriever", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/query-adapter", help="run folder: corpus index and adapter/")
    parser.add_argument("--data", type=Path, help="LeCoQA train.json (default: ../shared/data/lecoqa-train)")
    for name, value in DEFAULTS.items():
        parser.add_argument(f"--{name}", type=type(value))
    args = vars(parser.parse_args(argv))
    train(Path(args.pop("out")), args.pop("data"), **args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
