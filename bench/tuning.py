"""Answer quality by tuning setting: zero-shot, few-shot, LoRA and P-tuning of the default 0.5B base.

Runs `assistant.evaluate.run_eval` (the engine of `legal-assistant eval`) on the LeCoQA dev split (hashed,
never trained on): every setting answers the same items from the same prompts (k = 4 passages: the gold
articles mixed with BM25 distractors, or, for withheld-evidence items, no gold: half of them the
passages nearest the question, half another dev question's passages), greedily, on CPU.
Scores: ROUGE-L, token F1 and BLEU against the lawyers' reference answers (character tokens for
Chinese); citation precision and recall of the cited passages against the gold articles shown;
refusal accuracy on withheld-evidence items (all, nearest, other); false refusals on answerable items;
the same two "as served": what `Assistant.ask` would return for the answer, which also refuses an answer
citing no shown passage that supports it (the model's own refusal is the target; the served one is what
a lawyer sees);
seconds per answer and decode tokens/s. Differences LoRA − zero-shot come with a paired bootstrap 95%
interval over the answerable items (2,000 resamples, seed 13); "met" needs its lower end above 0.
Full: 32 items (24 answerable, 8 withheld), max 128 new tokens, the four settings; adapters are the
shipped ones (assistant/adapters/); a missing one gives a row saying so. Quick: 3 items, 40 new
tokens, zero-shot and LoRA. Every answer: runs/eval/results.json, the folder `legal-assistant eval`
writes by default: a setting already measured there on the same items and decoding (and, for an
adapter, the same weights file) is reused, not rerun, so a full run by hand and the bench agree.
Other settings stored there on the same items (an experiment that was not shipped) are listed as well.

Run:  .venv/bin/python -m bench --only tuning [--quick]
"""
from __future__ import annotations

from pathlib import Path

from bench import REPO_ROOT, Benchmark, Context, machine
from bench.metrics import bootstrap_gap

ADAPTERS = REPO_ROOT / "assistant" / "adapters"
EVAL_DIR = REPO_ROOT / "runs" / "eval"
FULL = {"n": 32, "max_new_tokens": 128,
        "settings": ["zero-shot", "few-shot:1", f"lora:{ADAPTERS / 'qwen-0.5b'}",
                     f"ptuning:{ADAPTERS / 'qwen-0.5b-ptuning'}"]}
QUICK = {"n": 3, "max_new_tokens": 40, "settings": ["zero-shot", f"lora:{ADAPTERS / 'qwen-0.5b'}"]}
METRICS = ("rouge_l", "token_f1", "bleu", "cite_precision", "cite_recall", "refusal_accuracy", "refusal_nearest",
           "refusal_other", "false_refusal", "served_refusal_accuracy", "served_false_refusal", "seconds_per_answer",
           "tokens_per_s")
COMPARED = ("rouge_l", "cite_recall")
REFUSAL_TARGET = 0.8


def per_item(rows: list[dict], key: str) -> list[float]:
    """The metric per answerable item (0 where the item has none, e.g. recall of a refused answer)."""
    return [r.get(key) or 0.0 for r in rows if r["kind"] == "answer"]


def setting_rows(summaries: dict, label: str) -> list[dict]:
    return [{"setting": name, "items": label, **{k: _round(s.get(k)) for k in METRICS},
             "runs": 1, "machine": machine()} for name, s in summaries.items()]


def target_rows(summaries: dict, items: dict, label: str) -> list[dict]:
    if "lora" not in items or "zero-shot" not in items:
        return []
    out = []
    for key in COMPARED:
        gap, low, high = bootstrap_gap(per_item(items["lora"], key), per_item(items["zero-shot"], key))
        out.append({"setting": f"lora − zero-shot, {key}", "items": label, key: f"{gap:+.3f} [{low:+.3f}, {high:+.3f}]",
                    "target": "> 0, 95% interval above 0", "met": "yes" if low > 0 else "no", "runs": 1,
                    "machine": machine()})
    refusal = summaries["lora"].get("refusal_accuracy")
    out.append({"setting": "lora refusal accuracy (withheld evidence)", "items": label,
                "refusal_accuracy": _round(refusal), "target": f"≥ {REFUSAL_TARGET}",
                "met": "yes" if refusal is not None and refusal >= REFUSAL_TARGET else "no", "runs": 1,
                "machine": machine()})
    return out


def _round(value):
    return round(value, 3) if isinstance(value, float) else value


def run(ctx: Context) -> list[dict]:
    from assistant.evaluate.run import parse_setting, run_eval

    plan = QUICK if ctx.quick else FULL
    present, missing = [], []
    for text in plan["settings"]:
        adapter = parse_setting(text).adapter
        (present if adapter is None or Path(adapter).is_dir() else missing).append(text)
    result = run_eval(present, n_questions=plan["n"], max_new_tokens=plan["max_new_tokens"],
                      out_dir=ctx.scratch / "tuning" if ctx.quick else EVAL_DIR)
    summaries, items = result["summaries"], result["items"]
    any_rows = next(iter(items.values()))
    label = (f"{sum(r['kind'] == 'answer' for r in any_rows)} answerable + "
             f"{sum(r['kind'] == 'refusal' for r in any_rows)} withheld LeCoQA dev items, "
             f"max {plan['max_new_tokens']} new tokens")
    rows = setting_rows(summaries, label) + target_rows(summaries, items, label)
    rows += [{"setting": parse_setting(t).name, "items": f"not run: no adapter at {parse_setting(t).adapter}",
              "runs": 0, "machine": machine()} for t in missing]
    return rows


def chart(rows: list[dict], out: Path) -> list[Path]:
    from assistant.evaluate.report import chart as bars

    summaries = {r["setting"]: r for r in rows if r.get("runs") == 1 and "rouge_l" in r and "−" not in r["setting"]}
    return [bars(summaries, out / "tuning.png")] if summaries else []


BENCHMARK = Benchmark(name="tuning", title="Answer quality: zero-shot, few-shot, LoRA, P-tuning",
                      run=run, notes=__doc__.split("Run:")[0].split("\n", 2)[2], chart=chart)
