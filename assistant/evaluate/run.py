"""Compare answering settings (zero-shot, few-shot, LoRA / P-tuning adapters) on the LeCoQA dev split.

Every setting answers the same dev questions from the same prompts (gold + BM25 distractor passages, or
distractors only for the withheld-evidence items), greedily; the report has ROUGE-L, token F1, BLEU,
citation precision/recall, refusal accuracy and latency.

    .venv/bin/python -m assistant.evaluate --settings zero-shot few-shot:1 lora:assistant/adapters/qwen-0.5b \
        --n 32 --max-new-tokens 128 --out runs/eval
"""
from __future__ import annotations

import hashlib
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluate import metrics as m

ADAPTERS = Path(__file__).resolve().parent.parent / "adapters"


@dataclass(frozen=True)
class Setting:
    name: str
    adapter: str | None = None
    shots: int = 0


def parse_setting(text: str, base: str = "qwen-0.5b") -> Setting:
    """"zero-shot", "few-shot[:k]", "lora[:folder]", "ptuning:folder" (any "<label>:<folder>" is an adapter)."""
    kind, _, arg = text.partition(":")
    if kind == "zero-shot":
        return Setting("zero-shot")
    if kind == "few-shot":
        shots = int(arg or 1)
        return Setting(f"few-shot({shots})", shots=shots)
    return Setting(kind, adapter=arg or str(ADAPTERS / base))


def dev_subset(n: int, *, k: int = 4, dev_size: int | None = None, refusal_share: float = 0.25):
    """n dev examples: about `refusal_share` withheld-evidence items, English answerable items first."""
    from assistant.train.data import DEV_SIZE, build_examples

    dev_size = dev_size or DEV_SIZE

    examples = build_examples("dev", dev_size=dev_size, k=k)
    wanted = max(1, round(n * refusal_share))
    nearest, other = ([e for e in examples if e.withheld == v] for v in ("nearest", "other"))
    refusals = (nearest[: (wanted + 1) // 2] + other)[:wanted]  # both kinds of withheld evidence, half each
    answers = sorted((e for e in examples if e.kind == "answer"), key=lambda e: e.language != "en")
    return answers[: n - len(refusals)] + refusals


def few_shot_pool(k: int = 4, max_chars: int = 160) -> dict[str, list[tuple]]:
    """Short cited training answers per language, as (question, hits, answer) for build_messages."""
    from assistant.train.data import build_examples, stable_hash

    pool: dict[str, list[tuple]] = {}
    train = build_examples("train", k=k, refusal_rate=0.0)
    for e in sorted(train, key=lambda e: stable_hash(e.qid)):
        if e.kind == "answer" and "[" in e.target and len(e.target) <= max_chars:
            pool.setdefault(e.language, []).append((e.question, e.hits, e.target))
    return pool


def generate(model, tokenizer, messages: list[dict], max_new_tokens: int) -> tuple[str, float, int]:
    """Greedy answer, seconds taken, new tokens."""
    import torch

    from assistant.generate.loading import generation_call

    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    start = time.time()
    with torch.no_grad():
        runner, inputs, skip = generation_call(model, ids)
        new = runner.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)[0, skip:]
    return tokenizer.decode(new, skip_special_tokens=True).strip(), time.time() - start, int(new.shape[0])


def score(example, answer: str, similarity=None) -> dict:
    """The answer's measures; `served_refused`: the answering path (`Assistant.ask`) would refuse it after
    checking its citations against the passages shown (`similarity`: the cosine of the question's default
    embedder, which the Chinese gate adds; see `similarity_for`)."""
    from assistant.verify import check, is_refusal

    served = check(example.question, answer, example.hits, similarity=similarity)
    row = {"qid": example.qid, "kind": example.kind, "language": example.language, "answer": answer,
           "refused": is_refusal(answer), "served_refused": served.refused,
           "withheld": example.withheld}
    if example.kind == "answer":
        cites = [h.passage.cite for h in example.hits]
        precision, recall = m.citation_scores(answer, cites, example.gold)
        row.update(rouge_l=m.rouge_l(answer, example.reference), token_f1=m.token_f1(answer, example.reference),
                   bleu=m.bleu(answer, example.reference), cite_precision=precision, cite_recall=recall,
                   cited=bool(m.cited_numbers(answer, len(cites))))
    return row


def summarize(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["kind"] == "answer"]
    ref = [r for r in rows if r["kind"] == "refusal"]
    out = {key: m.mean(r[key] for r in ans) for key in ("rouge_l", "token_f1", "bleu", "cite_precision", "cite_recall")}
    out.update(n_answerable=len(ans), n_refusal=len(ref), cite_rate=m.mean(float(r["cited"]) for r in ans),
               refusal_accuracy=m.mean(float(r["refused"]) for r in ref),
               **{f"refusal_{v}": m.mean(float(r["refused"]) for r in ref if r.get("withheld") == v)
                  for v in ("nearest", "other")},
               false_refusal=m.mean(float(r["refused"]) for r in ans),
               served_refusal_accuracy=m.mean(float(r["served_refused"]) for r in ref),
               served_false_refusal=m.mean(float(r["served_refused"]) for r in ans),
               seconds_per_answer=_median([r["seconds"] for r in rows]),
               tokens_per_s=_median([r["new_tokens"] / r["seconds"] for r in rows if r["seconds"] > 0]))
    return out


def _median(values: list[float]) -> float | None:
    """Median (robust to one answer slowed by another job on the machine); None for no values."""
    return statistics.median(values) if values else None


def evaluate_setting(setting: Setting, examples, base: str, cache_dir: Path, max_new_tokens: int,
                     pool: dict[str, list[tuple]]) -> list[dict]:
    from tqdm import tqdm

    from assistant.generate.loading import load_model

    model, tokenizer = load_model(base, cache_dir, adapter=setting.adapter)
    rows = []
    for ex in tqdm(examples, desc=setting.name):
        shots = pool.get(ex.language, [])[: setting.shots]
        answer, seconds, new_tokens = generate(model, tokenizer, ex.messages(shots), max_new_tokens)
        rows.append({**score(ex, answer, similarity_for(ex.language)), "seconds": round(seconds, 2), "new_tokens": new_tokens,
                     "adapter": setting.adapter, "adapter_sha256": weights_hash(setting.adapter)})
    return rows


def similarity_for(language: str):
    """The span cosine by the embedder a pack in `language` is indexed with by default (e5 for Chinese)."""
    from assistant.embed import default_embedder_for, get_embedder
    from assistant.verify.relevance import similarity_of

    return similarity_of(get_embedder(default_embedder_for(language)))


def _same_adapter(row: dict, adapter: str | None) -> bool:
    """An earlier row was made with this adapter folder and its weights file has not changed since."""
    return row.get("adapter") == adapter and row.get("adapter_sha256") == weights_hash(adapter)


def weights_hash(adapter: str | None) -> str | None:
    """sha256 of the adapter's weights file (not its model card, which eval figures are written into)."""
    weights = Path(adapter) / "adapter_model.safetensors" if adapter else None
    return hashlib.sha256(weights.read_bytes()).hexdigest() if weights and weights.is_file() else None


def previous_items(out_dir: Path, meta: dict) -> dict:
    """Answer rows per setting of an earlier run in out_dir with the same base, items and decoding, else {}."""
    path = Path(out_dir) / "results.json"
    if not path.exists():
        return {}
    old = json.loads(path.read_text(encoding="utf-8"))
    same = all(old["meta"].get(key) == meta[key] for key in ("base", "n_questions", "k", "max_new_tokens", "qids"))
    return old["items"] if same else {}


def run_eval(settings: list[str], *, base: str = "qwen-0.5b", n_questions: int = 32, max_new_tokens: int = 128,
             out_dir: str | Path = "runs/eval", k: int = 4, threads: int = 2, cache_dir=None,
             reuse: bool = True) -> dict:
    """Evaluate each setting on the same dev items; writes results.md/.json/chart.png after each setting.
    With `reuse`, settings already measured in out_dir on the same items are kept and not rerun."""
    import torch

    from assistant.evaluate.report import markdown_table, write_report
    from assistant.settings import Settings

    torch.set_num_threads(threads)
    cache = Path(cache_dir or Settings().cache_dir())
    parsed = [parse_setting(s, base) for s in settings]
    examples = dev_subset(n_questions, k=k)
    pool = few_shot_pool(k) if any(s.shots for s in parsed) else {}
    meta = {"base": base, "n_questions": len(examples), "k": k, "max_new_tokens": max_new_tokens,
            "threads": threads, "qids": [e.qid for e in examples]}
    items = previous_items(out_dir, meta) if reuse else {}
    items = {name: [{**row, **score(ex, row["answer"])} for ex, row in zip(examples, rows)]  # scored by this code
             for name, rows in items.items()}
    summaries = {name: summarize(rows) for name, rows in items.items()}
    for setting in parsed:
        if setting.name in summaries and _same_adapter(items[setting.name][0], setting.adapter):
            continue
        items[setting.name] = evaluate_setting(setting, examples, base, cache, max_new_tokens, pool)
        summaries[setting.name] = summarize(items[setting.name])
        write_report(out_dir, meta, summaries, items)
    print(markdown_table(summaries), flush=True)
    return {"meta": meta, "summaries": summaries, "items": items}
