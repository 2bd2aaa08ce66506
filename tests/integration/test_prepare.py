"""Set-up prepares the default model's converted copy, so that the first answer waits for no conversion."""

from pathlib import Path

from assistant.generate.__main__ import prepare
from assistant.settings import Settings


def test_prepare_converts_once_then_returns_the_cached_folder(tmp_path):
    settings = Settings(home=tmp_path, model="smollm2", adapter="none")
    folder = prepare(settings)
    assert folder.startswith(str(tmp_path / ".cache" / "models" / "smollm2")), folder
    assert (Path(folder) / "config.json").exists()  # the dequantized copy, in the answering dtype
    written = sorted(p.name for p in (tmp_path / ".cache" / "models").iterdir())
    assert written == [Path(folder).name], written  # no fp32 copy beside a bf16 one (1.9 GB for qwen-0.5b)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / ".cache" / "models").rglob("*.safetensors")}
    assert prepare(settings) == folder and before  # a second run finds it and writes nothing
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / ".cache" / "models").rglob("*.safetensors")} == before


def test_prepare_reports_a_model_that_is_not_installed(tmp_path, monkeypatch):
    from assistant.errors import ModelMissing
    from assistant.generate import loading

    def missing(name, cache_dir=None):
        raise ModelMissing(f"Model {name!r} is not installed.")

    monkeypatch.setattr(loading, "gguf_path", missing)
    assert prepare(Settings(home=tmp_path, model="qwen-1.5b")).startswith("skipped: Model 'qwen-1.5b'")
