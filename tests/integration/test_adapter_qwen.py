"""The shipped LoRA adapter on the real Qwen2.5-Coder-0.5B, through the app's own prompt: it changes the
base model, it marks the passage that answers a Chinese question with [n] (what it was tuned on), and
when it invents an answer to a question no passage covers, the pipeline's checks still refuse.

Run: pytest -m integration tests/integration/test_adapter_qwen.py  (first run dequantizes, ~1-2 min)
"""
import pytest
import torch

from assistant.generate import resolve_adapter
from assistant.generate.hf import HFGenerator
from assistant.generate.loading import load_model
from assistant.pipeline import Assistant
from assistant.prompts import build_messages
from assistant.settings import Settings
from assistant.text import parse_markers
from assistant.types import Hit
from tests.conftest import PASSAGES, make_passage


def hits(language: str) -> list[Hit]:
    shown = [make_passage(*row) for row in PASSAGES if row[4] == language]
    return [Hit(passage=p, score=1.0 / (i + 1), dense=0.6, rank=i + 1) for i, p in enumerate(shown)]


@pytest.fixture(scope="module")
def tuned():
    """As the app serves it: the CPU's dtype (bf16 where it has bf16 instructions), adapter scoped by scope.json."""
    return HFGenerator.load("qwen-0.5b", Settings().cache_dir(), resolve_adapter("qwen-0.5b", "default"))


def test_adapter_changes_the_base_models_logits(tuned):
    base, tokenizer = load_model("qwen-0.5b", Settings().cache_dir(), dtype=str(tuned.model.dtype).removeprefix("torch."))
    ids = tokenizer("Question: What does Article 21 protect? Answer:", return_tensors="pt")
    with torch.no_grad():
        assert not torch.allclose(base(**ids).logits, tuned.model(**ids).logits, atol=1e-3)


def test_tuned_model_marks_the_passage_that_answers(tuned):
    shown = hits("zh")
    text = "".join(tuned.stream(build_messages("公司招了员工，一定要签书面劳动合同吗？", shown), 64))
    cited = {shown[n - 1].passage.cite for n in parse_markers(text) if 1 <= n <= len(shown)}
    assert any(c.endswith("第十条") for c in cited), text  # 第十条: a written contract is required


def test_pipeline_refuses_what_no_passage_covers_even_if_the_model_answers(tuned):
    settings = Settings(model="qwen-0.5b", audit_log=False, max_new_tokens=48)
    answer = Assistant(settings, generator=tuned).ask("What is the speed limit on national highways in India?",
                                                      hits=hits("en"))
    assert answer.refused and not answer.citations, answer.text
