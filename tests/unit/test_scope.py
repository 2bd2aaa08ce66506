import json

from assistant.generate import scope
from assistant.generate.hf import HFGenerator
from assistant.prompts import build_messages, question_of
from assistant.types import Hit, Passage


def test_an_adapter_is_scoped_to_the_languages_of_a_tenth_of_its_examples(tmp_path):
    assert scope.tuned_languages({"zh": 1133, "en": 36}) == ["zh"]
    assert scope.tuned_languages({"zh": 500, "en": 120}) == ["zh", "en"]
    assert scope.languages(tmp_path) is None and scope.languages(None) is None  # no scope.json: every language
    scope.write(tmp_path, {"zh": 90, "en": 10})
    assert scope.languages(tmp_path) == frozenset({"zh", "en"})
    assert json.loads((tmp_path / "scope.json").read_text())["training_examples"] == {"zh": 90, "en": 10}


def test_the_question_of_a_prompt_picks_the_adapter():
    passage = Passage(id="p", doc_id="d", text="第十条 用人单位应当订立书面劳动合同。", cite="劳动合同法 第十条", path=(),
                      kind="statute", jurisdiction="CN", language="zh", title="劳动合同法")
    english = build_messages("Must an employer sign a written contract?", [Hit(passage, 1.0)])
    chinese = build_messages("用人单位必须订立书面合同吗？", [Hit(passage, 1.0)])
    assert question_of(english) == "Must an employer sign a written contract?"  # not the Chinese passage
    scoped = HFGenerator(None, None, "qwen-0.5b", "adapters/qwen", frozenset({"zh"}))
    assert scoped.adapter_for(english) == "" and scoped.adapter_for(chinese) == "adapters/qwen"
    assert HFGenerator(None, None, "qwen-0.5b", "adapters/qwen").adapter_for(english) == "adapters/qwen"


def test_finalizing_a_run_writes_the_adapters_scope(tmp_path):
    from assistant.train.card import finalize

    run = tmp_path / "run"
    (run / "adapter").mkdir(parents=True)
    (run / "adapter" / "adapter_model.safetensors").write_bytes(b"weights")
    (run / "adapter" / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}))
    recipe = json.loads(open("assistant/train/recipes/lora-qwen-0.5b.json", encoding="utf-8").read())
    (run / "recipe.json").write_text(json.dumps(recipe))
    (run / "summary.json").write_text(json.dumps({"data": {"examples": 1169, "english": 36}}))
    finalize(run, tmp_path / "dest")
    assert scope.languages(tmp_path / "dest") == frozenset({"zh"})
    assert "scope.json" in (tmp_path / "dest" / "README.md").read_text()
