"""Reproducible answer records: make a record, replay it bit for bit, and fail clearly when its index version is gone."""
import json

import pytest

from assistant.errors import IndexError_
from assistant.generate.scripted import ScriptedGenerator
from assistant.pipeline import Assistant
from assistant.record import adapter_hash, load_record, make_record, prompt_hash, replay, save_record
from assistant.settings import Settings
from assistant.types import Filters

QUESTION = "Can a person be deprived of personal liberty?"


def reply(messages):
    return messages[-1]["content"].split("\n", 2)[2].split(".")[0] + " [1]."


@pytest.fixture
def assistant(tmp_index):
    settings = Settings(home=tmp_index.parent, index=tmp_index.name, embedder="hashing", k=3, min_dense_score=0.0,
                        audit_log=False, max_new_tokens=64)
    return Assistant(settings, generator=ScriptedGenerator(reply))


def recorded(assistant, filters=None):
    answer = assistant.ask(QUESTION, filters=filters)
    messages = assistant.generator.calls[-1]
    return answer, make_record(answer, assistant.settings, assistant.retriever.index.manifest, messages,
                               {"temperature": 0}, filters=filters)


def test_record_fields(assistant, tmp_path):
    answer, rec = recorded(assistant)
    assert rec["index"]["version"] == "v000001" and rec["embedder"] == "hashing" and rec["model"] == "scripted"
    assert rec["engine"] == assistant.settings.engine == "torch"
    llama = assistant.settings.model_copy(update={"engine": "llamacpp"})
    assert make_record(answer, llama, assistant.retriever.index.manifest, [])["engine"] == "llamacpp"
    assert rec["generation"] == {"greedy": True, "do_sample": False, "max_new_tokens": 64, "temperature": 0}
    assert [p["id"] for p in rec["passages"]] == [h.passage.id for h in answer.hits]
    assert rec["prompt_sha256"] == prompt_hash(assistant.generator.calls[-1]) and rec["adapter_sha256"] is None
    assert load_record(save_record(tmp_path / "r.json", rec)) == json.loads(json.dumps(rec))


def test_replay_is_identical(assistant):
    answer, rec = recorded(assistant, Filters(jurisdiction=("IN",)))
    again, identical = replay(json.loads(json.dumps(rec)), Assistant(assistant.settings, generator=ScriptedGenerator(reply)))
    assert identical and again.text == answer.text


def test_replay_detects_a_different_answer(assistant):
    _, rec = recorded(assistant)
    _, identical = replay(rec, Assistant(assistant.settings, generator=ScriptedGenerator("Something else [1].")))
    assert not identical


def test_replay_uses_the_recorded_version_after_an_update(assistant, tmp_index, tiny_passages, hashing_embedder):
    from assistant.index import update_index

    answer, rec = recorded(assistant)
    update_index(tmp_index, tiny_passages[:3], hashing_embedder)  # v000002 is live now
    again, identical = replay(rec, Assistant(assistant.settings, generator=ScriptedGenerator(reply)))
    assert identical and [h.passage.id for h in again.hits] == [h.passage.id for h in answer.hits]


def test_replay_fails_clearly_when_the_version_is_gone(assistant):
    _, rec = recorded(assistant)
    rec["index"]["version"] = "v000099"
    with pytest.raises(IndexError_, match="v000099 .* no longer exists .*versions kept: v000001"):
        replay(rec, assistant)


def test_adapter_hash_covers_file_names_and_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "adapter_config.json").write_text("{}")
    first = adapter_hash(tmp_path / "a")
    (tmp_path / "a" / "adapter_model.safetensors").write_bytes(b"\0\1")
    assert first and adapter_hash(tmp_path / "a") != first and adapter_hash(None) is None
