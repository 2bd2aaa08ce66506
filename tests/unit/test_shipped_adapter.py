"""The shipped default adapter (assistant/adapters/qwen-0.5b/): small, a LoRA for the default base, found by
`--adapter default`, with a model card that gives its data, hyper-parameters and evaluation figures."""
import json

import pytest

from assistant.generate import ADAPTERS_DIR, resolve_adapter
from assistant.train.data import LECOQA
from assistant.train.lora import RECIPES, Recipe
from tests.conftest import make_manifest

SHIPPED = ADAPTERS_DIR / "qwen-0.5b"


def test_default_adapter_for_the_default_model_is_the_shipped_folder():
    assert resolve_adapter("qwen-0.5b", "default") == SHIPPED
    assert resolve_adapter("qwen-0.5b", "none") is None


def test_shipped_adapter_is_a_small_lora_made_by_the_committed_recipe():
    config = json.loads((SHIPPED / "adapter_config.json").read_text(encoding="utf-8"))
    recipe = Recipe.load(RECIPES / "lora-qwen-0.5b.json")
    assert config["peft_type"] == "LORA" and config["base_model_name_or_path"] == "qwen-0.5b"
    assert config["r"] == recipe.r and config["lora_alpha"] == recipe.alpha
    assert sorted(config["target_modules"]) == sorted(recipe.target_modules)
    assert (SHIPPED / "adapter_model.safetensors").stat().st_size < 10 * 2**20  # a few MB, fit for git


def test_model_card_reports_training_and_the_evaluation_against_zero_shot():
    card = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "## Training data" in card and "## Hyper-parameters" in card
    assert "Not evaluated yet" not in card
    assert "zero-shot" in card and "lora" in card and "rouge_l" in card.lower().replace("-", "_")


def test_ptuning_adapter_beside_it_is_made_by_its_committed_recipe():
    folder = ADAPTERS_DIR / "qwen-0.5b-ptuning"
    config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
    recipe = Recipe.load(RECIPES / "ptuning-qwen-0.5b.json")
    assert config["peft_type"] == "P_TUNING" and config["base_model_name_or_path"] == "qwen-0.5b"
    assert config["num_virtual_tokens"] == recipe.num_virtual_tokens
    assert config["encoder_hidden_size"] == recipe.encoder_hidden_size
    assert (folder / "adapter_model.safetensors").stat().st_size < 2**20


@pytest.mark.skipif(not LECOQA.exists(), reason="../shared/data/lecoqa-train is not here (it sits beside the repository, as on CI)")
def test_shipped_query_adapter_fits_e5_on_prc_indexes_and_never_saw_a_held_out_question():
    from types import SimpleNamespace

    from assistant.embed.query_adapter import SHIPPED as QUERY_ADAPTERS
    from assistant.embed.query_adapter import resolve
    from assistant.train.data import LECOQA, load_lecoqa
    from assistant.train.query_adapter import held_out, lecoqa_dev_ids

    e5 = SimpleNamespace(name="e5", dim=384)
    adapter = resolve("auto", e5, make_manifest(language="zh", sources=["prc"]))
    assert adapter is not None and adapter.folder == QUERY_ADAPTERS / "e5-lecoqa-query"
    for sources in (["taiwan"], ["prc", "/home/firm/rulings"], []):  # it cost taiwan a ruling; folders: unmeasured
        assert resolve("auto", e5, make_manifest(language="zh", sources=sources)) is None
    assert resolve("auto", e5, make_manifest(language="ko")) is None
    assert resolve("auto", e5, make_manifest(language="en")) is None
    assert adapter.delta.shape == (384, 384) and (adapter.folder / "adapter.npy").stat().st_size < 2**20
    trained = set(adapter.card["data"]["training_query_ids"])
    dev = lecoqa_dev_ids(LECOQA)
    assert len(trained) == adapter.card["data"]["questions"] > 300
    assert not any(held_out(q, dev) for q in trained)
    assert trained <= {r["query_id"] for r in load_lecoqa(LECOQA)}
    from assistant.train.query_adapter import FUSION_GRID

    tuned = adapter.card["fusion"]  # chosen out of fold on those training questions
    assert adapter.fusion == {"lexical_weight": tuned["lexical_weight"], "rrf_k": tuned["rrf_k"]}
    assert tuned["lexical_weight"] in FUSION_GRID["lexical_weight"] and tuned["rrf_k"] in FUSION_GRID["rrf_k"]
    assert tuned["recall@10"] >= tuned["recall@10 at the defaults"]
