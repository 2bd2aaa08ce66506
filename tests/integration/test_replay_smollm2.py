"""Replay with the real SmolLM2 (greedy): two runs of the same record give the same answer bit for bit.

Run: pytest -m integration tests/integration/test_replay_smollm2.py
"""
import pytest

from assistant.pipeline import Assistant
from assistant.record import make_record, replay
from assistant.settings import Settings


class Recording:
    """Wraps a generator and keeps the raw text of each generation (the Answer may be a refusal)."""

    def __init__(self, generator):
        self.inner, self.name, self.adapter, self.outputs = generator, generator.name, generator.adapter, []

    def stream(self, messages, max_new_tokens):
        pieces = []
        for piece in self.inner.stream(messages, max_new_tokens):
            pieces.append(piece)
            yield piece
        self.outputs.append("".join(pieces))

    def adapter_for(self, messages):
        return self.inner.adapter_for(messages)


@pytest.fixture(scope="module")
def smol():
    from assistant.generate.hf import HFGenerator
    from assistant.generate.loading import load_model

    model, tokenizer = load_model("smollm2", Settings().cache_dir())
    return HFGenerator(model, tokenizer, "smollm2")


def test_two_greedy_replays_are_identical(tmp_index, smol):
    settings = Settings(home=tmp_index.parent, index=tmp_index.name, embedder="hashing", model="smollm2",
                        adapter="none", k=2, min_dense_score=0.0, max_new_tokens=24, audit_log=False)
    generator = Recording(smol)
    assistant = Assistant(settings, generator=generator)
    answer = assistant.ask("Can a person be deprived of personal liberty?")
    record = make_record(answer, settings, assistant.retriever.index.manifest)
    first, same_first = replay(record, assistant)
    second, same_second = replay(record, assistant)
    assert first.text == second.text == answer.text
    assert same_first and same_second and record["model"] == "smollm2"
    assert len(generator.outputs) == 3 and generator.outputs[0].strip()
    assert generator.outputs[0] == generator.outputs[1] == generator.outputs[2]  # raw greedy text, bit for bit
