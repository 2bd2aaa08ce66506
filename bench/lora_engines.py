"""LoRA on both engines: the shipped qwen-0.5b adapter under llama.cpp (converted to a LoRA GGUF, as
`--engine llamacpp` runs it) against the same adapter under peft on torch (the default engine), greedy.

Prompts: the first 4 questions (quick: 1) of corpus/faq/sample_faq.csv over the india index, and the first 4
prc questions of the faithful bench's dev split over its prc index (bench/faithful.py), each with its top 5
hits (`build_messages`, as an answer is asked). The adapter is on for every prompt: its scope (Chinese
questions only) is set aside, since this measures the engines, not the scope. 48 new tokens at most;
llama.cpp's text is tokenised with the model's tokenizer, as tests/integration/test_generate_llamacpp.py does.
Agreement = leading tokens the two answers share, summed over the prompts, of the shorter answer's tokens;
and the answers that are identical. The two differ by arithmetic: llama.cpp multiplies by the quantized GGUF
weights, torch by their dequantized bf16 copy, so a near tie between two tokens can break either way.

Run:  .venv/bin/python -m bench --only lora-engines [--quick]
"""
from __future__ import annotations

import csv

from bench import Benchmark, Context, row

MODEL = "qwen-0.5b"
QUESTIONS, QUICK_QUESTIONS = 4, 1  # per language
NEW_TOKENS = 48


def prompts(ctx: Context, n: int) -> list[list[dict]]:
    """`n` English questions over the india index and `n` Chinese ones over the faithful bench's prc index."""
    from assistant.embed import get_embedder
    from assistant.index import open_index
    from assistant.prompts import build_messages
    from assistant.retrieve import configured
    from assistant.settings import Settings
    from bench.answers import FAQ_FILE, india_index
    from bench.faithful import load_questions, pack_index

    with open(FAQ_FILE, encoding="utf-8") as f:
        english = [r["question"] for r in csv.DictReader(f)][:n]
    chinese = [q["question"] for q in load_questions() if q["pack"] == "prc" and q["split"] == "dev"][:n]
    batch = []
    for folder, questions in ((india_index(ctx)[0], english), (pack_index(ctx, "prc") / "prc", chinese)):
        index = open_index(folder)
        retriever = configured(index, get_embedder(index.manifest.embedder), Settings())
        batch += [build_messages(q, hits) for q, hits in zip(questions, retriever.search_many(questions))]
    return batch


def shared_lead(a: list[int], b: list[int]) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def run(ctx: Context) -> list[dict]:
    from assistant.generate import resolve_adapter
    from assistant.generate.hf import HFGenerator
    from assistant.generate.llamacpp import LlamaCppGenerator
    from assistant.settings import Settings

    batch = prompts(ctx, QUICK_QUESTIONS if ctx.quick else QUESTIONS)
    adapter, cache = resolve_adapter(MODEL, "default"), Settings().cache_dir()
    torch_gen = HFGenerator.load(MODEL, cache, adapter)
    torch_gen.languages = None  # the adapter answers every prompt, on both engines
    tokenizer = torch_gen.tokenizer
    texts = {"torch": ["".join(torch_gen.stream(m, NEW_TOKENS)) for m in batch]}
    del torch_gen
    llama = LlamaCppGenerator.load(MODEL, cache, adapter)
    llama.languages = None
    texts["llamacpp"] = ["".join(llama.stream(m, NEW_TOKENS)) for m in batch]
    ctx.log(f"lora-engines: {texts}")
    ids = {e: [tokenizer(t, add_special_tokens=False)["input_ids"] for t in ts] for e, ts in texts.items()}
    pairs = list(zip(ids["torch"], ids["llamacpp"]))
    lead = sum(shared_lead(a, b) for a, b in pairs)
    shorter = sum(min(len(a), len(b)) for a, b in pairs)
    same = sum(a == b for a, b in pairs)
    common = {"model": MODEL, "adapter": "shipped (assistant/adapters/qwen-0.5b), on for every prompt",
              "subset": f"{len(batch) // 2} English questions over india, {len(batch) // 2} Chinese over prc, "
                        f"{NEW_TOKENS} greedy tokens at most"}
    return [row("LoRA under llama.cpp vs peft under torch, greedy token agreement", f"{lead}/{shorter}",
                unit="leading tokens", runs=len(batch), **common),
            row("LoRA under llama.cpp vs peft under torch, identical answers", f"{same}/{len(batch)}",
                unit="answers", runs=len(batch), **common)]


BENCHMARK = Benchmark(name="lora-engines", title="LoRA adapter: llama.cpp against peft on torch, greedy agreement",
                      run=run, notes=__doc__.split("Run:")[0].split("\n", 2)[2])
