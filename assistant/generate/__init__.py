"""Generators: local HF models (+ peft adapters), an OpenAI-compatible server, and a scripted fake.

`get_generator(settings)` picks one by `settings.model`: a name in `MODELS`, "openai" or "scripted"; a name in
`MODELS` runs on `settings.engine`: "torch" (hf.py) or "llamacpp" (llamacpp.py).
"""
from __future__ import annotations

from pathlib import Path

from assistant.errors import InputError, ModelMissing
from assistant.generate.base import Generator
from assistant.generate.loading import MODELS
from assistant.settings import REPO_ROOT, Settings

ADAPTERS_DIR = REPO_ROOT / "assistant" / "adapters"
NAMES = (*MODELS, "openai", "scripted")  # every value `settings.model` may take

__all__ = ["Generator", "MODELS", "NAMES", "ADAPTERS_DIR", "get_generator", "resolve_adapter"]


def resolve_adapter(model: str, adapter: str) -> Path | None:
    """'none' -> None; 'default' -> assistant/adapters/<model>/ when shipped, else None; else a folder."""
    if adapter == "none":
        return None
    if adapter == "default":
        shipped = ADAPTERS_DIR / model
        return shipped if (shipped / "adapter_config.json").exists() else None
    folder = Path(adapter).expanduser()
    if not (folder / "adapter_config.json").exists():
        raise InputError("not a peft adapter folder (no adapter_config.json); use 'none' or 'default'", str(folder))
    return folder


def get_generator(settings: Settings) -> Generator:
    if settings.model == "scripted":
        from assistant.generate.scripted import ScriptedGenerator, quote_first_passage

        return ScriptedGenerator(quote_first_passage)
    if settings.model == "openai":
        from assistant.generate.openai import OpenAIGenerator

        return OpenAIGenerator(settings.openai_base_url, settings.openai_model)
    if settings.model not in MODELS:
        raise ModelMissing(f"Unknown model {settings.model!r}; choose one of {', '.join(NAMES)}.")
    adapter = resolve_adapter(settings.model, settings.adapter)
    if settings.engine == "llamacpp":
        from assistant.generate.llamacpp import LlamaCppGenerator

        return LlamaCppGenerator.load(settings.model, settings.cache_dir(), adapter,
                                      quotes=settings.decoding == "quotes")
    from assistant.generate.hf import HFGenerator

    return HFGenerator.load(settings.model, settings.cache_dir(), adapter, quotes=settings.decoding == "quotes")
