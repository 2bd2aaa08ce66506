"""Generation: time to first token, decode tokens/s, load time and peak memory of each local model,
the torch engine's overhead over a raw `generate`, and FAQ throughput with the default settings.

Every (model, dtype) is measured in its own fresh Python process (`python -m bench.generation --child`),
so its peak RSS (VmHWM from /proc/self/status: torch, transformers, the model and generation) is that
model's alone. In the child: torch and transformers are imported, then `HFGenerator.load` reads the
cached dequantized folder (index/.cache/models/<name>/) with the model's shipped adapter, as the default
settings do, and runs its 2-token warm-up — that is the load time; then the fixed answering prompt is
streamed through `HFGenerator.stream` (greedy, exactly 64 new tokens: end-of-sequence is held back with
min_new_tokens) 3 times (quick: once). Time to first token = from the call to the first piece (chat
template, tokenisation and the prompt's forward pass); decode tokens/s = (pieces - 1) / (time after the
first piece); a 64-token answer = the whole stream. Medians over the runs. "auto" is the dtype the
project picks (`answering_dtype`: bf16 on a CPU with AVX512-BF16 or AMX, else fp32); qwen-0.5b also
runs in fp32, and the row "greedy tokens, dtype vs fp32" counts the first 64 tokens they share.
Each qwen model also runs on the llama.cpp engine ("llama.cpp (GGUF as packaged)": `LlamaCppGenerator`, the
shipped adapter as its cached LoRA GGUF, a 2-token warm-up, end-of-sequence ignored so that every run
decodes 64 tokens), in its own fresh process, timed the same way.

Engine overhead (default model only, after the peak RSS is read): a plain `AutoModelForCausalLM` of the
same folder and dtype is loaded beside the project's generator and warmed up; then, 5 times (quick:
once), interleaved: raw `generate(max_new_tokens=1)` on the same prompt's tokens with the torch threads
the project is about to pick (`spare_cores`), the project's `HFGenerator.stream` to its first piece, and
raw `generate` again on torch's default threads (the physical cores). Raw calls run in a worker thread
as the project's does (on this shared CPU, 2 torch threads called from the main thread stalled more).
Ratio = median project / median raw on the same threads.

FAQ throughput: `answer_file` over all 50 rows of corpus/faq/sample_faq.csv with the default settings
(Settings(): its engine, qwen-0.5b, shipped adapter, k=5, `max_new_tokens` (32 since 2026-12-06 22:11; the
FAQ figures in bench/RESULTS.md were measured at 64) new tokens at most, drafts decoded `batch` = 2
at a time) on the india index, model and verification's embedder loaded first (quick: 3 rows;
BENCH_GENERATION_FAQ_ROWS=N for another count, 0 skips it); then the same rows one draft at a time (batch 1),
and the count of served answers the two runs share.

The prompt: `build_messages` for a fixed question ("How have the courts read the right to life and
personal liberty under Article 21?") over the india index's top hybrid hits, as many as bring it
closest to 1,000 tokens (qwen tokenizer); each model reports its own prompt length. qwen-1.5b is
skipped, with its install command, when it is neither installed nor cached.

Run:  .venv/bin/python -m bench --only generation [--quick]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench import REPO_ROOT, Benchmark, Context, row

# (model, dtype); dtype "gguf": the llama.cpp engine on the packaged GGUF as is (xllamacpp, in process)
CONFIGS = (("smollm2", "auto"), ("qwen-0.5b", "float32"), ("qwen-0.5b", "auto"), ("qwen-0.5b", "gguf"),
           ("qwen-1.5b", "auto"), ("qwen-1.5b", "gguf"))
DEFAULT_MODEL = "qwen-0.5b"  # Settings().model: the engine overhead is measured on it
FAQ_ROWS, QUICK_FAQ_ROWS = 50, 3
QUESTION = "How have the courts read the right to life and personal liberty under Article 21?"
TARGET_TOKENS = 1000
MAX_NEW_TOKENS = 64


def cache_dir() -> Path:
    from assistant.settings import Settings

    return Settings().cache_dir()


def available(name: str) -> str:
    """'' when the model can be loaded (cached folder, or an installed package), else why not."""
    from assistant.errors import ModelMissing
    from assistant.generate.loading import source_files

    if (cache_dir() / "models" / name / "config.json").exists():
        return ""
    try:
        source_files(name)
    except ModelMissing as exc:
        return str(exc)
    return ""


def count_tokens(messages: list[dict]) -> int:
    """Prompt tokens under the qwen-0.5b chat template (cached tokenizer), else about 4/3 per word."""
    folder = cache_dir() / "models" / "qwen-0.5b"
    if (folder / "tokenizer.json").exists():
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(folder)
        encoded = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)
        return len(encoded["input_ids"])
    return round(sum(len(m["content"].split()) for m in messages) * 4 / 3)


def fixed_prompt(ctx: Context) -> tuple[list[dict], int]:
    """The answering prompt closest to TARGET_TOKENS, and its length in qwen tokens."""
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.prompts import build_messages
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from bench.answers import india_index

    folder, _ = india_index(ctx)
    index = open_index(folder)
    hits = Retriever(index, get_embedder(index.manifest.embedder), Settings(k=20)).search(QUESTION, k=20)
    best = None
    for n in range(1, len(hits) + 1):
        messages = build_messages(QUESTION, hits[:n])
        tokens = count_tokens(messages)
        if best is None or abs(tokens - TARGET_TOKENS) < abs(best[1] - TARGET_TOKENS):
            best = (messages, tokens)
        if tokens >= TARGET_TOKENS:
            break
    return best


def stream_times(gen, messages: list[dict], max_new_tokens: int, first_only: bool = False) -> tuple[float, float, int, str]:
    """(seconds to the first piece, seconds in all, pieces, text) of one `gen.stream`; `first_only` stops
    the stream at its first piece."""
    import time

    began, first_at, pieces = time.perf_counter(), None, []
    stream = gen.stream(messages, max_new_tokens)
    for piece in stream:
        first_at = first_at if first_at is not None else time.perf_counter()
        pieces.append(piece)
        if first_only:
            stream.close()
            break
    return first_at - began, time.perf_counter() - began, len(pieces), "".join(pieces)


def raw_first_token(model, inputs: dict, pad: int, threads: int) -> float:
    """Seconds of a raw `model.generate(max_new_tokens=1)` on `threads` torch threads, run in a worker thread
    (see the notes)."""
    import threading
    import time

    import torch

    def call():
        torch.set_num_threads(threads)
        with torch.inference_mode():
            model.generate(**inputs, max_new_tokens=1, do_sample=False, pad_token_id=pad)

    began, worker = time.perf_counter(), threading.Thread(target=call)
    worker.start()
    worker.join()
    return time.perf_counter() - began


def overhead(gen, messages: list[dict], runs: int) -> dict:
    """Raw generate vs the project's stream to its first piece, interleaved, on the same prompt and weights."""
    from transformers import AutoModelForCausalLM

    from assistant.cores import physical_cores, spare_cores
    from assistant.generate.loading import model_folder, tie_lm_head

    dtype = str(gen.model.dtype).removeprefix("torch.")
    raw = AutoModelForCausalLM.from_pretrained(model_folder(gen.name, cache_dir(), dtype), dtype=dtype).eval()
    tie_lm_head(raw)
    inputs, pad = gen._inputs(messages), gen.tokenizer.pad_token_id or gen.tokenizer.eos_token_id
    raw_first_token(raw, gen._inputs([{"role": "user", "content": "Hello"}]), pad, physical_cores())  # warm-up
    raw_s, default_s, project_s, threads = [], [], [], []
    for _ in range(runs):
        threads.append(spare_cores())  # what the project's next answer will pick, given to the raw call too
        raw_s.append(raw_first_token(raw, inputs, pad, threads[-1]))
        project_s.append(stream_times(gen, messages, 1, first_only=True)[0])
        default_s.append(raw_first_token(raw, inputs, pad, physical_cores()))
    return {"raw_first_s": raw_s, "project_first_s": project_s, "raw_default_threads_s": default_s,
            "raw_threads": threads, "default_threads": physical_cores()}


def measure_llamacpp(name: str, messages: list[dict], runs: int, max_new_tokens: int) -> dict:
    """Inside the fresh process: the llama.cpp engine with the shipped adapter (converted to a LoRA GGUF,
    cached, untimed), as `--engine llamacpp` runs it; end-of-sequence ignored, so every run decodes the same."""
    import statistics
    import time

    from assistant.generate import resolve_adapter
    from assistant.generate.llamacpp import LlamaCppGenerator, lora_gguf

    adapter = resolve_adapter(name, "default")
    if adapter:
        lora_gguf(name, Path(adapter), cache_dir())  # converted once (untimed), as setup leaves it
    started = time.perf_counter()
    gen = LlamaCppGenerator.load(name, cache_dir(), adapter)
    load_s = time.perf_counter() - started
    plain = gen.request
    gen.request = lambda m, n: {**plain(m, n), "ignore_eos": True}
    list(gen.stream([{"role": "user", "content": "Hello"}], 2))  # warm-up, as HFGenerator.load does
    timed = [stream_times(gen, messages, max_new_tokens) for _ in range(runs)]
    speed = [(n - 1) / (total - first) if n > 1 and total > first else 0.0 for first, total, n, _ in timed]
    return {"model": name, "dtype": "gguf", "asked_dtype": "gguf", "engine": "llamacpp",
            "adapter": gen.adapter_for(messages), "cached": True, "load_s": load_s,
            "first_token_s": statistics.median(t[0] for t in timed), "total_s": statistics.median(t[1] for t in timed),
            "tokens_per_s": statistics.median(speed), "new_tokens": [t[2] for t in timed], "text": timed[0][3],
            "first_token_runs": [round(t[0], 2) for t in timed], "prompt_tokens": count_tokens(messages),
            "runs": runs, "peak_rss_mb": peak_rss_mb()}


def measure_child(name: str, dtype: str, prompt_file: Path, runs: int, max_new_tokens: int) -> dict:
    """Inside the fresh process: load as the project does, time `runs` streams of the prompt; for the
    default model in the project's dtype, then the engine overhead."""
    import statistics
    import time

    if dtype == "gguf":
        return measure_llamacpp(name, json.loads(prompt_file.read_text(encoding="utf-8")), runs, max_new_tokens)

    import torch  # noqa: F401  (imported before the load is timed)
    import transformers  # noqa: F401

    from assistant.generate import resolve_adapter
    from assistant.generate.hf import HFGenerator
    from assistant.generate.loading import answering_dtype, model_folder

    messages = json.loads(prompt_file.read_text(encoding="utf-8"))
    dtype_folder = answering_dtype() if dtype == "auto" else dtype
    cached = (cache_dir() / "models" / (name if dtype_folder == "float32" else f"{name}-{dtype_folder}")
              / "config.json").exists()
    model_folder(name, cache_dir(), dtype_folder)  # converted once if not cached (untimed; then RSS includes it)
    started = time.perf_counter()
    gen = HFGenerator.load(name, cache_dir(), resolve_adapter(name, "default"), None if dtype == "auto" else dtype)
    load_s = time.perf_counter() - started
    gen.model.generation_config.min_new_tokens = max_new_tokens  # no early end: every run decodes the same count
    prompt_tokens = int(gen._inputs(messages)["input_ids"].shape[-1])
    timed = [stream_times(gen, messages, max_new_tokens) for _ in range(runs)]
    speed = [(n - 1) / (total - first) if n > 1 and total > first else 0.0 for first, total, n, _ in timed]
    result = {"model": name, "dtype": str(gen.model.dtype).removeprefix("torch."), "asked_dtype": dtype,
              "adapter": gen.adapter_for(messages), "cached": cached, "load_s": load_s,
              "first_token_s": statistics.median(t[0] for t in timed), "total_s": statistics.median(t[1] for t in timed),
              "tokens_per_s": statistics.median(speed), "new_tokens": [t[2] for t in timed], "text": timed[0][3],
              "first_token_runs": [round(t[0], 2) for t in timed],
              "token_ids": gen.tokenizer(timed[0][3], add_special_tokens=False)["input_ids"],
              "prompt_tokens": prompt_tokens, "runs": runs, "peak_rss_mb": peak_rss_mb(),
              "torch_threads": __import__("torch").get_num_threads(), "auto_dtype": answering_dtype()}
    if name == DEFAULT_MODEL and dtype == "auto":
        result.update(overhead(gen, messages, 2 * runs - 1))
    return result


def peak_rss_mb() -> float:
    """This process's own peak resident set (VmHWM). Not ru_maxrss: Linux carries the parent's peak into a
    child across fork + exec, so after other sections a child reported the whole bench's peak."""
    line = next(ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def run_child(name: str, dtype: str, prompt_file: Path, runs: int, timeout: float = 1500) -> dict:
    cmd = [sys.executable, "-m", "bench.generation", "--child", name, dtype, str(prompt_file), str(runs),
           str(MAX_NEW_TOKENS)]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "TRANSFORMERS_VERBOSITY": "error",
           "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    done = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"generation child for {name} failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])


def label(m: dict) -> str:
    if m["dtype"] == "gguf":
        return f"{m['model']}, llama.cpp (GGUF as packaged)"
    return f"{m['model']}, torch {m['dtype']}" + (" (auto)" if m["asked_dtype"] == "auto" else "")


def model_rows(m: dict, qwen_tokens: int) -> list[dict]:
    subset = (f"fixed answering prompt: {m['prompt_tokens']} tokens for this model ({qwen_tokens} qwen tokens), "
              f"{MAX_NEW_TOKENS} new tokens (got {m['new_tokens']}), greedy; fresh process; adapter "
              f"{'none' if not m['adapter'] else 'shipped'} for this prompt")
    common = {"subset": subset, "model": label(m)}
    return [
        row("time to first token (median)", round(m["first_token_s"], 2), unit="s", runs=m["runs"], **common),
        row("decode speed (median)", round(m["tokens_per_s"], 1), unit="tokens/s", runs=m["runs"], **common),
        row(f"time to complete a {MAX_NEW_TOKENS}-token answer (median)", round(m["total_s"], 1), unit="s",
            runs=m["runs"], **common),
        row("load time from the cache", round(m["load_s"], 1), unit="s", runs=1,
            **{**common, "subset": ("LlamaCppGenerator.load of the GGUF with the shipped adapter's LoRA GGUF"
                                    if m["dtype"] == "gguf" else
                                    "HFGenerator.load of index/.cache/models/<name>/ with the shipped adapter, "
                                    "2-token warm-up included (torch imported before)")
               + ("" if m["cached"] else "; NOT cached before this run: dequantized first, untimed")}),
        row("peak RSS of the process", round(m["peak_rss_mb"]), unit="MB", runs=1,
            **{**common, "subset": "VmHWM of the child: Python + torch + model + the generations above"}),
    ]


def default_rows(m: dict, fp32: dict | None) -> list[dict]:
    """The must-show rows of the default model in the dtype the project picks."""
    import statistics

    raw, project = statistics.median(m["raw_first_s"]), statistics.median(m["project_first_s"])
    ratio, total, rss = project / raw, m["total_s"], m["peak_rss_mb"]
    common = {"model": label(m), "engine": "torch"}
    pairs = ", ".join(f"{p:.2f}/{r:.2f}" for p, r in zip(m["project_first_s"], m["raw_first_s"]))
    default = statistics.median(m["raw_default_threads_s"])
    rows = [
        row("engine overhead, time to first token (project / raw engine)", round(ratio, 2), unit="ratio",
            target="≤ 1.15", met=ratio <= 1.15, runs=len(m["raw_first_s"]),
            subset=f"fixed prompt ({m['prompt_tokens']} tokens); HFGenerator.stream to its first piece vs raw "
                   f"generate(max_new_tokens=1), same weights and torch threads ({m['raw_threads']}), "
                   f"interleaved; project/raw s: {pairs}", **common),
        row("time to first token, raw generate on torch's default threads (median)", round(default, 2), unit="s",
            runs=len(m["raw_default_threads_s"]),
            subset=f"same prompt and weights, {m['default_threads']} threads (the physical cores), interleaved with "
                   f"the two above; the project's median: {project:.2f} s", **common),
        row(f"time to complete a {MAX_NEW_TOKENS}-token answer (median)", round(total, 1), unit="s",
            target="≤ 14", met=total <= 14, runs=m["runs"],
            subset=f"fixed prompt ({m['prompt_tokens']} tokens, longer than the answers bench's), "
                   f"first token {m['first_token_s']:.1f} s + {MAX_NEW_TOKENS - 1} at {m['tokens_per_s']:.1f} tok/s",
            **common),
        row("peak RSS, default model", round(rss), unit="MB", target="≤ 2048", met=rss <= 2048, runs=1,
            subset="VmHWM of a fresh process: Python + torch + the default model and adapter + 3 answers", **common),
    ]
    if fp32 is not None:
        a, b = m["token_ids"], fp32["token_ids"]
        same = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        rows.append(row(f"greedy tokens, {m['dtype']} vs float32", f"{same}/{min(len(a), len(b))}", unit="tokens",
                        runs=1, subset="leading tokens (of the answer text) the two dtypes share on the fixed prompt",
                        **common))
    return rows


def faq_rows(ctx: Context) -> list[dict]:
    """answer_file over the sample FAQ with the default settings, on the india index; then again with one
    question drafted at a time (batch 1), and how many served answers the two runs share."""
    import csv

    from bench.answers import FAQ_FILE, faq_output, faq_row, india_index, make_assistant

    n = int(os.environ.get("BENCH_GENERATION_FAQ_ROWS", QUICK_FAQ_ROWS if ctx.quick else FAQ_ROWS))
    if not n:
        return []
    folder, index_label = india_index(ctx)
    assistant = make_assistant(DEFAULT_MODEL, "default", folder)
    assistant.similarity("warm")  # load verification's embedder before timing (the index's, already in memory)
    default = assistant.settings
    in_file = sum(1 for _ in open(FAQ_FILE, encoding="utf-8")) - 1
    rows, served = [], {}
    for batch in (default.batch, 1):
        assistant.settings = default.model_copy(update={"batch": batch})
        label = f"default settings ({default.engine}, {DEFAULT_MODEL}, batch {batch})"
        faq = faq_row(ctx, assistant, label, n)
        with open(faq_output(ctx, label), encoding="utf-8-sig") as answers:
            served[batch] = [r["answer"] for r in csv.DictReader(answers)]
        rate = faq["value"]
        faq.update(measure="FAQ throughput" if batch == default.batch else "FAQ throughput, one draft at a time",
                   target="≥ 10" if batch == default.batch else "", met=("yes" if rate >= 10 else "no")
                   if batch == default.batch else "", engine="torch",
                   subset=f"{faq['subset']} ({in_file} in the file); {index_label}")
        rows.append(faq)
    assistant.settings = default
    if default.batch != 1:
        same = sum(a == b for a, b in zip(served[default.batch], served[1]))
        rows.append(row(f"FAQ answers served alike, batch {default.batch} vs 1", f"{same}/{len(served[1])}",
                        unit="answers", runs=1, engine="torch", model=DEFAULT_MODEL,
                        subset="identical served text; drafts decoded together can differ where bf16 rounding "
                               "ties two tokens"))
    return rows


def run(ctx: Context) -> list[dict]:
    runs = 1 if ctx.quick else 3
    messages, qwen_tokens = fixed_prompt(ctx)
    prompt_file = ctx.scratch / "generation-prompt.json"
    prompt_file.write_text(json.dumps(messages, ensure_ascii=False, indent=1), encoding="utf-8")
    rows, measured = [], {}
    for name, dtype in CONFIGS:
        missing = available(name)
        if missing:
            rows.append(row("skipped: not installed", "n/a", runs=0, model=name, subset=missing))
            ctx.log(f"generation: {name} skipped: {missing}")
            continue
        ctx.log(f"generation: {name} {dtype}: fresh process, {runs} run(s)")
        measured[name, dtype] = run_child(name, dtype, prompt_file, runs)
        ctx.log(f"generation: {name} {dtype}: {json.dumps(measured[name, dtype])}")
        rows += model_rows(measured[name, dtype], qwen_tokens)
    if (DEFAULT_MODEL, "auto") in measured:
        rows = default_rows(measured[DEFAULT_MODEL, "auto"], measured.get((DEFAULT_MODEL, "float32"))) + rows
    return faq_rows(ctx) + rows


BENCHMARK = Benchmark(name="generation", title="Generation: time to first token, tokens/s, engine overhead, "
                      "peak RSS, FAQ throughput",
                      run=run, notes=__doc__.split("Run:")[0].split("\n", 2)[2])


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        _, _, model, dtype, prompt, n_runs, new_tokens = sys.argv
        print(json.dumps(measure_child(model, dtype, Path(prompt), int(n_runs), int(new_tokens))), flush=True)
    else:
        sys.exit("usage: python -m bench --only generation [--quick]  (this module's own CLI is the child)")
