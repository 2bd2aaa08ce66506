"""LoRA and P-tuning on the real SmolLM2-135M with four tiny English examples.

Run: pytest -m integration tests/integration/test_lora_smollm2.py  (about a minute on 2 cores)
"""
import json

import pytest
import torch

from assistant.errors import InputError
from assistant.evaluate.run import generate
from assistant.generate.hf import HFGenerator
from assistant.generate.loading import load_model
from assistant.settings import Settings
from assistant.train.corpus import make_passage
from assistant.train.data import Example
from assistant.train.lora import Recipe, fit, save_adapter, train, wrap_model
from assistant.types import Hit

COI = "Constitution of India"
ARTICLES = {
    "Art. 14": "The State shall not deny to any person equality before the law.",
    "Art. 21": "No person shall be deprived of his life or personal liberty except according to law.",
    "Art. 17": "Untouchability is abolished and its practice in any form is forbidden.",
}
QA = [
    ("Is untouchability legal?", "Art. 17", "No, it is abolished [{n}]."),
    ("Can the State take my liberty?", "Art. 21", "Only according to law [{n}]."),
    ("Am I equal before the law?", "Art. 14", "Yes, the State must treat you equally [{n}]."),
    ("Is the practice of untouchability allowed?", "Art. 17", "No, it is forbidden [{n}]."),
]


def tiny_examples() -> list[Example]:
    passages = {label: make_passage(f"{COI}, {label}", text, COI, (COI, label), language="en",
                                    jurisdiction="IN", doc_id="india:coi") for label, text in ARTICLES.items()}
    out = []
    for i, (question, label, answer) in enumerate(QA):
        hits = [Hit(p, 1.0) for p in passages.values()]
        n = list(passages).index(label) + 1
        out.append(Example(f"t{i}", question, "en", "answer", hits, answer.format(n=n), answer, [f"{COI}, {label}"]))
    return out


def recipe(method="lora", **kw) -> Recipe:
    base = dict(method=method, base="smollm2", r=4, alpha=8, dropout=0.0, lr=3e-3, warmup_steps=1, batch_size=2,
                grad_accum=1, max_steps=8, max_len=384, save_every=4, english_repeat=1, threads=2,
                num_virtual_tokens=4, encoder_hidden_size=32)
    base.update(kw)
    return Recipe(**base)


@pytest.fixture(scope="module")
def cache_dir():
    return Settings().cache_dir()


def logits(model, tokenizer):
    ids = tokenizer("Question: Is untouchability legal? Answer:", return_tensors="pt")
    with torch.no_grad():
        return model.eval()(**ids).logits


def test_lora_loss_falls_and_adapter_reloads_to_identical_logits(tmp_path, cache_dir):
    model, tokenizer, summary = fit(recipe(), tmp_path, examples=tiny_examples(), cache_dir=cache_dir)
    losses = summary["losses"]
    assert len(losses) == 8 and sum(losses[-2:]) / 2 < sum(losses[:2]) / 2
    adapter = save_adapter(model, recipe(), summary, tmp_path)
    assert (adapter / "adapter_model.safetensors").exists() and (adapter / "README.md").exists()
    reloaded, _ = load_model("smollm2", cache_dir, adapter=adapter)
    assert torch.allclose(logits(model, tokenizer), logits(reloaded, tokenizer), atol=1e-5)
    base, _ = load_model("smollm2", cache_dir)
    assert not torch.allclose(logits(base, tokenizer), logits(reloaded, tokenizer), atol=1e-3)
    # a scoped adapter (scope.json) answers its languages; the base model answers the others
    messages = tiny_examples()[0].messages()
    tuned_text, base_text = (generate(m, tokenizer, messages, 8)[0] for m in (reloaded, base))
    assert tuned_text != base_text
    for languages, expected in ((frozenset({"zh"}), base_text), (frozenset({"en"}), tuned_text)):
        scoped = HFGenerator(reloaded, tokenizer, "smollm2", str(adapter), languages)
        assert "".join(scoped.stream(messages, 8)).strip() == expected


def test_ptuning_runs_two_steps(tmp_path, cache_dir):
    adapter = train(recipe("ptuning", max_steps=2, lr=1e-2), tmp_path, examples=tiny_examples(), cache_dir=cache_dir)
    log = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2]
    assert json.loads((adapter / "adapter_config.json").read_text())["peft_type"] == "P_TUNING"
    reloaded, tokenizer = load_model("smollm2", cache_dir, adapter=adapter)
    assert torch.isfinite(logits(reloaded, tokenizer)).all()
    answer, _, new_tokens = generate(reloaded, tokenizer, tiny_examples()[0].messages(), 6)
    assert 1 <= new_tokens <= 6 and answer
    streamed = "".join(HFGenerator(reloaded, tokenizer, "smollm2").stream(tiny_examples()[0].messages(), 6))
    assert streamed.strip() == answer  # the app streams the same greedy tokens as eval generates


def test_resume_continues_the_step_count(tmp_path, cache_dir):
    train(recipe(max_steps=3, save_every=1), tmp_path, examples=tiny_examples(), cache_dir=cache_dir)
    _, _, summary = fit(recipe(max_steps=5, save_every=1), tmp_path, examples=tiny_examples(), cache_dir=cache_dir)
    steps = [json.loads(line)["step"] for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    assert summary["resumed_from"] == 3 and steps == [1, 2, 3, 4, 5]
    assert (tmp_path / "checkpoints" / "step-000005" / "state.pt").exists()


def test_second_stage_starts_from_the_first_stage_adapter(tmp_path, cache_dir):
    first = train(recipe(max_steps=2), tmp_path / "one", examples=tiny_examples(), cache_dir=cache_dir)
    trained, tokenizer = load_model("smollm2", cache_dir, adapter=first)
    base, _ = load_model("smollm2", cache_dir)
    second = wrap_model(base, recipe(init_adapter=str(first)))
    assert torch.allclose(logits(trained, tokenizer), logits(second, tokenizer), atol=1e-5)
    with pytest.raises(InputError, match="does not match"):
        wrap_model(load_model("smollm2", cache_dir)[0], recipe(r=8, init_adapter=str(first)))
    with pytest.raises(InputError, match="train the first stage"):
        wrap_model(load_model("smollm2", cache_dir)[0], recipe(init_adapter=str(tmp_path / "missing")))
