"""Generation: time to first token, decode tokens/s, load time and peak memory of each local model.

Every model is measured in its own fresh Python process (`python -m bench.generation --child`), so its
peak RSS (VmHWM from /proc/self/status: torch, transformers, the model and generation) is that
model's alone. In the child: torch and transformers are imported, then `load_model` reads the
cached dequantized folder (index/.cache/models/<name>/) — that is the load time; then one untimed
warm-up generation of 2 tokens, then the fixed answering prompt is streamed through `HFGenerator.stream`
(greedy, exactly 64 new tokens: end-of-sequence is held back with min_new_tokens) 3 times (quick: once).
Time to first token = from the call to the first piece (chat template, tokenisation and the prompt's
forward pass); decode tokens/s = (pieces - 1) / (time after the first piece). Medians over the runs.

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

MODELS = ("smollm2", "qwen-0.5b", "qwen-1.5b")
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
    hits = Retriever(index, get_embedder(index.manifest["embedder"]), Settings(k=20)).search(QUESTION, k=20)
    best = None
    for n in range(1, len(hits) + 1):
        messages = build_messages(QUESTION, hits[:n])
        tokens = count_tokens(messages)
        if best is None or abs(tokens - TARGET_TOKENS) < abs(best[1] - TARGET_TOKENS):
            best = (messages, tokens)
        if tokens >= TARGET_TOKENS:
            break
    return best


def measure_child(name: str, prompt_file: Path, runs: int, max_new_tokens: int) -> dict:
    """Inside the fresh process: load from the cache, warm up, time `runs` streams of the prompt."""
    import statistics
    import time

    import torch  # noqa: F401  (imported before the load is timed)
    import transformers  # noqa: F401

    from assistant.generate.hf import HFGenerator
    from assistant.generate.loading import model_folder

    messages = json.loads(prompt_file.read_text(encoding="utf-8"))
    cached = (cache_dir() / "models" / name / "config.json").exists()
    model_folder(name, cache_dir())  # dequantize once if not cached (untimed; then RSS includes it)
    started = time.perf_counter()
    gen = HFGenerator.load(name, cache_dir())
    load_s = time.perf_counter() - started
    list(gen.stream([{"role": "user", "content": "Hello"}], 2))  # warm-up
    gen.model.generation_config.min_new_tokens = max_new_tokens  # no early end: every run decodes the same count
    prompt_tokens = int(gen._inputs(messages)["input_ids"].shape[-1])
    first, speed, pieces = [], [], []
    for _ in range(runs):
        began, first_at, n = time.perf_counter(), None, 0
        for _piece in gen.stream(messages, max_new_tokens):
            first_at = first_at if first_at is not None else time.perf_counter()
            n += 1
        end = time.perf_counter()
        first.append(first_at - began)
        speed.append((n - 1) / (end - first_at) if n > 1 and end > first_at else 0.0)
        pieces.append(n)
    return {"model": name, "cached": cached, "load_s": load_s, "first_token_s": statistics.median(first),
            "tokens_per_s": statistics.median(speed), "new_tokens": pieces, "prompt_tokens": prompt_tokens,
            "runs": runs, "peak_rss_mb": peak_rss_mb(),
            "torch_threads": __import__("torch").get_num_threads()}


def peak_rss_mb() -> float:
    """This process's own peak resident set (VmHWM). Not ru_maxrss: Linux carries the parent's peak into a
    child across fork + exec, so after other sections a child reported the whole bench's peak."""
    line = next(ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def run_child(name: str, prompt_file: Path, runs: int, timeout: float = 1500) -> dict:
    cmd = [sys.executable, "-m", "bench.generation", "--child", name, str(prompt_file), str(runs), str(MAX_NEW_TOKENS)]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "TRANSFORMERS_VERBOSITY": "error",
           "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    done = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"generation child for {name} failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(lines[-1])


def model_rows(m: dict, qwen_tokens: int) -> list[dict]:
    subset = (f"fixed answering prompt: {m['prompt_tokens']} tokens for this model ({qwen_tokens} qwen tokens), "
              f"{MAX_NEW_TOKENS} new tokens (got {m['new_tokens']}), greedy; fresh process")
    common = {"subset": subset, "model": m["model"]}
    return [
        row("time to first token (median)", round(m["first_token_s"], 2), unit="s", runs=m["runs"], **common),
        row("decode speed (median)", round(m["tokens_per_s"], 1), unit="tokens/s", runs=m["runs"], **common),
        row("load time from the cache", round(m["load_s"], 1), unit="s", runs=1,
            **{**common, "subset": "load_model of index/.cache/models/<name>/ (torch imported before)"
               + ("" if m["cached"] else "; NOT cached before this run: dequantized first, untimed")}),
        row("peak RSS of the process", round(m["peak_rss_mb"]), unit="MB", runs=1,
            **{**common, "subset": "VmHWM of the child: Python + torch + model + the generations above"}),
    ]


def run(ctx: Context) -> list[dict]:
    runs = 1 if ctx.quick else 3
    messages, qwen_tokens = fixed_prompt(ctx)
    prompt_file = ctx.scratch / "generation-prompt.json"
    prompt_file.write_text(json.dumps(messages, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = []
    for name in MODELS:
        missing = available(name)
        if missing:
            rows.append(row("skipped: not installed", "n/a", runs=0, model=name, subset=missing))
            ctx.log(f"generation: {name} skipped: {missing}")
            continue
        ctx.log(f"generation: {name}: fresh process, {runs} run(s)")
        measured = run_child(name, prompt_file, runs)
        ctx.log(f"generation: {name}: {json.dumps(measured)}")
        rows += model_rows(measured, qwen_tokens)
    return rows


BENCHMARK = Benchmark(name="generation", title="Generation: time to first token, tokens/s, load time, peak RSS",
                      run=run, notes=__doc__.split("Run:")[0].split("\n", 2)[2])


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        _, _, model, prompt, n_runs, new_tokens = sys.argv
        print(json.dumps(measure_child(model, Path(prompt), int(n_runs), int(new_tokens))), flush=True)
    else:
        sys.exit("usage: python -m bench --only generation [--quick]  (this module's own CLI is the child)")
