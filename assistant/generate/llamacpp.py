"""llama.cpp backend: the packaged GGUF run in process through `xllamacpp` (engine "llamacpp").

The model file is the one `loading.gguf_path` finds (split parts concatenated once into the cache); no
dequantizing, so it loads in about a second and decodes from the quantized weights (DESIGN.md, "Engines").
`xllamacpp.Server.handle_chat_completions(request, callback)` formats the chat with the GGUF's own template
and calls `callback` with one OpenAI-style chunk per token; returning True from the callback stops decoding.
It runs in a worker thread (it releases the GIL while decoding) and hands text pieces to `stream` through a
queue, so pieces reach the reader as they are made and closing the stream stops the model at its next token.

Greedy (temperature 0) and no prompt cache reuse between requests, so the same messages give the same text.
Greedy output agrees with the torch path (the same GGUF dequantized) token for token until the first near
tie; llama.cpp multiplies by the quantized weights, so the two can pick different tokens where the top two
are within a few hundredths of a nat (tests/integration/test_generate_llamacpp.py).

A peft LoRA adapter is converted once to a llama.cpp LoRA GGUF (`lora_gguf`), cached under
`<cache_dir>/lora/` by a hash of the adapter's files, and loaded with the model. Every request names its
scale: 1.0 when `adapter_for` picks the adapter (its scope.json languages), 0.0 when the base model answers.

xllamacpp's Server also listens on a random 127.0.0.1 port (it cannot be turned off); a random API key,
never shown, keeps other local processes from using that port.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import secrets
import tempfile
import threading
from pathlib import Path
from typing import Iterator

from assistant.cores import physical_cores
from assistant.errors import GenerationError, InputError, ModelMissing
from assistant.generate import scope
from assistant.generate.base import END, Draft, drain, one_by_one
from assistant.generate.loading import gguf_path

XLLAMACPP = "xllamacpp==2026.10.11549"  # the pin of pyproject's `scale` extra
INSTALL = f"pip install '{XLLAMACPP}'"
N_CTX = 8192  # tokens of prompt + answer; the default prompt (k=5) is about 1,000
LORA_FORMAT = 1  # bump when the converted file changes, so cached conversions are rebuilt


def _xllamacpp():
    try:
        import xllamacpp
    except ImportError as exc:
        raise ModelMissing(f"The llama.cpp engine needs xllamacpp, which is not installed. Install it with: "
                           f"{INSTALL}  (or: pip install -e '.[scale]')") from exc
    return xllamacpp


# ---- peft LoRA -> llama.cpp LoRA GGUF ------------------------------------------------------


def _adapter_files(adapter: Path) -> tuple[dict, Path]:
    config_path, weights = adapter / "adapter_config.json", adapter / "adapter_model.safetensors"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the adapter's config ({exc}); re-train or re-install the adapter",
                         str(config_path)) from exc
    if config.get("peft_type") != "LORA":
        raise InputError(f"the llama.cpp engine runs LoRA adapters only, this one is {config.get('peft_type')}; "
                         "use --engine torch for it", str(adapter))
    unsupported = [key for key, off in (("use_dora", False), ("use_rslora", False), ("fan_in_fan_out", False),
                                        ("modules_to_save", None), ("rank_pattern", {}), ("alpha_pattern", {}))
                   if config.get(key) not in (off, None)]
    if config.get("bias", "none") != "none":
        unsupported.append("bias")
    if unsupported:
        raise InputError(f"LoRA options the llama.cpp engine does not convert: {', '.join(unsupported)}; "
                         "use --engine torch for this adapter", str(adapter))
    if not weights.is_file():
        raise InputError("no adapter_model.safetensors (the llama.cpp engine reads only safetensors adapters)",
                         str(adapter))
    return config, weights


def _digest(model: str, adapter: Path, weights: Path) -> str:
    digest = hashlib.sha256(f"{model}\x1f{LORA_FORMAT}\x1f".encode())
    for path in (adapter / "adapter_config.json", weights):
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


# Architectures whose converter (llama.cpp's convert_hf_to_gguf.py) stores q/k rows permuted for its rope
# layout; a LoRA's B for q_proj/k_proj (out x r) must be permuted the same way. qwen2 keeps the HF order.
_PERMUTED_QK = {"llama"}
_ARCHS = {"qwen2", "llama"}


def _base_arch(model_file: Path) -> dict:
    """Architecture, block count and head counts of the base GGUF, which the adapter's GGUF must match."""
    from gguf import GGUFReader

    reader = GGUFReader(model_file)
    arch = reader.get_field("general.architecture").contents()

    def value(key):
        field = reader.get_field(f"{arch}.{key}")
        return int(field.contents()) if field is not None else None

    heads = value("attention.head_count")
    return {"arch": arch, "blocks": value("block_count"), "heads": heads,
            "kv_heads": value("attention.head_count_kv") or heads}


def _permute_rows(b, n_head: int):
    """convert_hf_to_gguf.py's LlamaModel.permute on the output rows of a LoRA B matrix."""
    return b.reshape(n_head, 2, b.shape[0] // n_head // 2, *b.shape[1:]).swapaxes(1, 2).reshape(b.shape)


def _convert(model: str, config: dict, weights: Path, model_file: Path, target: Path) -> None:
    import gguf
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        tensors = load_file(weights)
    except (SafetensorError, OSError, ValueError) as exc:
        raise InputError(f"the adapter's weights are damaged ({exc}); re-train or re-install the adapter",
                         str(weights)) from exc
    base = _base_arch(model_file)
    arch_name = base["arch"]
    if arch_name not in _ARCHS:
        raise InputError(f"converting LoRA adapters for {arch_name} models is not supported (only "
                         f"{', '.join(sorted(_ARCHS))}); use --engine torch", str(weights))
    arch = {name: key for key, name in gguf.MODEL_ARCH_NAMES.items()}[arch_name]
    names = gguf.get_tensor_name_map(arch, base["blocks"])
    pairs: dict[str, dict[str, object]] = {}
    for key, value in tensors.items():  # base_model.model.<module>.lora_A.weight
        module, _, part = key.removeprefix("base_model.model.").rpartition(".lora_")
        if part not in ("A.weight", "B.weight"):
            raise InputError(f"unexpected tensor {key} in a LoRA adapter (the llama.cpp engine converts only "
                             "lora_A/lora_B weights); use --engine torch", str(weights))
        name = names.get_name(module + ".weight", try_suffixes=(".weight",))
        if name is None:
            raise InputError(f"the adapter tunes {module}, which has no llama.cpp tensor in a {arch_name} model",
                             str(weights))
        if part[0] == "B" and arch_name in _PERMUTED_QK and module.endswith(("q_proj", "k_proj")):
            value = _permute_rows(value, base["heads"] if module.endswith("q_proj") else base["kv_heads"])
        pairs.setdefault(name, {})[part[0]] = value
    if not pairs or any(len(ab) != 2 for ab in pairs.values()):
        raise InputError("the adapter's lora_A/lora_B weights do not come in pairs", str(weights))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".gguf", dir=target.parent)
    os.close(fd)
    try:
        writer = gguf.GGUFWriter(tmp, arch_name)
        writer.add_type(gguf.GGUFType.ADAPTER)
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(config["lora_alpha"]))
        for name, ab in sorted(pairs.items()):  # A is (r, in), B is (out, r): stored as peft has them
            writer.add_tensor(f"{name}.lora_a", ab["A"].astype("float32"))
            writer.add_tensor(f"{name}.lora_b", ab["B"].astype("float32"))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        check_lora_gguf(Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_lora_gguf(path: Path) -> int:
    """Number of LoRA tensor pairs in a llama.cpp LoRA GGUF; InputError if the file is damaged or not one."""
    from gguf import GGUFReader

    try:
        reader = GGUFReader(path)
        kind = reader.get_field("general.type")
        adapter_type = reader.get_field("adapter.type")
        ok = (kind is not None and kind.contents() == "adapter" and adapter_type is not None
              and adapter_type.contents() == "lora" and reader.get_field("adapter.lora.alpha") is not None)
        names = [t.name for t in reader.tensors]
        for t in reader.tensors:  # every tensor's data lies inside the file
            if t.data.nbytes != t.n_bytes:
                ok = False
    except Exception as exc:  # numpy/struct errors on a cut or garbled file
        raise InputError(f"damaged llama.cpp LoRA file ({type(exc).__name__}: {exc}); delete it and ask again "
                         "to convert the adapter afresh", str(path)) from exc
    a = {n.removesuffix(".lora_a") for n in names if n.endswith(".lora_a")}
    b = {n.removesuffix(".lora_b") for n in names if n.endswith(".lora_b")}
    if not ok or not a or a != b:
        raise InputError("not a llama.cpp LoRA adapter GGUF (adapter type, alpha or lora_a/lora_b pairs missing); "
                         "delete it and ask again to convert the adapter afresh", str(path))
    return len(a)


def lora_gguf(model: str, adapter: Path, cache_dir: Path) -> Path:
    """The peft LoRA in `adapter` as a llama.cpp LoRA GGUF, converted once into `<cache_dir>/lora/`.

    A cached file that fails the check (cut short, overwritten) is converted again."""
    adapter = Path(adapter)
    config, weights = _adapter_files(adapter)
    target = Path(cache_dir) / "lora" / f"{model}-{_digest(model, adapter, weights)}.gguf"
    if target.exists():
        try:
            check_lora_gguf(target)
            return target
        except InputError:
            target.unlink(missing_ok=True)
    _convert(model, config, weights, gguf_path(model, cache_dir), target)
    return target


# ---- the generator -----------------------------------------------------------------------------------


def _server(model_file: Path, lora: Path | None, n_ctx: int, threads: int | None):
    x = _xllamacpp()
    params = x.CommonParams()
    params.model.path = str(model_file)
    params.n_ctx = n_ctx
    params.n_parallel = 1  # one answer at a time (the lock); parallel slots only split 2 cores
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads or physical_cores()
    params.sampling.temp = 0.0
    params.verbosity = -1  # quiet: errors come back as exceptions or error chunks
    params.api_keys = [secrets.token_hex(16)]  # the side HTTP port answers no one
    params.endpoint_slots = params.ui = False
    if lora is not None:
        check_lora_gguf(lora)
        params.lora_adapters = [x.CommonAdapterLoraInfo(str(lora), 0.0)]
    try:
        return x.Server(params)
    except RuntimeError as exc:
        what = f"{model_file} with the LoRA {lora}" if lora else str(model_file)
        raise GenerationError(f"llama.cpp could not load {what} ({exc}). If the file is damaged, "
                              "reinstall the model package (and delete the cached LoRA file).") from exc


class LlamaCppGenerator:
    engine = "llamacpp"

    def __init__(self, server, name: str, adapter: str = "", languages: frozenset[str] | None = None,
                 lora: Path | None = None, cache_prompt: bool = False, quotes: bool = False):
        self._server = server
        self.quotes = quotes  # quote-only decoding where no adapter answers (a grammar; copying.quote_grammar)
        # True: a request reuses the cached prefix it shares with the one before (the system prompt, a
        # conversation's earlier turns) and skips re-reading it; off by default because the reused prefix
        # changes the arithmetic, so the same messages could give another text than a replay of the record.
        self.cache_prompt = cache_prompt
        self.name, self.adapter = name, adapter
        self.languages = languages  # the adapter's scope; None: every question
        self.lora = lora  # the converted adapter file, loaded as LoRA id 0
        self._lock = threading.Lock()

    @classmethod
    def load(cls, name: str, cache_dir: Path, adapter: Path | None = None, n_ctx: int = N_CTX,
             threads: int | None = None, cache_prompt: bool = False, quotes: bool = False) -> "LlamaCppGenerator":
        """`threads`: default the physical cores (SMT siblings only slow llama.cpp's matrix loops down)."""
        _xllamacpp()  # the install hint before any conversion work
        model_file = gguf_path(name, cache_dir)
        lora = lora_gguf(name, Path(adapter), cache_dir) if adapter else None
        server = _server(model_file, lora, n_ctx, threads)
        return cls(server, name, str(adapter) if adapter else "", scope.languages(adapter), lora, cache_prompt, quotes)

    def adapter_for(self, messages: list[dict]) -> str:
        """The adapter that answers these messages: "" when their question is outside its languages."""
        return scope.answering(self.adapter, self.languages, messages)

    def request(self, messages: list[dict], max_new_tokens: int) -> dict:
        body = {"messages": messages, "max_tokens": max_new_tokens, "temperature": 0.0, "stream": True,
                "cache_prompt": self.cache_prompt}
        if self.lora is not None:  # unnamed adapters would keep their last scale: always send it
            body["lora"] = [{"id": 0, "scale": 1.0 if self.adapter_for(messages) else 0.0}]
        if self.quotes and not self.adapter_for(messages):
            from assistant.generate.copying import quote_grammar
            from assistant.prompts import passages_of

            if grammar := quote_grammar(passages_of(messages)):
                body["grammar"] = grammar
        return body

    def _run(self, request: dict, pieces: queue.Queue, stop: threading.Event) -> None:
        def on_chunk(chunk) -> bool:
            try:
                if stop.is_set():
                    return True
                if isinstance(chunk, dict) and "error" in chunk:
                    pieces.put(GenerationError(_error_text(chunk["error"])))
                    return True
                for choice in chunk.get("choices") or ():
                    if text := (choice.get("delta") or {}).get("content"):
                        pieces.put(text)
                return stop.is_set()
            except Exception as exc:  # never let an exception cross into C++
                pieces.put(exc)
                return True

        try:
            with self._lock:
                if not stop.is_set():
                    self._server.handle_chat_completions(request, on_chunk)
        except Exception as exc:  # handed to the reading thread, which raises it
            pieces.put(exc)
        finally:
            pieces.put(END)

    def stream(self, messages: list[dict], max_new_tokens: int) -> Iterator[str]:
        pieces, stop = queue.Queue(), threading.Event()
        worker = threading.Thread(target=self._run, args=(self.request(messages, max_new_tokens), pieces, stop),
                                  daemon=True)
        yield from drain(pieces, stop, worker, f"llama.cpp generation with {self.name}")

    def draft_many(self, batch: list[list[dict]], max_new_tokens: int) -> list[Draft]:
        return one_by_one(self, batch, max_new_tokens)

    def close(self) -> None:
        """Stop the in-process server now (otherwise it stops when the generator is garbage collected)."""
        with self._lock:
            self._server = None


def _error_text(error) -> str:
    if isinstance(error, dict) and error.get("type") == "exceed_context_size_error":
        return (f"The prompt has {error.get('n_prompt_tokens')} tokens, more than the llama.cpp context of "
                f"{error.get('n_ctx')}; ask with fewer passages (-k) or a shorter history.")
    message = error.get("message") if isinstance(error, dict) else error
    return f"llama.cpp refused the request: {message}"
