"""`python -m assistant.generate`: prepare what the default settings answer with, so that the first answer
after set-up waits for no conversion (scripts/setup.sh runs it once; a second run returns at once).

torch engine: the GGUF dequantized and cast to the answering dtype, cached (a progress bar per step);
llama.cpp engine: the shipped adapter converted to a LoRA GGUF, cached. A model that is not installed is
reported and skipped, not an error: the first `ask` then says how to install it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def prepare(settings=None) -> str:
    """What was prepared for `settings` (default: `Settings()`), or why nothing was."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant.errors import ModelMissing
    from assistant.generate import resolve_adapter
    from assistant.generate.loading import answering_dtype, model_folder
    from assistant.settings import Settings

    settings = settings or Settings()
    cache = settings.cache_dir()
    try:
        if settings.engine == "llamacpp":
            from assistant.generate.llamacpp import lora_gguf

            adapter = resolve_adapter(settings.model, settings.adapter)
            return str(lora_gguf(settings.model, Path(adapter), cache)) if adapter else "no adapter to convert"
        return str(model_folder(settings.model, cache, answering_dtype()))
    except ModelMissing as exc:
        return f"skipped: {exc}"


if __name__ == "__main__":
    print(f"prepared the default model: {prepare()}", file=sys.stderr)
