"""The shipped LoRA adapter on the real Qwen2.5-Coder-0.5B: it changes the base model, and through the
app's own prompt it cites a passage that answers and refuses when none does.

Run: pytest -m integration tests/integration/test_shipped_adapter.py  (first run dequantizes, ~1-2 min)
"""
import pytest
import torch

from assistant.citations import verify
from assistant.generate import resolve_adapter
from assistant.generate.hf import HFGenerator
from assistant.generate.loading import load_model
from assistant.prompts import REFUSAL, build_messages
from assistant.settings import Settings
from assistant.types import Hit
from tests.conftest import PASSAGES, make_passage

pytestmark = pytest.mark.integration

ENGLISH = [make_passage(*row) for row in PASSAGES if row[4] == "en"]


@pytest.fixture(scope="module")
def tuned():
    model, tokenizer = load_model("qwen-0.5b", Settings().cache_dir(), adapter=resolve_adapter("qwen-0.5b", "default"))
    return HFGenerator(model, tokenizer, "qwen-0.5b", adapter="default")


def hits(passages) -> list[Hit]:
    return [Hit(passage=p, score=1.0 / (i + 1), dense=0.6, rank=i + 1) for i, p in enumerate(passages)]


def answer(generator, question: str, shown) -> tuple[str, list[Hit]]:
    shown = hits(shown)
    return "".join(generator.stream(build_messages(question, shown), 96)), shown


def test_adapter_changes_the_base_models_logits(tuned):
    base, tokenizer = load_model("qwen-0.5b", Settings().cache_dir())
    ids = tokenizer("Question: What does Article 21 protect? Answer:", return_tensors="pt")
    with torch.no_grad():
        assert not torch.allclose(base(**ids).logits, tuned.model(**ids).logits, atol=1e-3)


def test_tuned_model_cites_the_passage_that_answers(tuned):
    text, shown = answer(tuned, "What does Article 21 of the Constitution protect?", ENGLISH)
    checked = verify(text, shown)
    assert not checked.refused, text
    assert any("Art. 21" in c.cite and not c.cite.endswith("21A") for c in checked.valid), text


def test_tuned_model_refuses_when_no_passage_answers(tuned):
    text, _ = answer(tuned, "What is the speed limit on national highways in India?", ENGLISH)
    assert text.strip() == REFUSAL, text
