"""LoRA / P-tuning fine-tuning of a packaged base model on the answering task (CPU, fp32).

Loss is taken on the answer tokens only (the prompt is the app's own chat prompt). Every `save_every`
optimizer steps a checkpoint (trainable weights and optimizer state as tensors, step, RNG states;
safetensors + `torch.load(weights_only=True)`) is written, and a rerun resumes from the latest one.

    .venv/bin/python -m assistant.train --method lora --base qwen-0.5b \
        --recipe assistant/train/recipes/lora-qwen-0.5b.json --out runs/qwen-lora
"""
from __future__ import annotations

import json
import math
import random
import shutil
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import get_args

import torch

from assistant.types import TuningMethod

RECIPES = Path(__file__).with_name("recipes")


@dataclass
class Recipe:
    method: str = get_args(TuningMethod)[0]  # one of TuningMethod
    base: str = "qwen-0.5b"
    r: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])
    layers: list[int] | None = None  # LoRA only on these decoder layers (upper layers: no backward below them)
    num_virtual_tokens: int = 20  # P-tuning
    encoder_hidden_size: int = 256  # P-tuning
    lr: float = 2e-4
    warmup_steps: int = 5
    weight_decay: float = 0.0
    batch_size: int = 1
    grad_accum: int = 2
    epochs: int = 1
    max_steps: int | None = None  # overrides epochs when set
    max_len: int = 768
    grad_checkpointing: bool = False
    save_every: int = 10
    seed: int = 13
    threads: int = 2
    # data
    k: int = 4
    refusal_rate: float = 0.2
    paired: bool = False  # refusal cases also keep their answerable example (see data._kinds)
    refusal_weight: float = 1.0  # loss multiplier of refusal sequences (their target is ~10 tokens)
    init_adapter: str | None = None  # start from this peft adapter folder's weights (a second stage)
    dev_size: int = 100  # = data.DEV_SIZE; a recipe must not train on what eval holds out
    english: bool = True
    english_repeat: int = 2
    grounded: bool = False  # add the English examples of assistant/train/english.py (its questions file)
    max_answer_chars: int = 300  # reference answers cut to whole sentences up to this length
    loss_tokens: int | None = 80  # token-weighted loss: summed over target tokens / (this x sequences);
    # None = mean per sequence, which lets 7-token refusals outweigh answers (the model learns to always refuse)
    limit: int | None = None  # first N training records (tests, dry runs)

    @classmethod
    def load(cls, path: str | Path, **overrides) -> "Recipe":
        values = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known - {"description"}
        if unknown:
            from assistant.errors import InputError

            raise InputError(f"unknown recipe keys {sorted(unknown)}", path=str(path))
        return cls(**{k: v for k, v in values.items() if k in known})


def encode(messages: list[dict], target: str, tokenizer, max_len: int) -> dict | None:
    """input_ids/labels with labels = -100 on the prompt; the target keeps the template's end-of-turn."""
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(messages + [{"role": "assistant", "content": target}], tokenize=False)
    if not full.startswith(prompt):
        raise ValueError("chat template does not extend the generation prompt")
    p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    t_ids = tokenizer(full[len(prompt):].rstrip("\n"), add_special_tokens=False)["input_ids"]
    room = max_len - len(p_ids)
    if room < min(16, len(t_ids)):
        return None
    t_ids = t_ids[:room]
    return {"input_ids": p_ids + t_ids, "labels": [-100] * len(p_ids) + t_ids}


def encode_all(examples, tokenizer, max_len: int, refusal_weight: float = 1.0) -> tuple[list[dict], int]:
    """(encoded items, number dropped because the prompt alone is too long); refusals get `refusal_weight`."""
    kept = []
    for e in examples:
        item = encode(e.messages(), e.target, tokenizer, max_len)
        if item is not None:
            kept.append(item | {"weight": refusal_weight if e.kind == "refusal" else 1.0})
    return kept, len(examples) - len(kept)


def collate(items: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    """Left-padded batch, so every target ends at the last position (see `step_loss`)."""
    width = max(len(i["input_ids"]) for i in items)
    pad = [width - len(i["input_ids"]) for i in items]
    ids = [[pad_id] * n + i["input_ids"] for n, i in zip(pad, items)]
    labels = [[-100] * n + i["labels"] for n, i in zip(pad, items)]
    mask = torch.tensor([[0] * n + [1] * len(i["input_ids"]) for n, i in zip(pad, items)])
    return {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels), "attention_mask": mask}


def micro_batches(n_items: int, batch_size: int, count: int, seed: int) -> list[list[int]]:
    """The first `count` micro-batches of a per-epoch shuffled order; the same for the same seed (resume)."""
    order, epoch = [], 0
    while len(order) < count * batch_size:
        perm = list(range(n_items))
        random.Random(seed * 1000 + epoch).shuffle(perm)
        order += perm
        epoch += 1
    return [order[i * batch_size : (i + 1) * batch_size] for i in range(count)]


def total_steps(recipe: Recipe, n_items: int) -> int:
    if recipe.max_steps:
        return recipe.max_steps
    return max(1, math.ceil(recipe.epochs * n_items / (recipe.batch_size * recipe.grad_accum)))


def lr_at(step: int, recipe: Recipe, steps: int) -> float:
    """Linear warm-up then cosine decay to 10% of the peak."""
    if step < recipe.warmup_steps:
        return recipe.lr * (step + 1) / recipe.warmup_steps
    progress = (step - recipe.warmup_steps) / max(1, steps - recipe.warmup_steps)
    return recipe.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def peft_config(recipe: Recipe):
    from peft import LoraConfig, PromptEncoderConfig, TaskType

    if recipe.method == "lora":
        return LoraConfig(task_type=TaskType.CAUSAL_LM, r=recipe.r, lora_alpha=recipe.alpha,
                          lora_dropout=recipe.dropout, target_modules=list(recipe.target_modules),
                          layers_to_transform=list(recipe.layers) if recipe.layers else None)
    if recipe.method == "ptuning":
        return PromptEncoderConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=recipe.num_virtual_tokens,
                                   encoder_hidden_size=recipe.encoder_hidden_size)
    raise ValueError(f"unknown method {recipe.method!r}: use {' or '.join(get_args(TuningMethod))}")


def wrap_model(model, recipe: Recipe):
    """The peft model for `recipe`; with `init_adapter` its trainable weights start from that adapter's."""
    from peft import get_peft_model

    if recipe.grad_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.config.use_cache = False
    model = get_peft_model(model, peft_config(recipe))
    if recipe.init_adapter:
        init_from_adapter(model, Path(recipe.init_adapter))
    return model


def init_from_adapter(model, folder: Path) -> None:
    """Load a saved adapter's weights into a freshly wrapped model; its shape must match the recipe."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    from assistant.errors import InputError

    weights = folder / "adapter_model.safetensors"
    if not weights.exists():
        raise InputError("no adapter_model.safetensors there: train the first stage first", path=str(folder))
    try:
        result = set_peft_model_state_dict(model, load_file(str(weights)))
        mismatch = result.unexpected_keys[:2]
    except RuntimeError as err:  # same names, other shapes (another r)
        mismatch = [str(err).splitlines()[-1].strip()]
    if mismatch:
        raise InputError(f"adapter does not match the recipe's r, layers or modules: {mismatch}", path=str(folder))


def trainable_state(model) -> dict[str, torch.Tensor]:
    return {n: p.detach().contiguous() for n, p in model.named_parameters() if p.requires_grad}


def save_checkpoint(folder: Path, model, optimizer, step: int) -> Path:
    """Atomically write checkpoints/step-NNNNNN/ (weights, optimizer, step, RNG); keep the last two."""
    from safetensors.torch import save_file

    target = folder / "checkpoints" / f"step-{step:06d}"
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_file(trainable_state(model), str(tmp / "trainable.safetensors"))
    model.save_pretrained(tmp / "adapter")
    rng = {"torch": torch.get_rng_state(), "python": list(random.getstate()[1])}
    torch.save({"optimizer": optimizer.state_dict(), "step": step, "rng": rng}, tmp / "state.pt")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    for old in sorted((folder / "checkpoints").glob("step-??????"))[:-2]:
        shutil.rmtree(old, ignore_errors=True)
    return target


def latest_checkpoint(folder: Path) -> Path | None:
    found = sorted((folder / "checkpoints").glob("step-??????"))
    return found[-1] if found else None


def load_checkpoint(path: Path, model, optimizer) -> int:
    """Restore weights, optimizer and RNG states in place; returns the step it was taken at."""
    from safetensors.torch import load_file

    missing = set(load_file(str(path / "trainable.safetensors"))) - set(trainable_state(model))
    if missing:
        raise ValueError(f"checkpoint {path} does not match the model: {sorted(missing)[:3]}")
    model.load_state_dict(load_file(str(path / "trainable.safetensors")), strict=False)
    state = torch.load(path / "state.pt", weights_only=True)
    optimizer.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["rng"]["torch"])
    random.setstate((3, tuple(state["rng"]["python"]), None))
    return int(state["step"])


def prepare_items(recipe: Recipe, tokenizer, examples=None) -> tuple[list[dict], dict]:
    """Encoded training items (English ones repeated) and counts for the model card."""
    from assistant.train.data import build_examples

    if examples is None:
        examples = build_examples("train", dev_size=recipe.dev_size, k=recipe.k, refusal_rate=recipe.refusal_rate,
                                  english=recipe.english, limit=recipe.limit,
                                  max_answer_chars=recipe.max_answer_chars, paired=recipe.paired)
    if recipe.grounded:
        from assistant.train import english

        examples = list(examples) + english.examples(english.read(), english.pack_search(), k=recipe.k,
                                                           refusal_rate=recipe.refusal_rate)
    examples = list(examples) + [e for e in examples if e.language == "en"] * (recipe.english_repeat - 1)
    items, dropped = encode_all(examples, tokenizer, recipe.max_len, recipe.refusal_weight)
    counts = {"examples": len(examples), "dropped_too_long": dropped,
              "refusal": sum(e.kind == "refusal" for e in examples),
              "english": sum(e.language == "en" for e in examples),
              "mean_tokens": round(sum(len(i["input_ids"]) for i in items) / max(1, len(items)), 1)}
    return items, counts


def step_loss(model, items: list[dict], pad_id: int, positions: bool = True) -> tuple[torch.Tensor, int]:
    """Summed cross-entropy over target tokens (each sequence's scaled by its item's "weight"), and their
    count. Logits are computed only for the last positions that hold targets (`logits_to_keep`): the
    150k-word output layer is not run over the prompt."""
    batch = collate(items, pad_id)
    labels = batch.pop("labels")
    keep = max(sum(1 for x in i["labels"] if x != -100) for i in items) + 1
    if positions:  # left padding: positions count from each sequence's first real token
        batch["position_ids"] = (batch["attention_mask"].cumsum(-1) - 1).clamp(min=0)
    logits = model(**batch, logits_to_keep=keep).logits[:, -keep:]
    targets = labels[:, -keep:]
    per_token = torch.nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]).float(), targets[:, 1:].reshape(-1), ignore_index=-100,
        reduction="none",
    ).view(len(items), -1)
    weights = torch.tensor([i.get("weight", 1.0) for i in items]).unsqueeze(1)
    return (per_token * weights).sum(), int((targets != -100).sum())


def optimizer_step(model, optimizer, params, batches: list[list[dict]], recipe: Recipe, pad_id: int):
    """One update over `grad_accum` micro-batches; returns (mean loss per target token, each sequence's
    scaled by its weight as in the update, and the number of target tokens).

    With `recipe.loss_tokens` every target token weighs the same whatever its sequence's length;
    without it each sequence's mean loss weighs the same."""
    sums, counts = [], []
    for items in batches:
        total, n = step_loss(model, items, pad_id, recipe.method == "lora")
        norm = recipe.loss_tokens * len(items) * len(batches) if recipe.loss_tokens else max(n, 1) * len(batches)
        (total / norm).backward()
        sums.append(total.item())
        counts.append(n)
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return sum(sums) / max(1, sum(counts)), sum(counts)


def train_loop(model, tokenizer, items, recipe: Recipe, out_dir: Path, resume: bool = True) -> dict:
    """The optimisation loop with JSONL log and checkpoints; returns a summary (steps, losses, s/step)."""
    from tqdm import tqdm

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=recipe.weight_decay)
    steps = total_steps(recipe, len(items))
    ckpt = latest_checkpoint(out_dir) if resume else None
    start = load_checkpoint(ckpt, model, optimizer) if ckpt else 0
    plan = micro_batches(len(items), recipe.batch_size, steps * recipe.grad_accum, recipe.seed)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    model.train()
    losses, timings = [], []
    with (out_dir / "train_log.jsonl").open("a", encoding="utf-8") as log:
        for step in tqdm(range(start, steps), initial=start, total=steps, desc=f"{recipe.method} {recipe.base}"):
            t0, lr = time.time(), lr_at(step, recipe, steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            micro = plan[step * recipe.grad_accum : (step + 1) * recipe.grad_accum]
            loss, tokens = optimizer_step(model, optimizer, params, [[items[i] for i in b] for b in micro], recipe, pad_id)
            losses.append(loss)
            timings.append(time.time() - t0)
            log.write(json.dumps({"step": step + 1, "loss": round(loss, 4), "lr": lr, "target_tokens": tokens,
                                  "seconds": round(timings[-1], 2), "time": time.time()}) + "\n")
            log.flush()
            if (step + 1) % recipe.save_every == 0 or step + 1 == steps:
                save_checkpoint(out_dir, model, optimizer, step + 1)
    return {"steps": steps, "resumed_from": start, "losses": losses,
            "s_per_step": round(sorted(timings)[len(timings) // 2], 2) if timings else None}


def fit(recipe: Recipe, out_dir: str | Path, *, resume: bool = True, examples=None, cache_dir=None):
    """Load the base, wrap it, run the loop; returns (peft model, tokenizer, summary). Nothing saved but
    the log, the recipe and checkpoints."""
    from assistant.generate.loading import load_model
    from assistant.settings import Settings

    torch.set_num_threads(recipe.threads)
    torch.manual_seed(recipe.seed)
    random.seed(recipe.seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "recipe.json").write_text(json.dumps(asdict(recipe), indent=1), encoding="utf-8")
    model, tokenizer = load_model(recipe.base, Path(cache_dir or Settings().cache_dir()))
    items, counts = prepare_items(recipe, tokenizer, examples)
    model = wrap_model(model, recipe)
    summary = train_loop(model, tokenizer, items, recipe, out_dir, resume=resume)
    summary.update(data=counts, trainable_params=sum(p.numel() for p in trainable_state(model).values()))
    return model, tokenizer, summary


def save_adapter(model, recipe: Recipe, summary: dict, out_dir: str | Path) -> Path:
    """`<out_dir>/adapter/`: peft weights (safetensors) + adapter_config.json + README.md model card."""
    from assistant.train.card import write_card

    out_dir = Path(out_dir)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    adapter = out_dir / "adapter"
    model.save_pretrained(adapter)
    write_card(adapter, recipe, summary)
    return adapter


def train(recipe: Recipe, out_dir: str | Path, *, resume: bool = True, examples=None, cache_dir=None) -> Path:
    """Fine-tune `recipe.base` with `recipe.method`; returns `<out_dir>/adapter` (peft folder + README.md)."""
    model, _, summary = fit(recipe, out_dir, resume=resume, examples=examples, cache_dir=cache_dir)
    return save_adapter(model, recipe, summary, out_dir)


def run_training(method: str, base: str, recipe_path: str | Path | None, out_dir: str | Path,
                 resume: bool = True, **overrides) -> Path:
    """CLI entry: recipe file + method/base (+ overrides such as max_steps) -> adapter folder."""
    default = RECIPES / f"{method}-{base}.json"
    path = recipe_path or (default if default.exists() else None)
    recipe = Recipe.load(path, method=method, base=base, **overrides)
    return train(recipe, out_dir, resume=resume)
