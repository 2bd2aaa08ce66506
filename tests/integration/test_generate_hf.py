"""The local HF backend on the real SmolLM2 GGUF (tiny): cache folder, streaming, greedy determinism.

Run: pytest -m integration tests/integration/test_generate_hf.py  (first run dequantizes, ~20 s)
"""
import pytest

from assistant.generate import loading
from assistant.generate.hf import HFGenerator
from assistant.generate.loading import load_model, model_folder
from assistant.settings import Settings

MESSAGES = [
    {"role": "system", "content": "Answer in one short sentence."},
    {"role": "user", "content": "[1] Constitution of India, Art. 21\nNo person shall be deprived of his life or "
                                "personal liberty except according to procedure established by law.\n\n"
                                "Question: What does Article 21 protect?"},
]


@pytest.fixture(scope="module")
def cache_dir():
    return Settings().cache_dir()


@pytest.fixture(scope="module")
def smol(cache_dir):
    model, tokenizer = load_model("smollm2", cache_dir)
    return HFGenerator(model, tokenizer, "smollm2")


def test_generation_streams_tokens(smol):
    pieces = list(smol.stream(MESSAGES, 12))
    assert 1 <= len(pieces) <= 12 and "".join(pieces).strip()


def test_greedy_output_is_deterministic(smol):
    assert "".join(smol.stream(MESSAGES, 16)) == "".join(smol.stream(MESSAGES, 16))


def test_closing_the_stream_early_is_clean(smol):
    stream = smol.stream(MESSAGES, 64)
    next(stream)
    stream.close()
    assert "".join(smol.stream(MESSAGES, 4))


def test_cached_folder_reloads_without_dequantizing(smol, cache_dir, monkeypatch):
    folder = model_folder("smollm2", cache_dir)
    assert (folder / "config.json").exists() and (folder / "tokenizer_config.json").exists()
    written = {path: path.stat().st_mtime_ns for path in folder.iterdir()}

    def dequantize(*args):
        raise AssertionError("the cached folder should be loaded, not the GGUF dequantized again")

    monkeypatch.setattr(loading, "_dequantize", dequantize)
    model, tokenizer = load_model("smollm2", cache_dir)
    assert not model.training
    assert {path: path.stat().st_mtime_ns for path in folder.iterdir()} == written  # nothing rewritten
    assert tokenizer.apply_chat_template(MESSAGES, tokenize=False, add_generation_prompt=True)


def test_load_answers_in_the_cpus_dtype_warmed_up(cache_dir, monkeypatch):
    calls = []
    monkeypatch.setattr(HFGenerator, "warm_up", lambda self: calls.append(self.name))
    gen, dtype = HFGenerator.load("smollm2", cache_dir), loading.answering_dtype()
    assert str(gen.model.dtype) == f"torch.{dtype}" and calls == ["smollm2"]
    # read from a copy saved in that dtype, not cast from the fp32 files at every load (peak memory)
    assert gen.model.name_or_path == str(model_folder("smollm2", cache_dir, dtype))
    assert dtype == "float32" or gen.model.name_or_path.endswith(f"smollm2-{dtype}")
    assert str(HFGenerator.load("smollm2", cache_dir, dtype="float32").model.dtype) == "torch.float32"


def test_the_output_layer_gets_its_input_with_fresh_strides(cache_dir):
    import torch

    gen, seen = HFGenerator.load("smollm2", cache_dir), []
    gen.model.get_output_embeddings().register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    list(gen.stream(MESSAGES, 2))  # the prompt's last position, then one generated token
    assert seen and all(x.stride() == torch.empty(x.shape).stride() for x in seen)


def test_bf16_keeps_the_fp32_answer_on_a_short_prompt(smol, cache_dir):
    bf16 = HFGenerator.load("smollm2", cache_dir, dtype="bfloat16")
    # the first tokens agree; later ones may part where two candidates are within bf16 rounding of each other,
    # and where depends on the CPU's kernels (on an AMD EPYC, token 8: "fundamental right" against "... human")
    assert "".join(bf16.stream(MESSAGES, 6)) == "".join(smol.stream(MESSAGES, 6))



def test_drafts_decoded_together_match_lone_answers(smol):
    """Two prompts of different lengths (the shorter padded on the left) decoded in one batch give each the
    tokens it gets alone, and the count tells a cut draft (all 16 tokens) from one that ended."""
    other = [MESSAGES[0], {"role": "user", "content": "Say yes."}]
    alone = [list(smol.stream(m, 16)) for m in (MESSAGES, other)]
    together = smol.draft_many([MESSAGES, other], 16)
    assert [d.text for d in together] == ["".join(p) for p in alone]
    assert [d.tokens for d in together] == [len(p) for p in alone]


QUOTE_TEXTS = ["Art. 21 Protection of life and personal liberty\nNo person shall be deprived of his life or personal "
               "liberty except according to procedure established by law.",
               "Art. 14 Equality before law\n(1) The State shall not deny to any person equality before the law."]


def quote_prompt() -> list[dict]:
    """A question over two headed articles: what quote-only decoding may copy from (the bodies only)."""
    from assistant.prompts import build_messages
    from assistant.types import Hit
    from tests.conftest import make_passage

    hits = [Hit(make_passage("in/coi", i, f"Art. {n}", t), 1.0) for i, (n, t) in enumerate(zip((21, 14), QUOTE_TEXTS), 1)]
    return build_messages("Can the State take a person's life?", hits)


def test_quote_only_drafts_are_runs_of_one_passage(smol):
    texts, messages = QUOTE_TEXTS, quote_prompt()
    quoting = HFGenerator(smol.model, smol.tokenizer, "smollm2", quotes=True)
    streamed = "".join(quoting.stream(messages, 24)).strip()
    drafted = quoting.draft_many([messages, messages], 24)[0].text.strip()
    assert streamed and any(streamed in t for t in texts), streamed
    assert drafted and any(drafted in t for t in texts), drafted
    assert not any(w in streamed + drafted for w in ("Protection", "Equality")), "a heading is never quoted"
    free = "".join(smol.stream(messages, 24)).strip()  # quotes off: the model's own words
    assert not any(free in t for t in texts), free
