"""Fine-tuning the answering model: example building (`data`), LoRA / P-tuning (`lora`), model card (`card`).

    .venv/bin/python -m assistant.train --method lora --base qwen-0.5b --out runs/qwen-lora
"""
from assistant.train.lora import Recipe, run_training, train


def build_examples(*args, **kwargs):
    from assistant.train.data import build_examples as _build

    return _build(*args, **kwargs)


__all__ = ["Recipe", "build_examples", "run_training", "train"]
